package importer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/platform/db"
)

// The SQL of the opening-balance and advances imports.

// leaseIDsByReference maps every lease reference of the organisation to
// its id.
func leaseIDsByReference(ctx context.Context, tx *db.Tx) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT reference, id FROM leases WHERE org_id = $1`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("importer: lease references: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var ref string
		var id int64
		if err := rows.Scan(&ref, &id); err != nil {
			return nil, fmt.Errorf("importer: lease references: %w", err)
		}
		out[ref] = id
	}
	return out, rows.Err()
}

type openingKey struct {
	lease int64
	line  string
}

// openingLines are the imported opening-balance lines already booked.
func openingLines(ctx context.Context, tx *db.Tx) (map[openingKey]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, line FROM ledger_charges
		WHERE org_id = $1 AND line LIKE 'opening|import:%'`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("importer: opening lines: %w", err)
	}
	defer rows.Close()
	out := map[openingKey]bool{}
	for rows.Next() {
		var k openingKey
		if err := rows.Scan(&k.lease, &k.line); err != nil {
			return nil, fmt.Errorf("importer: opening lines: %w", err)
		}
		out[k] = true
	}
	return out, rows.Err()
}

// upsertPriorAdvance stores pa; it reports whether the row is new or its
// amounts changed.
func upsertPriorAdvance(ctx context.Context, tx *db.Tx, pa PriorAdvance, now string, by int64) (changed, added bool, err error) {
	var charged, received int64
	err = tx.QueryRowContext(ctx, `SELECT charged_cents, received_cents FROM settlement_prior_advances
		WHERE org_id = $1 AND lease_id = $2 AND from_date = $3 AND to_date = $4`, tx.OrgID(), pa.LeaseID, pa.From, pa.To).
		Scan(&charged, &received)
	switch {
	case err == nil && charged == int64(pa.Charged) && received == int64(pa.Received):
		return false, false, nil
	case err == nil:
		if _, err := tx.ExecContext(ctx, `UPDATE settlement_prior_advances SET charged_cents = $5, received_cents = $6
			WHERE org_id = $1 AND lease_id = $2 AND from_date = $3 AND to_date = $4`,
			tx.OrgID(), pa.LeaseID, pa.From, pa.To, int64(pa.Charged), int64(pa.Received)); err != nil {
			return false, false, fmt.Errorf("importer: change prior advance: %w", err)
		}
		return true, false, nil
	case !isNoRows(err):
		return false, false, fmt.Errorf("importer: read prior advance: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_prior_advances (org_id, lease_id, from_date, to_date, charged_cents,
		received_cents, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		tx.OrgID(), pa.LeaseID, pa.From, pa.To, int64(pa.Charged), int64(pa.Received), now, by); err != nil {
		return false, false, fmt.Errorf("importer: add prior advance: %w", err)
	}
	return false, true, nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
