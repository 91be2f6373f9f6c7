package lease

import (
	"context"
	"fmt"
	"strings"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// BillingScope selects the leases a rent run charges: all, or those of a
// complex, a unit or one lease.
type BillingScope struct {
	ComplexID int64
	UnitID    int64
	LeaseID   int64
}

// Billable reads, in id order after afterID, up to limit leases of tx's
// organisation that run on some day in [from, to] within scope, with their
// units, parties (ids only) and full rent history. The rent run pages
// through a whole organisation with it, so memory stays flat.
func Billable(ctx context.Context, tx *db.Tx, scope BillingScope, from, to civil.Date, afterID int64, limit int) ([]*Lease, error) {
	where, args := billableWhere(tx, scope, from, to, afterID)
	rows, err := tx.QueryContext(ctx, `SELECT `+leaseColumns+` FROM leases l WHERE `+where+
		fmt.Sprintf(` ORDER BY l.id LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("billable leases: %w", err)
	}
	var ls []*Lease
	for rows.Next() {
		l, err := scanLease(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		ls = append(ls, l)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("billable leases: %w", err)
	}
	if err := loadUnits(ctx, tx, ls); err != nil {
		return nil, err
	}
	if err := loadParties(ctx, tx, ls); err != nil {
		return nil, err
	}
	if err := loadComponents(ctx, tx, ls); err != nil {
		return nil, err
	}
	return ls, nil
}

// CountBillable counts the leases Billable would walk.
func CountBillable(ctx context.Context, tx *db.Tx, scope BillingScope, from, to civil.Date) (int, error) {
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
