package subscription

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// The SQL of failed collections (failed.go); System transactions only.

// invoiceRef is what a staff action on one invoice needs.
type invoiceRef struct {
	ID          int64
	OrgID       int64
	State       string
	BatchID     int64 // 0: in no batch waiting for the bank
	Failures    int
	FirstFailed civil.Date
	// Collected: paid by its batch (the item marked collected), not by a
	// transfer; the bank can still return it.
	Collected bool
}

func invoiceByNumberTx(ctx context.Context, tx *db.Tx, number string) (invoiceRef, error) {
	var r invoiceRef
	var batch sql.NullInt64
	var collected int
	err := tx.QueryRowContext(ctx, `SELECT i.id, i.organisation_id, i.state, i.batch_id, i.failures, i.first_failed_on,
		(SELECT COUNT(*) FROM subscription_batch_items b WHERE b.batch_id = i.batch_id AND b.invoice_id = i.id AND b.state = 'collected')
		FROM subscription_invoices i WHERE i.number = $1`, number).Scan(&r.ID, &r.OrgID, &r.State, &batch, &r.Failures, &r.FirstFailed,
		&collected)
	if errors.Is(err, sql.ErrNoRows) {
		return r, validation.Errors{"number": "subscription.invoice_unknown"}
	}
	if err != nil {
		return r, fmt.Errorf("subscription: invoice %s: %w", number, err)
	}
	r.BatchID, r.Collected = batch.Int64, collected > 0
	return r, nil
}

