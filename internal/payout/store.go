package payout

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/sepa"
)

const payoutColumns = `p.id, p.kind, p.lease_id, l.reference, p.payee_id, p.amount_cents, p.due_date, p.state, p.statement_id, p.levy_id,
	p.payment_id, p.ledger_invoice_id, p.note, p.created_at, p.created_by, p.approved_at, p.approved_by, p.batch_id, p.end_to_end_id,
		p.paid_on`

const payoutFrom = ` FROM payouts p JOIN leases l ON l.id = p.lease_id AND l.org_id = p.org_id WHERE p.org_id = $1`

func scanPayout(r interface{ Scan(...any) error }) (Payout, error) {
	var p Payout
	var kind, state, created string
	var amount int64
	var approved sql.NullString
	if err := r.Scan(&p.ID, &kind, &p.LeaseID, &p.LeaseReference, &p.PayeeID, &amount, &p.DueDate, &state, &p.StatementID, &p.LevyID,
		&p.PaymentID, &p.LedgerInvoiceID, &p.Note, &created, &p.CreatedBy, &approved, &p.ApprovedBy, &p.BatchID, &p.EndToEndID,
		&p.PaidOn); err != nil {
		return p, err
	}
	p.Kind, p.State, p.Amount = Kind(kind), State(state), money.Cents(amount)
	p.CreatedAt, p.ApprovedAt = db.ShownTS(created), db.ShownNullTS(approved)
	return p, nil
}

func readPayouts(ctx context.Context, tx *db.Tx, q string, args ...any) ([]Payout, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("payout: list: %w", err)
	}
	defer rows.Close()
	var out []Payout
	for rows.Next() {
		p, err := scanPayout(rows)
		if err != nil {
			return nil, fmt.Errorf("payout: list: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("payout: list: %w", err)
	}
	return out, nil
}

func payoutByID(ctx context.Context, tx *db.Tx, id int64) (Payout, error) {
	p, err := scanPayout(tx.QueryRowContext(ctx, `SELECT `+payoutColumns+payoutFrom+` AND p.id = $2`, tx.OrgID(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, validation.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("payout: read %d: %w", id, err)
	}
	return p, nil
}

// where turns a filter into SQL conditions after $1 (the organisation).
func where(f Filter, search string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)+1))
	}
	if len(f.States) > 0 {
		var in []string
		for _, s := range f.States {
			args = append(args, string(s))
			in = append(in, fmt.Sprintf("$%d", len(args)+1))
		}
		conds = append(conds, "p.state IN ("+strings.Join(in, ", ")+")")
	}
	if f.Kind != "" {
		add("p.kind = $%d", string(f.Kind))
	}
	if f.LeaseID != 0 {
		add("p.lease_id = $%d", f.LeaseID)
	}
	if f.BatchID != 0 {
		add("p.batch_id = $%d", f.BatchID)
	}
	if !f.DueUntil.IsZero() {
		add("p.due_date <= $%d", f.DueUntil)
	}
	if search != "" {
		add(`LOWER(l.reference) LIKE $%d ESCAPE '\'`, "%"+strings.ToLower(listing.EscapeLike(search))+"%")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " AND " + strings.Join(conds, " AND "), args
}

var sortColumns = map[string]string{
	"due_date": "p.due_date", "lease": "l.reference", "amount": "p.amount_cents", "state": "p.state", "created": "p.created_at",
}

