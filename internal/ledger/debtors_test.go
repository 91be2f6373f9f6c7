package ledger_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// The debtors list on 20 May 2026: who owes (names, address), what is
// open, the oldest due date, days overdue and the ageing buckets, exactly;
// sorted, searched and paged; another organisation sees none of it.
func TestDebtorsListAgesTheOpenCharges(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: time.Date(2026, time.May, 20, 10, 0, 0, 0, time.UTC)}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		a := e.Owner
		bakker := e.Person(a, relation.PersonInput{FirstNames: "Bert", Surname: "Bakker"})
		unitA := e.Unit(a, portfolio.UnitInput{Street: "Kastanjelaan", HouseNumber: "7", Postcode: "3521 CD", City: "Utrecht"})
		la := e.Lease(a, lease.Input{Reference: "HC-A", UnitIDs: []int64{unitA}, TenantIDs: []int64{bakker}})
		lb := e.Lease(a, lease.Input{Reference: "HC-B"})
		lc := e.Lease(a, lease.Input{Reference: "HC-C"})
		ld := e.Lease(a, lease.Input{Reference: "HC-D"})
		d := civil.MustParse
		charge := func(lease int64, due string, cents money.Cents) ledger.Draft {
			return ledger.Draft{LeaseID: lease, IssueDate: d("2026-01-01"), DueDate: d(due),
				Lines: []ledger.DraftLine{{Line: "bare_rent||", From: d(due), To: d(due), Net: cents}}}
		}
		err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			_, err := ledger.PostTx(ctx, tx, []ledger.Draft{
				charge(la, "2026-05-10", 10000), // 10 days overdue
				charge(la, "2026-04-10", 20000), // 40
				charge(la, "2026-03-01", 30000), // 80
				charge(la, "2026-01-01", 40000), // 139
				charge(la, "2026-06-01", 5000),  // not yet due
				charge(lb, "2026-05-19", 50000), // 1 day
				charge(ld, "2026-05-01", 7000),  // paid in full below
			}, db.TS(e.Clock.Now()), 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		pay := func(lease int64, cents money.Cents) {
			t.Helper()
			if _, err := e.Ledger.RecordPayment(ctx, a, ledger.PaymentInput{LeaseID: lease, Date: d("2026-05-15"), Amount: cents,
				Method: ledger.Transfer}); err != nil {
				t.Fatal(err)
			}
		}
		pay(la, 10000) // the oldest charge first: 400 → 300
		pay(lc, 2000)  // a credit, nothing charged
		pay(ld, 7000)  // square: not a debtor

		page, err := e.Ledger.Debtors(ctx, e.Bookkeeper, listing.Query{Sort: "days", Desc: true, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 3 || len(page.Items) != 3 {
			t.Fatalf("debtors: %+v", page)
		}
		if refs := []string{page.Items[0].Reference, page.Items[1].Reference, page.Items[2].Reference}; !slices.Equal(refs,
			[]string{"HC-A", "HC-B", "HC-C"}) {
			t.Fatalf("by days overdue: %v", refs)
		}
		A := page.Items[0]
		if A.Open != 95000 || A.Balance != 95000 || A.Charged != 105000 || A.Paid != 10000 ||
			A.OldestDue != d("2026-01-01") || A.DaysOverdue != 139 || A.Buckets != [4]money.Cents{10000, 20000, 30000, 30000} {
			t.Fatalf("HC-A: %+v", A)
		}
		if !slices.Equal(A.Tenants, []string{"B. Bakker"}) || !slices.Equal(A.TenantIDs, []int64{bakker}) ||
			!slices.Equal(A.UnitIDs, []int64{unitA}) || A.Address != "Kastanjelaan 7, 3521 CD Utrecht" {
			t.Fatalf("HC-A names: %+v", A.AccountName)
		}
		B := page.Items[1]
		if B.Open != 50000 || B.DaysOverdue != 1 || B.Buckets != [4]money.Cents{50000} || B.OldestDue != d("2026-05-19") {
			t.Fatalf("HC-B: %+v", B)
		}
		C := page.Items[2]
		if C.Balance != -2000 || C.Open != 0 || !C.OldestDue.IsZero() || C.DaysOverdue != 0 || C.Buckets != [4]money.Cents{} {
			t.Fatalf("HC-C: %+v", C)
		}
		order := func(q listing.Query) []string {
			t.Helper()
			q.Limit = 10
			p, err := e.Ledger.Debtors(ctx, e.Bookkeeper, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range p.Items {
				out = append(out, it.Reference)
			}
			return out
		}
		for _, c := range []struct {
			q    listing.Query
			want []string
		}{
			{listing.Query{}, []string{"HC-A", "HC-B", "HC-C"}}, // largest balance first
			{listing.Query{Sort: "open"}, []string{"HC-C", "HC-B", "HC-A"}},
			{listing.Query{Sort: "oldest"}, []string{"HC-A", "HC-B", "HC-C"}},
			{listing.Query{Sort: "lease", Desc: true}, []string{"HC-C", "HC-B", "HC-A"}},
			{listing.Query{Search: "bakker"}, []string{"HC-A"}},
			{listing.Query{Search: "kastanje"}, []string{"HC-A"}},
			{listing.Query{Search: "hc-b"}, []string{"HC-B"}},
			{listing.Query{Sort: "days", Desc: true, Offset: 1, Limit: 1}, nil},
		} {
			got := order(c.q)
			if c.q.Offset == 1 {
				// Paged: the second row only.
				p, err := e.Ledger.Debtors(ctx, e.Bookkeeper, c.q)
				if err != nil || p.Total != 3 || len(p.Items) != 1 || p.Items[0].Reference != "HC-B" || p.Items[0].Tenants == nil {
					t.Fatalf("page 2: %+v %v", p, err)
				}
				continue
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%+v: %v, want %v", c.q, got, c.want)
			}
		}
		if p, err := e.Ledger.Debtors(ctx, e.OwnerB, listing.Query{}); err != nil || p.Total != 0 {
			t.Fatalf("beta sees debtors: %+v %v", p, err)
		}
		if _, err := e.Ledger.Debtors(ctx, account.Actor{OrgID: a.OrgID}, listing.Query{}); err != validation.ErrForbidden {
			t.Fatalf("no permission: %v", err)
		}
	})
}

// An invoice's page names the lease's tenants and units (ledger.Account),
// and a tenant's page lists the invoices of all their leases.
func TestAccountNamesAndInvoicesOfATenant(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: time.Date(2026, time.May, 20, 10, 0, 0, 0, time.UTC)}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		a := e.Owner
		anna := e.Person(a, relation.PersonInput{FirstNames: "Anna", Surname: "Visser"})
		unit := e.Unit(a, portfolio.UnitInput{Street: "Beukenlaan", HouseNumber: "3", Postcode: "3521 CD", City: "Utrecht"})
		l1 := e.Lease(a, lease.Input{Reference: "L1", UnitIDs: []int64{unit}, TenantIDs: []int64{anna}, Start: civil.New(2020, 1, 1),
			End: civil.New(2022, 12, 31)})
		l2 := e.Lease(a, lease.Input{Reference: "L2", TenantIDs: []int64{anna}, Start: civil.New(2023, 1, 1)})
		l3 := e.Lease(a, lease.Input{Reference: "L3"})
		d := civil.MustParse
		err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			var drafts []ledger.Draft
			for _, l := range []int64{l1, l2, l3} {
				drafts = append(drafts, ledger.Draft{LeaseID: l, IssueDate: d("2026-05-01"), DueDate: d("2026-05-01"),
					Lines: []ledger.DraftLine{{Line: "bare_rent||", From: d("2026-05-01"), To: d("2026-05-31"), Net: 1000}}})
			}
			_, err := ledger.PostTx(ctx, tx, drafts, db.TS(e.Clock.Now()), 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		n, err := e.Ledger.Account(ctx, e.Bookkeeper, l1)
		if err != nil || !slices.Equal(n.TenantIDs, []int64{anna}) || !slices.Equal(n.Tenants, []string{"A. Visser"}) ||
			!slices.Equal(n.UnitIDs, []int64{unit}) || !slices.Equal(n.Units, []string{"Beukenlaan 3, 3521 CD Utrecht"}) {
			t.Fatalf("account: %+v %v", n, err)
		}
		if _, err := e.Ledger.Account(ctx, e.OwnerB, l1); err != validation.ErrNotFound {
			t.Fatalf("beta: %v", err)
		}
		page, err := e.Ledger.Invoices(ctx, e.Bookkeeper, listing.Query{Sort: "lease"}, ledger.InvoiceFilter{PartyID: anna})
		if err != nil || page.Total != 2 || page.Items[0].LeaseID != l1 || page.Items[1].LeaseID != l2 {
			t.Fatalf("anna's invoices: %+v %v", page, err)
		}
		if page, err := e.Ledger.Invoices(ctx, e.OwnerB, listing.Query{}, ledger.InvoiceFilter{PartyID: anna}); err != nil || page.Total != 0 {
			t.Fatalf("beta's invoices of anna: %+v %v", page, err)
		}
	})
}
