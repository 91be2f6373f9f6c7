package billing_test

import (
	"slices"
	"testing"
	"time"

	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/relation"
)

// A tenant whose processing is restricted (art. 18 GDPR) is still invoiced
// (the books the law requires) but mailed nothing; the other tenant of the
// same lease is mailed, and after the restriction is lifted so is the
// restricted one.
func TestRestrictedTenantIsInvoicedNotMailed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner, true)
		anna := e.person(e.Owner, "Oosterhuis", "anna.oosterhuis@example.nl", "")
		ben := e.person(e.Owner, "Brinkman", "ben.brinkman@example.nl", "")
		joint := e.residential(e.Owner, lease.Transfer, anna, ben)
		if err := e.Relations.Restrict(ctx, e.Manager, anna, relation.GroundAccuracy); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-01"}, nil); err != nil {
			t.Fatal(err)
		}
		e.drain()
		if inv := e.invoiceOf(joint, "2026-01"); inv.ID == 0 {
			t.Fatal("no invoice posted")
		}
		e.Mail.WaitFor(t, "ben.brinkman@example.nl", 5*time.Second)
		for _, m := range e.Mail.Messages() {
			if slices.Contains(m.To, "anna.oosterhuis@example.nl") {
				t.Fatalf("the restricted tenant was mailed: %s", m.Subject)
			}
		}
		if got := len(e.Mail.Messages()); got != 1 {
			t.Fatalf("%d messages, want 1", got)
		}
		if err := e.Relations.LiftRestriction(ctx, e.Manager, anna); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, nil); err != nil {
			t.Fatal(err)
		}
		e.drain()
		e.Mail.WaitFor(t, "anna.oosterhuis@example.nl", 5*time.Second)
	})
}
