package retention

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

func storedRules(ctx context.Context, tx *db.Tx) (map[Category]int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT category, period FROM retention_rules WHERE org_id = $1`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("retention: rules: %w", err)
	}
	defer rows.Close()
	out := map[Category]int{}
	for rows.Next() {
		var c string
		var p int
		if err := rows.Scan(&c, &p); err != nil {
			return nil, fmt.Errorf("retention: rules: %w", err)
		}
		out[Category(c)] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("retention: rules: %w", err)
	}
	return out, nil
}

func putRule(ctx context.Context, tx *db.Tx, c Category, p int, by int64, now string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO retention_rules (org_id, category, period, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (org_id, category) DO UPDATE SET period = excluded.period, updated_at = excluded.updated_at,
			updated_by = excluded.updated_by`, tx.OrgID(), string(c), p, now, by); err != nil {
		return fmt.Errorf("retention: set rule %s: %w", c, err)
	}
	return nil
}

func listHolds(ctx context.Context, tx *db.Tx) ([]Hold, error) {
	rows, err := tx.QueryContext(ctx, `SELECT h.id, h.target_kind, h.target_id, h.reason, h.placed_at, h.lifted_at,
			COALESCE(l.reference, '')
		FROM retention_holds h LEFT JOIN leases l ON h.target_kind = 'lease' AND l.id = h.target_id AND l.org_id = h.org_id
		WHERE h.org_id = $1
		ORDER BY CASE WHEN h.lifted_at IS NULL THEN 0 ELSE 1 END, h.id DESC`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("retention: holds: %w", err)
	}
	defer rows.Close()
	var out []Hold
	for rows.Next() {
		var h Hold
		var kind, placed string
		var lifted sql.NullString
		if err := rows.Scan(&h.ID, &kind, &h.TargetID, &h.Reason, &placed, &lifted, &h.Target); err != nil {
			return nil, fmt.Errorf("retention: holds: %w", err)
		}
		h.Kind, h.PlacedAt, h.LiftedAt = HoldKind(kind), db.ShownTS(placed), db.ShownNullTS(lifted)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("retention: holds: %w", err)
	}
	return out, nil
}

func holdTargetExists(ctx context.Context, tx *db.Tx, kind HoldKind, id int64) (bool, error) {
	q := `SELECT COUNT(*) FROM relations WHERE org_id = $1 AND id = $2 AND kind = 'person'`
	if kind == HoldLease {
		q = `SELECT COUNT(*) FROM leases WHERE org_id = $1 AND id = $2`
	}
	var n int
	if err := tx.QueryRowContext(ctx, q, tx.OrgID(), id).Scan(&n); err != nil {
		return false, fmt.Errorf("retention: hold target: %w", err)
	}
	return n > 0, nil
}

func insertHold(ctx context.Context, tx *db.Tx, in HoldInput, by int64, now string) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO retention_holds (org_id, target_kind, target_id, reason, placed_at, placed_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, tx.OrgID(), string(in.Kind), in.TargetID, in.Reason, now, by).Scan(&id); err != nil {
		return 0, fmt.Errorf("retention: place hold: %w", err)
	}
	return id, nil
}

