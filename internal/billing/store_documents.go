package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hms/internal/platform/audit"

	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// The invoice documents' SQL: the sealed PDF and debtor snapshot on an
// invoice row, and which invoices of a run still lack their document.

// invoiceDocument reads invoice id's fiscal year, sealed PDF (nil when it
// has none yet) and its sha256; validation.ErrNotFound when there is no
// such invoice.
func invoiceDocument(ctx context.Context, tx *db.Tx, id int64) (year int, sealed []byte, digest string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT fiscal_year, document_sealed, document_sha256 FROM ledger_invoices WHERE id = $1 AND org_id = $2`,
		id, tx.OrgID()).Scan(&year, &sealed, &digest)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, "", validation.ErrNotFound
	}
	if err != nil {
		return 0, nil, "", fmt.Errorf("read invoice document %d: %w", id, err)
	}
	return year, sealed, digest, nil
}

// storeInvoiceDocument stores the sealed debtor snapshot and PDF on
// invoice id unless it has a document already; false when it had one.
func storeInvoiceDocument(ctx context.Context, tx *db.Tx, id int64, debtor, doc []byte, sha string) (bool, error) {
	if err := audit.HoldHead(ctx, tx); err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE ledger_invoices SET debtor_sealed = $1, document_sealed = $2, document_sha256 = $3
		WHERE id = $4 AND org_id = $5 AND document_sealed IS NULL`, debtor, doc, sha, id, tx.OrgID())
	if err != nil {
		return false, fmt.Errorf("store document of invoice %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// invoiceCredited reports whether a credit note corrects invoice id.
func invoiceCredited(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	var credited bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ledger_invoices WHERE credits_invoice_id = $1 AND org_id = $2)`,
		id, tx.OrgID()).Scan(&credited); err != nil {
		return false, fmt.Errorf("credit notes of invoice %d: %w", id, err)
	}
	return credited, nil
}

// markInvoiceSent sets invoice id's sent_at to now.
func markInvoiceSent(ctx context.Context, tx *db.Tx, id int64, now string) error {
	if err := audit.HoldHead(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ledger_invoices SET sent_at = $1 WHERE id = $2 AND org_id = $3`, now,
		id, tx.OrgID()); err != nil {
		return fmt.Errorf("mark invoice %d sent: %w", id, err)
	}
	return nil
}

// invoiceDebtor reads invoice id's number, fiscal year and sealed debtor
// snapshot (nil when it has none yet).
func invoiceDebtor(ctx context.Context, tx *db.Tx, id int64) (number string, year int, sealed []byte, err error) {
	err = tx.QueryRowContext(ctx, `SELECT number, fiscal_year, debtor_sealed FROM ledger_invoices WHERE id = $1 AND org_id = $2`,
		id, tx.OrgID()).Scan(&number, &year, &sealed)
	if err != nil {
		return "", 0, nil, fmt.Errorf("credited invoice %d: %w", id, err)
	}
	return number, year, sealed, nil
}

// runDocumentsLeft counts run runID's invoices without a document.
func runDocumentsLeft(ctx context.Context, tx *db.Tx, runID int64) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_invoices WHERE org_id = $1 AND run_id = $2 AND document_sealed IS NULL`,
		tx.OrgID(), runID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count run %d documents: %w", runID, err)
	}
	return n, nil
}

// runInvoicesWithoutDocument reads the ids (at most limit, in order, after
// id after) of run runID's invoices without a document. The result is read
// to the end: PostgreSQL wants that before the next query on the
// transaction.
func runInvoicesWithoutDocument(ctx context.Context, tx *db.Tx, runID, after int64, limit int) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM ledger_invoices WHERE org_id = $1 AND run_id = $2 AND id > $3
		AND document_sealed IS NULL ORDER BY id LIMIT $4`, tx.OrgID(), runID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("run %d invoices: %w", runID, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("run %d invoices: %w", runID, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("run %d invoices: %w", runID, err)
	}
	return ids, nil
}
