package ledger_test

import (
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// A refund paid back is a credit note whose credit the payout debit uses up
// at once: the account is square, and AllocateCredit finds nothing left to
// set off against the next rent.
func TestPayoutConsumesTheCredit(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine,
				apptest.Options{NoServer: true, Clock: clock.NewFixed(time.Date(2026, time.January, 20, 11, 0, 0, 0, time.UTC))})
			a := e.Actor(t, "alpha", "owner@alpha.nl", account.Owner)
			if err := e.Privacy.AcceptProcessorAgreement(ctx, a, e.Privacy.Current().Version); err != nil {
				t.Fatal(err)
			}
			u, err := e.Portfolio.CreateUnit(ctx, a, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: "1", Postcode: "3521 CD", City: "Utrecht",
				Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentVrij})
			if err != nil {
				t.Fatal(err)
			}
			p, err := e.Relations.CreatePerson(ctx, a, relation.PersonInput{FirstNames: "Anna", Surname: "de Vries",
				Address: relation.Address{Street: "Oudegracht", HouseNumber: "12", Postcode: "3511 AB", City: "Utrecht"}})
			if err != nil {
				t.Fatal(err)
			}
			l, err := e.Leases.Create(ctx, a, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: civil.New(2025, 6, 1),
				PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}})
			if err != nil {
				t.Fatal(err)
			}
			// January's rent is open: the credit could be set off against it.
			if _, err := e.Billing.PostRun(ctx, a, billing.RunInput{Period: "2026-01"}, nil); err != nil {
				t.Fatal(err)
			}
			on := civil.New(2026, 1, 20)
			line := ledger.PayoutLine("settlement", "2025")
			var payout ledger.Posted
			var total money.Cents
			var note int64
			err = e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
				// Two lines, as on a commercial statement with two VAT rates.
				cn, err := ledger.PostTx(ctx, tx,
					[]ledger.Draft{{Kind: ledger.KindCreditNote, Reason: "servicekosten 2025", LeaseID: l, IssueDate: on, DueDate: on,
						Lines: []ledger.DraftLine{{Line: "settlement|2025|1", From: civil.New(2025, 6, 1), To: civil.New(2025, 12, 31), Net: -3000},
							{Line: "settlement|2025|1", From: civil.New(2025, 6, 1), To: civil.New(2025, 12, 31), Net: -1017, VATRate: 21 * money.Percent}}}},
					"2026-01-20T11:00:00Z", a.UserID)
				if err != nil {
					return err
				}
				total, note = -cn[0].Total, cn[0].InvoiceID
				// More than the credit note holds is refused, and changes nothing.
				if _, err := ledger.PayoutTx(ctx, tx, l, cn[0].InvoiceID, total+1, line, on, "2026-01-20T11:00:00Z", a.UserID); err == nil {
					t.Error("a payout larger than the credit was posted")
				}
				payout, err = ledger.PayoutTx(ctx, tx, l, cn[0].InvoiceID, total, line, on, "2026-01-20T11:00:00Z", a.UserID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if total != 4231 || payout.Total != total {
				t.Fatalf("payout debit %s for a credit of %s", payout.Total, total)
			}
			inv, err := e.Ledger.Invoice(ctx, a, payout.InvoiceID)
			if err != nil {
				t.Fatal(err)
			}
			if inv.Kind != ledger.KindInvoice || len(inv.Charges) != 1 ||
				inv.Charges[0].Line != "payout|settlement|2025" || inv.Charges[0].Open() != 0 {
				t.Fatalf("payout invoice: %+v", inv)
			}
			// Nothing to set off: January stays open, whole.
			applied, err := e.Ledger.AllocateCredit(ctx, a, l)
			if err != nil || applied != 0 {
				t.Fatalf("credit set off after the payout: %s, %v", applied, err)
			}
			b, err := e.Ledger.BalanceAt(ctx, a, l, on)
			if err != nil {
				t.Fatal(err)
			}
			if b.Balance != 100000 {
				t.Fatalf("balance %s, want January's rent only", b.Balance)
			}
			// A second payout of the same credit note finds no credit.
			err = e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
				_, err := ledger.PayoutTx(ctx, tx, l, note, 1, line, on, "2026-01-20T11:00:00Z", a.UserID)
				return err
			})
			if err == nil {
				t.Fatal("the credit was paid out twice")
			}
		})
	}
}
