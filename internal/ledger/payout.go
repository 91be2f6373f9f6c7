package ledger

import (
	"context"
	"fmt"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// Paying credit back. A refund that is to be paid out (a settlement refund
// with "pay back") is credit on the lease account: a credit-note line with
// an open, negative amount. Left like that while the payout waits for the
// bank, AllocateCredit would set it off against the next rent too, and the
// tenant would get the money twice. So the moment a payout is decided the
// ledger posts a debit for it, an invoice with one line
// "payout|<category>|<label>" (no VAT: it is money owed back, no supply),
// and settles that debit with the credit-note lines at once. The account's
// balance is then 0 for the refund and its credit is used up; the payout
// itself (the bank transfer) is the paying party's business.

// PayoutKind is the line kind of a payout debit.
const PayoutKind = "payout"

// PayoutLine is the ledger line of a payout debit, e.g.
// "payout|settlement|2025".
func PayoutLine(category, label string) string { return Line(PayoutKind, category, label) }

// PayoutTx posts, in tx, a debit of amount on lease leaseID with line
// (PayoutLine) dated on, and allocates the unused credit of credit note
// creditNoteID to it. It refuses when the credit note has less unused
// credit than amount, so a payout never exceeds what the tenant is owed.
// The caller records the audit event.
func PayoutTx(ctx context.Context, tx *db.Tx, leaseID, creditNoteID int64, amount money.Cents, line string, on civil.Date,
	now string, by int64) (Posted, error) {
	if amount <= 0 {
		return Posted{}, fmt.Errorf("payout of lease %d: amount %d cents", leaseID, int64(amount))
	}
	credit, err := charges(ctx, tx, "c.invoice_id = $2", creditNoteID)
	if err != nil {
		return Posted{}, err
	}
	var left money.Cents
	for _, c := range credit {
		if c.LeaseID != leaseID {
			return Posted{}, fmt.Errorf("payout of lease %d: credit note %d is of lease %d", leaseID, creditNoteID, c.LeaseID)
		}
		if c.Total < 0 && c.Open() < 0 {
			left -= c.Open()
		}
	}
	if left < amount {
		return Posted{}, fmt.Errorf("payout of lease %d: credit note %d has %d cents unused, not %d", leaseID,
			creditNoteID, int64(left), int64(amount))
	}
	posted, err := PostTx(ctx, tx, []Draft{{LeaseID: leaseID, IssueDate: on, DueDate: on,
		Lines: []DraftLine{{Line: line, From: on, To: on, Net: amount}}}}, now, by)
	if err != nil {
		return Posted{}, fmt.Errorf("payout of lease %d: %w", leaseID, err)
	}
	p := posted[0]
	debit, err := charges(ctx, tx, "c.invoice_id = $2", p.InvoiceID)
	if err != nil {
		return Posted{}, err
	}
	if len(debit) != 1 {
		return Posted{}, fmt.Errorf("payout of lease %d: %d charges posted", leaseID, len(debit))
	}
	need := amount
	for _, c := range credit {
		if need == 0 {
			break
		}
		if c.Total >= 0 || c.Open() >= 0 {
			continue
		}
		v := min(need, -c.Open())
		if err := insertAllocation(ctx, tx, leaseID, debit[0].ID, 0, c.ID, v, on, now); err != nil {
			return Posted{}, err
		}
		need -= v
	}
	return p, nil
}
