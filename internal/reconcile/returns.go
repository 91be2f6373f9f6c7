package reconcile

import (
	"context"
	"slices"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// Returned direct debits (DOMAIN §5.4): the payment that booked the
// collection is reversed on the day of the return, so the invoice is open
// again and dunning sees it; the collection item is marked returned with
// its reason code (the mandate is suspended on AC04, MD01 and MD07 by the
// direct-debit capability); a storno fee is charged when the organisation
// set one — except for MD06, a refund the tenant asked for within the eight
// weeks the rulebook gives, which is their right and no mark against them.

// RefundOnRequest is the reason code of a Core refund at the debtor's request.
const RefundOnRequest = "MD06"

// ReturnReasons are the reason codes HMS explains in words
// (bank.return.<code> in the catalog).
var ReturnReasons = []string{"AC01", "AC04", "AC06", "AC13", "AG01", "AG02", "AM04", "AM05", "BE05", "MD01", "MD02", "MD06",
	"MD07", "MS02", "MS03", "SL01"}

func (im *importer) returned(ctx context.Context, l lineRow, item CollectionItem) (outcome, error) {
	reason := l.returnReason
	out := outcome{state: Matched, rule: RuleReturn, leaseID: item.LeaseID, invoiceID: item.InvoiceID, note: reason}
	ps, err := ledger.PaymentsOfInvoiceTx(ctx, im.tx, item.InvoiceID)
	if err != nil {
		return outcome{}, err
	}
	// The payment of the collection: booked by direct debit for the item's
	// amount; else the newest direct-debit payment of the invoice.
	i := slices.IndexFunc(ps, func(p ledger.Payment) bool { return p.Method == ledger.DirectDebit && p.Amount == item.Amount })
	if i < 0 {
		i = slices.IndexFunc(ps, func(p ledger.Payment) bool { return p.Method == ledger.DirectDebit })
	}
	if i >= 0 {
		text := "Storno"
		if reason != "" {
			text += " " + reason
		}
		if out.paymentID, err = im.s.ledger.ReversePaymentTx(ctx, im.tx, im.a, ps[i].ID, text, l.date); err != nil {
			return outcome{}, err
		}
	}
	if err := im.s.collections.MarkReturned(ctx, im.tx, item.ID, reason, l.date); err != nil {
		return outcome{}, err
	}
	if im.fee.amount > 0 && reason != RefundOnRequest {
		if err := chargeStornoFee(ctx, im.tx, im.a, item.LeaseID, im.fee.amount, reason, l.date, im.s.now()); err != nil {
			return outcome{}, err
		}
	}
	return out, nil
}

// chargeStornoFee posts the organisation's fee for a returned debit.
func chargeStornoFee(ctx context.Context, tx *db.Tx, a account.Actor, leaseID int64, fee money.Cents, reason string, on civil.Date,
	now string) error {
	label := "Kosten teruggeboekte incasso"
	if reason != "" {
		label += " (" + reason + ")"
	}
	_, err := ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: leaseID, IssueDate: on, DueDate: on,
		Lines: []ledger.DraftLine{{Line: ledger.Line("fee", "storno", label), From: on, To: on, Net: fee}}}}, now, a.UserID)
	return err
}

// bookPayment records a payment on a lease, allocated to an invoice's open
// charges first when one is named; what is left is credit on the account
// (and with no invoice, or nothing open on it, the ledger allocates oldest
// first).
func bookPayment(ctx context.Context, s *Service, tx *db.Tx, a account.Actor, leaseID, invoiceID int64, amount money.Cents,
	on civil.Date, method ledger.PaymentMethod, ref string) (int64, error) {
	alloc := map[int64]money.Cents{}
	if invoiceID != 0 {
		inv, err := s.ledger.InvoiceTx(ctx, tx, invoiceID)
		if err != nil {
			return 0, err
		}
		left := amount
		for _, c := range inv.Charges {
			if v := min(left, c.Open()); v > 0 {
				alloc[c.ID] = v
				left -= v
			}
		}
	}
	return s.ledger.RecordPaymentTx(ctx, tx, a, ledger.PaymentInput{LeaseID: leaseID, Date: on, Amount: amount, Method: method,
		Reference: ref, Allocations: alloc})
}
