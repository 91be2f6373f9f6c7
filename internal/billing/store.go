package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"hms/internal/money"
	"hms/internal/orgprofile"
	"hms/internal/platform/db"
)

// The rent run's SQL. Every function works in the caller's transaction on
// tx's organisation and wraps its errors once with the operation.

func loadSettings(ctx context.Context, tx *db.Tx) (Settings, error) {
	st := DefaultSettings
	var p, pp string
	prof, err := orgprofile.LoadTx(ctx, tx)
	if err != nil {
		return st, err
	}
	st.paymentTerm = prof.PaymentTermDays
	err = tx.QueryRowContext(ctx, `SELECT proration, period_proration, issuer_iban, send_invoices FROM billing_settings
		WHERE org_id = $1`, tx.OrgID()).Scan(&p, &pp, &st.IssuerIBAN, &st.SendInvoices)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	st.Proration, st.PeriodProration = Proration(p), PeriodProration(pp)
	if err != nil {
		return st, fmt.Errorf("billing: load settings: %w", err)
	}
	return st, nil
}

// saveSettings stores the organisation's billing settings, replacing them.
func saveSettings(ctx context.Context, tx *db.Tx, st Settings, now string) error {
	// issuer_kvk, issuer_vat_id and payment_term_days are no longer
	// written: the organisation's details (org_profiles, 00028) hold them.
	if _, err := tx.ExecContext(ctx, `INSERT INTO billing_settings (org_id, proration, issuer_iban,
		send_invoices, updated_at, period_proration)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE SET proration = excluded.proration,
		issuer_iban = excluded.issuer_iban, send_invoices = excluded.send_invoices, updated_at = excluded.updated_at,
		period_proration = excluded.period_proration`,
		tx.OrgID(), string(st.Proration), st.IssuerIBAN, st.SendInvoices, now, string(st.PeriodProration)); err != nil {
		return fmt.Errorf("billing: save settings: %w", err)
	}
	return nil
}

// postedLines are the rent-run lines already posted for leases in
// [firstID, lastID] in the rent periods periods (those a run of one month
// can charge: the month and its quarter), by lease and period. Only those
// periods: reading every period posted made each month's run slower than
// the last.
func postedLines(ctx context.Context, tx *db.Tx, firstID, lastID int64, periods ...string) (map[postedKey]map[string]bool, error) {
	args := []any{tx.OrgID(), firstID, lastID}
	for _, p := range periods {
		args = append(args, p)
	}
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, period, line FROM ledger_charges
		WHERE org_id = $1 AND lease_id BETWEEN $2 AND $3 AND period <> '' AND period IN (`+tx.Params(4, len(periods))+`)
		AND reverses_charge_id IS NULL AND voided_by IS NULL`, args...)
	if err != nil {
		return nil, fmt.Errorf("billing: posted lines: %w", err)
	}
	defer rows.Close()
	out := map[postedKey]map[string]bool{}
	for rows.Next() {
		var k postedKey
		var line string
		if err := rows.Scan(&k.lease, &k.period, &line); err != nil {
			return nil, fmt.Errorf("billing: posted lines: %w", err)
		}
		if out[k] == nil {
			out[k] = map[string]bool{}
		}
		out[k][line] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("billing: posted lines: %w", err)
	}
	return out, nil
}

// setRunJob records the job that runs run id.
func setRunJob(ctx context.Context, tx *db.Tx, id, jobID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE ledger_runs SET job_id = $1 WHERE id = $2 AND org_id = $3`, jobID, id, tx.OrgID()); err != nil {
		return fmt.Errorf("billing: run %d job: %w", id, err)
	}
	return nil
}

