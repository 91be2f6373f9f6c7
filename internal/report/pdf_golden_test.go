package report_test

import (
	"bytes"
	"strings"
	"testing"

	"hms/internal/platform/civil"
	"hms/internal/platform/csvfile"
	"hms/internal/platform/pdfdoc/pdfdoctest"
	"hms/internal/report"
)

// Each report's PDF says what its golden text says, in both languages (A4
// landscape, the head, the rows, the totals and the rule), and its CSV has
// the same rows with plain amounts and ISO dates.
func TestReportDocuments(t *testing.T) {
	each(t, func(t *testing.T, b *books) {
		params := map[report.Name]report.Params{
			report.RentRoll: {On: d("2026-02-15")},
			report.Arrears:  {},
			report.Vacancy:  {From: d("2026-01-01"), To: d("2026-03-15")},
			report.Income:   {FromMonth: civil.Month{Year: 2026, Month: 1}, ToMonth: civil.Month{Year: 2026, Month: 3}},
			report.Deposits: {On: d("2026-01-05"), ComplexID: b.linden},
		}
		for _, n := range report.Names {
			r := b.make(t, b.Owner, n, params[n])
			for _, lang := range []string{"nl", "en"} {
				pdf, err := r.PDF(lang)
				if err != nil {
					t.Fatal(err)
				}
				pdfdoctest.Golden(t, n.Key()+"_"+lang, pdf)
			}
		}

		r := b.make(t, b.Owner, report.RentRoll, params[report.RentRoll])
		header, rows := r.CSV("nl")
		var buf bytes.Buffer
		if err := csvfile.Write(&buf, header, rows); err != nil {
			t.Fatal(err)
		}
		want := strings.Join([]string{
			"\ufeffAdres;Complex;Huurder(s);Contract;Ingang;Kale huur;Servicekosten;Overig;Totaal per maand;Waarborgsom",
			b.lindelaan1 + ";De Linden;M. Jansen;" + b.refs[b.l1] + ";2025-01-01;800,00;50,00;25,00;875,00;1.600,00",
			b.lind2 + ";De Linden;S. Visser;" + b.refs[b.l2] + ";2026-02-01;750,00;0,00;0,00;750,00;0,00",
			"Lindelaan 3, 3521 CD Utrecht;De Linden;Leegstand;;;;;;;",
			b.hofweg1 + ";Het Hof;P. Boer;" + b.refs[b.l3] + ";2025-06-01;1.000,00;0,00;0,00;1.000,00;2.000,00",
			"Totaal;4 eenheden, 1 leeg;;;;2.550,00;50,00;25,00;2.625,00;3.600,00",
		}, "\n") + "\n"
		if got := buf.String(); got != want {
			t.Fatalf("CSV\n got %q\nwant %q", got, want)
		}
		if r.FileName("nl", "csv") != "huurlijst-2026-02-15.csv" || r.FileName("en", "pdf") != "rent-roll-2026-02-15.pdf" {
			t.Fatalf("file names %s %s", r.FileName("nl", "csv"), r.FileName("en", "pdf"))
		}
	})
}
