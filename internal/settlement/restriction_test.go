package settlement_test

import (
	"slices"
	"testing"

	"hms/internal/relation"
)

// A tenant whose processing is restricted (art. 18 GDPR) gets the statement
// made, stored and booked (the law requires the settlement and the books)
// but not mailed.
func TestRestrictedTenantsStatementIsNotMailed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		s := e.scenario(e.Owner)
		l, err := e.Leases.Get(ctx, e.Owner, s.l3)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Relations.Restrict(ctx, e.Owner, l.TenantIDs()[0], relation.GroundUnlawful); err != nil {
			t.Fatal(err)
		}
		res, err := e.Statements.Send(ctx, e.Owner, s.run.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Statements != 3 || res.Mails != 0 {
			t.Fatalf("sent %+v", res)
		}
		if len(e.invoicesOf(s.l3)) != 1 {
			t.Fatal("the restricted tenant's balance was not booked")
		}
		e.drain()
		for _, m := range e.Mail.Messages() {
			if slices.Contains(m.To, "ben.brinkman@example.nl") {
				t.Fatalf("the restricted tenant was mailed: %s", m.Subject)
			}
		}
	})
}
