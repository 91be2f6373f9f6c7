package billing_test

import (
	"fmt"
	"strings"
	"testing"

	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/validation"
)

// fieldErr is the message at field, or "" when err is not a field error.
func fieldErr(err error, field string) string {
	fe, ok := validation.AsFields(err)
	if !ok {
		return ""
	}
	return fe[field]
}

// problem is the message id of a problem error, or "".
func problem(err error) string {
	if p, ok := validation.AsProblem(err); ok {
		return p.Code
	}
	return ""
}

// A rent run never widens its scope: a scope that does not name exactly one
// record of the organisation is an error at the scope field, and nothing
// is booked; a reference as people see it ("2027-0001") resolves to its
// lease, and the preview says the scope in words.
func TestRunScopeNeverWidens(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		first := e.lease(e.Owner, "2025-06-01", 95000, 0, lease.Monthly)
		for range 10 { // Lindelaan 2 … 11: "Lindelaan 1" is also in "Lindelaan 10" and "Lindelaan 11"
			e.lease(e.Owner, "2025-06-01", 100000, 0, lease.Monthly)
		}
		other := e.lease(e.OwnerB, "2025-06-01", 100000, 0, lease.Monthly)
		l, err := e.Leases.Get(ctx, e.Owner, first)
		if err != nil {
			t.Fatal(err)
		}
		invoices := func() int { return e.Count(`SELECT COUNT(*) FROM ledger_invoices WHERE org_id = $1`, e.Owner.OrgID) }

		bad := []struct {
			name  string
			scope billing.Scope
			msg   string
		}{
			{"a kind without a record", billing.Scope{Kind: billing.ScopeLease}, "billing.scope.required.lease"},
			{"a reference that does not exist", billing.Scope{Kind: billing.ScopeLease, Text: "2027-0001"}, "billing.scope.unknown.lease"},
			{"another organisation's lease", billing.Scope{Kind: billing.ScopeLease, ID: other}, "billing.scope.unknown.lease"},
			{"an id of nothing", billing.Scope{Kind: billing.ScopeComplex, ID: 424242}, "billing.scope.unknown.complex"},
			{"an address that matches several units", billing.Scope{Kind: billing.ScopeUnit, Text: "Lindelaan"}, "billing.scope.ambiguous"},
			{"a record without a kind", billing.Scope{ID: first}, "billing.scope.kind_required"},
			{"text without a kind", billing.Scope{Text: l.Reference}, "billing.scope.kind_required"},
			{"an unknown kind", billing.Scope{Kind: "building", ID: first}, "billing.scope.kind_invalid"},
		}
		for _, c := range bad {
			in := billing.RunInput{Period: "2026-02", Scope: c.scope}
			if _, err := e.Billing.Preview(ctx, e.Owner, in, billing.PreviewWindow{}); fieldErr(err, billing.ScopeField) != c.msg {
				t.Errorf("preview, %s: %v, want %s at the scope field", c.name, err, c.msg)
			}
			if _, err := e.Billing.PostRun(ctx, e.Owner, in, nil); fieldErr(err, billing.ScopeField) != c.msg {
				t.Errorf("post, %s: %v, want %s", c.name, err, c.msg)
			}
			if _, err := e.Billing.StartRun(ctx, e.Owner, in); fieldErr(err, billing.ScopeField) != c.msg {
				t.Errorf("start, %s: %v, want %s", c.name, err, c.msg)
			}
		}
		if n := invoices(); n != 0 {
			t.Fatalf("%d invoices booked by scopes that did not resolve", n)
		}

		// The reference as shown resolves, and the preview says it in words.
		in := billing.RunInput{Period: "2026-02", Scope: billing.Scope{Kind: billing.ScopeLease, Text: " " + l.Reference + " "}}
		p, err := e.Billing.Preview(ctx, e.Owner, in, billing.PreviewWindow{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Scope.Kind != billing.ScopeLease || p.Scope.ID != first || p.Scope.Leases != 1 || p.Invoices != 1 || p.Total != 95000 ||
			!strings.HasPrefix(p.Scope.Name, l.Reference+", Lindelaan 1,") {
			t.Fatalf("preview of %s: %+v, %d invoices, %s", l.Reference, p.Scope, p.Invoices, p.Total)
		}
		// An exact address wins over the addresses that merely contain it.
		pu, err := e.Billing.Preview(ctx, e.Owner,
			billing.RunInput{Period: "2026-02", Scope: billing.Scope{Kind: billing.ScopeUnit, Text: "lindelaan 1"}}, billing.PreviewWindow{})
		if err != nil || pu.Scope.Name != "Lindelaan 1, 3521 CD Utrecht" || pu.Invoices != 1 {
			t.Fatalf("unit by address: %+v %v", pu, err)
		}
		// The whole organisation, chosen as such, counts its leases.
		all, err := e.Billing.Preview(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, billing.PreviewWindow{})
		if err != nil || all.Scope.Kind != billing.ScopeAll || all.Scope.Leases != 11 || all.Invoices != 11 {
			t.Fatalf("whole organisation: %+v %d %v", all.Scope, all.Invoices, err)
		}

		// What was confirmed must still be what would be booked.
		in.Expect = &billing.Expectation{Invoices: all.Invoices, Total: all.Total}
		if _, err := e.Billing.StartRun(ctx, e.Owner, in); problem(err) != "billing.run.changed" {
			t.Fatalf("start with the whole organisation's count for one lease: %v", err)
		}
		if n := invoices(); n != 0 {
			t.Fatalf("%d invoices booked against a changed preview", n)
		}
		in.Expect = &billing.Expectation{Invoices: 1, Total: 95000}
		run, err := e.Billing.PostRun(ctx, e.Owner, in, nil)
		if err != nil || run.Invoices != 1 || run.Total != 95000 || run.Scope != fmt.Sprintf("lease:%d", first) ||
			!strings.HasPrefix(run.ScopeName, l.Reference) {
			t.Fatalf("run of one lease: %+v %v", run, err)
		}
		if n := invoices(); n != 1 {
			t.Fatalf("%d invoices after a run of one lease", n)
		}
	})
}

