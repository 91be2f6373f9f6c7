package lease

import (
	"context"

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
	ls, err := billableLeases(ctx, tx, scope, from, to, afterID, limit)
	if err != nil {
		return nil, err
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
	return countBillable(ctx, tx, scope, from, to)
}
