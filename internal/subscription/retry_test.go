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

// collectAt makes a batch on day d holding want invoices; it returns the
// batch, its file (validated) and its items.
func collectAt(t *testing.T, e *apptest.Org, d civil.Date, want int) (*subscription.Batch, string, []subscription.BatchItem) {
	t.Helper()
	e.Clock.Set(at(d))
	b, file, err := e.Subscriptions.Collect(context.Background(), 0, want)
	if err != nil {
		t.Fatalf("collect on %s: %v", d, err)
	}
	validPain008(t, file)
	items, err := e.Subscriptions.BatchItems(context.Background(), b.ID, false)
	if err != nil || len(items) != want {
		t.Fatalf("items of batch %d: %+v %v", b.ID, items, err)
	}
	return b, string(file), items
}

// The first debits of a mandate come back: their retry goes as FRST again
// (the bank never collected under the mandate); only after a collection
// the next goes as RCUR. A debit returned weeks after its batch was marked
// collected is accepted: the invoice is open again and retried; failed
// twice it makes the subscription past due, with one mail to the billing
// address and the owner saying so (the daily run sends no second one). An
// invoice paid by transfer has nothing to return.
func TestRetryGoesFirstAgainAndLateReturn(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: at(civil.New(2027, time.April, 20))}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		beta := e.OwnerB.OrgID
		if _, err := e.Subscriptions.Subscribe(ctx, e.OwnerB, goodInput()); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(at(civil.New(2027, time.May, 1)))
		issueMonth(t, e, "2027-05", 2) // HMS0000001 (April 20–30, € 8,43), HMS0000002 (May, € 22,99)
		_, file, _ := collectAt(t, e, civil.New(2027, time.May, 14), 2)
		if !strings.Contains(file, "<SeqTp>FRST</SeqTp>") || strings.Contains(file, "RCUR") {
			t.Fatalf("the first batch is not FRST:\n%s", file)
		}
		e.Clock.Set(at(civil.New(2027, time.May, 19)))
		for _, n := range []string{"HMS0000001", "HMS0000002"} {
			if err := e.Subscriptions.Returned(ctx, 0, n, "AM04"); err != nil {
				t.Fatal(err)
			}
		}
		// The retry (from May 26): FRST again, both invoices.
		b2, file, items := collectAt(t, e, civil.New(2027, time.May, 26), 2)
		if strings.Count(file, "<SeqTp>FRST</SeqTp>") != 1 || strings.Contains(file, "RCUR") ||
			items[0].Sequence != "FRST" || items[1].Sequence != "FRST" {
			t.Fatalf("the retry after a failed FRST: %+v\n%s", items, file)
		}
		e.Clock.Set(at(civil.New(2027, time.May, 31)))
		if n, err := e.Subscriptions.MarkCollected(ctx, 0, b2.ID); err != nil || n != 2 {
			t.Fatalf("collected: %d %v", n, err)
		}
		// Collected once: the mandate goes on as RCUR.
		e.Clock.Set(at(civil.New(2027, time.June, 1)))
		issueMonth(t, e, "2027-06", 1) // HMS0000003
		b3, file, items := collectAt(t, e, civil.New(2027, time.June, 14), 1)
		if !strings.Contains(file, "<SeqTp>RCUR</SeqTp>") || strings.Contains(file, "FRST") || items[0].Sequence != "RCUR" {
			t.Fatalf("after a collection: %+v\n%s", items, file)
		}
		e.Clock.Set(at(civil.New(2027, time.June, 21)))
		if _, err := e.Subscriptions.MarkCollected(ctx, 0, b3.ID); err != nil {
			t.Fatal(err)
		}
		if s := invoiceStatus(t, e, beta, "HMS0000003").Status(); s != subscription.InvoicePaid {
			t.Fatalf("collected: %s", s)
		}

		// Six weeks later the bank returns it (a refund the customer asked).
		e.Clock.Set(at(civil.New(2027, time.August, 2)))
		if err := e.Subscriptions.Returned(ctx, 0, "HMS0000003", "MD06"); err != nil {
			t.Fatalf("a return after the batch was collected: %v", err)
		}
		inv := invoiceStatus(t, e, beta, "HMS0000003")
		if inv.State != "open" || inv.Status() != subscription.InvoiceReturned || !inv.Retried() || inv.Failures != 1 ||
			inv.RetryOn != civil.New(2027, time.August, 9) {
			t.Fatalf("returned late: %+v", inv)
		}
		items, err := e.Subscriptions.BatchItems(ctx, b3.ID, false)
		if err != nil || items[0].State != "returned" || items[0].Reason != "MD06" {
			t.Fatalf("the late item: %+v %v", items, err)
		}
		if err := e.Subscriptions.Returned(ctx, 0, "HMS0000003", "MD06"); !errors.Is(err, subscription.ErrNotCollected) {
			t.Fatalf("returned twice: %v", err)
		}
		if st := standing(t, e, beta); st != subscription.StateActive {
			t.Fatalf("after one late return: %s", st)
		}
		if ms := mailsTo(t, e, "facturen@alfa.example", "HMS0000003 van HMS is mislukt"); len(ms) != 1 {
			t.Fatalf("%d mails of the late return", len(ms))
		}
		// Its retry goes as RCUR (the mandate was collected before) and
		// fails too: past due, one mail.
		_, file, _ = collectAt(t, e, civil.New(2027, time.August, 9), 1)
		if !strings.Contains(file, "<SeqTp>RCUR</SeqTp>") {
			t.Fatalf("the retry of a late return:\n%s", file)
		}
		e.Clock.Set(at(civil.New(2027, time.August, 16)))
		if err := e.Subscriptions.Returned(ctx, 0, "HMS0000003", "AM04"); err != nil {
			t.Fatal(err)
		}
		if st := standing(t, e, beta); st != subscription.StatePastDue {
			t.Fatalf("failed twice: %s", st)
		}
		for range 2 {
			if _, err := e.Subscriptions.UpdatePastDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, to := range []string{"facturen@alfa.example", "owner@beta.nl"} {
			ms := mailsTo(t, e, to, "kan in HMS alleen nog lezen")
			if len(ms) != 1 {
				t.Fatalf("%s: %d past-due mails", to, len(ms))
			}
			for _, want := range []string{"alleen nog lezen", "twee keer mislukt", "HMS0000003", "NL44 RABO 0123 4567 89",
				"blijven bewaard", "/o/beta/settings/subscription"} {
				if !strings.Contains(ms[0].Text, want) {
					t.Fatalf("the past-due mail to %s lacks %q:\n%s", to, want, ms[0].Text)
				}
			}
		}
		// Paid by transfer: the bank has nothing to return.
		if err := e.Subscriptions.MarkPaid(ctx, 0, "HMS0000003"); err != nil {
			t.Fatal(err)
		}
		if err := e.Subscriptions.Returned(ctx, 0, "HMS0000003", "AM04"); !errors.Is(err, subscription.ErrAlreadyPaid) {
			t.Fatalf("a return of a transfer: %v", err)
		}
	})
}