// A run booked in error is undone with a credit note per invoice, shown
// before it is booked, while none of its invoices was sent or paid; the
// period can then be charged again.
func TestUndoRun(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner, true)
		paid := e.lease(e.Owner, "2025-06-01", 90000, 0, lease.Monthly)
		mailed := e.residential(e.Owner, lease.Transfer, e.person(e.Owner, "Verstuurd", "verstuurd@example.nl", "nl"))
		a := e.lease(e.Owner, "2025-06-01", 100000, 5000, lease.Monthly)
		b := e.lease(e.Owner, "2025-06-01", 80000, 0, lease.Monthly)

		one := func(id int64) billing.Scope { return billing.Scope{Kind: billing.ScopeLease, ID: id} }
		runPaid, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02", Scope: one(paid)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Ledger.RecordPayment(ctx, e.Owner,
			ledger.PaymentInput{LeaseID: paid, Date: d("2026-01-20"), Amount: 100, Method: ledger.Transfer}); err != nil {
			t.Fatal(err)
		}
		runMailed, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02", Scope: one(mailed)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e.drain() // the documents job mails the invoice
		for _, c := range []struct {
			run    int64
			reason string
		}{{runPaid.ID, "billing.undo.paid"}, {runMailed.ID, "billing.undo.sent"}} {
			plan, err := e.Billing.UndoPlan(ctx, e.Owner, c.run)
			if err != nil || plan.CanUndo() || len(plan.Blockers) != 1 || plan.Blockers[0].Reason != c.reason {
				t.Fatalf("plan of run %d: %+v %v, want blocked by %s", c.run, plan, err, c.reason)
			}
			if _, err := e.Billing.UndoRun(ctx, e.Owner, c.run, billing.Expectation{}); problem(err) != "billing.undo.blocked" {
				t.Fatalf("undo of run %d: %v", c.run, err)
			}
		}

		// The whole organisation: a and b are what is left to charge.
		run, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, nil)
		if err != nil || run.Invoices != 2 || run.Total != 185000 {
			t.Fatalf("run: %+v %v", run, err)
		}
		if _, err := e.Billing.UndoPlan(ctx, e.Viewer, run.ID); err != nil {
			t.Fatalf("a viewer may read the plan: %v", err)
		}
		if _, err := e.Billing.UndoRun(ctx, e.Viewer, run.ID, billing.Expectation{Invoices: 2, Total: -185000}); err != validation.ErrForbidden {
			t.Fatalf("viewer undoes: %v", err)
		}
		if _, err := e.Billing.UndoPlan(ctx, e.OwnerB, run.ID); err != validation.ErrNotFound {
			t.Fatalf("another organisation reads the plan: %v", err)
		}
		plan, err := e.Billing.UndoPlan(ctx, e.Owner, run.ID)
		if err != nil || !plan.CanUndo() || len(plan.Credits) != 2 || plan.Total != -185000 {
			t.Fatalf("plan: %+v %v", plan, err)
		}
		if _, err := e.Billing.UndoRun(ctx, e.Owner, run.ID,
			billing.Expectation{Invoices: 2, Total: -100000}); problem(err) != "billing.run.changed" {
			t.Fatalf("undo with another total: %v", err)
		}
		creditNotes := func() int {
			return e.Count(`SELECT COUNT(*) FROM ledger_invoices WHERE org_id = $1 AND kind = 'credit_note'`, e.Owner.OrgID)
		}
		if n := creditNotes(); n != 0 {
			t.Fatalf("%d credit notes before the undo", n)
		}
		done, err := e.Billing.UndoRun(ctx, e.Owner, run.ID, billing.Expectation{Invoices: 2, Total: -185000})
		if err != nil || done.Run.UndoneAt.IsZero() || done.Run.UndoCreditNotes != 2 {
			t.Fatalf("undo: %+v %v", done, err)
		}
		if n := creditNotes(); n != 2 {
			t.Fatalf("%d credit notes, want 2", n)
		}
		for _, id := range []int64{a, b} {
			bal, err := e.Ledger.BalanceAt(ctx, e.Owner, id, d("2026-02-28"))
			if err != nil || bal.Balance != 0 {
				t.Fatalf("lease %d after the undo: %+v %v", id, bal, err)
			}
		}
		if _, err := e.Billing.UndoRun(ctx, e.Owner, run.ID,
			billing.Expectation{Invoices: 2, Total: -185000}); problem(err) != "billing.undo.already" {
			t.Fatalf("second undo: %v", err)
		}
		// The period is free again for a and b, and only for them.
		again, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, nil)
		if err != nil || again.Invoices != 2 || again.Total != money.Cents(185000) {
			t.Fatalf("run after the undo: %+v %v", again, err)
		}
		if again, err = e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, nil); err != nil || again.Invoices != 0 {
			t.Fatalf("run again: %+v %v", again, err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE org_id = $1 AND action = 'billing.run_undone'`, e.Owner.OrgID); n != 1 {
			t.Fatalf("%d undo audit events", n)
		}
	})
}