func insertRun(ctx context.Context, tx *db.Tx, per Period, scope ResolvedScope, now string, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO ledger_runs (org_id, period, scope, scope_name, state, created_at, created_by)
		VALUES ($1, $2, $3, $4, 'queued', $5, $6) RETURNING id`,
		tx.OrgID(), per.Key, scope.Key(), scope.Name, now, by).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("billing: insert run: %w", err)
	}
	return id, nil
}

// lockRunStarts makes the organisation's run starts wait for each other
// until tx ends, so that two starts at once (on two instances) cannot both
// find no run in progress (runInProgress). On SQLite the one writer does
// this already.
func lockRunStarts(ctx context.Context, tx *db.Tx) error {
	if tx.Dialect() != db.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('billing.run:' || $1::bigint, 0))`,
		tx.OrgID()); err != nil {
		return fmt.Errorf("billing: lock run starts: %w", err)
	}
	return nil
}

// runInProgress reports whether a run of period is queued or running and
// still worked on: not one that stoppedRuns would close.
func runInProgress(ctx context.Context, tx *db.Tx, period, now string) (bool, error) {
	var busy bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM ledger_runs r
		LEFT JOIN jobs j ON j.id = r.job_id AND j.org_id = r.org_id
		WHERE r.org_id = $1 AND r.period = $2 AND r.state IN ('queued','running')
		  AND NOT ((r.job_id = 0 AND (r.alive_until IS NULL OR r.alive_until < $3))
		    OR (r.job_id <> 0 AND (j.id IS NULL OR j.state IN ('done','dead')))))`, tx.OrgID(), period, now).Scan(&busy)
	if err != nil {
		return false, fmt.Errorf("billing: run in progress: %w", err)
	}
	return busy, nil
}

// setRunAlive records that the process posting run runID is alive until
// the instant until.
func setRunAlive(ctx context.Context, tx *db.Tx, runID int64, until string) error {
	_, err := tx.ExecContext(ctx, `UPDATE ledger_runs SET alive_until = $1 WHERE id = $2 AND org_id = $3`, until, runID, tx.OrgID())
	if err != nil {
		return fmt.Errorf("billing: run %d alive: %w", runID, err)
	}
	return nil
}

// finishRun records a run's outcome: state "done" or "failed" with msg.
func finishRun(ctx context.Context, tx *db.Tx, runID int64, state, msg, now string) error {
	_, err := tx.ExecContext(ctx, `UPDATE ledger_runs SET state = $1, error = $2, finished_at = $3 WHERE id = $4 AND org_id = $5`,
		state, msg, now, runID, tx.OrgID())
	if err != nil {
		return fmt.Errorf("billing: finish run %d: %w", runID, err)
	}
	return nil
}

// runInvoices is how many invoices run runID has posted so far.
func runInvoices(ctx context.Context, tx *db.Tx, runID int64) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `SELECT invoices FROM ledger_runs WHERE id = $1 AND org_id = $2`, runID, tx.OrgID()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("billing: read run %d: %w", runID, err)
	}
	return n, nil
}

// addToRun counts a batch's invoices, charges and total into run runID.
func addToRun(ctx context.Context, tx *db.Tx, runID int64, invoices, charges int, total money.Cents) error {
	if _, err := tx.ExecContext(ctx, `UPDATE ledger_runs SET invoices = invoices + $1, charges = charges + $2, total_cents = total_cents + $3
		WHERE id = $4 AND org_id = $5`, invoices, charges, int64(total), runID, tx.OrgID()); err != nil {
		return fmt.Errorf("billing: count batch into run %d: %w", runID, err)
	}
	return nil
}

// startRun marks run runID running.
func startRun(ctx context.Context, tx *db.Tx, runID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE ledger_runs SET state = 'running' WHERE id = $1 AND org_id = $2`, runID, tx.OrgID()); err != nil {
		return fmt.Errorf("billing: start run %d: %w", runID, err)
	}
	return nil
}

