package reconcile

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"hms/internal/bankfile"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// insertImport stores an import as it starts; finishImport adds what the
// file turned out to hold.
func insertImport(ctx context.Context, tx *db.Tx, name, now string, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO bank_imports (org_id, file_name, file_sha256, format, created_at, created_by)
		VALUES ($1, $2, '', '', $3, $4) RETURNING id`, tx.OrgID(), name, now, by).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("reconcile: insert import: %w", err)
	}
	return id, nil
}

func finishImport(ctx context.Context, tx *db.Tx, id int64, r Result, sum string) error {
	warnings, _ := json.Marshal(r.Warnings) // plain structs always marshal
	_, err := tx.ExecContext(ctx, `UPDATE bank_imports SET statements = $3, entries = $4, new_entries = $5, duplicates = $6,
		matched = $7, review = $8, warnings = $9, file_sha256 = $10, format = $11 WHERE org_id = $1 AND id = $2`,
		tx.OrgID(), id, r.Statements, r.Entries, r.New, r.Duplicates, r.Matched, r.Review, string(warnings), sum, r.Format)
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

// completeStatement gives a statement stored at its start what its end
// said. When a statement with that fingerprint is stored already (the
// same file again), entries new in this one move to it and the row made
// at the start goes.
func completeStatement(ctx context.Context, tx *db.Tx, id int64, r statementRow) error {
	var before int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM bank_statements WHERE org_id = $1 AND account_id = $2 AND fingerprint = $3`,
		tx.OrgID(), r.accountID, r.fingerprint).Scan(&before)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `UPDATE bank_statements SET fingerprint = $3, bank_ref = $4, sequence = $5, from_date = $6,
			to_date = $7, opening_cents = $8, closing_cents = $9, entries = $10, warnings = $11 WHERE org_id = $1 AND id = $2`,
			tx.OrgID(), id, r.fingerprint, r.bankRef, r.sequence, dateText(r.from), dateText(r.to), r.opening, r.closing, r.entries,
			r.warnings)
	case err == nil:
		if _, err = tx.ExecContext(ctx, `UPDATE bank_entries SET statement_id = $3 WHERE org_id = $1 AND statement_id = $2`,
			tx.OrgID(), id, before); err == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM bank_statements WHERE org_id = $1 AND id = $2`, tx.OrgID(), id)
		}
	}
	if err != nil {
		return fmt.Errorf("reconcile: complete statement: %w", err)
	}
	return nil
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

// insertEntries stores the entries not stored before, as multi-row
// INSERTs; ids maps the fingerprint of each new one to its id.
func insertEntries(ctx context.Context, tx *db.Tx, rows []entryRow) (map[string]int64, error) {
	if tx.Dialect() == db.Postgres {
		return insertEntriesArrays(ctx, tx, rows)
	}
	const cols = 15
	ids := make(map[string]int64, len(rows))
	for start := 0; start < len(rows); start += rowsPerStatement {
		chunk := rows[start:min(start+rowsPerStatement, len(rows))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO bank_entries (org_id, account_id, statement_id, fingerprint, booking_date, value_date,
			amount_cents, reversal, status, bank_ref, servicer_ref, tx_code, batch_ref, batch_count, place) VALUES `)
		args := make([]any, 0, len(chunk)*cols)
		for i, r := range chunk {
			if i > 0 {
				sb.WriteString(",")
			}
			e := r.e
			sb.WriteString(tx.Tuple(len(args)+1, cols))
			args = append(args, tx.OrgID(), r.accountID, r.statementID, r.fingerprint, e.BookingDate.String(), dateText(e.ValueDate),
				int64(e.Amount), boolInt(e.Reversal), e.Status, e.BankRef, e.AccountServicerRef, txCode(e.BankTxCode), e.BatchRef,
				e.BatchCount, entryPlace(e))
		}
		sb.WriteString(` ON CONFLICT (org_id, account_id, fingerprint) DO NOTHING RETURNING id, fingerprint`)
		rs, err := tx.QueryContext(ctx, sb.String(), args...)
		if err := scanEntryIDs(rs, err, ids); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// insertEntriesArrays is insertEntries on PostgreSQL: one statement of one
