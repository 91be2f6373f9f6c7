package dunning_test

import (
	"testing"

	"hms/internal/relation"
)

// A proposal for a lease whose tenant has restricted processing (art. 18
// GDPR) is left out of the send plan: no letter is made or mailed and the
// proposal waits; the other lease's letter goes. Lifted, it is sent.
func TestRestrictedTenantGetsNoDunningLetter(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner)
		free := e.personLease(e.Owner, "Vrijmans", "vrij@example.nl")
		held := e.personLease(e.Owner, "Beperktmans", "beperkt@example.nl")
		e.charge(e.Owner, free, "2025-12-20", "2026-01-01", 80000)
		e.charge(e.Owner, held, "2025-12-20", "2026-01-01", 80000)
		e.propose("2026-01-08")
		w := append(e.waiting(free), e.waiting(held)...)
		if len(w) != 2 {
			t.Fatalf("waiting: %+v", w)
		}
		tenant := e.waitingTenant(held)
		if err := e.Relations.Restrict(ctx, e.Manager, tenant, relation.GroundAccuracy); err != nil {
			t.Fatal(err)
		}
		e.at("2026-01-08")
		plan, err := e.Dunning.PlanSend(ctx, e.Owner, ids(w))
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Letters) != 1 || plan.Letters[0].Proposal.LeaseID != free || len(plan.LeftOut) != 1 ||
			plan.LeftOut[0].LeaseID != held || len(plan.LeftOut[0].Tenants) != 1 {
			t.Fatalf("plan: %+v", plan)
		}
		res := e.send(e.Owner, "2026-01-08", ids(w)...)
		if len(res.Letters) != 1 || res.Letters[0].LeaseID != free || res.Withdrawn != 0 {
			t.Fatalf("sent: %+v", res)
		}
		e.drain()
		for _, m := range e.Mail.Messages() {
			for _, to := range m.To {
				if to == "beperkt@example.nl" {
					t.Fatalf("the restricted tenant was mailed: %s", m.Subject)
				}
			}
		}
		if len(e.waiting(held)) != 1 {
			t.Fatal("the left-out proposal no longer waits")
		}
		if err := e.Relations.LiftRestriction(ctx, e.Manager, tenant); err != nil {
			t.Fatal(err)
		}
		if res := e.send(e.Owner, "2026-01-08", ids(e.waiting(held))...); len(res.Letters) != 1 || res.Mailed != 1 {
			t.Fatalf("after lifting: %+v", res)
		}
	})
}

// waitingTenant is the (only) tenant of a lease.
func (e *env) waitingTenant(leaseID int64) int64 {
	e.T.Helper()
	l, err := e.Leases.Get(ctx, e.Owner, leaseID)
	if err != nil || len(l.TenantIDs()) != 1 {
		e.T.Fatalf("lease %d: %v", leaseID, err)
	}
	return l.TenantIDs()[0]
}
