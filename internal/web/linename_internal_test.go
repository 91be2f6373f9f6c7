package web

import "testing"

// A refund's ledger line ("payout|<category>|<label>") reads as words, with
// its day in words: never the line's code or an ISO date.
func TestLineNameOfRefunds(t *testing.T) {
	tr := map[string]string{"lease.component.payout": "Terugbetaling",
		"lease.component.payout_overpayment": "Terugbetaling van te veel betaald bedrag",
		"lease.component.payout_settlement":  "Terugbetaling afrekening servicekosten", "lease.component.bare_rent": "Kale huur"}
	f := financeFmt{leaseFmt: leaseFmt{"nl"}, tr: func(id string) string { return tr[id] }}
	for line, want := range map[string]string{
		"payout|overpayment|2026-10-14": "Terugbetaling van te veel betaald bedrag (14 oktober 2026)",
		"payout|settlement|2025":        "Terugbetaling afrekening servicekosten 2025",
		"payout||iets":                  "Terugbetaling: iets",
		"bare_rent":                     "Kale huur",
	} {
		if got := f.LineName(line); got != want {
			t.Errorf("LineName(%q) = %q, want %q", line, got, want)
		}
	}
}
