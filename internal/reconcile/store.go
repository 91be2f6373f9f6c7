package reconcile

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"hms/internal/bankfile"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

func insertImport(ctx context.Context, tx *db.Tx, name, sum, format, now string, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO bank_imports (org_id, file_name, file_sha256, format, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, tx.OrgID(), name, sum, format, now, by).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("reconcile: insert import: %w", err)
	}
	return id, nil
}

func finishImport(ctx context.Context, tx *db.Tx, id int64, r Result) error {
	warnings, _ := json.Marshal(r.Warnings) // plain structs always marshal
	_, err := tx.ExecContext(ctx, `UPDATE bank_imports SET statements = $3, entries = $4, new_entries = $5, duplicates = $6,
		matched = $7, review = $8, warnings = $9 WHERE org_id = $1 AND id = $2`,
		tx.OrgID(), id, r.Statements, r.Entries, r.New, r.Duplicates, r.Matched, r.Review, string(warnings))
	if err != nil {
		return fmt.Errorf("reconcile: finish import: %w", err)
	}
	return nil
}

type statementRow struct {
	accountID, importID int64
	fingerprint         string
	bankRef, sequence   string
	from, to            civil.Date
	opening, closing    *int64
	entries             int
	warnings            string
}

// insertStatement stores a statement, or finds it when it was stored before.
func insertStatement(ctx context.Context, tx *db.Tx, r statementRow, now string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO bank_statements (org_id, account_id, import_id, fingerprint, bank_ref, sequence,
		from_date, to_date, opening_cents, closing_cents, entries, warnings, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (org_id, account_id, fingerprint) DO NOTHING RETURNING id`,
		tx.OrgID(), r.accountID, r.importID, r.fingerprint, r.bankRef, r.sequence, dateText(r.from), dateText(r.to), r.opening, r.closing,
		r.entries, r.warnings, now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT id FROM bank_statements WHERE org_id = $1 AND account_id = $2 AND fingerprint = $3`,
			tx.OrgID(), r.accountID, r.fingerprint).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("reconcile: insert statement: %w", err)
	}
	return id, nil
}

func dateText(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

type entryRow struct {
	accountID, statementID int64
	fingerprint            string
	e                      *bankfile.Entry
}

// insertEntry stores an entry; isNew is false when it was stored before.
func insertEntry(ctx context.Context, tx *db.Tx, r entryRow) (id int64, isNew bool, err error) {
	e := r.e
	place := e.Path
	if e.Line > 0 {
		place = fmt.Sprint(e.Line)
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO bank_entries (org_id, account_id, statement_id, fingerprint, booking_date, value_date,
		amount_cents, reversal, status, bank_ref, servicer_ref, tx_code, batch_ref, batch_count, place)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (org_id, account_id, fingerprint) DO NOTHING RETURNING id`,
		tx.OrgID(), r.accountID, r.statementID, r.fingerprint, e.BookingDate.String(), dateText(e.ValueDate), int64(e.Amount),
		boolInt(e.Reversal), e.Status, e.BankRef, e.AccountServicerRef, txCode(e.BankTxCode), e.BatchRef, e.BatchCount, place).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("reconcile: insert entry: %w", err)
	}
	return id, true, nil
}

type lineRow struct {
	accountID, entryID int64
	date               civil.Date
	amount             money.Cents
	e2e, mandate       string
	creditorID         string
	creditorRef        string
	returnReason       string
	details            []byte
	payerToken         string
	outcome
}

func insertLine(ctx context.Context, tx *db.Tx, l lineRow, now string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO bank_lines (org_id, account_id, entry_id, booking_date, amount_cents, end_to_end_id,
		mandate_ref, creditor_id, creditor_ref, return_reason, details_sealed, payer_token, state, rule, lease_id, invoice_id,
		payment_id, note, decided_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
		tx.OrgID(), l.accountID, l.entryID, l.date.String(), int64(l.amount), l.e2e, l.mandate, l.creditorID, l.creditorRef,
		l.returnReason, l.details, l.payerToken, string(l.state), string(l.rule), l.leaseID, l.invoiceID, l.paymentID, l.note,
		decidedAt(l.state, now)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("reconcile: insert line: %w", err)
	}
	return id, nil
}

func decidedAt(st State, now string) any {
	if st == Review {
		return nil
	}
	return now
}

// payerLeases are the leases a payer (by IBAN token) paid for before.
func payerLeases(ctx context.Context, tx *db.Tx, token string) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT lease_id FROM bank_payers WHERE org_id = $1 AND payer_token = $2 ORDER BY lease_id`,
		tx.OrgID(), token)
	if err != nil {
		return nil, fmt.Errorf("reconcile: payer leases: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("reconcile: payer leases: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func learnPayer(ctx context.Context, tx *db.Tx, token string, leaseID int64, now string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO bank_payers (org_id, payer_token, lease_id, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id, payer_token, lease_id) DO NOTHING`, tx.OrgID(), token, leaseID, now)
	if err != nil {
		return fmt.Errorf("reconcile: learn payer: %w", err)
	}
	return nil
}

const lineColumns = `b.id, b.account_id, b.booking_date, b.amount_cents, b.end_to_end_id, b.mandate_ref, b.creditor_ref,
	b.return_reason, b.state, b.rule, b.lease_id, COALESCE(l.reference, ''), b.invoice_id, b.payment_id, b.note, b.details_sealed,
	b.payer_token`

const lineFrom = ` FROM bank_lines b LEFT JOIN leases l ON l.id = b.lease_id AND l.org_id = b.org_id`

func scanLine(r interface{ Scan(...any) error }) (Line, []byte, string, error) {
	var l Line
	var amount int64
	var state, rule string
	var sealed []byte
	var token string
	err := r.Scan(&l.ID, &l.AccountID, &l.BookingDate, &amount, &l.EndToEndID, &l.MandateRef, &l.CreditorRef, &l.ReturnReason,
		&state, &rule, &l.LeaseID, &l.LeaseRef, &l.InvoiceID, &l.PaymentID, &l.Note, &sealed, &token)
	l.Amount, l.State, l.Rule = money.Cents(amount), State(state), Rule(rule)
	return l, sealed, token, err
}

func readLine(ctx context.Context, tx *db.Tx, id int64) (Line, []byte, string, error) {
	l, sealed, token, err := scanLine(tx.QueryRowContext(ctx, `SELECT `+lineColumns+lineFrom+` WHERE b.org_id = $1 AND b.id = $2`,
		tx.OrgID(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return l, nil, "", validation.ErrNotFound
	}
	if err != nil {
		return l, nil, "", fmt.Errorf("reconcile: read line: %w", err)
	}
	return l, sealed, token, nil
}

func decideLine(ctx context.Context, tx *db.Tx, id int64, o outcome, now string, by int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE bank_lines SET state = $3, rule = $4, lease_id = $5, invoice_id = $6, payment_id = $7,
		note = $8, decided_at = $9, decided_by = $10 WHERE org_id = $1 AND id = $2`,
		tx.OrgID(), id, string(o.state), string(o.rule), o.leaseID, o.invoiceID, o.paymentID, o.note, now, by)
	if err != nil {
		return fmt.Errorf("reconcile: decide line: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
