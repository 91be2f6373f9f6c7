package ledger_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
)

// Every writer of charges and allocations keeps the invoice's open amount
// (migration 00045) in its transaction: posting, a payment oldest first and
// one chosen per charge, a bank batch, a reversal (a returned direct debit),
// a credit note of a part-paid invoice, a credit set off against rent. The
// invoice list and "open only" read the kept amount; OpenDrift finds none
// wrong, and finds one that is.
func TestOpenAmountKeptByEveryWriter(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: time.Date(2026, time.May, 20, 10, 0, 0, 0, time.UTC)}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		a := e.Owner
		la := e.Lease(a, lease.Input{Reference: "OA-A"})
		lb := e.Lease(a, lease.Input{Reference: "OA-B"})
		d := civil.MustParse
		draft := func(lease int64, due string, cents ...money.Cents) ledger.Draft {
			dr := ledger.Draft{LeaseID: lease, IssueDate: d("2026-01-01"), DueDate: d(due)}
			for i, c := range cents {
				dr.Lines = append(dr.Lines, ledger.DraftLine{Line: "bare_rent||" + string(rune('a'+i)), From: d(due), To: d(due), Net: c})
			}
			return dr
		}
		var posted []ledger.Posted
		err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			var err error
			posted, err = ledger.PostTx(ctx, tx, []ledger.Draft{
				draft(la, "2026-02-01", 10000, 2500), // 0: 125.00 in two lines
				draft(la, "2026-03-01", 20000),       // 1
				draft(la, "2026-04-01", 30000),       // 2
				draft(lb, "2026-03-01", 40000),       // 3
				draft(lb, "2026-04-01", 5000),        // 4
			}, db.TS(e.Clock.Now()), 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		openOf := func(want ...money.Cents) {
			t.Helper()
			page, err := e.Ledger.Invoices(ctx, e.Bookkeeper, listing.Query{Sort: "id", Limit: 50}, ledger.InvoiceFilter{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]money.Cents{}
			for _, inv := range page.Items {
				got[inv.ID] = inv.Open
			}
			wantOpen := 0
			for i, w := range want {
				if got[posted[i].InvoiceID] != w {
					t.Errorf("invoice %d: open %d, want %d", i, got[posted[i].InvoiceID], w)
				}
				if w > 0 {
					wantOpen++
				}
			}
			only, err := e.Ledger.Invoices(ctx, e.Bookkeeper, listing.Query{Limit: 50}, ledger.InvoiceFilter{OpenOnly: true})
			if err != nil || only.Total != wantOpen {
				t.Errorf("open only: %d invoices (%v), want %d", only.Total, err, wantOpen)
			}
			var drift []string
			if err := e.DB.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
				var err error
				drift, err = ledger.OpenDrift(ctx, tx)
				return err
			}); err != nil || len(drift) > 0 {
				t.Fatalf("drift: %v %v", drift, err)
			}
		}
		openOf(12500, 20000, 30000, 40000, 5000)

		// Oldest first: 125.00 and 50.00 of the next.
		p1, err := e.Ledger.RecordPayment(ctx, a, ledger.PaymentInput{LeaseID: la, Date: d("2026-05-01"), Amount: 17500, Method: ledger.Transfer})
		if err != nil {
			t.Fatal(err)
		}
		openOf(0, 15000, 30000, 40000, 5000)

		// A bank batch pays part of invoice 3 and all of 4 (the rest is credit).
		err = e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			b := e.Ledger.NewPaymentBatch(tx, a)
			if err := b.Load(ctx, []int64{posted[3].InvoiceID, posted[4].InvoiceID}); err != nil {
				return err
			}
			if _, err := b.AddToInvoice(ctx, posted[3].InvoiceID, d("2026-05-02"), 1000, ledger.Transfer, "x"); err != nil {
				return err
			}
			if _, err := b.AddToInvoice(ctx, posted[4].InvoiceID, d("2026-05-02"), 6000, ledger.Transfer, "y"); err != nil {
				return err
			}
			_, err := b.Flush(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		openOf(0, 15000, 30000, 39000, 0)

		// The first payment comes back: both invoices are open again.
		if _, err := e.Ledger.ReversePayment(ctx, a, p1, "storno"); err != nil {
			t.Fatal(err)
		}
		openOf(12500, 20000, 30000, 39000, 0)

		// A credit note of invoice 3, part paid: its open part is credited.
		note, err := e.Ledger.Credit(ctx, a, ledger.CreditInput{InvoiceID: posted[3].InvoiceID, Reason: "verkeerd bedrag"})
		if err != nil {
			t.Fatal(err)
		}
		openOf(12500, 20000, 30000, 0, 0)
		cn, err := e.Ledger.Invoice(ctx, e.Bookkeeper, note)
		if err != nil || cn.Open != 0 {
			t.Fatalf("credit note: %+v %v", cn, err)
		}

		// lb's credit (10.00 paid on the credited invoice and 10.00 over)
		// set off against a new rent.
		err = e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			p, err := ledger.PostTx(ctx, tx, []ledger.Draft{draft(lb, "2026-05-01", 7000)}, db.TS(e.Clock.Now()), 0)
			posted = append(posted, p...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Ledger.AllocateCredit(ctx, a, lb); err != nil {
			t.Fatal(err)
		}
		openOf(12500, 20000, 30000, 0, 0, 5000)

		// A kept amount set wrong is found.
		if _, err := e.DB.Raw().ExecContext(ctx, `UPDATE ledger_invoices SET open_cents = open_cents + 1 WHERE id = $1`,
			posted[2].InvoiceID); err != nil {
			t.Fatal(err)
		}
		var drift []string
		if err := e.DB.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
			drift, err = ledger.OpenDrift(ctx, tx)
			return err
		}); err != nil || len(drift) != 1 || !strings.Contains(drift[0], posted[2].Number) {
			t.Fatalf("drift not found: %v %v", drift, err)
		}
		if _, err := e.DB.Raw().ExecContext(ctx, `UPDATE ledger_invoices SET open_cents = open_cents - 1 WHERE id = $1`,
			posted[2].InvoiceID); err != nil {
			t.Fatal(err)
		}
	})
}
