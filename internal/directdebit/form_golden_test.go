package directdebit

import (
	"testing"
	"time"

	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc/pdfdoctest"
)

// The mandate form, in both languages and both kinds, says what the
// rulebook asks (DOMAIN §5.2); go test -update-golden rewrites testdata/.
func TestMandateFormGolden(t *testing.T) {
	base := formSheet{Kind: Recurrent, CreditorName: "Alpha Vastgoed B.V.", CreditorAddress: "Oudegracht 1\n3511 AA Utrecht",
		CreditorID: "NL51ZZZ405365330000", Reference: "HMS-2025-0001-1", LeaseReference: "2025-0001",
		Units: "Lindelaan 3, 3521 CD Utrecht", DebtorName: "Z. de Vries-Ünal", IBAN: "NL20INGB0001234567", Place: "Utrecht",
		SignedOn: civil.MustParse("2024-12-01"), Created: time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)}
	for _, c := range []struct {
		name string
		lang string
		kind Kind
	}{{"mandate-recurrent-nl", "nl", Recurrent}, {"mandate-one-off-nl", "nl", OneOff}, {"mandate-recurrent-en", "en", Recurrent}} {
		sh := base
		sh.Lang, sh.Kind = c.lang, c.kind
		pdf, err := renderForm(sh)
		if err != nil {
			t.Fatal(err)
		}
		pdfdoctest.Golden(t, c.name, pdf)
	}
	// A blank form: lines to fill in.
	blank := base
	blank.Lang, blank.DebtorName, blank.IBAN, blank.Place, blank.SignedOn = "nl", "", "", "", civil.Date{}
	pdf, err := renderForm(blank)
	if err != nil {
		t.Fatal(err)
	}
	pdfdoctest.Golden(t, "mandate-blank-nl", pdf)
}
