package importer

import (
	"context"
	"fmt"

	"hms/internal/platform/db"
)

// Counts are units, tenants and leases.
type Counts struct {
	Units, Tenants, Leases int
}

// footprint is what the organisation's units, persons and leases looked
// like before an import: each row's last change (updated_at) by id, and the
// highest lease-component id. Compared with the rows after, it tells which
// rows of the file were new, which the import changed and which it left as
// they were, without the services having to report it.
type footprint struct {
	units, persons, leases map[int64]string
	maxComponent           int64
}

func takeFootprint(ctx context.Context, tx *db.Tx) (*footprint, error) {
	f := &footprint{}
	var err error
	if f.units, err = lastChanges(ctx, tx, "units"); err != nil {
		return nil, err
	}
	if f.persons, err = lastChanges(ctx, tx, "relations"); err != nil {
		return nil, err
	}
	if f.leases, err = lastChanges(ctx, tx, "leases"); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM lease_components WHERE org_id = $1`, tx.OrgID()).
		Scan(&f.maxComponent); err != nil {
		return nil, fmt.Errorf("import footprint: %w", err)
	}
	return f, nil
}

// lastChanges reads id → updated_at of the organisation's rows of table (a
// constant of this file).
func lastChanges(ctx context.Context, tx *db.Tx, table string) (map[int64]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, updated_at FROM `+table+` WHERE org_id = $1`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("import footprint %s: %w", table, err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var at string
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("import footprint %s: %w", table, err)
		}
		out[id] = at
	}
	return out, rows.Err()
}

// compare sorts the distinct ids the import wrote or found into new,
// changed and unchanged, against the footprint from before.
func (before *footprint) compare(ctx context.Context, tx *db.Tx,
	unitIDs, personIDs, leaseIDs []int64) (created, changed, same Counts, err error) {
	after, err := takeFootprint(ctx, tx)
	if err != nil {
		return created, changed, same, err
	}
	touched := map[int64]bool{}
	if len(leaseIDs) > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT lease_id FROM lease_components WHERE org_id = $1 AND id > $2`,
			tx.OrgID(), before.maxComponent)
		if err != nil {
			return created, changed, same, fmt.Errorf("import footprint components: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return created, changed, same, fmt.Errorf("import footprint components: %w", err)
			}
			touched[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return created, changed, same, fmt.Errorf("import footprint components: %w", err)
		}
	}
	sort := func(ids []int64, was, is map[int64]string, extra map[int64]bool, n, c, u *int) {
		seen := map[int64]bool{}
		for _, id := range ids {
			if id == 0 || seen[id] {
				continue
			}
			seen[id] = true
			old, existed := was[id]
			switch {
			case !existed:
				*n++
			case old != is[id] || extra[id]:
				*c++
			default:
				*u++
			}
		}
	}
	sort(unitIDs, before.units, after.units, nil, &created.Units, &changed.Units, &same.Units)
	sort(personIDs, before.persons, after.persons, nil, &created.Tenants, &changed.Tenants, &same.Tenants)
	sort(leaseIDs, before.leases, after.leases, touched, &created.Leases, &changed.Leases, &same.Leases)
	return created, changed, same, nil
}
