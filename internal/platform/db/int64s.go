package db

import (
	"context"
	"fmt"
)

// Int64s runs a query of one integer column and returns its values in order.
func (t *Tx) Int64s(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := t.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// OrgsWith returns the organisations for which any of the queries finds a
// row. Each query takes the organisation's id as $1 and runs in a read
// transaction of that organisation, so it reads tables the system role may
// not (a capability's upkeep over every organisation).
func OrgsWith(ctx context.Context, d *DB, queries ...string) ([]int64, error) {
	var orgs []int64
	err := d.ReadSystem(ctx, func(tx *Tx) error {
		var err error
		orgs, err = tx.Int64s(ctx, `SELECT id FROM organisations ORDER BY id`)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("db: organisations: %w", err)
	}
	var out []int64
	for _, org := range orgs {
		found := false
		err := d.ReadOrg(ctx, org, func(tx *Tx) error {
			for _, q := range queries {
				rows, err := tx.QueryContext(ctx, q, org)
				if err != nil {
					return err
				}
				found = rows.Next()
				if err := rows.Close(); err != nil {
					return err
				}
				if found {
					return nil
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("db: organisation %d: %w", org, err)
		}
		if found {
			out = append(out, org)
		}
	}
	return out, nil
}
