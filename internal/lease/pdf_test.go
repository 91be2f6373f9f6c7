package lease

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
)

// pdfText extracts the text of a PDF with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("HMS_TEST_REQUIRE") == "all" {
			t.Fatal("pdftotext (poppler-utils) is required")
		}
		t.Skip("pdftotext not installed")
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Join wrapped lines so phrases can be searched whole.
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestRenderTenantInformation(t *testing.T) {
	d := civil.MustParse
	l := &Lease{Reference: "2026-0007", Kind: Residential, Start: d("2026-04-01"), NoticeMonthsTenant: 1, DueDay: 1,
		BillingFrequency: Monthly, PaymentMethod: DirectDebit, DepositCents: 123456}
	st := DefaultSettings()
	st.LandlordName = "Woonstichting Zuiderhuis"
	st.LandlordPhone = "030 123 45 67"
	st.Meldpunt = "Meldpunt Goed Verhuurderschap Utrecht, 14 030"
	pdf, err := renderTenantInformation(infoSheet{Lease: l,
		Tenants: []Party{{Name: "Anneke Çelik-Jansen", Address: "Oudegracht 12, 3511 AB Utrecht"}, {Name: "Bram de Wit"}},
		Units:   []Unit{{Address: "Lindelaan 4 bis, 3521 CD Utrecht"}},
		Components: []Component{{Kind: BareRent, AmountCents: 61728, ValidFrom: d("2026-04-01")},
			{Kind: ServiceCosts, Category: "schoonmaak", AmountCents: 2500, ValidFrom: d("2026-04-01")}},
		PriceDate: d("2026-04-01"), Settings: st, Created: time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{
		"Informatie voor de huurder", "Anneke Çelik-Jansen", "Oudegracht 12, 3511 AB Utrecht", "Bram de Wit", "hoofdelijk",
		"Lindelaan 4 bis, 3521 CD Utrecht", "1 april 2026", "onbepaalde tijd", "Woonstichting Zuiderhuis", "030 123 45 67",
		money.Format(123456, "nl"), "€ 1.234,56", "€ 617,28", "€ 25,00", "€ 642,28", "schoonmaak", "binnen 14 dagen", "binnen 30 dagen",
		"administratiekosten", "artikel 7:220 lid 1 BW", "artikel 5:56 BW", "artikel 7:223 BW", "Huurcommissie",
		"Meldpunt: Meldpunt Goed Verhuurderschap Utrecht, 14 030", "pagina 1 van 2", "opzegtermijn van 1 maand",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("text: %s", text)
	}
}
