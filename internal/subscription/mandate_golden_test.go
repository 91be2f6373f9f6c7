package subscription

import (
	"testing"
	"time"

	"hms/internal/platform/pdfdoc/pdfdoctest"
)

// HMS's own mandate, signed online, in both languages; go test
// -update-golden rewrites testdata/.
func TestMandateGolden(t *testing.T) {
	for _, lang := range []string{"nl", "en"} {
		pdf, err := renderMandate(mandateSheet{Lang: lang, CreditorName: "HMS Huurbeheer B.V.", CreditorID: "NL51ZZZ405365330000",
			Reference: "HMS-000001-20270614-SDPP", DebtorName: "Vastgoed Alfa B.V.", Address: "Stationsplein 1, 3511 ED Utrecht",
			IBAN: "NL91ABNA0417164300", BIC: "ABNANL2A", SignedAt: time.Date(2027, 6, 14, 10, 0, 0, 0, time.UTC),
			Created: time.Date(2027, 6, 14, 10, 5, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		pdfdoctest.Golden(t, "hms-mandate-"+lang, pdf)
	}
}
