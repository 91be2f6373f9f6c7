package subscription

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// deleteOrgRowsTx deletes the organisation's rows from every table but
// KeptTables. Tables refer to each other, so it deletes in rounds, each
// table under a savepoint, until a round deletes nothing more; a table
// whose rows are still referenced waits for the next round.
func deleteOrgRowsTx(ctx context.Context, tx *db.Tx) (rows, tables int, err error) {
	all, err := db.OrgTables(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	left := map[string]bool{}
	for _, t := range all {
		if KeptTables[t] == "" {
			left[t] = true
		}
	}
	emptied := map[string]bool{}
	for round := 0; len(left) > 0; round++ {
		progress := false
		var lastErr error
		for _, t := range all {
			if !left[t] {
				continue
			}
			if _, err := tx.ExecContext(ctx, `SAVEPOINT shred`); err != nil {
				return 0, 0, err
			}
			res, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE org_id = $1`, tx.OrgID())
			if err != nil {
				lastErr = fmt.Errorf("%s: %w", t, err)
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT shred`); err != nil {
					return 0, 0, err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT shred`); err != nil {
				return 0, 0, err
			}
			n, _ := res.RowsAffected()
			rows += int(n)
			if n > 0 {
				emptied[t] = true
			}
			delete(left, t)
			progress = true
		}
		if !progress {
			return 0, 0, fmt.Errorf("subscription: rows left after %d rounds: %w", round, lastErr)
		}
	}
	return rows, len(emptied), nil
}

func cancellationTx(ctx context.Context, tx *db.Tx, orgID int64) (*Cancellation, error) {
	c := Cancellation{OrgID: orgID}
	var req, eff, shred string
	var shredded sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT requested_at, requested_by, effective_at, shred_at, shredded_at, recipients
		FROM subscription_cancellations WHERE organisation_id = $1`, orgID).Scan(&req, &c.RequestedBy, &eff, &shred, &shredded,
		&c.Recipients)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("subscription: cancellation of %d: %w", orgID, err)
	}
	c.RequestedAt, _ = db.ParseTS(req)
	c.EffectiveAt, _ = db.ParseTS(eff)
	c.ShredAt, _ = db.ParseTS(shred)
	c.ShreddedAt, _ = db.ParseNullTS(shredded)
	return &c, nil
}

func insertCancellationTx(ctx context.Context, tx *db.Tx, c Cancellation) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO subscription_cancellations (organisation_id, requested_at, requested_by, effective_at,
		shred_at) VALUES ($1, $2, $3, $4, $5)`, c.OrgID, db.TS(c.RequestedAt), c.RequestedBy, db.TS(c.EffectiveAt), db.TS(c.ShredAt))
	if err != nil {
		return fmt.Errorf("subscription: cancel: %w", err)
	}
	return nil
}

func orgNameTx(ctx context.Context, tx *db.Tx, orgID int64) (name, slug string, err error) {
	if err := tx.QueryRowContext(ctx, `SELECT name, slug FROM organisations WHERE id = $1`, orgID).Scan(&name, &slug); err != nil {
		return "", "", fmt.Errorf("subscription: organisation %d: %w", orgID, err)
	}
	return name, slug, nil
}

// deleteCancellationTx withdraws the organisation's cancellation.
func deleteCancellationTx(ctx context.Context, tx *db.Tx, orgID int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM subscription_cancellations WHERE organisation_id = $1`, orgID); err != nil {
		return fmt.Errorf("subscription: undo cancellation: %w", err)
	}
	return nil
}

// dueShredsTx lists the cancelled organisations whose export period ended
// by now and that are not shredded yet.
func dueShredsTx(ctx context.Context, tx *db.Tx, now time.Time) ([]int64, error) {
	return idsTx(ctx, tx, "due shreds", `SELECT organisation_id FROM subscription_cancellations
		WHERE shredded_at IS NULL AND shred_at <= $1 ORDER BY organisation_id`, db.TS(now))
}

// memberIDsTx lists the users with a membership of the organisation.
func memberIDsTx(ctx context.Context, tx *db.Tx, orgID int64) ([]int64, error) {
	return idsTx(ctx, tx, "members", `SELECT user_id FROM memberships WHERE org_id = $1`, orgID)
}

