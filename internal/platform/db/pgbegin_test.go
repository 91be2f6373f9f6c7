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

// A read asked for with WithReadAhead is sent with BEGIN, after the seal:
// it sees only the transaction's organisation's row, and the transaction
// gives it back without a statement of its own. On SQLite nothing is read
// ahead.
func TestReadAheadWithBegin(t *testing.T) {
	const q = `SELECT aead_wrapped, index_wrapped FROM vault_org_keys WHERE org_id = $1`
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			d := dbtest.Open(t, engine)
			ctx := context.Background()
			if _, err := d.Raw().ExecContext(ctx, `INSERT INTO vault_org_keys (org_id, aead_wrapped, index_wrapped, created_at)
				VALUES (1, $1, $2, '2026-01-01T00:00:00Z'), (2, $3, $4, '2026-01-01T00:00:00Z')`,
				[]byte("aead-1"), []byte("index-1"), []byte("aead-2"), []byte("index-2")); err != nil {
				t.Fatal(err)
			}
			ahead := db.WithReadAhead(ctx, q, 2)
			for _, c := range []struct {
				org  int64
				want string // "" when there is no row
			}{{1, "aead-1 index-1"}, {2, "aead-2 index-2"}, {3, ""}} {
				for _, run := range []func(context.Context, int64, func(*db.Tx) error) error{d.ReadOrg, d.InOrgCustomPlans} {
					if err := run(ahead, c.org, func(tx *db.Tx) error {
						row, ran := tx.AheadRow(q)
						if engine == db.SQLite {
							if ran {
								t.Errorf("SQLite read ahead: %q", row)
							}
							return nil
						}
						switch {
						case !ran:
							t.Errorf("organisation %d: nothing read ahead", c.org)
						case c.want == "" && row != nil:
							t.Errorf("organisation %d read ahead %q, want no row", c.org, row)
						case c.want != "" && (len(row) != 2 || string(row[0])+" "+string(row[1]) != c.want):
							t.Errorf("organisation %d read ahead %q, want %s", c.org, row, c.want)
						}
						if _, ran := tx.AheadRow(q + " "); ran {
							t.Error("another query's row was given")
						}
						return nil
					}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := d.ReadOrg(ctx, 1, func(tx *db.Tx) error {
				if _, ran := tx.AheadRow(q); ran {
					t.Error("read ahead without being asked")
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			// A read ahead that fails fails the transaction's start.
			bad := db.WithReadAhead(ctx, `SELECT no_such_column FROM vault_org_keys WHERE org_id = $1`, 1)
			if err := d.ReadOrg(bad, 1, func(*db.Tx) error { return nil }); engine == db.Postgres && err == nil {
				t.Error("a failing read ahead began a transaction")
			}
			for range 3 { // the connection it failed on is clean again
				if err := d.ReadOrg(ahead, 1, func(tx *db.Tx) error {
					_, err := tx.ExecContext(ctx, `SELECT 1`)
					return err
				}); err != nil {
					t.Fatalf("after a failed read ahead: %v", err)
				}
			}
		})
	}
}
