package ledger

import (
	"context"
	"fmt"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// PostedThroughMany is PostedThrough of each of leaseIDs (missing: nothing
// posted), a few queries for all of them: the rent-increase proposals of a
// whole portfolio read it per batch of leases, not per lease.
func (s *Service) PostedThroughMany(ctx context.Context, tx *db.Tx, leaseIDs []int64) (map[int64]civil.Date, error) {
	out := make(map[int64]civil.Date, len(leaseIDs))
	for rest := leaseIDs; len(rest) > 0; {
		chunk := rest[:min(len(rest), RowsPerStatement)]
		rest = rest[len(chunk):]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, tx.OrgID())
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT lease_id, period FROM ledger_charges WHERE org_id = $1
			AND lease_id IN (`+tx.Params(2, len(chunk))+`) AND period <> '' AND reverses_charge_id IS NULL AND voided_by IS NULL`, args...)
		if err != nil {
			return nil, fmt.Errorf("ledger: posted periods: %w", err)
		}
		for rows.Next() {
			var id int64
			var p string
			if err := rows.Scan(&id, &p); err != nil {
				rows.Close()
				return nil, fmt.Errorf("ledger: posted periods: %w", err)
			}
			end, ok := PeriodEnd(p)
			if !ok {
				rows.Close()
				return nil, fmt.Errorf("ledger: posted period %q of lease %d is not a month or quarter", p, id)
			}
			if end.After(out[id]) {
				out[id] = end
			}
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("ledger: posted periods: %w", err)
		}
	}
	return out, nil
}