// array parameter a column, as insertLinesArrays; ORDER BY keeps the ids in
// the file's order and ON CONFLICT skips the entries stored before.
func insertEntriesArrays(ctx context.Context, tx *db.Tx, rows []entryRow) (map[string]int64, error) {
	ids := make(map[string]int64, len(rows))
	if len(rows) == 0 {
		return ids, nil
	}
	n := len(rows)
	account, statement, amount, reversal, batchCount := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n),
		make([]int64, n)
	fp, booking, value, status, bankRef, servicerRef, code, batchRef, place := make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n)
	for i, r := range rows {
		e := r.e
		account[i], statement[i], amount[i], reversal[i], batchCount[i] = r.accountID, r.statementID, int64(e.Amount),
			int64(boolInt(e.Reversal)), int64(e.BatchCount)
		fp[i], booking[i], value[i], status[i], bankRef[i] = r.fingerprint, e.BookingDate.String(), dateText(e.ValueDate), e.Status,
			e.BankRef
		servicerRef[i], code[i], batchRef[i], place[i] = e.AccountServicerRef, txCode(e.BankTxCode), e.BatchRef, entryPlace(e)
	}
	rs, err := tx.QueryContext(ctx, `INSERT INTO bank_entries (org_id, account_id, statement_id, fingerprint, booking_date,
		value_date, amount_cents, reversal, status, bank_ref, servicer_ref, tx_code, batch_ref, batch_count, place)
		SELECT $1, account_id, statement_id, fingerprint, booking_date, value_date, amount_cents, reversal, status, bank_ref,
			servicer_ref, tx_code, batch_ref, batch_count, place
		FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::text[],
			$10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[], $15::text[]) WITH ORDINALITY AS e(account_id,
			statement_id, fingerprint, booking_date, value_date, amount_cents, reversal, status, bank_ref, servicer_ref, tx_code,
			batch_ref, batch_count, place, n) ORDER BY n
		ON CONFLICT (org_id, account_id, fingerprint) DO NOTHING RETURNING id, fingerprint`,
		tx.OrgID(), account, statement, fp, booking, value, amount, reversal, status, bankRef, servicerRef, code, batchRef,
		batchCount, place)
	if err := scanEntryIDs(rs, err, ids); err != nil {
		return nil, err
	}
	return ids, nil
}

