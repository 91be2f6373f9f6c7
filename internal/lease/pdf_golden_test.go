package lease

import (
	"testing"
	"time"

	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc/pdfdoctest"
)

// The tenant information says what its golden texts say: moving texts or
// layout code must not change a document.
func TestTenantInformationGolden(t *testing.T) {
	d := civil.MustParse
	st := DefaultSettings()
	st.LandlordName, st.LandlordAddress = "Woonstichting Zuiderhuis", "Stationsplein 1, 3511 ED Utrecht"
	st.LandlordPhone, st.LandlordEmail = "030 123 45 67", "verhuur@zuiderhuis.example"
	st.Meldpunt = "Meldpunt Goed Verhuurderschap Utrecht, 14 030"
	st.ExtraInformation = "De sleutels liggen bij de beheerder."
	l := &Lease{Reference: "2026-0007", Kind: Residential, Start: d("2026-04-01"), NoticeMonthsTenant: 1, DueDay: 1,
		BillingFrequency: Monthly, PaymentMethod: DirectDebit, DepositCents: 123456}
	sheet := infoSheet{Lease: l,
		Tenants: []Party{{Name: "Anneke Çelik-Jansen", Address: "Oudegracht 12, 3511 AB Utrecht"}, {Name: "Bram de Wit"}},
		Units:   []Unit{{Address: "Lindelaan 4 bis, 3521 CD Utrecht"}},
		Components: []Component{{Kind: BareRent, AmountCents: 61728, ValidFrom: d("2026-04-01")},
			{Kind: ServiceCosts, Category: "schoonmaak", AmountCents: 2500, ValidFrom: d("2026-04-01")},
			{Kind: Parking, AmountCents: 3000, ValidFrom: d("2026-04-01")}, {Kind: Furnishing, AmountCents: 1000, ValidFrom: d("2026-04-01")},
			{Kind: Other, Label: "Tuin", AmountCents: 500, ValidFrom: d("2026-04-01")}},
		PriceDate: d("2026-04-01"), Settings: st, Created: time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)}
	renderInfoGolden(t, "tenant_information", sheet)

	l2 := *l
	l2.End, l2.BillingFrequency, l2.PaymentMethod, l2.DepositCents, l2.Kind = d("2027-03-31"), Quarterly, "transfer", 50000, Commercial
	st2 := st
	st2.NoticeWholeMonths, st2.ExtraInformation = false, ""
	sheet2 := infoSheet{Lease: &l2, Tenants: sheet.Tenants[:1], Units: sheet.Units, PriceDate: d("2026-04-01"), Settings: st2,
		Created: sheet.Created, LandlordMonths: 4}
	renderInfoGolden(t, "tenant_information_fixed", sheet2)
	sheet2.Components = sheet.Components[:1]
	sheet2.Lease.DepositCents = 0
	renderInfoGolden(t, "tenant_information_no_deposit", sheet2)
}

func renderInfoGolden(t *testing.T, name string, sh infoSheet) {
	t.Helper()
	pdf, err := renderTenantInformation(sh)
	if err != nil {
		t.Fatal(err)
	}
	pdfdoctest.Golden(t, name, pdf)
}