func runs(ctx context.Context, tx *db.Tx, cond string, arg any, limit int) ([]Run, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, period, scope, scope_name, state, job_id, invoices, charges, total_cents, error, created_at,
		COALESCE(finished_at, ''), COALESCE(undone_at, ''), undo_credit_notes FROM ledger_runs
		WHERE org_id = $1 AND `+cond+fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, max(1, min(limit, 200))), tx.OrgID(), arg)
	if err != nil {
		return nil, fmt.Errorf("billing: read runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		var total int64
		var created, finished, undone string
		if err := rows.Scan(&r.ID, &r.Period, &r.Scope, &r.ScopeName, &r.State, &r.JobID, &r.Invoices, &r.Charges, &total, &r.Error, &created,
			&finished, &undone, &r.UndoCreditNotes); err != nil {
			return nil, fmt.Errorf("billing: read runs: %w", err)
		}
		r.Total = money.Cents(total)
		// The instants are shown, never computed with; "" (not finished,
		// not undone) is the zero time, as is one that does not parse.
		r.CreatedAt = db.ShownTS(created)
		r.FinishedAt = db.ShownTS(finished)
		r.UndoneAt = db.ShownTS(undone)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("billing: read runs: %w", err)
	}
	return out, nil
}

// postedCharge is one sum of a lease's rent-run charges for a period and
// line (postedCharges).
type postedCharge struct {
	leaseID                  int64
	period, line, at, method string
	net, rate                int64
}

// postedCharges sums the rent-run charges of leases ids by lease, period
// and line, with the first posting time and the proration method.
func postedCharges(ctx context.Context, tx *db.Tx, ids []int64) ([]postedCharge, error) {
	args := []any{tx.OrgID()}
	marks := make([]string, len(ids))
	for i, id := range ids {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := tx.QueryContext(ctx, `SELECT c.lease_id, c.period, c.line, SUM(c.net_cents), MAX(c.vat_rate), MIN(i.created_at),
		MAX(i.proration) FROM ledger_charges c JOIN ledger_invoices i ON i.id = c.invoice_id AND i.org_id = c.org_id
		WHERE c.org_id = $1 AND c.lease_id IN (`+strings.Join(marks, ",")+`)
		AND c.period <> '' AND c.reverses_charge_id IS NULL AND c.voided_by IS NULL
		GROUP BY c.lease_id, c.period, c.line`, args...)
	if err != nil {
		return nil, fmt.Errorf("posted periods: %w", err)
	}
	defer rows.Close()
	var out []postedCharge
	for rows.Next() {
		var c postedCharge
		if err := rows.Scan(&c.leaseID, &c.period, &c.line, &c.net, &c.rate, &c.at, &c.method); err != nil {
			return nil, fmt.Errorf("posted periods: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("posted periods: %w", err)
	}
	return out, nil
}

// staleRun is a run whose worker stopped (stoppedRuns).
type staleRun struct{ id, org int64 }

// stoppedRuns finds, across organisations, the queued or running runs
// nobody works on any more: without a job and not kept alive since now,
// or with a job that finished or is gone.
func stoppedRuns(ctx context.Context, tx *db.Tx, now string) ([]staleRun, error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.org_id FROM ledger_runs r
		LEFT JOIN jobs j ON j.id = r.job_id AND j.org_id = r.org_id
		WHERE r.state IN ('queued','running')
		  AND ((r.job_id = 0 AND (r.alive_until IS NULL OR r.alive_until < $1))
		    OR (r.job_id <> 0 AND (j.id IS NULL OR j.state IN ('done','dead'))))
		ORDER BY r.id`, now)
	if err != nil {
		return nil, fmt.Errorf("stopped runs: %w", err)
	}
	defer rows.Close()
	var found []staleRun
	for rows.Next() {
		var r staleRun
		if err := rows.Scan(&r.id, &r.org); err != nil {
			return nil, fmt.Errorf("stopped runs: %w", err)
		}
		found = append(found, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stopped runs: %w", err)
	}
	return found, nil
}

// failStoppedRun marks run id failed with reason if it is still queued or
// running; false when it was not (it finished meanwhile).
func failStoppedRun(ctx context.Context, tx *db.Tx, id int64, reason, now string) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE ledger_runs SET state = 'failed', error = $1, finished_at = $2
		WHERE id = $3 AND org_id = $4 AND state IN ('queued','running')`, reason, now, id, tx.OrgID())
	if err != nil {
		return false, fmt.Errorf("fail run %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("fail run %d: %w", id, err)
	}
	return n > 0, nil
}

// complexName reads complex id's name (sql.ErrNoRows, wrapped, when tx's
// organisation has no such complex).
func complexName(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM complexes WHERE id = $1 AND org_id = $2`, id, tx.OrgID()).Scan(&name)
	if err != nil {
		return "", fmt.Errorf("billing: scope complex: %w", err)
	}
	return name, nil
}

