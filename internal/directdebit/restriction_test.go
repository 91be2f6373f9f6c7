package directdebit_test

import (
	"strings"
	"testing"

	"hms/internal/directdebit"
	"hms/internal/relation"
)

// A lease whose tenant has restricted processing (art. 18 GDPR) is left out
// of a collection with the reason, and its tenant gets no pre-notification;
// lifting the restriction brings the lease back.
func TestRestrictedTenantIsNotCollected(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.creditor(e.Owner, "")
		l1, _, _ := e.lease(e.Owner, tenantOpts{})
		l2, tenant2, _ := e.lease(e.Owner, tenantOpts{})
		e.mandate(e.Owner, l1, directdebit.Recurrent)
		e.mandate(e.Owner, l2, directdebit.Recurrent)
		e.rentRun(e.Owner, "2026-03")
		if err := e.Relations.Restrict(ctx, e.Owner, tenant2, relation.GroundClaims); err != nil {
			t.Fatal(err)
		}
		in := directdebit.CollectionInput{CollectionDate: d("2026-03-24"), DueUntil: d("2026-03-31")}
		p, err := e.DirectDebit.Preview(ctx, e.Owner, in)
		if err != nil {
			t.Fatal(err)
		}
		if p.Count != 1 || p.Lines[0].LeaseID != l1 || len(p.LeftOut) != 1 || p.LeftOut[0].LeaseID != l2 ||
			p.LeftOut[0].Reason != directdebit.ReasonRestricted {
			t.Fatalf("preview: %+v", p)
		}
		if got := e.Texts.T("nl", p.LeftOut[0].Reason, nil); got != "verwerking beperkt" {
			t.Fatalf("reason in words: %q", got)
		}
		if err := e.Relations.LiftRestriction(ctx, e.Owner, tenant2); err != nil {
			t.Fatal(err)
		}
		p, err = e.DirectDebit.Preview(ctx, e.Owner, in)
		if err != nil || p.Count != 2 {
			t.Fatalf("lifted: %+v %v", p, err)
		}
		if err := e.Relations.Restrict(ctx, e.Owner, tenant2, relation.GroundClaims); err != nil {
			t.Fatal(err)
		}
		_, b, _ := e.collect(e.Owner, in)
		if b.Count != 1 {
			t.Fatalf("batch: %+v", b)
		}
		rel, err := e.Relations.Get(ctx, e.Owner, tenant2, relation.ViaWeb)
		if err != nil || rel.Email == "" {
			t.Fatal(err)
		}
		for _, m := range e.mails(e.Owner) {
			if strings.Contains(m.To, rel.Email) {
				t.Fatalf("the restricted tenant was pre-notified: %+v", m)
			}
		}
		if n := len(e.mails(e.Owner)); n != 1 {
			t.Fatalf("%d pre-notifications, want 1", n)
		}
	})
}
