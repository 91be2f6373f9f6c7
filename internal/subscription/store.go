package subscription

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// The SQL of package subscription. The tables are the platform's: every
// function but countUnitsTx runs in a System transaction.

const planColumns = `id, name_nl, name_en, units_from, units_to, base_cents, per_unit_cents, active`

func plansTx(ctx context.Context, tx *db.Tx, activeOnly bool) ([]Plan, error) {
	q := `SELECT ` + planColumns + ` FROM plans`
	if activeOnly {
		q += ` WHERE active = $1`
	}
	q += ` ORDER BY units_from, id`
	var args []any
	if activeOnly {
		args = append(args, true)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("subscription: plans: %w", err)
	}
	defer rows.Close()
	var out []Plan
	for rows.Next() {
		var p Plan
		if err := rows.Scan(&p.ID, &p.NameNL, &p.NameEN, &p.UnitsFrom, &p.UnitsTo, &p.Base, &p.PerUnit, &p.Active); err != nil {
			return nil, fmt.Errorf("subscription: plans: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("subscription: plans: %w", err)
	}
	return out, nil
}

func savePlanTx(ctx context.Context, tx *db.Tx, p Plan) (int64, error) {
	if p.ID == 0 {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO plans (name_nl, name_en, units_from, units_to, base_cents, per_unit_cents, active)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, p.NameNL, p.NameEN, p.UnitsFrom, p.UnitsTo, p.Base, p.PerUnit,
			p.Active).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("subscription: add plan: %w", err)
		}
		return id, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE plans SET name_nl = $1, name_en = $2, units_from = $3, units_to = $4, base_cents = $5,
		per_unit_cents = $6, active = $7 WHERE id = $8`, p.NameNL, p.NameEN, p.UnitsFrom, p.UnitsTo, p.Base, p.PerUnit, p.Active, p.ID)
	if err != nil {
		return 0, fmt.Errorf("subscription: save plan: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, validation.ErrNotFound
	}
	return p.ID, nil
}

// countUnitsTx counts the units of the transaction's organisation.
func countUnitsTx(ctx context.Context, tx *db.Tx) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE org_id = $1`, tx.OrgID()).Scan(&n); err != nil {
		return 0, fmt.Errorf("subscription: count units: %w", err)
	}
	return n, nil
}

// standingTx reads an organisation's trial end, whether it subscribed and
// whether its subscription is past due (failed.go).
func standingTx(ctx context.Context, tx *db.Tx, orgID int64) (time.Time, bool, bool, error) {
	var trial, pastDue sql.NullString
	var subscribed int
	err := tx.QueryRowContext(ctx, `SELECT o.trial_ends_at, (SELECT COUNT(*) FROM subscriptions s
		WHERE s.organisation_id = o.id AND s.state = 'active'), (SELECT s.past_due_on FROM subscriptions s
		WHERE s.organisation_id = o.id AND s.state = 'active') FROM organisations o WHERE o.id = $1`, orgID).Scan(&trial, &subscribed,
		&pastDue)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, false, validation.ErrNotFound
	}
	if err != nil {
		return time.Time{}, false, false, fmt.Errorf("subscription: standing of %d: %w", orgID, err)
	}
	t, _ := db.ParseNullTS(trial)
	return t, subscribed > 0, pastDue.Valid, nil
}

func setTrialEndTx(ctx context.Context, tx *db.Tx, orgID int64, end time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE organisations SET trial_ends_at = $1 WHERE id = $2`, db.TS(end), orgID)
	if err != nil {
		return fmt.Errorf("subscription: set trial end: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return validation.ErrNotFound
	}
	return nil
}

type subscriptionRow struct {
	OrgID        int64
	PlanID       int64
	PlanName     string
	Units        int
	Monthly      money.Cents
	StartedOn    civil.Date
	PaidThrough  civil.Date
	Kind         Kind
	Subject      vault.SubjectID
	Details      []byte
	IBAN         []byte
	BIC          string
	Reference    string
	SignedAt     time.Time
	CreditorID   string
	CreditorName string
}

func readSubscriptionTx(ctx context.Context, tx *db.Tx, orgID int64) (*subscriptionRow, error) {
	r := subscriptionRow{OrgID: orgID}
	var signed string
	err := tx.QueryRowContext(ctx, `SELECT s.plan_id, p.name_nl, s.units, s.monthly_cents, s.started_on, s.paid_through, s.kind,
		s.subject_id, s.details_sealed, s.iban_sealed, s.bic, s.mandate_reference, s.mandate_signed_at, s.creditor_id, s.creditor_name
		FROM subscriptions s JOIN plans p ON p.id = s.plan_id WHERE s.organisation_id = $1 AND s.state = 'active'`, orgID).Scan(
		&r.PlanID, &r.PlanName, &r.Units, &r.Monthly, &r.StartedOn, &r.PaidThrough, &r.Kind, &r.Subject, &r.Details, &r.IBAN, &r.BIC,
		&r.Reference, &signed, &r.CreditorID, &r.CreditorName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("subscription: read %d: %w", orgID, err)
	}
	r.SignedAt, _ = db.ParseTS(signed)
	return &r, nil
}

func saveSubscriptionTx(ctx context.Context, tx *db.Tx, r subscriptionRow, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (organisation_id, state, plan_id, units, monthly_cents, started_on,
		paid_through, kind, subject_id, details_sealed, iban_sealed, bic, mandate_reference, mandate_signed_at, creditor_id,
		creditor_name, created_at, updated_at) VALUES ($1, 'active', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
		ON CONFLICT (organisation_id) DO UPDATE SET state = 'active', plan_id = excluded.plan_id, units = excluded.units,
		started_on = excluded.started_on, paid_through = excluded.paid_through,
		monthly_cents = excluded.monthly_cents, kind = excluded.kind, details_sealed = excluded.details_sealed,
		iban_sealed = excluded.iban_sealed, bic = excluded.bic, mandate_reference = excluded.mandate_reference,
		mandate_signed_at = excluded.mandate_signed_at, creditor_id = excluded.creditor_id, creditor_name = excluded.creditor_name,
		updated_at = excluded.updated_at`, r.OrgID, r.PlanID, r.Units, r.Monthly, r.StartedOn, r.PaidThrough, string(r.Kind),
		int64(r.Subject), r.Details, r.IBAN, r.BIC, r.Reference, db.TS(r.SignedAt), r.CreditorID, r.CreditorName, db.TS(now))
	if err != nil {
		return fmt.Errorf("subscription: save: %w", err)
	}
	return nil
}

