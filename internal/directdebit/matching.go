package directdebit

import (
	"context"
	"fmt"
	"slices"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// What the statement matching (camt.053/MT940 import) uses to book what the
// bank reports of a collection. Each works in the caller's transaction of
// one organisation; the caller has checked permission and records its own
// audit event (naming the item ids and what it did).

// SuspendingReasons are the return reason codes after which a mandate is
// not collected again until someone looks at it (DOMAIN §5.4): account
// closed, no valid mandate, debtor deceased.
var SuspendingReasons = []string{"AC04", "MD01", "MD07"}

// ErrItemState is returned when an item cannot move to the state asked
// (paid after it was returned, say).
var ErrItemState = &validation.Problem{Status: 409, Code: "directdebit.item.state"}

// ItemByEndToEndTx finds the debit with end-to-end id e2e (as the bank
// reports it on a booking or an R-transaction); validation.ErrNotFound when
// there is none.
func ItemByEndToEndTx(ctx context.Context, tx *db.Tx, e2e string) (Item, error) {
	items, err := listItems(ctx, tx, "it.end_to_end_id = $2", e2e)
	if err != nil {
		return Item{}, err
	}
	if len(items) == 0 {
		return Item{}, validation.ErrNotFound
	}
	return items[0].Item, nil
}

// ItemsOfBatchTx lists the debits of a collection the bank booked as one
// entry, named by the payment-information id of its block (PmtInfId) or by
// the batch's message id (MsgId), in id order; none is an empty list.
func ItemsOfBatchTx(ctx context.Context, tx *db.Tx, paymentInfoID string) ([]Item, error) {
	items, err := listItems(ctx, tx, "(it.payment_info_id = $2 OR b.message_id = $2)", paymentInfoID)
	if err != nil {
		return nil, err
	}
	out := make([]Item, len(items))
	for i, it := range items {
		out[i] = it.Item
	}
	return out, nil
}

// MandateByReferenceTx finds the mandate with reference ref (also under the
// reference it had before an amendment); validation.ErrNotFound when none.
// The debtor's sealed data (name, IBAN, place) is not opened.
func MandateByReferenceTx(ctx context.Context, tx *db.Tx, ref string) (Mandate, error) {
	m, err := readMandate(ctx, tx, "m.reference = $2", ref)
	if err == validation.ErrNotFound {
		m, err = readMandate(ctx, tx, "m.original_reference = $2", ref)
	}
	if err != nil {
		return Mandate{}, err
	}
	return m.Mandate, nil
}

// MarkReturnedTx records that debit itemID came back (an R-transaction:
// reject, return or refund) on day on with reasonCode (AC04, AM04, MD06, …).
// The item's invoice is open again and can be collected anew; on AC04,
// MD01 and MD07 the mandate is suspended. Marking an item returned again
// changes nothing.
func MarkReturnedTx(ctx context.Context, tx *db.Tx, itemID int64, reasonCode string, on civil.Date) error {
	it, err := itemByID(ctx, tx, itemID)
	if err != nil {
		return err
	}
	switch it.State {
	case ItemReturned:
		return nil
	case ItemCancelled:
		return ErrItemState
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dd_items SET state = 'returned', return_reason = $3, returned_on = $4
		WHERE org_id = $1 AND id = $2`, tx.OrgID(), itemID, reasonCode, on); err != nil {
		return fmt.Errorf("directdebit: return item %d: %w", itemID, err)
	}
	if !slices.Contains(SuspendingReasons, reasonCode) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dd_mandates SET status = 'suspended', status_reason = $3, status_on = $4
		WHERE org_id = $1 AND id = $2 AND status = 'active'`, tx.OrgID(), it.MandateID, reasonCode, on); err != nil {
		return fmt.Errorf("directdebit: suspend mandate %d: %w", it.MandateID, err)
	}
	return nil
}

// MarkPaidTx records that debit itemID was paid (seen credited on the
// statement) on day on. Marking it paid again changes nothing; a returned
// or cancelled item cannot be paid (ErrItemState).
func MarkPaidTx(ctx context.Context, tx *db.Tx, itemID int64, on civil.Date) error {
	it, err := itemByID(ctx, tx, itemID)
	if err != nil {
		return err
	}
	switch it.State {
	case ItemPaid:
		return nil
	case ItemReturned, ItemCancelled:
		return ErrItemState
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dd_items SET state = 'paid', paid_on = $3
		WHERE org_id = $1 AND id = $2`, tx.OrgID(), itemID, on); err != nil {
		return fmt.Errorf("directdebit: pay item %d: %w", itemID, err)
	}
	return nil
}

func itemByID(ctx context.Context, tx *db.Tx, id int64) (Item, error) {
	items, err := listItems(ctx, tx, "it.id = $2", id)
	if err != nil {
		return Item{}, err
	}
	if len(items) == 0 {
		return Item{}, validation.ErrNotFound
	}
	return items[0].Item, nil
}
