package ledger_test

import (
	"context"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// One flush of a bank batch lowers each invoice once by all that its
// payments allocated: one payment over both charges of an invoice, two
// payments on one charge, and a payment of an invoice of another lease.
// The ids follow the order the payments were added.
func TestPaymentBatchLowersEachInvoiceByAllItsAllocations(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: time.Date(2026, time.May, 20, 10, 0, 0, 0, time.UTC)}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		a := e.Owner
		la := e.Lease(a, lease.Input{Reference: "PB-A"})
		lb := e.Lease(a, lease.Input{Reference: "PB-B"})
		d := civil.MustParse
		draft := func(lease int64, due string, cents ...money.Cents) ledger.Draft {
			dr := ledger.Draft{LeaseID: lease, IssueDate: d("2026-01-01"), DueDate: d(due)}
			for i, c := range cents {
				dr.Lines = append(dr.Lines, ledger.DraftLine{Line: "bare_rent||" + string(rune('a'+i)), From: d(due), To: d(due), Net: c})
			}
			return dr
		}
		var posted []ledger.Posted
		if err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			var err error
			posted, err = ledger.PostTx(ctx, tx, []ledger.Draft{draft(la, "2026-02-01", 10000, 2500), draft(la, "2026-03-01", 20000),
				draft(lb, "2026-03-01", 40000)}, db.TS(e.Clock.Now()), 0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		if err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			b := e.Ledger.NewPaymentBatch(tx, a)
			for _, p := range []struct {
				invoice int
				amount  money.Cents
			}{{0, 11000}, {1, 3000}, {1, 4000}, {2, 100}} {
				if _, err := b.AddToInvoice(ctx, posted[p.invoice].InvoiceID, d("2026-05-02"), p.amount, ledger.Transfer, ""); err != nil {
					return err
				}
			}
			var err error
			ids, err = b.Flush(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(ids) != 4 || ids[0] >= ids[1] || ids[1] >= ids[2] || ids[2] >= ids[3] {
			t.Fatalf("payment ids %v", ids)
		}
		for i, want := range []money.Cents{1500, 13000, 39900} {
			inv, err := e.Ledger.Invoice(ctx, a, posted[i].InvoiceID)
			if err != nil || inv.Open != want {
				t.Errorf("invoice %d: open %d (%v), want %d", i, inv.Open, err, want)
			}
		}
		byID := map[int64]ledger.Payment{}
		for _, l := range []int64{la, lb} {
			ps, err := e.Ledger.Payments(ctx, a, l)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				byID[p.ID] = p
			}
		}
		for i, want := range []struct {
			lease  int64
			amount money.Cents
		}{{la, 11000}, {la, 3000}, {la, 4000}, {lb, 100}} {
			if p := byID[ids[i]]; p.LeaseID != want.lease || p.Amount != want.amount || p.Allocated != want.amount {
				t.Errorf("payment %d: %+v, want %+v", i, p, want)
			}
		}
	})
}
