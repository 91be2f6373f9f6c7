package lease_test

import (
	"context"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// A unit's and a tenant's leases, grouped by their status today: what runs
// (with names, rent and deposit), what starts later, what has ended.
func TestHistoryOfUnitAndTenant(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: time.Date(2026, time.June, 10, 9, 0, 0, 0, time.UTC)}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		a := e.Owner
		unit := e.Unit(a, portfolio.UnitInput{})
		anna := e.Person(a, relation.PersonInput{})
		bob := e.Person(a, relation.PersonInput{FirstNames: "Bob"})
		old := e.Lease(a, lease.Input{Reference: "OLD", UnitIDs: []int64{unit}, TenantIDs: []int64{anna}, Start: civil.New(2020, 1, 1),
			End: civil.New(2024, 12, 31)})
		cur := e.Lease(a, lease.Input{Reference: "CUR", UnitIDs: []int64{unit}, TenantIDs: []int64{bob}, Start: civil.New(2025, 1, 1),
			DepositCents: 120000})
		other := e.Lease(a, lease.Input{Reference: "ELSE", TenantIDs: []int64{anna}, Start: civil.New(2026, 9, 1)})

		h, err := e.Leases.History(ctx, e.Viewer, lease.ListFilter{UnitID: unit})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Current) != 1 || h.Current[0].ID != cur || len(h.Former) != 1 || h.Former[0].ID != old || len(h.Upcoming) != 0 {
			t.Fatalf("unit: %+v", h)
		}
		c := h.Current[0]
		if c.DepositCents != 120000 || c.TotalCents != 80000 || len(c.Tenants) != 1 || c.Tenants[0].ID != bob || c.Tenants[0].Name == "" {
			t.Fatalf("current lease: %+v", c)
		}
		h, err = e.Leases.History(ctx, a, lease.ListFilter{TenantID: anna})
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Current) != 0 || len(h.Upcoming) != 1 || h.Upcoming[0].ID != other || len(h.Former) != 1 || h.Former[0].ID != old ||
			len(h.Former[0].Units) != 1 || h.Former[0].Units[0].Address == "" {
			t.Fatalf("tenant: %+v", h)
		}
		if h, err := e.Leases.History(ctx, e.OwnerB, lease.ListFilter{UnitID: unit}); err != nil || len(h.Current)+len(h.Former) != 0 {
			t.Fatalf("beta: %+v %v", h, err)
		}
		if _, err := e.Leases.History(ctx, e.Bookkeeper, lease.ListFilter{UnitID: unit}); err != validation.ErrForbidden {
			t.Fatalf("bookkeeper: %v", err)
		}
		if _, err := e.Leases.History(ctx, a, lease.ListFilter{}); err == nil {
			t.Fatal("history of nothing")
		}
	})
}