// trialOrg is an organisation in (or past) its trial without a
// subscription.
type trialOrg struct {
	ID        int64
	Name      string
	TrialEnds time.Time
}

// trialsTx lists the organisations with a trial end and no subscription.
func trialsTx(ctx context.Context, tx *db.Tx) ([]trialOrg, error) {
	rows, err := tx.QueryContext(ctx, `SELECT o.id, o.name, o.trial_ends_at FROM organisations o
		WHERE o.trial_ends_at IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.organisation_id = o.id AND s.state = 'active')
		ORDER BY o.id`)
	if err != nil {
		return nil, fmt.Errorf("subscription: trials: %w", err)
	}
	defer rows.Close()
	var out []trialOrg
	for rows.Next() {
		var o trialOrg
		var end string
		if err := rows.Scan(&o.ID, &o.Name, &end); err != nil {
			return nil, fmt.Errorf("subscription: trials: %w", err)
		}
		o.TrialEnds, _ = db.ParseTS(end)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("subscription: trials: %w", err)
	}
	return out, nil
}

// claimReminderTx records that the reminder days before the end goes out
// now; false when it went before.
func claimReminderTx(ctx context.Context, tx *db.Tx, orgID int64, days int, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO trial_reminders (organisation_id, days_before, sent_at) VALUES ($1, $2, $3)
		ON CONFLICT (organisation_id, days_before) DO NOTHING`, orgID, days, db.TS(now))
	if err != nil {
		return false, fmt.Errorf("subscription: record reminder: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func setReminderRecipientsTx(ctx context.Context, tx *db.Tx, orgID int64, days, n int) error {
	_, err := tx.ExecContext(ctx, `UPDATE trial_reminders SET recipients = $1 WHERE organisation_id = $2 AND days_before = $3`,
		n, orgID, days)
	if err != nil {
		return fmt.Errorf("subscription: record reminder: %w", err)
	}
	return nil
}

func deleteRemindersTx(ctx context.Context, tx *db.Tx, orgID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM trial_reminders WHERE organisation_id = $1`, orgID); err != nil {
		return fmt.Errorf("subscription: reset reminders: %w", err)
	}
	return nil
}

// customerRow is one organisation of the console's customer list.
type customerRow struct {
	ID        int64
	Slug      string
	Name      string
	TrialEnds time.Time
	Sub       *subscriptionRow
	PastDue   bool
	Cancel    *Cancellation // nil: none
}

func customersTx(ctx context.Context, tx *db.Tx) ([]customerRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT o.id, o.slug, o.name, o.trial_ends_at, s.plan_id, p.name_nl, s.units, s.monthly_cents,
		s.subject_id, s.details_sealed, COALESCE(s.past_due_on, '') <> '', c.effective_at, c.shred_at, c.shredded_at
		FROM organisations o LEFT JOIN subscriptions s ON s.organisation_id = o.id AND s.state = 'active'
		LEFT JOIN plans p ON p.id = s.plan_id LEFT JOIN subscription_cancellations c ON c.organisation_id = o.id ORDER BY o.id`)
	if err != nil {
		return nil, fmt.Errorf("subscription: customers: %w", err)
	}
	defer rows.Close()
	var out []customerRow
	for rows.Next() {
		var c customerRow
		var trial, planName sql.NullString
		var planID, units, monthly, subject sql.NullInt64
		var details []byte
		var eff, shred, shredded sql.NullString
		if err := rows.Scan(&c.ID, &c.Slug, &c.Name, &trial, &planID, &planName, &units, &monthly, &subject, &details,
			&c.PastDue, &eff, &shred, &shredded); err != nil {
			return nil, fmt.Errorf("subscription: customers: %w", err)
		}
		c.TrialEnds, _ = db.ParseNullTS(trial)
		if eff.Valid {
			c.Cancel = &Cancellation{OrgID: c.ID}
			c.Cancel.EffectiveAt, _ = db.ParseNullTS(eff)
			c.Cancel.ShredAt, _ = db.ParseNullTS(shred)
			c.Cancel.ShreddedAt, _ = db.ParseNullTS(shredded)
		}
		if planID.Valid {
			c.Sub = &subscriptionRow{OrgID: c.ID, PlanID: planID.Int64, PlanName: planName.String, Units: int(units.Int64),
				Monthly: money.Cents(monthly.Int64), Subject: vault.SubjectID(subject.Int64), Details: details}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("subscription: customers: %w", err)
	}
	return out, nil
}

func slugTx(ctx context.Context, tx *db.Tx, orgID int64) (string, error) {
	var slug string
	if err := tx.QueryRowContext(ctx, `SELECT slug FROM organisations WHERE id = $1`, orgID).Scan(&slug); err != nil {
		return "", fmt.Errorf("subscription: organisation %d: %w", orgID, err)
	}
	return slug, nil
}
