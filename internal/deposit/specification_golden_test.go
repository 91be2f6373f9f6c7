package deposit

import (
	"testing"
	"time"

	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc"
	"hms/internal/platform/pdfdoc/pdfdoctest"
)

// The specification says what its golden texts say: moving texts or layout
// code must not change a document.
func TestSpecificationGolden(t *testing.T) {
	d := civil.MustParse
	l := &lease.Lease{Reference: "2024-0007", Units: []lease.Unit{{Address: "Lindelaan 4 bis, 3521 CD Utrecht"}, {Address: "Berging 4"}},
		Parties: []lease.Party{{Role: lease.Tenant, Name: "Anneke Çelik-Jansen", Address: "Oudegracht 12\n3511 AB Utrecht"},
			{Role: lease.Tenant, Name: "Bram de Wit"}}}
	deduction := func(date, reason, note string, c int64) Deduction {
		return Deduction{DepositEntry: lease.DepositEntry{Kind: lease.DepositDeducted, Date: d(date), Reason: reason, Note: note,
			AmountCents: money.Cents(c)}}
	}
	st := &Status{Received: 200000, Deducted: 45000, EndsOn: d("2026-02-28"), Deadline: d("2026-03-30"), TermDays: 30,
		Deductions: []Deduction{deduction("2026-03-02", "arrears", "", 30000),
			deduction("2026-03-03", "damage", "Gat in de deur van de woonkamer, gerepareerd door Timmerbedrijf De Vries", 10000),
			deduction("2026-03-04", "service_costs", "", 3000), deduction("2026-03-04", "epv", "", 2000)}}
	sh := specSheet{Lease: l, Status: st, Issuer: pdfdoc.Issuer{Name: "Woonstichting Zuiderhuis", Address: "Stationsplein 1\n3511 ED Utrecht"},
		ReturnDays: 30, ToReturn: 145000, Earlier: 10000, SetOff: 30000, Created: time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)}
	renderSpecGolden(t, "specification", sh)
	none := *st
	none.Deductions, none.Deducted, none.Deadline, none.TermDays = nil, 0, d("2026-03-14"), 14
	sh2 := specSheet{Lease: l, Status: &none, Issuer: sh.Issuer, ReturnDays: 14, ToReturn: 200000, Created: sh.Created}
	renderSpecGolden(t, "specification_nothing_deducted", sh2)
}

func renderSpecGolden(t *testing.T, name string, sh specSheet) {
	t.Helper()
	pdf, err := renderSpecification(sh)
	if err != nil {
		t.Fatal(err)
	}
	pdfdoctest.Golden(t, name, pdf)
}