// listPayouts reads a page of payouts in the query's order, with the total.
func listPayouts(ctx context.Context, tx *db.Tx, q listing.Query, f Filter) ([]Payout, int, error) {
	cond, args := where(f, q.Search)
	args = append([]any{tx.OrgID()}, args...)
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*)`+payoutFrom+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("payout: count: %w", err)
	}
	order := sortColumns[q.Sort] + " " + q.Direction() + ", p.id " + q.Direction()
	query := `SELECT ` + payoutColumns + payoutFrom + cond + ` ORDER BY ` + order
	if !q.All {
		query += fmt.Sprintf(" LIMIT %d OFFSET %d", q.Limit, q.Offset)
	}
	items, err := readPayouts(ctx, tx, query, args...)
	return items, total, err
}

// payoutsAfter reads up to limit payouts with an id above after, in id order.
func payoutsAfter(ctx context.Context, tx *db.Tx, f Filter, after int64, limit int) ([]Payout, error) {
	cond, args := where(f, "")
	args = append([]any{tx.OrgID()}, args...)
	args = append(args, after)
	return readPayouts(ctx, tx, `SELECT `+payoutColumns+payoutFrom+cond+fmt.Sprintf(` AND p.id > $%d ORDER BY p.id LIMIT %d`,
		len(args), limit),
		args...)
}

// filtered reads every payout the filter selects, earliest due first.
func filtered(ctx context.Context, tx *db.Tx, f Filter) ([]Payout, error) {
	cond, args := where(f, "")
	return readPayouts(ctx, tx, `SELECT `+payoutColumns+payoutFrom+cond+` ORDER BY p.due_date, p.id`, append([]any{tx.OrgID()}, args...)...)
}

// byIDs reads the payouts ids, earliest due first; an id that is not the
// organisation's is validation.ErrNotFound.
func byIDs(ctx context.Context, tx *db.Tx, ids []int64) ([]Payout, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{tx.OrgID()}
	for _, id := range ids {
		args = append(args, id)
	}
	out, err := readPayouts(ctx, tx, `SELECT `+payoutColumns+payoutFrom+` AND p.id IN (`+tx.Params(2, len(ids))+`) ORDER BY p.due_date, p.id`,
		args...)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, p := range out {
		seen[p.ID] = true
	}
	for _, id := range ids {
		if !seen[id] {
			return nil, validation.ErrNotFound
		}
	}
	return out, nil
}

// row is a payout to insert.
type row struct {
	kind                                          Kind
	leaseID, payeeID                              int64
	amount                                        money.Cents
	due                                           civil.Date
	state                                         State
	statementID, levyID, paymentID, invoiceID, by int64
	note                                          string
	approvedBy                                    int64
	approved                                      bool
	paidOn                                        civil.Date
	now                                           string
}

func insertPayout(ctx context.Context, tx *db.Tx, r row) (int64, error) {
	var paid, approvedAt any
	if !r.paidOn.IsZero() {
		paid = r.paidOn
	}
	if r.approved {
		approvedAt = r.now
	}
	var id int64
	err := tx.QueryRowContext(ctx,
		`INSERT INTO payouts (org_id, kind, lease_id, payee_id, amount_cents, due_date, state, statement_id, levy_id,
		payment_id, ledger_invoice_id, note, created_at, created_by, approved_at, approved_by, paid_on, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $13, $14) RETURNING id`,
		tx.OrgID(), string(r.kind), r.leaseID, r.payeeID, int64(r.amount), r.due, string(r.state), r.statementID, r.levyID, r.paymentID,
		r.invoiceID, r.note, r.now, r.by, approvedAt, r.approvedBy, paid).Scan(&id)
	if db.IsUniqueViolation(err) && r.kind == KindDeposit {
		return 0, errDepositExists
	}
	if err != nil {
		return 0, fmt.Errorf("payout: insert: %w", err)
	}
	return id, nil
}

// errDepositExists: the lease has a deposit payout that is not cancelled.
var errDepositExists = &validation.Problem{Status: 409, Code: "payout.deposit.exists"}

// setState moves payout id from one of the states from to state to, with
// the extra assignments set ("paid_on = $N"…, numbered from $6); it reports
// whether a row moved.
func setState(ctx context.Context, tx *db.Tx, id int64, from []State, to State, now string, by int64, set string,
	args ...any) (bool, error) {
	q := `UPDATE payouts SET state = $1, updated_at = $2, updated_by = $3`
	if set != "" {
		q += ", " + set
	}
	all := []any{string(to), now, by, id, tx.OrgID()}
	all = append(all, args...)
	var in []string
	for _, s := range from {
		all = append(all, string(s))
		in = append(in, fmt.Sprintf("$%d", len(all)))
	}
	q += ` WHERE id = $4 AND org_id = $5 AND state IN (` + strings.Join(in, ", ") + `)`
	res, err := tx.ExecContext(ctx, q, all...)
	if err != nil {
		return false, fmt.Errorf("payout: %d to %s: %w", id, to, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("payout: %d to %s: %w", id, to, err)
	}
	return n == 1, nil
}

// byEndToEnd finds the payout with end-to-end id e2e.
func byEndToEnd(ctx context.Context, tx *db.Tx, e2e string) (Payout, bool, error) {
	p, err := scanPayout(tx.QueryRowContext(ctx, `SELECT `+payoutColumns+payoutFrom+` AND p.end_to_end_id = $2`, tx.OrgID(), e2e))
	if errors.Is(err, sql.ErrNoRows) {
		return p, false, nil
	}
	if err != nil {
		return p, false, fmt.Errorf("payout: find end-to-end id: %w", err)
	}
	return p, true, nil
}

// leaseByReference is the id of the organisation's lease with reference ref.
func leaseByReference(ctx context.Context, tx *db.Tx, ref string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM leases WHERE org_id = $1 AND reference = $2`, tx.OrgID(), ref).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, validation.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("payout: lease %q: %w", ref, err)
	}
	return id, nil
}

