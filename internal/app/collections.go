package app

import (
	"context"

	"hms/internal/directdebit"
	"hms/internal/money"
	"hms/internal/payout"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/reconcile"
)

// collections gives the statement matching (reconcile.Collections) the
// direct-debit capability's look-ups and marks, so a collection's credits
// are booked by their end-to-end id or batch, and its returns reverse the
// payment, free the invoice to be collected again and suspend the mandate
// where the reason asks it.
type collections struct{}

var _ reconcile.Collections = collections{}

func collectionItem(it directdebit.Item) reconcile.CollectionItem {
	return reconcile.CollectionItem{ID: it.ID, InvoiceID: it.InvoiceID, LeaseID: it.LeaseID, Amount: it.Amount}
}

func (collections) ItemByEndToEnd(ctx context.Context, tx *db.Tx, e2e string) (reconcile.CollectionItem, error) {
	it, err := directdebit.ItemByEndToEndTx(ctx, tx, e2e)
	if err != nil {
		return reconcile.CollectionItem{}, err
	}
	return collectionItem(it), nil
}

func (collections) ItemsOfBatch(ctx context.Context, tx *db.Tx, paymentInfoID string) ([]reconcile.CollectionItem, error) {
	items, err := directdebit.ItemsOfBatchTx(ctx, tx, paymentInfoID)
	if err != nil {
		return nil, err
	}
	out := make([]reconcile.CollectionItem, 0, len(items))
	for _, it := range items {
		// A batch booked as one entry is what was collected: the debits
		// returned before it was booked are not in its sum.
		if it.State == directdebit.ItemCollected || it.State == directdebit.ItemPaid {
			out = append(out, collectionItem(it))
		}
	}
	return out, nil
}

func (collections) MandateLease(ctx context.Context, tx *db.Tx, reference string) (int64, error) {
	m, err := directdebit.MandateByReferenceTx(ctx, tx, reference)
	if err != nil {
		return 0, err
	}
	return m.LeaseID, nil
}

func (collections) MarkPaid(ctx context.Context, tx *db.Tx, itemID int64, on civil.Date) error {
	return directdebit.MarkPaidTx(ctx, tx, itemID, on)
}

func (collections) MarkReturned(ctx context.Context, tx *db.Tx, itemID int64, reason string, on civil.Date) error {
	return directdebit.MarkReturnedTx(ctx, tx, itemID, reason, on)
}

// payouts gives the statement matching (reconcile.Payouts) the payouts
// capability: a debit carrying a payout's end-to-end id marks it paid.
type payouts struct{ s *payout.Service }

func (p payouts) MarkPaidByEndToEnd(ctx context.Context, tx *db.Tx, e2e string, amount money.Cents, on civil.Date) (bool, error) {
	return p.s.MarkPaidByEndToEndTx(ctx, tx, e2e, amount, on)
}
