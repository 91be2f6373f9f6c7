package db_test

import (
	"context"
	"strings"
	"testing"

	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// A connection that kept a foreign-key check planned while the parent
// table was analysed as empty scans the whole parent for every row a bulk
// insert writes. Under BulkPlans and GenericPlans the same writes look each
// parent up by its key.
func TestBulkPlansCheckForeignKeysByKey(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	if _, err := d.Raw().ExecContext(ctx, `CREATE TABLE plan_parent (id BIGINT PRIMARY KEY);
		CREATE TABLE plan_child (parent_id BIGINT NOT NULL REFERENCES plan_parent(id));
		GRANT SELECT, INSERT ON plan_parent, plan_child TO `+db.OrgRole+`;
		ANALYZE plan_parent`); err != nil {
		t.Fatal(err)
	}
	err := d.InOrg(ctx, 1, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_parent VALUES (1)`); err != nil {
			return err
		}
		// Row by row: after five custom plans PostgreSQL keeps a generic
		// one, made while plan_parent holds one row.
		for range 10 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_child VALUES ($1)`, 1); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO plan_parent SELECT g FROM generate_series(2, 2001) g`); err != nil {
			return err
		}
		scans := func() (n int64) {
			t.Helper()
			if err := tx.QueryRowContext(ctx, `SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'plan_parent'`).
				Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := scans()
		if err := insertRows(ctx, tx, 2); err != nil {
			return err
		}
		if got := scans() - before; got < 250 {
			t.Fatalf("premise: without BulkPlans the kept check scanned plan_parent %d times for 250 rows, want one scan a row", got)
		}
		if err := tx.BulkPlans(ctx); err != nil {
			return err
		}
		if err := tx.GenericPlans(ctx); err != nil {
			return err
		}
		before = scans()
		for first := 252; first <= 2001; first += 250 {
			if err := insertRows(ctx, tx, first); err != nil {
				return err
			}
		}
		if got := scans() - before; got != 0 {
			t.Errorf("under BulkPlans the foreign-key checks of 1,750 rows scanned plan_parent %d times, want none", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// insertRows writes 250 children (parents first … first+249) in one
// statement.
func insertRows(ctx context.Context, tx *db.Tx, first int) error {
	args := make([]any, 250)
	var sb strings.Builder
	sb.WriteString(`INSERT INTO plan_child VALUES `)
	for i := range args {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(tx.Tuple(i+1, 1))
		args[i] = int64(first + i)
	}
	_, err := tx.ExecContext(ctx, sb.String(), args...)
	return err
}