// --- settings ---

func loadSettings(ctx context.Context, tx *db.Tx) (Settings, error) {
	var st Settings
	err := tx.QueryRowContext(ctx, `SELECT four_eyes FROM payout_settings WHERE org_id = $1`, tx.OrgID()).Scan(&st.FourEyes)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("payout: settings: %w", err)
	}
	return st, nil
}

func saveSettings(ctx context.Context, tx *db.Tx, st Settings, now string, by int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO payout_settings (org_id, four_eyes, updated_at, updated_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id) DO UPDATE SET four_eyes = excluded.four_eyes, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		tx.OrgID(), st.FourEyes, now, by)
	if err != nil {
		return fmt.Errorf("payout: save settings: %w", err)
	}
	return nil
}

// --- batches ---

const batchColumns = `b.id, b.account_id, COALESCE(a.iban, ''), COALESCE(a.name, ''), b.version, b.message_id, b.execution_date, b.scope,
	b.payouts, b.total_cents, b.file_sha256, b.file_size, b.created_at, b.created_by,
	(SELECT COUNT(*) FROM payouts p WHERE p.batch_id = b.id AND p.org_id = b.org_id AND p.state = 'paid')`

const batchFrom = ` FROM payout_batches b LEFT JOIN bank_accounts a ON a.id = b.account_id AND a.org_id = b.org_id WHERE b.org_id = $1`

func scanBatch(r interface{ Scan(...any) error }) (Batch, error) {
	var b Batch
	var version, created string
	var total int64
	err := r.Scan(&b.ID, &b.AccountID, &b.AccountIBAN, &b.AccountName, &version, &b.MessageID, &b.ExecutionDate, &b.Scope, &b.Count, &total,
		&b.SHA256, &b.Size, &created, &b.CreatedBy, &b.Paid)
	b.Version, b.Total, b.CreatedAt = sepa.TransferVersion(version), money.Cents(total), db.ShownTS(created)
	return b, err
}

func batchesAfter(ctx context.Context, tx *db.Tx, after int64, limit int) ([]Batch, error) {
	q := `SELECT ` + batchColumns + batchFrom + ` AND b.id > $2 ORDER BY b.id`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := tx.QueryContext(ctx, q, tx.OrgID(), after)
	if err != nil {
		return nil, fmt.Errorf("payout: list batches: %w", err)
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, fmt.Errorf("payout: list batches: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func batchByID(ctx context.Context, tx *db.Tx, id int64) (Batch, error) {
	b, err := scanBatch(tx.QueryRowContext(ctx, `SELECT `+batchColumns+batchFrom+` AND b.id = $2`, tx.OrgID(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return b, validation.ErrNotFound
	}
	if err != nil {
		return b, fmt.Errorf("payout: read batch %d: %w", id, err)
	}
	return b, nil
}

func batchFile(ctx context.Context, tx *db.Tx, id int64) ([]byte, error) {
	var sealed []byte
	err := tx.QueryRowContext(ctx, `SELECT file_sealed FROM payout_batches WHERE id = $1 AND org_id = $2`, id, tx.OrgID()).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("payout: read batch file %d: %w", id, err)
	}
	return sealed, nil
}

// insertBatch reserves a batch row (the file follows with storeBatchFile,
// once the message id, which carries the batch id, is known).
func insertBatch(ctx context.Context, tx *db.Tx, accountID int64, version sepa.TransferVersion, exec civil.Date, scope string, n int,
	total money.Cents, now string, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO payout_batches (org_id, account_id, version, message_id, execution_date, scope, payouts,
		total_cents, file_sealed, file_sha256, file_size, created_at, created_by)
		VALUES ($1, $2, $3, '', $4, $5, $6, $7, $8, '', 0, $9, $10) RETURNING id`,
		tx.OrgID(), accountID, string(version), exec, scope, n, int64(total), []byte{}, now, by).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("payout: insert batch: %w", err)
	}
	return id, nil
}

func storeBatchFile(ctx context.Context, tx *db.Tx, id int64, msgID string, sealed []byte, sum string, size int) error {
	_, err := tx.ExecContext(ctx, `UPDATE payout_batches SET message_id = $1, file_sealed = $2, file_sha256 = $3, file_size = $4
		WHERE id = $5 AND org_id = $6`, msgID, sealed, sum, size, id, tx.OrgID())
	if err != nil {
		return fmt.Errorf("payout: store batch file %d: %w", id, err)
	}
	return nil
}
