package subscription

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// The SQL of HMS's own invoices; System transactions only.

// activeSub is an active subscription the invoice run visits.
type activeSub struct {
	OrgID     int64
	StartedOn civil.Date
}

func activeSubsTx(ctx context.Context, tx *db.Tx) ([]activeSub, error) {
	rows, err := tx.QueryContext(ctx, `SELECT organisation_id, started_on FROM subscriptions WHERE state = 'active'
		ORDER BY organisation_id`)
	if err != nil {
		return nil, fmt.Errorf("subscription: active subscriptions: %w", err)
	}
	defer rows.Close()
	var out []activeSub
	for rows.Next() {
		var a activeSub
		if err := rows.Scan(&a.OrgID, &a.StartedOn); err != nil {
			return nil, fmt.Errorf("subscription: active subscriptions: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("subscription: active subscriptions: %w", err)
	}
	return out, nil
}

func invoiceExistsTx(ctx context.Context, tx *db.Tx, orgID int64, m civil.Month) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscription_invoices WHERE organisation_id = $1 AND month = $2`,
		orgID, m.String()).Scan(&n); err != nil {
		return false, fmt.Errorf("subscription: invoice of %d for %s: %w", orgID, m, err)
	}
	return n > 0, nil
}

// reserveInvoiceNumberTx moves HMS's one invoice series on by one in the
// issuing transaction: an invoice that is not issued (the transaction
// rolls back) takes no number, so the series has no gaps. The counter's
// row lock also orders two instances issuing at once.
func reserveInvoiceNumberTx(ctx context.Context, tx *db.Tx) (int64, error) {
	var last int64
	err := tx.QueryRowContext(ctx, `INSERT INTO subscription_counters (series, last) VALUES ('invoice', 1)
		ON CONFLICT (series) DO UPDATE SET last = subscription_counters.last + 1 RETURNING last`).Scan(&last)
	if err != nil {
		return 0, fmt.Errorf("subscription: reserve invoice number: %w", err)
	}
	if last >= 10_000_000 {
		return 0, fmt.Errorf("subscription: the invoice series is full")
	}
	return last, nil
}

func insertInvoiceTx(ctx context.Context, tx *db.Tx, inv Invoice, subject vault.SubjectID, buyer []byte, now time.Time) (int64, error) {
	seller, err := json.Marshal(inv.Seller)
	if err != nil {
		return 0, fmt.Errorf("subscription: invoice seller: %w", err)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO subscription_invoices (organisation_id, month, number, issued_on, period_from,
		period_to, plan_name_nl, plan_name_en, units, net_cents, vat_rate, vat_cents, total_cents, collect_on, mandate_reference,
		creditor_id, seller, subject_id, buyer_sealed, lang, state, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, 'open', $21) RETURNING id`,
		inv.OrgID, inv.Month.String(), inv.Number, inv.IssuedOn, inv.From, inv.To, inv.PlanNL, inv.PlanEN, inv.Units,
		int64(inv.Net), int64(inv.VATRate), int64(inv.VAT), int64(inv.Total), inv.CollectOn, inv.Mandate, inv.Creditor,
		string(seller), int64(subject), buyer, inv.Lang, db.TS(now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("subscription: insert invoice %s: %w", inv.Number, err)
	}
	return id, nil
}

type invoiceRow struct {
	inv     Invoice
	subject vault.SubjectID
	buyer   []byte
}

// invoiceRowsTx lists organisation orgID's invoices, newest first; number
// "" for all, else that one.
func invoiceRowsTx(ctx context.Context, tx *db.Tx, orgID int64, number string) ([]invoiceRow, error) {
	q := `SELECT id, month, number, issued_on, period_from, period_to, plan_name_nl, plan_name_en, units, net_cents, vat_rate,
		vat_cents, total_cents, collect_on, mandate_reference, creditor_id, seller, subject_id, buyer_sealed, lang, state,
		batch_id IS NOT NULL, failures, retry_on, COALESCE((SELECT b.return_reason FROM subscription_batch_items b
		WHERE b.invoice_id = subscription_invoices.id AND b.state = 'returned' ORDER BY b.batch_id DESC LIMIT 1), '')
		FROM subscription_invoices WHERE organisation_id = $1`
	args := []any{orgID}
	if number != "" {
		q += ` AND number = $2`
		args = append(args, number)
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY number DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("subscription: invoices of %d: %w", orgID, err)
	}
	defer rows.Close()
	var out []invoiceRow
	for rows.Next() {
		r := invoiceRow{inv: Invoice{OrgID: orgID}}
		var net, rate, vat, total int64
		var seller string
		if err := rows.Scan(&r.inv.ID, &r.inv.Month, &r.inv.Number, &r.inv.IssuedOn, &r.inv.From, &r.inv.To, &r.inv.PlanNL,
			&r.inv.PlanEN, &r.inv.Units, &net, &rate, &vat, &total, &r.inv.CollectOn, &r.inv.Mandate, &r.inv.Creditor, &seller,
			&r.subject, &r.buyer, &r.inv.Lang, &r.inv.State, &r.inv.Collecting, &r.inv.Failures, &r.inv.RetryOn,
			&r.inv.Reason); err != nil {
			return nil, fmt.Errorf("subscription: invoices of %d: %w", orgID, err)
		}
		r.inv.Net, r.inv.VATRate, r.inv.VAT, r.inv.Total = money.Cents(net), money.Rate(rate), money.Cents(vat), money.Cents(total)
		if err := json.Unmarshal([]byte(seller), &r.inv.Seller); err != nil {
			return nil, fmt.Errorf("subscription: invoice seller: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("subscription: invoices of %d: %w", orgID, err)
	}
	return out, nil
}

func invoiceCreatedTx(ctx context.Context, tx *db.Tx, id int64) (time.Time, error) {
	var s string
	if err := tx.QueryRowContext(ctx, `SELECT created_at FROM subscription_invoices WHERE id = $1`, id).Scan(&s); err != nil {
		return time.Time{}, fmt.Errorf("subscription: invoice %d: %w", id, err)
	}
	return db.ParseTS(s)
}

// dueInvoice is an invoice a collection takes.
type dueInvoice struct {
	ID      int64
	OrgID   int64
	Number  string
	Total   money.Cents
	Mandate string
}

// dueInvoicesTx lists the open invoices of active subscriptions that no
// batch took yet and whose collection date is on or before date, by number.
func dueInvoicesTx(ctx context.Context, tx *db.Tx, date civil.Date) ([]dueInvoice, error) {
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.organisation_id, i.number, i.total_cents, s.mandate_reference
		FROM subscription_invoices i JOIN subscriptions s ON s.organisation_id = i.organisation_id AND s.state = 'active'
		WHERE i.state = 'open' AND i.batch_id IS NULL AND i.failures < $2 AND COALESCE(i.retry_on, i.collect_on) <= $1
		AND i.total_cents > 0 ORDER BY i.number`, date, MaxCollectAttempts)
	if err != nil {
		return nil, fmt.Errorf("subscription: due invoices: %w", err)
	}
	defer rows.Close()
	var out []dueInvoice
	for rows.Next() {
		var d dueInvoice
		if err := rows.Scan(&d.ID, &d.OrgID, &d.Number, &d.Total, &d.Mandate); err != nil {
			return nil, fmt.Errorf("subscription: due invoices: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("subscription: due invoices: %w", err)
	}
	return out, nil
}

// mandateCollectedTx reports whether a debit under the mandate (the
// subscription's current one) went to the bank before and was not
// returned: collected, or sent and not (yet) returned. A first debit that
// came back leaves the mandate uncollected, so its retry goes as FRST
// again, as the banks expect.
func mandateCollectedTx(ctx context.Context, tx *db.Tx, mandate string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscription_batch_items b JOIN subscription_invoices i ON i.id = b.invoice_id
		WHERE i.mandate_reference = $1 AND b.state <> 'returned'`, mandate).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("subscription: mandate collected: %w", err)
	}
	return n > 0, nil
}

func insertBatchTx(ctx context.Context, tx *db.Tx, b Batch, subject vault.SubjectID, sealed []byte, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO subscription_batches (message_id, collect_on, items, total_cents, subject_id,
		file_sealed, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, b.MessageID, b.CollectOn, b.Items,
		int64(b.Total), int64(subject), sealed, by, db.TS(b.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("subscription: insert batch: %w", err)
	}
	return id, nil
}

func insertBatchItemTx(ctx context.Context, tx *db.Tx, batch, invoice int64, seq any, amount money.Cents) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO subscription_batch_items (batch_id, invoice_id, sequence, amount_cents)
		VALUES ($1, $2, $3, $4)`, batch, invoice, fmt.Sprint(seq), int64(amount)); err != nil {
		return fmt.Errorf("subscription: insert batch item: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE subscription_invoices SET batch_id = $1 WHERE id = $2`, batch, invoice); err != nil {
		return fmt.Errorf("subscription: mark invoice collected: %w", err)
	}
	return nil
}

func batchesTx(ctx context.Context, tx *db.Tx) ([]Batch, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, message_id, collect_on, items, total_cents, created_at FROM subscription_batches
		ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("subscription: batches: %w", err)
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		var b Batch
		var created string
		if err := rows.Scan(&b.ID, &b.MessageID, &b.CollectOn, &b.Items, &b.Total, &created); err != nil {
			return nil, fmt.Errorf("subscription: batches: %w", err)
		}
		b.CreatedAt, _ = db.ParseTS(created)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("subscription: batches: %w", err)
	}
	return out, nil
}

func batchFileTx(ctx context.Context, tx *db.Tx, id int64) (vault.SubjectID, []byte, error) {
	var subject int64
	var sealed []byte
	err := tx.QueryRowContext(ctx, `SELECT subject_id, file_sealed FROM subscription_batches WHERE id = $1`, id).Scan(&subject, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, validation.ErrNotFound
	}
	if err != nil {
		return 0, nil, fmt.Errorf("subscription: batch %d: %w", id, err)
	}
	return vault.SubjectID(subject), sealed, nil
}
