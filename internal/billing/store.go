package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/money"
	"hms/internal/platform/db"
)

// The rent run's SQL. Every function works in the caller's transaction on
// tx's organisation and wraps its errors once with the operation.

func loadSettings(ctx context.Context, tx *db.Tx) (Settings, error) {
	st := DefaultSettings
	var p, pp string
	err := tx.QueryRowContext(ctx, `SELECT proration, period_proration, payment_term_days, issuer_kvk, issuer_vat_id, issuer_iban,
		send_invoices FROM billing_settings WHERE org_id = $1`,
		tx.OrgID()).Scan(&p, &pp, &st.PaymentTermDays, &st.IssuerKvK, &st.IssuerVATID, &st.IssuerIBAN, &st.SendInvoices)
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO billing_settings (org_id, proration, issuer_kvk, issuer_vat_id, issuer_iban,
		send_invoices, updated_at, period_proration, payment_term_days)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (org_id) DO UPDATE SET proration = excluded.proration,
		issuer_kvk = excluded.issuer_kvk, issuer_vat_id = excluded.issuer_vat_id, issuer_iban = excluded.issuer_iban,
		send_invoices = excluded.send_invoices, updated_at = excluded.updated_at,
		period_proration = excluded.period_proration, payment_term_days = excluded.payment_term_days`,
		tx.OrgID(), string(st.Proration), st.IssuerKvK, st.IssuerVATID, st.IssuerIBAN, st.SendInvoices, now,
		string(st.PeriodProration), st.PaymentTermDays); err != nil {
		return fmt.Errorf("billing: save settings: %w", err)
	}
	return nil
}

// postedLines are the rent-run lines already posted for leases in
// [firstID, lastID], by lease and period.
func postedLines(ctx context.Context, tx *db.Tx, firstID, lastID int64) (map[postedKey]map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, period, line FROM ledger_charges
		WHERE org_id = $1 AND lease_id BETWEEN $2 AND $3 AND period <> ''
		AND reverses_charge_id IS NULL AND voided_by IS NULL`, tx.OrgID(), firstID, lastID)
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
