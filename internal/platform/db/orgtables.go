package db

import (
	"context"
	"fmt"
)

// OrgTables lists the tables that hold an organisation's rows: every base
// table with an org_id column, in name order, on either engine. The
// organisation export writes each and the shred after a cancellation empties
// them, so both read the same list.
func OrgTables(ctx context.Context, tx *Tx) ([]string, error) {
	q := `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name = 'org_id' ORDER BY m.name`
	if tx.Dialect() == Postgres {
		q = `SELECT c.table_name FROM information_schema.columns c
			JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
			WHERE c.column_name = 'org_id' AND c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
			ORDER BY c.table_name`
	}
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("db: list organisation tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("db: list organisation tables: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
