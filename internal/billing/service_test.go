package billing_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

var ctx = context.Background()

// Today in the tests: 20 January 2026.
var now = time.Date(2026, time.January, 20, 11, 0, 0, 0, time.UTC)

var d = civil.MustParse

type env struct{ *apptest.Org }

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) { fn(t, &env{o}) })
}

// lease makes a unit, a tenant and a lease with bare rent and a
// service-cost advance.
func (e *env) lease(a account.Actor, start string, rent, service int64, f lease.Frequency) int64 {
	e.T.Helper()
	n := e.Next()
	u := e.Unit(a, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(n), Postcode: "3521 CD", City: "Utrecht"})
	p := e.Person(a, relation.PersonInput{Surname: fmt.Sprintf("Tenant%d", n)})
	comps := []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: money.Cents(rent)}}
	if service > 0 {
		comps = append(comps, lease.ComponentInput{Kind: lease.ServiceCosts, Category: "Schoonmaak", AmountCents: money.Cents(service)})
	}
	return e.Lease(a, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: d(start), BillingFrequency: f,
		PaymentMethod: lease.Transfer, Components: comps})
}

func TestRentRunPostsOnceAndOnlyWhatIsMissing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		full := e.lease(e.Owner, "2025-06-01", 100000, 5000, lease.Monthly)
		half := e.lease(e.Owner, "2026-01-15", 100000, 0, lease.Monthly)
		quarterly := e.lease(e.Owner, "2025-01-01", 200000, 0, lease.Quarterly)
		e.lease(e.Owner, "2026-02-01", 90000, 0, lease.Monthly) // starts later: not in January
		e.lease(e.OwnerB, "2025-01-01", 70000, 0, lease.Monthly)

		in := billing.RunInput{Period: "2026-01"}
		pv, err := e.Billing.Preview(ctx, e.Viewer, in, billing.PreviewWindow{})
		if err != nil {
			t.Fatal(err)
		}
		// 1000 + 50 + 548.39 (17/31 of 1000) + 6000 (quarter)
		if pv.Invoices != 3 || pv.Lines != 4 || pv.Total != 100000+5000+54839+600000 {
			t.Fatalf("preview: %d invoices %d lines total %s", pv.Invoices, pv.Lines, pv.Total)
		}
		if n := e.Count(`SELECT COUNT(*) FROM ledger_invoices`); n != 0 {
			t.Fatalf("preview wrote %d invoices", n)
		}
		if _, err := e.Billing.PostRun(ctx, e.Viewer, in, nil); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("viewer posted: %v", err)
		}
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-13"}, nil); err == nil {
			t.Fatal("bad period accepted")
		}
		run, err := e.Billing.PostRun(ctx, e.Owner, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		if run.State != "done" || run.Invoices != 3 || run.Charges != 4 || run.Total != pv.Total {
			t.Fatalf("run: %+v", run)
		}
		// Numbers are gapless from 1 in the issue year, each with a valid kenmerk.
		page, err := e.Ledger.Invoices(ctx, e.Viewer, listing.Query{Sort: "number"}, ledger.InvoiceFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for i, inv := range page.Items {
			if inv.Number != ledger.Number(2026, int64(i+1)) {
				t.Fatalf("invoice %d number %s", i, inv.Number)
			}
			if err := nl.ValidateKenmerk(inv.Kenmerk); err != nil || len(inv.Kenmerk) != 16 {
				t.Fatalf("kenmerk %q: %v", inv.Kenmerk, err)
			}
			if inv.Open != inv.Total {
				t.Fatalf("new invoice open %s of %s", inv.Open, inv.Total)
			}
		}
		var q ledger.Invoice
		for _, inv := range page.Items {
			if inv.LeaseID == quarterly {
				q = inv
			}
		}
		// Run on 20 January: 1 January has passed, so due 14 days after issue.
		if q.Period != "2026-Q1" || q.DueDate != d("2026-02-03") {
			t.Fatalf("quarterly invoice: %+v", q)
		}

		// Again: nothing new. February for the quarterly lease: nothing (its
		// quarter is charged); a new lease in January: only that one.
		again, err := e.Billing.PostRun(ctx, e.Owner, in, nil)
		if err != nil || again.Invoices != 0 {
			t.Fatalf("second run: %+v %v", again, err)
		}
		late := e.lease(e.Owner, "2026-01-01", 80000, 0, lease.Monthly)
		again, err = e.Billing.PostRun(ctx, e.Owner, in, nil)
		if err != nil || again.Invoices != 1 || again.Total != 80000 {
			t.Fatalf("run after new lease: %+v %v", again, err)
		}
		// A component added to a charged period adds only that line.
		if _, err := e.Leases.SetComponent(ctx, e.Owner, full,
			lease.ComponentInput{Kind: lease.Parking, AmountCents: 3100, ValidFrom: d("2026-01-01")}); err != nil {
			t.Fatal(err)
		}
		again, err = e.Billing.PostRun(ctx, e.Owner, in, nil)
		if err != nil || again.Invoices != 1 || again.Charges != 1 || again.Total != 3100 {
			t.Fatalf("run after new component: %+v %v", again, err)
		}
		feb, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, nil)
		if err != nil || feb.Invoices != 4 { // full, half, the one starting in February, late; not the quarterly one
			t.Fatalf("february: %+v %v", feb, err)
		}
		_ = half
		_ = late
		// What a rent increase must respect: the last posted day per lease.
		for id, want := range map[int64]string{full: "2026-02-28", quarterly: "2026-03-31"} {
			var got civil.Date
			if err := e.DB.ReadOrg(ctx, e.Owner.OrgID, func(tx *db.Tx) error {
				var err error
				got, err = e.Ledger.PostedThrough(ctx, tx, id)
				return err
			}); err != nil || got != d(want) {
				t.Fatalf("lease %d posted through %s, want %s (%v)", id, got, want, err)
			}
		}
		// Scope: one lease only.
		mar, err := e.Billing.PostRun(ctx, e.Owner,
			billing.RunInput{Period: "2026-03", Scope: billing.Scope{Kind: billing.ScopeLease, ID: full}}, nil)
		if err != nil || mar.Invoices != 1 {
			t.Fatalf("scoped run: %+v %v", mar, err)
		}
		if _, err := e.Billing.PostRun(ctx, e.Owner,
			billing.RunInput{Period: "2026-03", Scope: billing.Scope{Kind: billing.ScopeLease, ID: 999999}}, nil); err == nil {
			t.Fatal("unknown lease in scope accepted")
		}
		// The other organisation sees none of it, and its own run starts at 1.
		other, err := e.Ledger.Invoices(ctx, e.OwnerB, listing.Query{}, ledger.InvoiceFilter{})
		if err != nil || other.Total != 0 {
			t.Fatalf("other org sees %d invoices (%v)", other.Total, err)
		}
		if _, err := e.Ledger.Invoice(ctx, e.OwnerB, page.Items[0].ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other org read an invoice: %v", err)
		}
		runB, err := e.Billing.PostRun(ctx, e.OwnerB, in, nil)
		if err != nil || runB.Invoices != 1 {
			t.Fatalf("org B run: %+v %v", runB, err)
		}
		pb, _ := e.Ledger.Invoices(ctx, e.OwnerB, listing.Query{}, ledger.InvoiceFilter{})
		if pb.Items[0].Number != ledger.Number(2026, 1) {
			t.Fatalf("org B numbering: %s", pb.Items[0].Number)
		}
	})
}

