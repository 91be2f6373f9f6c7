package ledger

import (
	"context"
	"fmt"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// SetOffTx allocates, in tx, the unused credit of credit note
// creditNoteID's lines to the open charges chargeIDs of the same lease, in
// the order given, each at most its open amount, and returns how much it set
// off. A settlement statement that settles an unpaid advance uses it to close
// that advance's charge, so the advance is not owed in the arrears as well.
// The caller records the audit event.
func SetOffTx(ctx context.Context, tx *db.Tx, leaseID, creditNoteID int64, chargeIDs []int64, on civil.Date,
	now string) (money.Cents, error) {
	credit, err := chargesByKey(ctx, tx, "c.invoice_id = $2", creditNoteID)
	if err != nil {
		return 0, err
	}
	var applied money.Cents
	for _, id := range chargeIDs {
		target, err := chargesByKey(ctx, tx, "c.id = $2", id)
		if err != nil {
			return applied, err
		}
		if len(target) != 1 || target[0].LeaseID != leaseID {
			return applied, fmt.Errorf("set off on lease %d: charge %d is not the lease's", leaseID, id)
		}
		need := target[0].Open()
		for i := range credit {
			if need <= 0 {
				break
			}
			c := &credit[i]
			if c.LeaseID != leaseID {
				return applied, fmt.Errorf("set off on lease %d: credit note %d is of lease %d", leaseID, creditNoteID, c.LeaseID)
			}
			if c.Total >= 0 || c.Open() >= 0 {
				continue
			}
			v := min(need, -c.Open())
			if err := insertAllocation(ctx, tx, leaseID, id, 0, c.ID, v, on, now); err != nil {
				return applied, err
			}
			c.Allocated += v
			need -= v
			applied += v
		}
	}
	return applied, nil
}