func idsTx(ctx context.Context, tx *db.Tx, what, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("subscription: %s: %w", what, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("subscription: %s: %w", what, err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// liveKeysByKindTx counts the organisation's vault subjects that still have
// keys, by kind (person, document, fiscal, ...).
func liveKeysByKindTx(ctx context.Context, tx *db.Tx, orgID int64) (map[string]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT kind, COUNT(*) FROM vault_subjects WHERE org_id = $1 AND keyset_wrapped IS NOT NULL
		GROUP BY kind`, orgID)
	if err != nil {
		return nil, fmt.Errorf("subscription: keys of %d: %w", orgID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("subscription: keys of %d: %w", orgID, err)
		}
		out[k] = n
	}
	return out, rows.Err()
}

// endSessionsTx ends every session of users.
func endSessionsTx(ctx context.Context, tx *db.Tx, users []int64) error {
	for _, u := range users {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u); err != nil {
			return fmt.Errorf("subscription: end sessions: %w", err)
		}
	}
	return nil
}

// markShreddedTx records the shred of the organisation; false when another
// run marked it first.
func markShreddedTx(ctx context.Context, tx *db.Tx, orgID int64, now time.Time, recipients int) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE subscription_cancellations SET shredded_at = $1, recipients = $2
		WHERE organisation_id = $3 AND shredded_at IS NULL`, db.TS(now), recipients, orgID)
	if err != nil {
		return false, fmt.Errorf("subscription: mark %d shredded: %w", orgID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// replayShreddedTx marks the organisation's cancellation shredded at
// shreddedAt after a restore, and reports whether it had to. Data from
// before the cancellation has none: one is written with every date at the
// shred (the request's own dates went with the newer data) and
// requested_by 0 (the system). Data from before the organisation existed
// gets a tombstone of it first (holdOrgIDTx), so its id is never handed to
// a new organisation that a later restore would shred in its place.
func replayShreddedTx(ctx context.Context, tx *db.Tx, orgID int64, shreddedAt string) (bool, error) {
	if err := holdOrgIDTx(ctx, tx, orgID, shreddedAt); err != nil {
		return false, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE subscription_cancellations SET shredded_at = $1
		WHERE organisation_id = $2 AND shredded_at IS NULL`, shreddedAt, orgID)
	if err != nil {
		return false, fmt.Errorf("subscription: mark %d shredded again: %w", orgID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return true, nil
	}
	res, err = tx.ExecContext(ctx, `INSERT INTO subscription_cancellations (organisation_id, requested_at, requested_by,
		effective_at, shred_at, shredded_at) SELECT id, $1, 0, $1, $1, $1 FROM organisations WHERE id = $2
		AND NOT EXISTS (SELECT 1 FROM subscription_cancellations WHERE organisation_id = $2)`, shreddedAt, orgID)
	if err != nil {
		return false, fmt.Errorf("subscription: mark %d shredded again: %w", orgID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// holdOrgIDTx writes a tombstone of a shredded organisation that the
// restored data does not have: no name, a slug of its own, created at the
// shred. The restore moved the identity past every journaled organisation
// already (backup.moveSequences; SQLite takes the next rowid from the rows).
func holdOrgIDTx(ctx context.Context, tx *db.Tx, orgID int64, shreddedAt string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (id, slug, name, created_at)
		SELECT $1, $2, '', $3 WHERE NOT EXISTS (SELECT 1 FROM organisations WHERE id = $1)`,
		orgID, fmt.Sprintf("shredded-%d", orgID), shreddedAt); err != nil {
		return fmt.Errorf("subscription: hold the id of shredded organisation %d: %w", orgID, err)
	}
	return nil
}

// billedOrgsTx lists the organisations with a subscription or one of HMS's
// invoices, by name.
func billedOrgsTx(ctx context.Context, tx *db.Tx) ([]Billed, error) {
	rows, err := tx.QueryContext(ctx, `SELECT o.id, o.name FROM organisations o WHERE o.id IN
		(SELECT organisation_id FROM subscriptions UNION SELECT organisation_id FROM subscription_invoices) ORDER BY o.name, o.id`)
	if err != nil {
		return nil, fmt.Errorf("subscription: billed organisations: %w", err)
	}
	defer rows.Close()
	var out []Billed
	for rows.Next() {
		var b Billed
		if err := rows.Scan(&b.OrgID, &b.OrgName); err != nil {
			return nil, fmt.Errorf("subscription: billed organisations: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// countPastDueTx counts the subscriptions that are past due.
func countPastDueTx(ctx context.Context, tx *db.Tx) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM subscriptions WHERE past_due_on IS NOT NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("subscription: count past due: %w", err)
	}
	return n, nil
}