// books is everything the ledger holds for an organisation, keyed by what
// does not depend on database ids.
func books(t *testing.T, e *env, a account.Actor) []string {
	t.Helper()
	var out []string
	err := e.DB.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx,
			`SELECT i.number, i.kenmerk, l.reference, i.period, i.due_date, i.total_cents, c.line, c.from_date, c.to_date, c.net_cents, c.vat_cents
			FROM ledger_invoices i JOIN leases l ON l.id = i.lease_id JOIN ledger_charges c ON c.invoice_id = i.id
			WHERE i.org_id = $1 ORDER BY i.number, c.line`, tx.OrgID())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f [11]string
			ptrs := make([]any, len(f))
			for i := range f {
				ptrs[i] = &f[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			out = append(out, strings.Join(f[:], ";"))
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The interrupted-run test: two organisations with the same portfolio;
// one runs cleanly, the other fails at a random point again and again and
// is simply run again until done. Their books must be the same.
func TestInterruptedRunLeavesTheSameBooks(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
		const leases = 23
		for _, a := range []account.Actor{e.Owner, e.OwnerB} {
			e.RestartNumbers() // the same addresses and references in both
			for i := range leases {
				f := lease.Monthly
				if i%5 == 0 {
					f = lease.Quarterly
				}
				start := fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%27)
				if i%7 == 0 {
					start = fmt.Sprintf("2026-01-%02d", 2+i)
				}
				e.lease(a, start, int64(50000+i*1234), int64(i%3*2500), f)
			}
		}
		e.Billing.SetBatch(4)
		in := billing.RunInput{Period: "2026-01"}
		if _, err := e.Billing.PostRun(ctx, e.Owner, in, nil); err != nil {
			t.Fatal(err)
		}
		want := books(t, e, e.Owner)
		if len(want) < leases {
			t.Fatalf("clean run booked %d lines", len(want))
		}
		crash := errors.New("crash")
		failures := 0
		for attempt := 0; ; attempt++ {
			if attempt > 200 {
				t.Fatal("run never finished")
			}
			// The first attempt (some 30 steps) always fails within its first
			// 20; later ones at a point that may lie beyond their end, so the
			// run finishes after some random number of crashes.
			calls, failAt := 0, 1+rng.IntN(20)
			if attempt > 0 {
				failAt = 1 + rng.IntN(60)
			}
			e.Billing.SetFault(func(point string) error {
				calls++
				if calls == failAt {
					return fmt.Errorf("%w at %s", crash, point)
				}
				return nil
			})
			_, err := e.Billing.PostRun(ctx, e.OwnerB, in, nil)
			if err == nil {
				break
			}
			if !errors.Is(err, crash) {
				t.Fatal(err)
			}
			failures++
		}
		e.Billing.SetFault(nil)
		if failures == 0 {
			t.Fatal("no run was interrupted: the test proved nothing")
		}
		got := books(t, e, e.OwnerB)
		if !slices.Equal(got, want) {
			t.Fatalf("books differ after %d failures:\nclean %d lines\nrerun %d lines\nfirst clean %v\nfirst rerun %v", failures,
				len(want), len(got), want[:1], got[:1])
		}
		var failed int
		if err := e.DB.ReadOrg(ctx, e.OwnerB.OrgID, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_runs WHERE org_id = $1 AND state = 'failed'`, tx.OrgID()).Scan(&failed)
		}); err != nil || failed != failures {
			t.Fatalf("failed runs recorded: %d of %d (%v)", failed, failures, err)
		}
	})
}

func TestPaymentsCreditsAndStatements(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		l := e.lease(e.Owner, "2025-06-01", 100000, 5000, lease.Monthly)
		for _, p := range []string{"2025-12", "2026-01"} {
			if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: p}, nil); err != nil {
				t.Fatal(err)
			}
		}
		open, err := e.Ledger.OpenItems(ctx, e.Viewer, ledger.OpenFilter{LeaseID: l})
		if err != nil || len(open) != 4 {
			t.Fatalf("open items: %d %v", len(open), err)
		}
		// Bad payments change nothing.
		for _, c := range []struct {
			in    ledger.PaymentInput
			field string
		}{
			{ledger.PaymentInput{LeaseID: l, Date: d("2026-01-05"), Amount: 0, Method: ledger.Transfer}, "amount_cents"},
			{ledger.PaymentInput{LeaseID: l, Date: d("2026-02-05"), Amount: 100, Method: ledger.Transfer}, "date"},
			{ledger.PaymentInput{LeaseID: l, Date: d("2026-01-05"), Amount: 100, Method: "cheque"}, "method"},
			{ledger.PaymentInput{LeaseID: 999999, Date: d("2026-01-05"), Amount: 100, Method: ledger.Transfer}, "lease_id"},
			{ledger.PaymentInput{LeaseID: l, Date: d("2026-01-05"), Amount: 100, Method: ledger.Transfer,
				Allocations: map[int64]money.Cents{open[0].ID: 200}}, "allocations"},
		} {
			_, err := e.Ledger.RecordPayment(ctx, e.Owner, c.in)
			fe, ok := validation.AsFields(err)
			if !ok || fe[c.field] == "" {
				t.Fatalf("%+v: want error at %s, got %v", c.in, c.field, err)
			}
		}
		if _, err := e.Ledger.RecordPayment(ctx, e.OwnerB,
			ledger.PaymentInput{LeaseID: l, Date: d("2026-01-05"), Amount: 100, Method: ledger.Transfer}); err == nil {
			t.Fatal("other organisation paid into this lease")
		}
		if n := e.Count(`SELECT COUNT(*) FROM ledger_payments`); n != 0 {
			t.Fatalf("refused payments wrote %d rows", n)
		}
		// 1,200 pays December (1,050) and 150 of January's bare rent: oldest first.
		pay, err := e.Ledger.RecordPayment(ctx, e.Owner,
			ledger.PaymentInput{LeaseID: l, Date: d("2026-01-05"), Amount: 120000, Method: ledger.Transfer, Reference: "huur"})
		if err != nil {
			t.Fatal(err)
		}
		open, _ = e.Ledger.OpenItems(ctx, e.Viewer, ledger.OpenFilter{LeaseID: l})
		if len(open) != 2 || open[0].Open() != 100000-15000 || open[1].Open() != 5000 {
			t.Fatalf("after payment: %+v", open)
		}
		// Overpayment: 2,000 settles January (900) and leaves 1,100 credit.
		if _, err := e.Ledger.RecordPayment(ctx, e.Owner,
			ledger.PaymentInput{LeaseID: l, Date: d("2026-01-10"), Amount: 200000, Method: ledger.Cash}); err != nil {
			t.Fatal(err)
		}
		bal, err := e.Ledger.BalanceAt(ctx, e.Viewer, l, d("2026-01-20"))
		if err != nil || bal.Balance != 210000-320000 || bal.OpenRows != 0 {
			t.Fatalf("balance: %+v %v", bal, err)
		}
		// The balance on an earlier date: invoices count from their issue
		// date (today), payments from theirs.
		early, _ := e.Ledger.BalanceAt(ctx, e.Viewer, l, d("2026-01-07"))
		if early.Charged != 0 || early.Paid != 120000 || early.Balance != -120000 {
			t.Fatalf("balance on 4 January: %+v", early)
		}
		// February's run: the credit pays it when applied.
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, nil); err != nil {
			t.Fatal(err)
		}
		applied, err := e.Ledger.AllocateCredit(ctx, e.Owner, l)
		if err != nil || applied != 105000 {
			t.Fatalf("credit applied %s, %v", applied, err)
		}
		// Reversing the first payment reopens what it paid.
		if _, err := e.Ledger.ReversePayment(ctx, e.Owner, pay, "storno"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Ledger.ReversePayment(ctx, e.Owner, pay, "again"); err == nil {
			t.Fatal("reversed twice")
		}
		open, _ = e.Ledger.OpenItems(ctx, e.Viewer, ledger.OpenFilter{LeaseID: l})
		var owed money.Cents
		for _, c := range open {
			owed += c.Open()
		}
		if owed != 120000 { // December and January's first 150 reopen; February stays paid by credit
			t.Fatalf("owed after reversal: %s", owed)
		}
		// Credit note for February: the whole invoice, and no second time.
		febs, _ := e.Ledger.Invoices(ctx, e.Viewer, listing.Query{}, ledger.InvoiceFilter{LeaseID: l, Period: "2026-02"})
		if febs.Total != 1 {
			t.Fatalf("february invoices: %d", febs.Total)
		}
		if _, err := e.Ledger.Credit(ctx, e.Owner, ledger.CreditInput{InvoiceID: febs.Items[0].ID}); err == nil {
			t.Fatal("credit note without reason")
		}
		cn, err := e.Ledger.Credit(ctx, e.Owner, ledger.CreditInput{InvoiceID: febs.Items[0].ID, Reason: "verkeerd bedrag"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Ledger.Credit(ctx, e.Owner, ledger.CreditInput{InvoiceID: febs.Items[0].ID, Reason: "again"}); err == nil {
			t.Fatal("credited twice")
		}
		note, err := e.Ledger.Invoice(ctx, e.Viewer, cn)
		if err != nil || note.Kind != ledger.KindCreditNote || note.Total != -105000 || note.CreditsInvoiceID != febs.Items[0].ID {
			t.Fatalf("credit note: %+v %v", note, err)
		}
		// The statement adds up: opening + debits − credits = closing = balance.
		st, err := e.Ledger.StatementOf(ctx, e.Viewer, l, d("2026-01-01"), d("2026-01-31"))
		if err != nil {
			t.Fatal(err)
		}
		end, _ := e.Ledger.BalanceAt(ctx, e.Viewer, l, d("2026-01-31"))
		if st.Opening != 0 || st.Closing != end.Balance || len(st.Lines) < 4 {
			t.Fatalf("statement: opening %s closing %s (balance %s), %d lines", st.Opening, st.Closing, end.Balance, len(st.Lines))
		}
		// Posted rows are never changed: every charge still has its amount.
		if n := e.Count(`SELECT COUNT(*) FROM ledger_charges WHERE total_cents = 0`); n != 0 {
			t.Fatalf("%d zero charges", n)
		}
		debtors, err := e.Ledger.Debtors(ctx, e.Viewer, listing.Query{})
		if err != nil || debtors.Total != 1 || debtors.Items[0].LeaseID != l {
			t.Fatalf("debtors: %+v %v", debtors, err)
		}
	})
}

// A credit note that corrects no single invoice (a settlement refund) is
// credit on the account that AllocateCredit sets off against charges.
func TestStandaloneCreditNote(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		l := e.lease(e.Owner, "2025-06-01", 100000, 0, lease.Monthly)
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-01"}, nil); err != nil {
			t.Fatal(err)
		}
		var posted []ledger.Posted
		err := e.DB.InOrg(ctx, e.Owner.OrgID, func(tx *db.Tx) error {
			var err error
			posted, err = ledger.PostTx(ctx, tx, []ledger.Draft{{Kind: ledger.KindCreditNote, Reason: "servicekosten 2025", LeaseID: l,
				IssueDate: d("2026-01-20"), DueDate: d("2026-01-20"),
				Lines: []ledger.DraftLine{{Line: "settlement|2025|", From: d("2025-01-01"), To: d("2025-12-31"),
					Net: -4017}}}}, "2026-01-20T00:00:00Z", 0)
			if err != nil {
				return err
			}
			// An invoice with a negative total, or a credit note with a positive one, is refused.
			_, bad := ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: l, IssueDate: d("2026-01-20"), DueDate: d("2026-01-20"),
				Lines: []ledger.DraftLine{{Line: "x||", From: d("2026-01-01"), To: d("2026-01-01"), Net: -1}}}}, "2026-01-20T00:00:00Z", 0)
			if bad == nil {
				t.Error("a negative invoice was posted")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		cn, err := e.Ledger.Invoice(ctx, e.Viewer, posted[0].InvoiceID)
		if err != nil || cn.Kind != ledger.KindCreditNote || cn.Total != -4017 || cn.Reason != "servicekosten 2025" ||
			cn.Number != ledger.Number(2026, 2) {
			t.Fatalf("credit note: %+v %v", cn, err)
		}
		applied, err := e.Ledger.AllocateCredit(ctx, e.Owner, l)
		if err != nil || applied != 4017 {
			t.Fatalf("applied %s, %v", applied, err)
		}
		open, _ := e.Ledger.OpenItems(ctx, e.Viewer, ledger.OpenFilter{LeaseID: l})
		if len(open) != 1 || open[0].Open() != 100000-4017 {
			t.Fatalf("open after set-off: %+v", open)
		}
	})
}

// A rent increase never reaches a period the rent run has posted: the
// ledger tells the rent-increase service the last posted day.
func TestRentIncreaseRespectsPostedPeriods(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		l := e.lease(e.Owner, "2024-01-01", 100000, 0, lease.Monthly)
		for _, p := range []string{"2026-01", "2026-02", "2026-03"} {
			if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: p}, nil); err != nil {
				t.Fatal(err)
			}
		}
		posted := func(effective string) bool {
			t.Helper()
			ps, err := e.RentIncreases.Propose(ctx, e.Owner, d(effective))
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if p.LeaseID != l {
					continue
				}
				for _, n := range p.Notes {
					if n.Code == "rentincrease.note.posted" {
						return p.Status == "skipped"
					}
				}
				return false
			}
			t.Fatalf("no proposal for lease %d on %s", l, effective)
			return false
		}
		if !posted("2026-03-01") {
			t.Fatal("an increase from 1 March was proposed though March is posted")
		}
		if posted("2026-04-01") {
			t.Fatal("an increase from 1 April was stopped though April is not posted")
		}
	})
}

// A run for a quarter charges its three months (monthly leases) and the
// quarter (quarterly leases), once: the months run on their own later add
// nothing.
func TestQuarterRun(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		monthly := e.lease(e.Owner, "2025-06-01", 100000, 0, lease.Monthly)
		quarterly := e.lease(e.Owner, "2025-06-01", 200000, 0, lease.Quarterly)
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-Q5"}, nil); err == nil {
			t.Fatal("quarter 5 accepted")
		}
		pv, err := e.Billing.Preview(ctx, e.Owner, billing.RunInput{Period: "2026-Q2"}, billing.PreviewWindow{})
		if err != nil || pv.Invoices != 4 || pv.Total != 3*100000+600000 {
			t.Fatalf("preview: %+v %v", pv, err)
		}
		run, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-Q2"}, nil)
		if err != nil || run.Period != "2026-Q2" || run.Invoices != 4 || run.Total != 900000 {
			t.Fatalf("quarter run: %+v %v", run, err)
		}
		for _, p := range []string{"2026-04", "2026-05", "2026-06", "2026-Q2"} {
			again, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: p}, nil)
			if err != nil || again.Invoices != 0 {
				t.Fatalf("%s again: %+v %v", p, again, err)
			}
		}
		for id, n := range map[int64]int{monthly: 3, quarterly: 1} {
			page, _ := e.Ledger.Invoices(ctx, e.Viewer, listing.Query{}, ledger.InvoiceFilter{LeaseID: id})
			if page.Total != n {
				t.Fatalf("lease %d: %d invoices, want %d", id, page.Total, n)
			}
		}
	})
}
