package overview

import (
	"testing"

	"hms/internal/money"
	"hms/internal/platform/civil"
)

// The vacancy rule on its own: a lease of two units divides its rent; the
// rent on the lease's last day counts (a raise included); a unit let again
// stops losing rent; occupancy counts units from the day they joined.
func TestVacancyRule(t *testing.T) {
	d := civil.MustParse
	f := &Figures{On: d("2026-03-10")}
	for i := ChartMonths - 1; i >= 0; i-- {
		m := Month{Month: civil.MonthOf(f.On).Add(-i)}
		m.On = m.Month.Last()
		if m.On.After(f.On) {
			m.On = f.On
		}
		f.Months = append(f.Months, m)
	}
	rents := map[int64][]rentRow{
		1: {{Line: "|", Amount: 100000, From: d("2024-01-01")}, {Line: "|", Amount: 124000, From: d("2025-07-01")}},
		2: {{Line: "|", Amount: 62000, From: d("2026-02-01")}},
	}
	us := []*unitRow{
		// Two units of lease 1 (ended 31 December); the first let again
		// by lease 2 from 1 February.
		{ID: 10, Address: "A", Created: d("2026-03-01"), Leases: []letting{
			{LeaseID: 1, Start: d("2024-01-01"), End: d("2025-12-31"), Units: 2},
			{LeaseID: 2, Start: d("2026-02-01"), Units: 1}}},
		{ID: 11, Address: "B", Created: d("2026-03-01"), Leases: []letting{{LeaseID: 1, Start: d("2024-01-01"), End: d("2025-12-31"), Units: 2}}},
	}
	vacancy(f, us, rents)
	// A: empty in January (31 days of €620, half of €1,240). B: January,
	// February and 10 days of March: €620 + €620 + 620 × 10/31 = €200.
	wantA, wantB := money.Cents(62000), money.Cents(62000+62000+20000)
	if f.Units != 2 || f.Empty != 1 || f.EmptyDays != 31+31+28+10 || f.RentLost != wantA+wantB {
		t.Fatalf("units %d empty %d days %d lost %d", f.Units, f.Empty, f.EmptyDays, f.RentLost)
	}
	if len(f.Vacant) != 1 || f.Vacant[0].UnitID != 11 || f.Vacant[0].Since != d("2026-01-01") || f.Vacant[0].RentLost != wantB {
		t.Fatalf("vacant %+v", f.Vacant)
	}
	last := f.Months[len(f.Months)-1]
	if dec := f.Months[len(f.Months)-4]; dec.Units != 2 || dec.Let != 2 || last.Units != 2 || last.Let != 1 || last.LetPercent() != 50 {
		t.Fatalf("occupancy: December %+v, March %+v", dec, last)
	}
	if got := prorate(93000, 15, 31); got != 45000 {
		t.Errorf("prorate %d", got)
	}
	if got := prorate(100, 1, 3); got != 33 {
		t.Errorf("prorate rounds %d", got)
	}
}
