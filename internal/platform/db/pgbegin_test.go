package db_test

import (
	"context"
	"errors"
	"testing"

	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// An organisation transaction on PostgreSQL begins with its seal, its
// access mode and its plan mode in force (sent with BEGIN as one batch).
func TestOrgTransactionBeginsWithItsSettings(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	settings := func(tx *db.Tx) (seal, readOnly, plans string) {
		t.Helper()
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(current_setting('hms.org_seal', true), ''), current_setting('transaction_read_only'),
			current_setting('plan_cache_mode')`).Scan(&seal, &readOnly, &plans); err != nil {
			t.Fatal(err)
		}
		return seal, readOnly, plans
	}
	for _, c := range []struct {
		name     string
		run      func(context.Context, int64, func(*db.Tx) error) error
		readOnly string
		plans    string
	}{
		{"InOrg", d.InOrg, "off", "auto"},
		{"ReadOrg", d.ReadOrg, "on", "auto"},
		{"InOrgCustomPlans", d.InOrgCustomPlans, "off", "force_custom_plan"},
		{"ReadOrgCustomPlans", d.ReadOrgCustomPlans, "on", "force_custom_plan"},
	} {
		var seals []string
		for _, org := range []int64{1, 2} {
			if err := c.run(ctx, org, func(tx *db.Tx) error {
				seal, ro, plans := settings(tx)
				if len(seal) != 64 || ro != c.readOnly || plans != c.plans {
					t.Errorf("%s: seal %q, read only %s, plan mode %s; want a seal, %s, %s", c.name, seal, ro, plans, c.readOnly, c.plans)
				}
				seals = append(seals, seal)
				return nil
			}); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		if seals[0] == seals[1] {
			t.Errorf("%s: two organisations, one seal", c.name)
		}
	}
	// A system transaction is pgx's own: no seal, the role's defaults.
	if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
		if seal, ro, plans := settings(tx); seal != "" || ro != "on" || plans != "auto" {
			t.Errorf("system: seal %q, read only %s, plan mode %s", seal, ro, plans)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// CustomPlans and GenericPlans skip only the mode the transaction began
// with; once one has run, a savepoint rolled back may have undone it, so
// the next sets the mode again.
func TestPlanModeAfterSavepoint(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	mode := func(tx *db.Tx) string {
		t.Helper()
		var m string
		if err := tx.QueryRowContext(ctx, `SELECT current_setting('plan_cache_mode')`).Scan(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	exec := func(tx *db.Tx, q string) {
		t.Helper()
		if _, err := tx.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	err := d.InOrg(ctx, 1, func(tx *db.Tx) error {
		exec(tx, `SAVEPOINT p`)
		if err := tx.CustomPlans(ctx); err != nil {
			return err
		}
		exec(tx, `ROLLBACK TO SAVEPOINT p`)
		if m := mode(tx); m != "auto" {
			t.Fatalf("premise: after the rollback to the savepoint the mode is %s, want auto", m)
		}
		if err := tx.CustomPlans(ctx); err != nil {
			return err
		}
		if m := mode(tx); m != "force_custom_plan" {
			t.Errorf("CustomPlans after a savepoint rolled back: %s", m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = d.InOrgCustomPlans(ctx, 1, func(tx *db.Tx) error {
		exec(tx, `SAVEPOINT p`)
		if err := tx.GenericPlans(ctx); err != nil {
			return err
		}
		exec(tx, `ROLLBACK TO SAVEPOINT p`)
		if err := tx.GenericPlans(ctx); err != nil {
			return err
		}
		if m := mode(tx); m != "auto" {
			t.Errorf("GenericPlans after a savepoint rolled back: %s", m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A transaction begun in one batch ends as pgx's own do: a failed
// statement makes the commit an error (PostgreSQL rolled back), a
// cancelled context fails the begin, and the pool's connections serve the
// next transactions.
func TestOrgTransactionEnds(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	for i := range 30 { // more than the pool holds
		err := d.InOrg(ctx, 1, func(tx *db.Tx) error {
			if i%2 == 0 {
				_, err := tx.ExecContext(ctx, `SELECT 1/0`)
				if err == nil {
					t.Fatal("premise: 1/0 fails")
				}
				return nil // the caller ignored it: the commit must not
			}
			return errors.New("rolled back")
		})
		if err == nil {
			t.Fatalf("transaction %d: no error", i)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := d.ReadOrg(cancelled, 1, func(*db.Tx) error { return nil }); err == nil {
		t.Fatal("a cancelled context began a transaction")
	}
	for range 30 {
		if err := d.ReadOrg(ctx, 1, func(tx *db.Tx) error {
			var n int
			return tx.QueryRowContext(ctx, `SELECT 1`).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
	}
}