// returnItemTx marks the invoice's item in batch returned (sent, or
// collected and returned later) and the invoice open again, out of the
// batch, with its failures, first failure and retry date.
func returnItemTx(ctx context.Context, tx *db.Tx, batch, invoice int64, reason string, on civil.Date, failures int,
	first, retry civil.Date) error {
	res, err := tx.ExecContext(ctx, `UPDATE subscription_batch_items SET state = 'returned', return_reason = $1, returned_on = $2
		WHERE batch_id = $3 AND invoice_id = $4 AND state <> 'returned'`, reason, on, batch, invoice)
	if err != nil {
		return fmt.Errorf("subscription: return item: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrNotCollected
	}
	if _, err := tx.ExecContext(ctx, `UPDATE subscription_invoices SET state = 'open', batch_id = NULL, failures = $1, first_failed_on = $2,
		retry_on = $3 WHERE id = $4`, failures, first, retry, invoice); err != nil {
		return fmt.Errorf("subscription: reopen invoice: %w", err)
	}
	return nil
}

func setInvoicePaidTx(ctx context.Context, tx *db.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE subscription_invoices SET state = 'paid', retry_on = NULL WHERE id = $1`, id); err != nil {
		return fmt.Errorf("subscription: invoice paid: %w", err)
	}
	// An item still waiting for the bank is collected by this payment no
	// more: it stays in its batch as sent.
	return nil
}

// collectBatchTx marks every sent item of batch collected and its invoice
// paid; it returns the organisations whose invoices it paid.
func collectBatchTx(ctx context.Context, tx *db.Tx, batch int64) ([]int64, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscription_batches WHERE id = $1`, batch).Scan(&n); err != nil {
		return nil, fmt.Errorf("subscription: batch %d: %w", batch, err)
	}
	if n == 0 {
		return nil, validation.ErrNotFound
	}
	rows, err := tx.QueryContext(ctx, `SELECT i.organisation_id FROM subscription_batch_items b
		JOIN subscription_invoices i ON i.id = b.invoice_id WHERE b.batch_id = $1 AND b.state = 'sent' ORDER BY i.number`, batch)
	if err != nil {
		return nil, fmt.Errorf("subscription: collect batch %d: %w", batch, err)
	}
	var orgs []int64
	for rows.Next() {
		var o int64
		if err := rows.Scan(&o); err != nil {
			rows.Close()
			return nil, fmt.Errorf("subscription: collect batch %d: %w", batch, err)
		}
		orgs = append(orgs, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("subscription: collect batch %d: %w", batch, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE subscription_invoices SET state = 'paid', retry_on = NULL WHERE batch_id = $1
		AND id IN (SELECT invoice_id FROM subscription_batch_items WHERE batch_id = $1 AND state = 'sent')`, batch); err != nil {
		return nil, fmt.Errorf("subscription: collect batch %d: %w", batch, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE subscription_batch_items SET state = 'collected' WHERE batch_id = $1 AND state = 'sent'`,
		batch); err != nil {
		return nil, fmt.Errorf("subscription: collect batch %d: %w", batch, err)
	}
	return orgs, nil
}

// overdueInvoicesTx counts orgID's open invoices that failed
// MaxCollectAttempts times, or failed first on or before graceFrom.
func overdueInvoicesTx(ctx context.Context, tx *db.Tx, orgID int64, graceFrom civil.Date) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscription_invoices WHERE organisation_id = $1 AND state = 'open'
		AND (failures >= $2 OR (failures > 0 AND first_failed_on <= $3))`, orgID, MaxCollectAttempts, graceFrom).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("subscription: overdue of %d: %w", orgID, err)
	}
	return n, nil
}

// setPastDueTx sets (from on) or lifts orgID's past due; it reports
// whether that changed anything.
func setPastDueTx(ctx context.Context, tx *db.Tx, orgID int64, pastDue bool, on civil.Date) (bool, error) {
	q := `UPDATE subscriptions SET past_due_on = $1 WHERE organisation_id = $2 AND past_due_on IS NULL`
	args := []any{on, orgID}
	if !pastDue {
		q, args = `UPDATE subscriptions SET past_due_on = NULL WHERE organisation_id = $1 AND past_due_on IS NOT NULL`, []any{orgID}
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("subscription: past due of %d: %w", orgID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// orgsWithFailuresTx lists the organisations with an open invoice whose
// collection failed, or past due.
func orgsWithFailuresTx(ctx context.Context, tx *db.Tx) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT organisation_id FROM subscription_invoices WHERE state = 'open' AND failures > 0
		UNION SELECT organisation_id FROM subscriptions WHERE past_due_on IS NOT NULL ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("subscription: failed collections: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var o int64
		if err := rows.Scan(&o); err != nil {
			return nil, fmt.Errorf("subscription: failed collections: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

const batchItemCols = `SELECT b.batch_id, bt.collect_on, i.id, i.number, i.organisation_id, o.name, b.sequence, b.amount_cents,
	b.state, b.return_reason, b.returned_on, i.failures, i.retry_on, i.state = 'paid'
	FROM subscription_batch_items b JOIN subscription_batches bt ON bt.id = b.batch_id
	JOIN subscription_invoices i ON i.id = b.invoice_id JOIN organisations o ON o.id = i.organisation_id`

func batchItemsTx(ctx context.Context, tx *db.Tx, batch int64, returned bool) ([]BatchItem, error) {
	q, args := batchItemCols+` WHERE b.batch_id = $1 ORDER BY i.number`, []any{batch}
	if returned {
		// One row per invoice: its latest return (a retried one came back twice).
		q, args = batchItemCols+` WHERE b.state = 'returned' AND i.state = 'open' AND i.batch_id IS NULL
			AND b.batch_id = (SELECT MAX(x.batch_id) FROM subscription_batch_items x WHERE x.invoice_id = b.invoice_id)
			ORDER BY b.returned_on, i.number`, nil
	}
	return scanBatchItems(ctx, tx, q, args...)
}

func orgBatchItemsTx(ctx context.Context, tx *db.Tx, orgID int64) ([]BatchItem, error) {
	return scanBatchItems(ctx, tx, batchItemCols+` WHERE i.organisation_id = $1 ORDER BY b.batch_id DESC, i.number`, orgID)
}

func scanBatchItems(ctx context.Context, tx *db.Tx, q string, args ...any) ([]BatchItem, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("subscription: batch items: %w", err)
	}
	defer rows.Close()
	var out []BatchItem
	for rows.Next() {
		var it BatchItem
		var amount int64
		if err := rows.Scan(&it.BatchID, &it.CollectOn, &it.InvoiceID, &it.Number, &it.OrgID, &it.Customer, &it.Sequence, &amount,
			&it.State, &it.Reason, &it.ReturnedOn, &it.Failures, &it.RetryOn, &it.InvoicePaid); err != nil {
			return nil, fmt.Errorf("subscription: batch items: %w", err)
		}
		it.Amount = money.Cents(amount)
		out = append(out, it)
	}
	return out, rows.Err()
}