// Past due by the grace period (the daily run) mails once too, saying why.
func TestPastDueByGraceMailsOnce(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: at(civil.New(2027, time.April, 20))}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		if _, err := e.Subscriptions.Subscribe(ctx, e.OwnerB, goodInput()); err != nil {
			t.Fatal(err)
		}
		e.Clock.Set(at(civil.New(2027, time.May, 1)))
		issueMonth(t, e, "2027-05", 2)
		collectAt(t, e, civil.New(2027, time.May, 14), 2)
		e.Clock.Set(at(civil.New(2027, time.May, 18)))
		if err := e.Subscriptions.Returned(ctx, 0, "HMS0000002", "AM04"); err != nil {
			t.Fatal(err)
		}
		for _, d := range []civil.Date{civil.New(2027, time.May, 31), civil.New(2027, time.June, 1), civil.New(2027, time.June, 2)} {
			e.Clock.Set(at(d))
			if _, err := e.Subscriptions.UpdatePastDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		ms := mailsTo(t, e, "facturen@alfa.example", "kan in HMS alleen nog lezen")
		if st := standing(t, e, e.OwnerB.OrgID); st != subscription.StatePastDue || len(ms) != 1 ||
			!strings.Contains(ms[0].Text, "14 dagen na de eerste mislukte incasso") ||
			!strings.Contains(ms[0].Text, "HMS0000002") || strings.Contains(ms[0].Text, "HMS0000001") {
			t.Fatalf("past-due mails: %+v", ms)
		}
		// Paid, then past due again: a new transition, a new mail.
		if err := e.Subscriptions.MarkPaid(ctx, 0, "HMS0000002"); err != nil {
			t.Fatal(err)
		}
		if ms := mailsTo(t, e, "facturen@alfa.example", "kan in HMS alleen nog lezen"); len(ms) != 1 {
			t.Fatalf("after the payment: %d", len(ms))
		}
	})
}

