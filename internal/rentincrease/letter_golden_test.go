package rentincrease

import (
	"testing"
	"time"

	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc/pdfdoctest"
	"hms/internal/portfolio"
)

// The letters say what their golden texts say: moving texts or layout code
// must not change a document.
func TestLetterGolden(t *testing.T) {
	d := civil.MustParse
	capRate := 5 * money.Percent
	created := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	p := &Proposal{LeaseReference: "2024-0007", Address: "Lindelaan 4 bis, 3521 CD Utrecht", EffectiveDate: d("2026-07-01"),
		Kind: lease.Residential, Segment: portfolio.SegmentSociaal, Basis: BasisClipped, OldCents: 80000, NewCents: 84000, CapRate: &capRate}
	cpi := &Clause{Method: MethodCPI, Series: "CPI-2015", LagMonths: 4, Percent: 1 * money.Percent}
	letter := letterData{Proposal: p, Clause: cpi, Tenants: []string{"Anneke Çelik-Jansen", "Bram de Wit"},
		Address: "Oudegracht 12\n3511 AB Utrecht", Units: p.Address, Settings: Settings{SenderName: "Woonstichting Zuiderhuis"}, Created: created}
	renderLetterGolden(t, "letter_residential", letter)
	free := *p
	free.Segment, free.Basis, free.CapRate = portfolio.SegmentVrij, BasisClause, nil
	letter.Proposal, letter.Clause, letter.Tenants = &free, &Clause{Method: MethodFixed, Percent: 3 * money.Percent}, letter.Tenants[:1]
	renderLetterGolden(t, "letter_free", letter)
	commercial := *p
	commercial.Kind, commercial.Segment, commercial.Basis, commercial.CapRate, commercial.NewCents = lease.Commercial,
		portfolio.SegmentCommercieel, BasisIndexation, nil, 78000
	letter.Proposal, letter.Clause, letter.Units = &commercial, cpi, ""
	renderLetterGolden(t, "letter_commercial", letter)
}

func renderLetterGolden(t *testing.T, name string, d letterData) {
	t.Helper()
	pdf, err := renderLetter(d)
	if err != nil {
		t.Fatal(err)
	}
	pdfdoctest.Golden(t, name, pdf)
}