func liftHold(ctx context.Context, tx *db.Tx, id, by int64, now string) error {
	res, err := tx.ExecContext(ctx, `UPDATE retention_holds SET lifted_at = $3, lifted_by = $4
		WHERE org_id = $1 AND id = $2 AND lifted_at IS NULL`, tx.OrgID(), id, now, by)
	if err != nil {
		return fmt.Errorf("retention: lift hold: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("retention: lift hold: %w", err)
	}
	if n == 0 {
		return validation.ErrNotFound
	}
	return nil
}

// former is a person party only to leases that ended before the day, with
// the day their last obligation ended (the later of the last lease end and
// the last payment on their leases).
type former struct {
	id   int64
	last civil.Date
}

func formerTenants(ctx context.Context, tx *db.Tx, day civil.Date) ([]former, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.party_id, MAX(l.end_date),
			SUM(CASE WHEN l.end_date IS NULL OR l.end_date >= $2 THEN 1 ELSE 0 END),
			(SELECT MAX(pay.payment_date) FROM ledger_payments pay JOIN lease_parties p2 ON p2.lease_id = pay.lease_id
				WHERE pay.org_id = $1 AND p2.org_id = $1 AND p2.party_id = p.party_id)
		FROM lease_parties p JOIN leases l ON l.id = p.lease_id JOIN relations r ON r.id = p.party_id
		WHERE p.org_id = $1 AND l.org_id = $1 AND r.org_id = $1 AND r.kind = 'person' AND r.erased_at IS NULL
		GROUP BY p.party_id ORDER BY p.party_id`, tx.OrgID(), day.String())
	if err != nil {
		return nil, fmt.Errorf("retention: former tenants: %w", err)
	}
	defer rows.Close()
	var out []former
	for rows.Next() {
		var f former
		var end, paid sql.NullString
		var running int
		if err := rows.Scan(&f.id, &end, &running, &paid); err != nil {
			return nil, fmt.Errorf("retention: former tenants: %w", err)
		}
		if running > 0 || !end.Valid {
			continue
		}
		if f.last, err = civil.Parse(end.String); err != nil {
			return nil, fmt.Errorf("retention: former tenants: %w", err)
		}
		if paid.Valid {
			p, err := civil.Parse(paid.String)
			if err != nil {
				return nil, fmt.Errorf("retention: former tenants: %w", err)
			}
			if p.After(f.last) {
				f.last = p
			}
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("retention: former tenants: %w", err)
	}
	return out, nil
}

// heldPersons are the persons an active hold covers: held themselves, or
// party to a held lease.
func heldPersons(ctx context.Context, tx *db.Tx) (map[int64]bool, error) {
	return idSet(ctx, tx, `SELECT target_id FROM retention_holds
		WHERE org_id = $1 AND lifted_at IS NULL AND target_kind = 'person'
		UNION SELECT p.party_id FROM lease_parties p JOIN retention_holds h ON h.target_kind = 'lease' AND h.target_id = p.lease_id
		WHERE h.org_id = $1 AND p.org_id = $1 AND h.lifted_at IS NULL`)
}

// heldFiscalYears are the fiscal years of the invoices of held leases and
// of the leases of held persons.
func heldFiscalYears(ctx context.Context, tx *db.Tx) (map[int64]bool, error) {
	return idSet(ctx, tx, `SELECT DISTINCT i.fiscal_year FROM ledger_invoices i
		WHERE i.org_id = $1 AND i.lease_id IN (
			SELECT target_id FROM retention_holds WHERE org_id = $1 AND lifted_at IS NULL AND target_kind = 'lease'
			UNION SELECT p.lease_id FROM lease_parties p JOIN retention_holds h ON h.target_kind = 'person' AND h.target_id = p.party_id
			WHERE h.org_id = $1 AND p.org_id = $1 AND h.lifted_at IS NULL)`)
}

func idSet(ctx context.Context, tx *db.Tx, q string) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, q, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("retention: holds: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("retention: holds: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("retention: holds: %w", err)
	}
	return out, nil
}

const (
	mailDue = `FROM mail_outbox WHERE org_id = $1 AND state IN ('sent','held','failed') AND created_at < $2`
	jobsDue = `FROM jobs WHERE org_id = $1 AND state IN ('done','dead') AND finished_at < $2`
)

func countMailAndJobs(ctx context.Context, tx *db.Tx, before time.Time) (mail, jobs int64, err error) {
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) `+mailDue+`), (SELECT COUNT(*) `+jobsDue+`)`,
		tx.OrgID(), db.TS(before)).Scan(&mail, &jobs); err != nil {
		return 0, 0, fmt.Errorf("retention: count mail and jobs: %w", err)
	}
	return mail, jobs, nil
}

func pruneMailAndJobs(ctx context.Context, tx *db.Tx, before time.Time) (mail, jobs int64, err error) {
	for _, x := range []struct {
		q string
		n *int64
	}{{mailDue, &mail}, {jobsDue, &jobs}} {
		res, err := tx.ExecContext(ctx, `DELETE `+x.q, tx.OrgID(), db.TS(before))
		if err != nil {
			return 0, 0, fmt.Errorf("retention: prune mail and jobs: %w", err)
		}
		if *x.n, err = res.RowsAffected(); err != nil {
			return 0, 0, fmt.Errorf("retention: prune mail and jobs: %w", err)
		}
	}
	return mail, jobs, nil
}

func organisations(ctx context.Context, tx *db.Tx) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM organisations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("retention: organisations: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("retention: organisations: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("retention: organisations: %w", err)
	}
	return out, nil
}