// Subscribing while the cancellation is pending is refused (undo it
// instead); after it took effect, before the shred, subscribing starts a
// new period from that day: the organisation is active again, the months
// it was cancelled are not invoiced, the start month is prorated as for a
// new subscriber, the new mandate starts with FRST, and the shred job
// leaves it alone.
func TestSubscribeAgainAfterCancellation(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: at(civil.New(2027, time.March, 10))}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		org := e.Owner.OrgID
		first, err := e.Subscriptions.Subscribe(ctx, e.Owner, goodInput())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Subscriptions.Cancel(ctx, e.Owner); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Subscriptions.Subscribe(ctx, e.Owner, goodInput()); !errors.Is(err, subscription.ErrCancelPending) {
			t.Fatalf("subscribing while the cancellation is pending: %v", err)
		}
		var p *validation.Problem
		if !errors.As(subscription.ErrCancelPending, &p) || p.Status != 409 {
			t.Fatalf("pending: %+v", p)
		}
		if c, err := e.Subscriptions.CancellationOf(ctx, org); err != nil || c.Shredded() {
			t.Fatalf("the refused subscription changed the cancellation: %+v %v", c, err)
		}
		// April: cancelled; the run invoices March (the start month), not April.
		e.Clock.Set(at(civil.New(2027, time.April, 1)))
		issueMonth(t, e, "2027-04", 1)
		if st := standing(t, e, org); st != subscription.StateCancelled {
			t.Fatalf("after the effective date: %s", st)
		}
		e.Clock.Set(at(civil.New(2027, time.April, 15)))
		again, err := e.Subscriptions.Subscribe(ctx, e.Owner, goodInput())
		if err != nil {
			t.Fatalf("subscribing after the cancellation took effect: %v", err)
		}
		if again.StartedOn != civil.New(2027, time.April, 15) || again.PaidThrough != civil.New(2027, time.April, 30) ||
			again.Mandate.Reference == first.Mandate.Reference {
			t.Fatalf("the new period: %+v", again)
		}
		st, err := e.Subscriptions.StandingOf(ctx, org)
		if err != nil || st.State != subscription.StateActive || st.Cancellation != nil || st.ReadOnly() {
			t.Fatalf("active again: %+v %v", st, err)
		}
		// May: April from the 15th (16 of 30 days) and May whole.
		e.Clock.Set(at(civil.New(2027, time.May, 1)))
		issueMonth(t, e, "2027-05", 2)
		list, err := e.Subscriptions.CustomerInvoices(ctx, org)
		if err != nil || len(list) != 3 {
			t.Fatalf("invoices: %+v %v", list, err)
		}
		for _, inv := range list {
			if inv.Month.String() == "2027-04" && (inv.From != civil.New(2027, time.April, 15) || !inv.Prorated()) {
				t.Fatalf("the start month of the new period: %+v", inv)
			}
		}
		_, file, _ := collectAt(t, e, civil.New(2027, time.May, 14), 3)
		if strings.Contains(file, "RCUR") {
			t.Fatalf("the new mandate's first collection:\n%s", file)
		}
		// After the old export period: nothing is shredded.
		e.Clock.Set(at(civil.New(2027, time.June, 1)))
		if done, err := e.Subscriptions.ShredDue(ctx); err != nil || len(done) != 0 {
			t.Fatalf("shredded after subscribing again: %+v %v", done, err)
		}
		if e.Count(`SELECT COUNT(*) FROM memberships WHERE org_id = $1`, org) == 0 {
			t.Fatal("the organisation lost its members")
		}
	})
}