// scanEntryIDs adds the id of each new entry the insert returned (rs, or
// its error), by its fingerprint, to ids.
func scanEntryIDs(rs *sql.Rows, err error, ids map[string]int64) error {
	if err != nil {
		return fmt.Errorf("reconcile: insert entries: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var id int64
		var fp string
		if err := rs.Scan(&id, &fp); err != nil {
			return fmt.Errorf("reconcile: insert entries: %w", err)
		}
		ids[fp] = id
	}
	if err := rs.Err(); err != nil {
		return fmt.Errorf("reconcile: insert entries: %w", err)
	}
	return nil
}

// entryPlace is where the entry stands in its file: a line (MT940) or a path.
func entryPlace(e *bankfile.Entry) string {
	if e.Line > 0 {
		return fmt.Sprint(e.Line)
	}
	return e.Path
}

// rowsPerStatement bounds a multi-row INSERT (19 parameters a line).
const rowsPerStatement = 250

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

// insertLines stores matched lines as multi-row INSERTs, in their order.
func insertLines(ctx context.Context, tx *db.Tx, lines []lineRow, now string) error {
	for _, l := range lines {
		if l.pending > 0 {
			return fmt.Errorf("reconcile: insert lines: a line's payment was not written")
		}
	}
	if tx.Dialect() == db.Postgres {
		return insertLinesArrays(ctx, tx, lines, now)
	}
	const cols = 19
	for start := 0; start < len(lines); start += rowsPerStatement {
		chunk := lines[start:min(start+rowsPerStatement, len(lines))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO bank_lines (org_id, account_id, entry_id, booking_date, amount_cents, end_to_end_id,
			mandate_ref, creditor_id, creditor_ref, return_reason, details_sealed, payer_token, state, rule, lease_id, invoice_id,
			payment_id, note, decided_at) VALUES `)
		args := make([]any, 0, len(chunk)*cols)
		for i, l := range chunk {
			if i > 0 {
				sb.WriteString(",")
			}
			if l.pending > 0 {
				return fmt.Errorf("reconcile: insert lines: a line's payment was not written")
			}
			sb.WriteString(tx.Tuple(len(args)+1, cols))
			args = append(args, tx.OrgID(), l.accountID, l.entryID, l.date.String(), int64(l.amount), l.e2e, l.mandate, l.creditorID,
				l.creditorRef, l.returnReason, l.details, l.payerToken, string(l.state), string(l.rule), l.leaseID, l.invoiceID,
				l.paymentID, l.note, decidedAt(l.state, now))
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("reconcile: insert lines: %w", err)
		}
	}
	return nil
}

// insertLinesArrays is insertLines on PostgreSQL: one statement of one
// array parameter a column (unnest keeps the order of the lines), so the
// driver encodes 19 arrays instead of 19 values a line and the server
// parses and plans one statement text whatever the chunk's length.
func insertLinesArrays(ctx context.Context, tx *db.Tx, lines []lineRow, now string) error {
	if len(lines) == 0 {
		return nil
	}
	n := len(lines)
	account, entry, amount, lease, invoice, payment := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n),
		make([]int64, n), make([]int64, n)
	date, e2e, mandate, creditorID, creditorRef, reason, token, state, rule, note := make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n)
	details := make([][]byte, n)
	decided := make([]*string, n)
	for i, l := range lines {
		account[i], entry[i], amount[i], lease[i], invoice[i], payment[i] = l.accountID, l.entryID, int64(l.amount), l.leaseID,
			l.invoiceID, l.paymentID
		date[i], e2e[i], mandate[i], creditorID[i], creditorRef[i], reason[i] = l.date.String(), l.e2e, l.mandate, l.creditorID,
			l.creditorRef, l.returnReason
		token[i], state[i], rule[i], note[i] = l.payerToken, string(l.state), string(l.rule), l.note
		details[i] = l.details
		if l.state != Review {
			decided[i] = &now
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO bank_lines (org_id, account_id, entry_id, booking_date, amount_cents, end_to_end_id,
		mandate_ref, creditor_id, creditor_ref, return_reason, details_sealed, payer_token, state, rule, lease_id, invoice_id,
		payment_id, note, decided_at)
		SELECT $1, account_id, entry_id, booking_date, amount_cents, end_to_end_id, mandate_ref, creditor_id, creditor_ref,
			return_reason, details_sealed, payer_token, state, rule, lease_id, invoice_id, payment_id, note, decided_at
		FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[],
			$9::text[], $10::text[], $11::bytea[], $12::text[], $13::text[], $14::text[], $15::bigint[], $16::bigint[], $17::bigint[],
			$18::text[], $19::text[]) WITH ORDINALITY AS l(account_id, entry_id, booking_date, amount_cents, end_to_end_id,
			mandate_ref, creditor_id, creditor_ref, return_reason, details_sealed, payer_token, state, rule, lease_id, invoice_id,
			payment_id, note, decided_at, n) ORDER BY n`,
		tx.OrgID(), account, entry, date, amount, e2e, mandate, creditorID, creditorRef, reason, details, token, state, rule, lease,
		invoice, payment, note, decided)
	if err != nil {
		return fmt.Errorf("reconcile: insert lines: %w", err)
	}
	return nil
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
