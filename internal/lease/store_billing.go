package lease

import (
	"context"
	"fmt"
	"strings"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// The rent run's SQL of leases: which leases a run charges (Billable).

// billableLeases reads, in id order after afterID, up to limit leases (their
// head only) that run on some day in [from, to] within scope.
func billableLeases(ctx context.Context, tx *db.Tx, scope BillingScope, from, to civil.Date, afterID int64, limit int) ([]*Lease, error) {
	where, args := billableWhere(tx, scope, from, to, afterID)
	rows, err := tx.QueryContext(ctx, `SELECT `+leaseColumns+` FROM leases l WHERE `+where+
		fmt.Sprintf(` ORDER BY l.id LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("billable leases: %w", err)
	}
	defer rows.Close()
	var ls []*Lease
	for rows.Next() {
		l, err := scanLease(rows)
		if err != nil {
			return nil, fmt.Errorf("billable leases: %w", err)
		}
		ls = append(ls, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("billable leases: %w", err)
	}
	return ls, nil
}

// countBillable counts the leases billableLeases would walk.
func countBillable(ctx context.Context, tx *db.Tx, scope BillingScope, from, to civil.Date) (int, error) {
	where, args := billableWhere(tx, scope, from, to, 0)
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM leases l WHERE `+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count billable leases: %w", err)
	}
	return n, nil
}

func billableWhere(tx *db.Tx, scope BillingScope, from, to civil.Date, afterID int64) (string, []any) {
	// "+l.org_id" keeps SQLite from walking the (org_id, start_date) index
	// and sorting all of an organisation's leases for every batch: the
	// walk must follow the primary key from afterID.
	where := []string{"+l.org_id = $1", "l.id > $2", "l.start_date <= $3", "(l.ends_on IS NULL OR l.ends_on >= $4)"}
	args := []any{tx.OrgID(), afterID, to, from}
	if scope.LeaseID != 0 {
		args = append(args, scope.LeaseID)
		where = append(where, fmt.Sprintf("l.id = $%d", len(args)))
	}
	if scope.UnitID != 0 {
		args = append(args, scope.UnitID)
		where = append(where,
			fmt.Sprintf("l.id IN (SELECT lu.lease_id FROM lease_units lu WHERE lu.org_id = l.org_id AND lu.unit_id = $%d)", len(args)))
	}
	if scope.ComplexID != 0 {
		args = append(args, scope.ComplexID)
		where = append(where,
			fmt.Sprintf("l.id IN (SELECT lu.lease_id FROM lease_units lu WHERE lu.org_id = l.org_id AND lu.complex_id = $%d)", len(args)))
	}
	return strings.Join(where, " AND "), args
}
