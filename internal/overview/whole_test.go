package overview_test

import (
	"reflect"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/platform/db"
)

// The figures read from the candidate invoices and the units that changed
// are the figures computed from every open charge and every unit with all
// its leases (as before issue 16), to the cent: on the fixture with a 60-unit
// demo portfolio beside it (tenant changes, vacancy, a year of rent runs,
// payments and reminders), a reversed payment (a negative allocation), an
// invoice whose negative line cancels its positive one, a credit note, and
// on a day before payments booked later (allocations dated after it), for the
// organisation and each complex.
func TestFiguresEqualTheWholeComputation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		b := e.book()
		o := e.Owner
		if _, err := e.FillDemo(ctx, o, "alpha", 60); err != nil {
			t.Fatal(err)
		}
		// A payment reversed: its allocations come back negative.
		e.pay(o, b.l4, "2026-05-11", 40000)
		ps, err := e.Ledger.Payments(ctx, o, b.l4)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Amount == 40000 {
				if _, err := e.Ledger.ReversePayment(ctx, o, p.ID, "Storno door de bank"); err != nil {
					t.Fatal(err)
				}
			}
		}
		// An invoice of a positive and an equal negative line (a settlement
		// over two VAT rates): its kept open amount is zero, its positive line
		// open on its own.
		if err := e.DB.InOrg(ctx, o.OrgID, func(tx *db.Tx) error {
			_, err := ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: b.l2, IssueDate: d("2026-03-01"), DueDate: d("2026-03-15"),
				Lines: []ledger.DraftLine{
					{Line: ledger.Line("service_costs", "", "gas"), From: d("2025-01-01"), To: d("2025-12-31"), Net: 25000},
					{Line: ledger.Line("service_costs", "", "water"), From: d("2025-01-01"), To: d("2025-12-31"), Net: -25000}}}},
				db.TS(e.Clock.Now()), o.UserID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// A credit note for an invoice of l4, and a payment today.
		inv := e.charge(o, b.l4, "2026-02-01", "2026-02-05", 33300)
		if _, err := e.Ledger.Credit(ctx, o, ledger.CreditInput{InvoiceID: inv.InvoiceID, Reason: "Dubbel gefactureerd"}); err != nil {
			t.Fatal(err)
		}
		e.pay(o, b.l1, "2026-05-15", 50000)

		compare := func(when string, a account.Actor) {
			t.Helper()
			f, err := e.Overview.Figures(ctx, a, 0)
			if err != nil {
				t.Fatal(err)
			}
			if f.Arrears == 0 || (f.Portfolio && f.Units < 50) {
				t.Fatalf("%s: a fixture without arrears or units: %d, %d", when, f.Arrears, f.Units)
			}
			ids := []int64{0}
			for _, c := range f.Complexes {
				ids = append(ids, c.ID)
			}
			for _, id := range ids {
				got, err := e.Overview.Figures(ctx, a, id)
				if err != nil {
					t.Fatal(err)
				}
				want, err := e.Overview.WholeFigures(ctx, a, id)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s, complex %d:\n got %+v\nwant %+v", when, id, got, want)
				}
			}
		}
		compare("today", o)
		compare("as a bookkeeper", e.Bookkeeper)
		start := e.Clock.Now()
		for _, step := range []time.Duration{-24 * time.Hour, -4 * 24 * time.Hour, 40 * 24 * time.Hour, 230 * 24 * time.Hour} {
			e.Clock.Set(start.Add(step))
			compare(e.Clock.Now().Format("2006-01-02"), o)
		}
	})
}
