package ledger

import (
	"context"
	"fmt"

	"hms/internal/platform/db"
)

// OpenDrift lists, in tx, the invoices and credit notes of tx's organisation
// whose kept open amount (open_cents) is not their charges less the
// allocations to them: none, when every writer kept it. Tests of every
// package that books on the ledger call it after their operations; the
// caller has checked the actor's permission.
func OpenDrift(ctx context.Context, tx *db.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT number, kept, summed FROM (SELECT i.number, i.open_cents AS kept, `+openSummed+` AS summed
		FROM ledger_invoices i WHERE i.org_id = $1) d WHERE kept <> summed ORDER BY number`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("ledger: open drift: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var number string
		var kept, summed int64
		if err := rows.Scan(&number, &kept, &summed); err != nil {
			return nil, fmt.Errorf("ledger: open drift: %w", err)
		}
		out = append(out, fmt.Sprintf("%s: kept %d, summed %d", number, kept, summed))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: open drift: %w", err)
	}
	return out, nil
}
