package subscription_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/subscription"
)

func invoiceStatus(t *testing.T, e *apptest.Org, orgID int64, number string) subscription.Invoice {
	t.Helper()
	list, err := e.Subscriptions.CustomerInvoices(context.Background(), orgID)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range list {
		if inv.Number == number {
			return inv
		}
	}
	t.Fatalf("no invoice %s", number)
	return subscription.Invoice{}
}

func standing(t *testing.T, e *apptest.Org, orgID int64) subscription.State {
	t.Helper()
	st, err := e.Subscriptions.StandingOf(context.Background(), orgID)
	if err != nil {
		t.Fatal(err)
	}
	return st.State
}

// A returned collection: bad input is refused at its field and changes
// nothing; the invoice is open to retry (from a week on, in the next batch),
// the billing address is mailed the reason in words, the amount and the
// retry date; the batch marked collected pays the rest; a second failure is
// not retried and makes the subscription past due (read-only) until staff
// record the transfer; an invoice unpaid 14 days after its first failure
// makes it past due by the daily run.
func TestFailedCollections(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: at(civil.New(2027, time.April, 20))}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		beta := e.OwnerB.OrgID
		if _, err := e.Subscriptions.Subscribe(ctx, e.OwnerB, goodInput()); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(at(civil.New(2027, time.May, 1)))
		issueMonth(t, e, "2027-05", 2) // HMS0000001 (April 20–30, € 8,43) and HMS0000002 (May, € 22,99)
		e.Clock.Set(at(civil.New(2027, time.May, 14)))
		b1, _, err := e.Subscriptions.Collect(ctx, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if s := invoiceStatus(t, e, beta, "HMS0000001").Status(); s != subscription.InvoiceCollecting {
			t.Fatalf("in a batch: %s", s)
		}

		e.Clock.Set(at(civil.New(2027, time.May, 20)))
		for _, c := range []struct{ number, reason, field string }{{"HMS0000001", "XX99", "reason"}, {"", "AM04", "number"},
			{"HMS9999999", "AM04", "number"}} {
			err := e.Subscriptions.Returned(ctx, 0, c.number, c.reason)
			if fe, ok := validation.AsFields(err); !ok || fe[c.field] == "" {
				t.Fatalf("%+v: %v", c, err)
			}
		}
		if n := e.Count(`SELECT COUNT(*) FROM subscription_batch_items WHERE state <> 'sent'`); n != 0 {
			t.Fatalf("bad input changed %d items", n)
		}
		if err := e.Subscriptions.Returned(ctx, 0, "hms0000001", "am04"); err != nil {
			t.Fatal(err)
		}
		inv := invoiceStatus(t, e, beta, "HMS0000001")
		if inv.Status() != subscription.InvoiceReturned || inv.Reason != "AM04" || !inv.Retried() ||
			inv.RetryOn != civil.New(2027, time.May, 27) {
			t.Fatalf("returned: %+v", inv)
		}
		if err := e.Subscriptions.Returned(ctx, 0, "HMS0000001", "AM04"); !errors.Is(err, subscription.ErrNotCollected) {
			t.Fatalf("returned twice from one batch: %v", err)
		}
		mails := mailsTo(t, e, "facturen@alfa.example", "HMS0000001 van HMS is mislukt")
		if len(mails) != 1 || !strings.Contains(mails[0].Text, "Onvoldoende saldo") || !strings.Contains(mails[0].Text, "€ 8,43") ||
			!strings.Contains(mails[0].Text, "27 mei 2027") || !strings.Contains(mails[0].Text, "NL44 RABO 0123 4567 89") ||
			strings.Contains(mails[0].Text, "AM04") {
			t.Fatalf("the reminder: %d mails", len(mails))
		}
		if st := standing(t, e, beta); st != subscription.StateActive {
			t.Fatalf("after one failure: %s", st)
		}
		waiting, err := e.Subscriptions.BatchItems(ctx, 0, true)
		if err != nil || len(waiting) != 1 || waiting[0].Number != "HMS0000001" || waiting[0].Reason != "AM04" {
			t.Fatalf("waiting for retry: %+v %v", waiting, err)
		}

		// The bank booked the rest of the batch.
		if n, err := e.Subscriptions.MarkCollected(ctx, 0, b1.ID); err != nil || n != 1 {
			t.Fatalf("collected: %d %v", n, err)
		}
		if s := invoiceStatus(t, e, beta, "HMS0000002").Status(); s != subscription.InvoicePaid {
			t.Fatalf("collected invoice: %s", s)
		}
		if _, err := e.Subscriptions.MarkCollected(ctx, 0, b1.ID); !errors.Is(err, subscription.ErrNotCollected) {
			t.Fatalf("collected twice: %v", err)
		}

		// The retry: not before its date, then once.
		e.Clock.Set(at(civil.New(2027, time.May, 25)))
		if sc, _ := e.Subscriptions.CollectScope(ctx); sc.Invoices != 0 {
			t.Fatalf("retried before its date: %+v", sc)
		}
		e.Clock.Set(at(civil.New(2027, time.May, 26)))
		if sc, _ := e.Subscriptions.CollectScope(ctx); sc.Invoices != 1 || sc.Total != 843 {
			t.Fatalf("the retry: %+v", sc)
		}
		if _, _, err := e.Subscriptions.Collect(ctx, 0, 1); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(at(civil.New(2027, time.June, 1)))
		if err := e.Subscriptions.Returned(ctx, 0, "HMS0000001", "MS02"); err != nil {
			t.Fatal(err)
		}
		if inv := invoiceStatus(t, e, beta, "HMS0000001"); inv.Retried() || !inv.RetryOn.IsZero() || inv.Failures != 2 {
			t.Fatalf("second failure: %+v", inv)
		}
		if st := standing(t, e, beta); st != subscription.StatePastDue {
			t.Fatalf("after the second failure: %s", st)
		}
		if err := e.Subscriptions.CheckWrite(ctx, beta); !errors.Is(err, subscription.ErrReadOnly) {
			t.Fatalf("past due writes: %v", err)
		}
		if st := standing(t, e, e.Owner.OrgID); st == subscription.StatePastDue {
			t.Fatal("alpha past due too")
		}
		mails = mailsTo(t, e, "facturen@alfa.example", "HMS0000001 van HMS is mislukt")
		if len(mails) != 2 || !strings.Contains(mails[0].Text+mails[1].Text, "Geweigerd door de klant") {
			t.Fatalf("second reminder: %d", len(mails))
		}
		if err := e.Subscriptions.MarkPaid(ctx, 0, "HMS0000001"); err != nil {
			t.Fatal(err)
		}
		if st := standing(t, e, beta); st != subscription.StateActive {
			t.Fatalf("paid by transfer: %s", st)
		}
		if err := e.Subscriptions.MarkPaid(ctx, 0, "HMS0000001"); !errors.Is(err, subscription.ErrAlreadyPaid) {
			t.Fatalf("paid twice: %v", err)
		}

		// Unpaid after the grace period: past due by the daily run.
		e.Clock.Set(at(civil.New(2027, time.June, 1)))
		issueMonth(t, e, "2027-06", 1) // HMS0000003
		e.Clock.Set(at(civil.New(2027, time.June, 14)))
		if _, _, err := e.Subscriptions.Collect(ctx, 0, 1); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(at(civil.New(2027, time.June, 16)))
		if err := e.Subscriptions.Returned(ctx, 0, "HMS0000003", "AC04"); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(at(civil.New(2027, time.June, 29)))
		if n, err := e.Subscriptions.UpdatePastDue(ctx); err != nil || n != 0 {
			t.Fatalf("within the grace: %d %v", n, err)
		}
		e.Clock.Set(at(civil.New(2027, time.June, 30)))
		if n, err := e.Subscriptions.UpdatePastDue(ctx); err != nil || n != 1 || standing(t, e, beta) != subscription.StatePastDue {
			t.Fatalf("after the grace: %d %v", n, err)
		}
		if err := e.Subscriptions.MarkPaid(ctx, 0, "HMS0000003"); err != nil {
			t.Fatal(err)
		}
		if st := standing(t, e, beta); st != subscription.StateActive {
			t.Fatalf("paid: %s", st)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action IN ('subscription.collection_returned',
			'subscription.paid_by_transfer', 'subscription.batch_collected', 'subscription.past_due', 'subscription.past_due_lifted')`); n != 10 {
			t.Fatalf("%d audit events", n)
		}
	})
}