// leaseReference reads lease id's reference (sql.ErrNoRows, wrapped, when
// tx's organisation has no such lease).
func leaseReference(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var ref string
	err := tx.QueryRowContext(ctx, `SELECT reference FROM leases WHERE id = $1 AND org_id = $2`, id, tx.OrgID()).Scan(&ref)
	if err != nil {
		return "", fmt.Errorf("billing: scope lease: %w", err)
	}
	return ref, nil
}

// leaseUnitIDs reads the ids of lease id's units in order.
func leaseUnitIDs(ctx context.Context, tx *db.Tx, id int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT unit_id FROM lease_units WHERE lease_id = $1 AND org_id = $2 ORDER BY unit_id`, id, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("billing: scope lease units: %w", err)
	}
	defer rows.Close()
	var units []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("billing: scope lease units: %w", err)
		}
		units = append(units, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("billing: scope lease units: %w", err)
	}
	return units, nil
}

// undoInvoice is an invoice of a run with what decides whether an undo
// may credit it (runInvoicesToUndo).
type undoInvoice struct {
	credit               UndoCredit // Total not set
	total                int64      // of the invoice
	sent, paid, credited bool
}

// runInvoicesToUndo reads run id's invoices in order. With lock, on
// PostgreSQL, the invoices are locked (FOR UPDATE) until tx ends.
func runInvoicesToUndo(ctx context.Context, tx *db.Tx, id int64, lock bool) ([]undoInvoice, error) {
	forUpdate := ""
	if lock && tx.Dialect() == db.Postgres {
		forUpdate = " FOR UPDATE OF i"
	}
	rows, err := tx.QueryContext(ctx, `SELECT i.id, i.number, i.lease_id, l.reference, i.period, i.total_cents, i.sent_at IS NOT NULL,
		EXISTS (SELECT 1 FROM ledger_allocations al JOIN ledger_charges c ON c.id = al.charge_id
			WHERE c.invoice_id = i.id AND c.org_id = i.org_id),
		EXISTS (SELECT 1 FROM ledger_invoices cn WHERE cn.credits_invoice_id = i.id AND cn.org_id = i.org_id)
		FROM ledger_invoices i JOIN leases l ON l.id = i.lease_id AND l.org_id = i.org_id
		WHERE i.org_id = $1 AND i.run_id = $2 AND i.kind = 'invoice' ORDER BY i.id`+forUpdate, tx.OrgID(), id)
	if err != nil {
		return nil, fmt.Errorf("billing: run %d invoices: %w", id, err)
	}
	defer rows.Close()
	var out []undoInvoice
	for rows.Next() {
		var u undoInvoice
		c := &u.credit
		if err := rows.Scan(&c.InvoiceID, &c.InvoiceNumber, &c.LeaseID, &c.Reference, &c.Period, &u.total,
			&u.sent, &u.paid, &u.credited); err != nil {
			return nil, fmt.Errorf("billing: run %d invoices: %w", id, err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("billing: run %d invoices: %w", id, err)
	}
	return out, nil
}

// markRunUndone records that run id was undone now by user by with
// credits credit notes.
func markRunUndone(ctx context.Context, tx *db.Tx, id int64, now string, by int64, credits int) error {
	if _, err := tx.ExecContext(ctx,
		`UPDATE ledger_runs SET undone_at = $1, undone_by = $2, undo_credit_notes = $3 WHERE id = $4 AND org_id = $5`, now, by,
		credits, id, tx.OrgID()); err != nil {
		return fmt.Errorf("billing: mark run %d undone: %w", id, err)
	}
	return nil
}
