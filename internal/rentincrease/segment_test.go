package rentincrease_test

import (
	"testing"

	"hms/internal/lease"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// A lease's segment is the one at the contract date (DOMAIN.md §2.2): a unit
// let as sociale huur in 2020 that is moved to the vrije sector later keeps
// the social cap for that lease (4.1% from 1 July 2026: €800 → €832.80, not
// the free-sector 4.4% → €835.20); a lease made after the change follows the
// new segment.
func TestIncreaseFollowsSegmentAtContractDate(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		unit := portfolio.UnitInput{Street: "Lindelaan", HouseNumber: "90", Postcode: "3521 CD", City: "Utrecht",
			Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentSociaal}
		u, err := e.Portfolio.CreateUnit(ctx, e.Owner, unit)
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.Relations.CreatePerson(ctx, e.Owner, relation.PersonInput{FirstNames: "Anneke", Surname: "Jansen",
			Address: relation.Address{Street: "Oudegracht", HouseNumber: "12", Postcode: "3511 AB", City: "Utrecht"}})
		if err != nil {
			t.Fatal(err)
		}
		id, err := e.Leases.Create(ctx, e.Owner, lease.Input{Reference: "SEG-1", UnitIDs: []int64{u}, TenantIDs: []int64{p},
			Start:      d("2020-01-01"),
			Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000}}})
		if err != nil {
			t.Fatal(err)
		}
		unit.Segment = portfolio.SegmentVrij
		if err := e.Portfolio.UpdateUnit(ctx, e.Owner, u, unit); err != nil {
			t.Fatal(err)
		}
		if l, err := e.Leases.Get(ctx, e.Viewer, id); err != nil || l.Segment != portfolio.SegmentSociaal {
			t.Fatalf("lease segment after the unit changed: %q %v", l.Segment, err)
		}
		ps, err := e.svc.Propose(ctx, e.Owner, d("2026-07-01"))
		if err != nil {
			t.Fatal(err)
		}
		got := byLease(ps)[id]
		if got.Segment != portfolio.SegmentSociaal || got.MaxCents != 83280 {
			t.Fatalf("proposal: segment %q, max %d, want sociaal 83280 (%+v)", got.Segment, got.MaxCents, got.Notes)
		}
		// Another unit, free sector when its lease is made: 4.4%.
		unit.HouseNumber = "92"
		u2, err := e.Portfolio.CreateUnit(ctx, e.Owner, unit)
		if err != nil {
			t.Fatal(err)
		}
		id2, err := e.Leases.Create(ctx, e.Owner, lease.Input{Reference: "SEG-2", UnitIDs: []int64{u2}, TenantIDs: []int64{p},
			Start:      d("2020-01-01"),
			Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000}}})
		if err != nil {
			t.Fatal(err)
		}
		ps, err = e.svc.Propose(ctx, e.Owner, d("2026-07-01"))
		if err != nil {
			t.Fatal(err)
		}
		if got := byLease(ps)[id2]; got.Segment != portfolio.SegmentVrij || got.MaxCents != 83520 {
			t.Fatalf("free-sector proposal: segment %q, max %d (%+v)", got.Segment, got.MaxCents, got.Notes)
		}
	})
}
