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
	credit, err := chargesByKey(ctx, tx, "c.invoice_id = $2", creditNoteID)
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
	debit, err := chargesByKey(ctx, tx, "c.invoice_id = $2", p.InvoiceID)
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

// An overpayment (DOMAIN.md §5.8: overpayments stay on the tenant's
// balance until someone decides to pay them back) is paid back the same
// way: the payout debit takes the account's unallocated credit, payments
// first (oldest first), then credit-note lines not yet used.

// UnallocatedCreditTx is the credit on lease leaseID that nothing has used
// yet: what payments left over (Payment.Unallocated) and the open part of
// credit-note lines. It is what PayoutOfCreditTx can pay back.
func UnallocatedCreditTx(ctx context.Context, tx *db.Tx, leaseID int64) (money.Cents, error) {
	ps, cs, err := credits(ctx, tx, leaseID)
	if err != nil {
		return 0, err
	}
	var sum money.Cents
	for _, p := range ps {
		sum += p.Unallocated()
	}
	for _, c := range cs {
		sum -= c.Open()
	}
	return sum, nil
}

func credits(ctx context.Context, tx *db.Tx, leaseID int64) ([]Payment, []Charge, error) {
	if err := leaseExists(ctx, tx, leaseID); err != nil {
		return nil, nil, err
	}
	ps, err := payments(ctx, tx, "p.lease_id = $2", leaseID)
	if err != nil {
		return nil, nil, err
	}
	all, err := charges(ctx, tx, "c.lease_id = $2", leaseID)
	if err != nil {
		return nil, nil, err
	}
	var cs []Charge
	for _, c := range all {
		if c.Total < 0 && c.Open() < 0 {
			cs = append(cs, c)
		}
	}
	return ps, cs, nil
}

// PayoutOfCreditTx posts, in tx, a payout debit of amount on lease leaseID
// with line (PayoutLine) dated on, and allocates the lease's unallocated
// credit to it (see UnallocatedCreditTx). It returns the debit and the first
// payment whose credit it used (0: only credit-note credit). It refuses when
// the lease has less credit than amount. The caller records the audit event.
func PayoutOfCreditTx(ctx context.Context, tx *db.Tx, leaseID int64, amount money.Cents, line string, on civil.Date, now string,
	by int64) (Posted, int64, error) {
	if amount <= 0 {
		return Posted{}, 0, fmt.Errorf("payout of lease %d: amount %d cents", leaseID, int64(amount))
	}
	ps, cs, err := credits(ctx, tx, leaseID)
	if err != nil {
		return Posted{}, 0, err
	}
	var left money.Cents
	for _, p := range ps {
		left += p.Unallocated()
	}
	for _, c := range cs {
		left -= c.Open()
	}
	if left < amount {
		return Posted{}, 0, fmt.Errorf("payout of lease %d: %d cents credit, not %d", leaseID, int64(left), int64(amount))
	}
	posted, err := PostTx(ctx, tx, []Draft{{LeaseID: leaseID, IssueDate: on, DueDate: on,
		Lines: []DraftLine{{Line: line, From: on, To: on, Net: amount}}}}, now, by)
	if err != nil {
		return Posted{}, 0, fmt.Errorf("payout of lease %d: %w", leaseID, err)
	}
	p := posted[0]
	debit, err := chargesByKey(ctx, tx, "c.invoice_id = $2", p.InvoiceID)
	if err != nil {
		return Posted{}, 0, err
	}
	if len(debit) != 1 {
		return Posted{}, 0, fmt.Errorf("payout of lease %d: %d charges posted", leaseID, len(debit))
	}
	need, first := amount, int64(0)
	for _, pay := range ps {
		if need == 0 {
			break
		}
		u := pay.Unallocated()
		if u <= 0 {
			continue
		}
		v := min(need, u)
		if err := insertAllocation(ctx, tx, leaseID, debit[0].ID, pay.ID, 0, v, on, now); err != nil {
			return Posted{}, 0, err
		}
		if first == 0 {
			first = pay.ID
		}
		need -= v
	}
	for _, c := range cs {
		if need == 0 {
			break
		}
		v := min(need, -c.Open())
		if err := insertAllocation(ctx, tx, leaseID, debit[0].ID, 0, c.ID, v, on, now); err != nil {
			return Posted{}, 0, err
		}
		need -= v
	}
	return p, first, nil
}
