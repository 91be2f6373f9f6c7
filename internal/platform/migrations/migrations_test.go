package migrations_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"

	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/migrations"
)

// Migrating twice is a no-op on both engines.
func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if err := migrations.Migrate(context.Background(), d); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
	})
}

// Goose records versions, so shared/ plus an engine's own directory must
// give every number from 1 up exactly once, the same numbers on both
// engines, in the order they always had.
func TestEachNumberOncePerEngine(t *testing.T) {
	var numbers [2][]int
	for i, engine := range []db.Dialect{db.SQLite, db.Postgres} {
		files, err := migrations.Files(engine)
		if err != nil {
			t.Fatal(err)
		}
		names, err := fs.Glob(files, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			n, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
			if err != nil {
				t.Fatalf("%s: %s has no number", engine, name)
			}
			if n != len(numbers[i])+1 {
				t.Errorf("%s: %s, want number %d (each once, none skipped)", engine, name, len(numbers[i])+1)
			}
			numbers[i] = append(numbers[i], n)
			if _, err := fs.ReadFile(files, name); err != nil {
				t.Errorf("%s: read %s: %v", engine, name, err)
			}
		}
	}
	if len(numbers[0]) < 22 || !slices.Equal(numbers[0], numbers[1]) {
		t.Fatalf("sqlite %v, postgres %v", numbers[0], numbers[1])
	}
}

// Every PostgreSQL table with an org_id column has forced row-level security
// and at least one policy, so a store that forgets its WHERE still cannot see
// another organisation.
func TestEveryOrgTableHasPolicy(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	rows, err := d.Raw().Query(`
		SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
		       (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)
		FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
		WHERE c.relkind = 'r'
		  -- the organisations' seals are no organisation's data: hms_org may not read them at all (00022)
		  AND c.relname <> 'hms_org_seals'
		  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped)`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		var enabled, forced bool
		var policies int
		if err := rows.Scan(&name, &enabled, &forced, &policies); err != nil {
			t.Fatal(err)
		}
		n++
		if !enabled || !forced || policies == 0 {
			t.Errorf("table %s has org_id but RLS enabled=%v forced=%v policies=%d", name, enabled, forced, policies)
		}
	}
	if n == 0 {
		t.Fatal("found no table with org_id; the query is wrong")
	}
}

// A transaction for organisation A does not see B's rows even without a
// WHERE clause, and cannot write a row for B.
func TestRowLevelSecurityIsolatesOrganisations(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	var a, b, u int64
	err := d.System(ctx, func(tx *db.Tx) error {
		for _, p := range []struct {
			slug string
			id   *int64
		}{{"a", &a}, {"b", &b}} {
			if err := tx.QueryRow(`INSERT INTO organisations (slug, name, created_at) VALUES ($1, $1, 'x') RETURNING id`,
				p.slug).Scan(p.id); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(`INSERT INTO users (subject_id, email_index, email_sealed, name_sealed, password_hash, created_at)
			VALUES (1, 'i', 'x', 'x', 'x', 'x') RETURNING id`).Scan(&u); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO memberships (org_id, user_id, role, created_at)
			VALUES ($1, $3, 'owner', 'x'), ($2, $3, 'viewer', 'x')`, a, b, u)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = d.ReadOrg(ctx, a, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM memberships`).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("organisation a sees %d memberships, want 1", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = d.InOrg(ctx, a, func(tx *db.Tx) error {
		_, err := tx.Exec(`UPDATE memberships SET role = 'owner' WHERE org_id = $1`, b)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO api_tokens (org_id, user_id, name, token_hash, scopes, created_at)
			VALUES ($1, $2, 'x', 'h', '', 'x')`, b, u)
		return err
	})
	if err == nil {
		t.Fatal("organisation a could insert a row for organisation b")
	}
	var role string
	if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(`SELECT role FROM memberships WHERE org_id = $1`, b).Scan(&role)
	}); err != nil {
		t.Fatal(err)
	}
	if role != "viewer" {
		t.Fatalf("organisation a changed b's membership to %q", role)
	}
	// Without a seal (a bare connection as the organisation role, even one
	// that names organisation a by id) nothing is visible: fail closed.
	org, err := sql.Open("pgx", d.Config().URL)
	if err != nil {
		t.Fatal(err)
	}
	defer org.Close()
	raw, err := org.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Rollback()
	if _, err := raw.Exec(`SELECT set_config('hms.org_id', $1, true)`, fmt.Sprint(a)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM memberships`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("organisation role without a seal sees %d rows", n)
	}
}

// The database role cannot escalate (hardening: one SQL injection must not
// read every organisation). SQL run inside organisation a's transaction, on
// the organisation role's own connection, tries every way out: claim the
// system scope, name organisation b, guess a seal, read the seals or the
// users, RESET ROLE, SET ROLE to the owner or the system role, switch row
// security off.
// Each one fails or shows nothing of b, while the system role sees both.
func TestOrganisationRoleCannotEscalate(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	ctx := context.Background()
	var a, b int64
	var owner string
	if err := d.Raw().QueryRow(`SELECT current_user`).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	err := d.System(ctx, func(tx *db.Tx) error {
		for _, p := range []struct {
			slug string
			id   *int64
		}{{"a", &a}, {"b", &b}} {
			if err := tx.QueryRow(`INSERT INTO organisations (slug, name, created_at) VALUES ($1, $1, 'x') RETURNING id`,
				p.slug).Scan(p.id); err != nil {
				return err
			}
		}
		var u int64
		if err := tx.QueryRow(`INSERT INTO users (subject_id, email_index, email_sealed, name_sealed, password_hash, created_at)
			VALUES (1, 'i', 'x', 'x', 'x', 'x') RETURNING id`).Scan(&u); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO memberships (org_id, user_id, role, created_at)
			VALUES ($1, $3, 'owner', 'x'), ($2, $3, 'viewer', 'x')`, a, b, u)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var all int
	if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(`SELECT count(*) FROM memberships`).Scan(&all)
	}); err != nil || all != 2 {
		t.Fatalf("system role sees %d memberships (%v), want 2", all, err)
	}
	// The system role's rights are its cross-organisation work: the business
	// data of organisations is closed to it.
	for _, tbl := range []string{"relations", "leases", "ledger_invoices", "ledger_payments", "units",
		"settlement_statements", "deposit_evidence"} {
		err := d.ReadSystem(ctx, func(tx *db.Tx) error {
			var n int
			return tx.QueryRow(`SELECT count(*) FROM ` + tbl).Scan(&n)
		})
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("system role reads %s: %v", tbl, err)
		}
	}
	// b has a seal too (as after any request of b's).
	if err := d.ReadOrg(ctx, b, func(tx *db.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	count := func(tx *db.Tx, what string) int {
		t.Helper()
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM memberships`).Scan(&n); err != nil {
			t.Fatalf("%s: count: %v", what, err)
		}
		return n
	}
	// attempt runs one injected statement in a savepoint; a statement that
	// succeeds must leave organisation a seeing only its own membership.
	attempt := func(tx *db.Tx, stmt string, mustFail bool) {
		t.Helper()
		if _, err := tx.Exec(`SAVEPOINT injected`); err != nil {
			t.Fatal(err)
		}
		_, err := tx.Exec(stmt)
		switch {
		case err != nil && !mustFail:
			t.Errorf("%s: %v", stmt, err)
		case err == nil && mustFail:
			t.Errorf("%s succeeded", stmt)
		case err == nil:
			if n := count(tx, stmt); n != 1 {
				t.Errorf("after %s organisation a sees %d memberships, want 1", stmt, n)
			}
			var user string
			var super bool
			if err := tx.QueryRow(`SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&user, &super); err != nil {
				t.Fatal(err)
			}
			if user != db.OrgRole || super {
				t.Errorf("after %s the transaction runs as %s (superuser %v)", stmt, user, super)
			}
		}
		if _, err := tx.Exec(`ROLLBACK TO SAVEPOINT injected`); err != nil {
			t.Fatal(err)
		}
	}
	err = d.ReadOrg(ctx, a, func(tx *db.Tx) error {
		if n := count(tx, "before"); n != 1 {
			t.Fatalf("organisation a sees %d memberships before any attempt, want 1", n)
		}
		attempt(tx, `SELECT set_config('hms.scope', 'system', true)`, false)
		attempt(tx, `SET LOCAL hms.scope = 'system'`, false)
		attempt(tx, `SET hms.scope = 'system'`, false)
		attempt(tx, fmt.Sprintf(`SET LOCAL hms.org_id = '%d'`, b), false)
		attempt(tx, `RESET ROLE`, false)
		attempt(tx, `RESET SESSION AUTHORIZATION`, false)
		attempt(tx, `SET ROLE `+owner, true)
		attempt(tx, `SET ROLE `+db.SystemRole, true)
		attempt(tx, `SET SESSION AUTHORIZATION `+owner, true)
		attempt(tx, `SELECT set_config('role', '`+owner+`', true)`, true)
		attempt(tx, `SELECT seal FROM hms_org_seals`, true)
		// The platform's own tables have no org_id to guard them; the role
		// has no rights there (a staff password or flag would be the way
		// into the console), except sessions' non-secret columns.
		attempt(tx, `SELECT password_hash FROM users`, true)
		attempt(tx, `UPDATE users SET is_staff = true`, true)
		attempt(tx, `SELECT token_hash FROM user_tokens`, true)
		attempt(tx, `SELECT token FROM sessions`, true)
		attempt(tx, `DELETE FROM sessions`, true)
		attempt(tx, `UPDATE organisations SET name = 'x'`, true)
		attempt(tx, `ALTER TABLE memberships NO FORCE ROW LEVEL SECURITY`, true)
		attempt(tx, `ALTER TABLE memberships DISABLE ROW LEVEL SECURITY`, true)
		// Row security off makes a query it would filter an error, not a way round it.
		if _, err := tx.Exec(`SAVEPOINT injected`); err != nil {
			return err
		}
		if _, err := tx.Exec(`SET LOCAL row_security = off`); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM memberships`).Scan(&n); err == nil {
			t.Errorf("with row_security off organisation a counted %d memberships", n)
		}
		if _, err := tx.Exec(`ROLLBACK TO SAVEPOINT injected`); err != nil {
			return err
		}
		// A guessed seal shows nothing at all.
		if _, err := tx.Exec(`SELECT set_config('hms.org_seal', repeat('0', 64), true)`); err != nil {
			return err
		}
		if n := count(tx, "guessed seal"); n != 0 {
			t.Errorf("a guessed seal sees %d memberships", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A temporary table named like the catalogue does not answer for it in
	// the policy's check of the system scope (hms_sees_all names pg_catalog).
	err = d.InOrg(ctx, a, func(tx *db.Tx) error {
		attempt(tx, `DO $$ BEGIN
			CREATE TEMP TABLE pg_class (oid oid, relowner oid);
			INSERT INTO pg_temp.pg_class SELECT 'public.hms_org_seals'::regclass, r.oid FROM pg_roles r WHERE r.rolname = current_user;
			PERFORM set_config('hms.scope', 'system', true);
		END $$`, false)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Nor can it write for b, whatever it claims.
	err = d.InOrg(ctx, a, func(tx *db.Tx) error {
		_, err := tx.Exec(`SELECT set_config('hms.scope', 'system', true), set_config('hms.org_id', $1, true)`, fmt.Sprint(b))
		if err != nil {
			return err
		}
		_, err = tx.Exec(`UPDATE memberships SET role = 'owner' WHERE org_id = $1`, b)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO memberships (org_id, user_id, role, created_at) SELECT $1, user_id, 'owner', 'y' FROM memberships`, b)
		return err
	})
	if err == nil {
		t.Fatal("organisation a wrote a membership for b")
	}
	var role string
	if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(`SELECT role FROM memberships WHERE org_id = $1`, b).Scan(&role)
	}); err != nil || role != "viewer" {
		t.Fatalf("b's membership is %q (%v), want viewer", role, err)
	}
}

// A server connects only as the two roles hms migrate made: the owner's (a
// superuser's) URL, or one role's URL given for the other, is refused before
// any work; and a server on a database that was never migrated says so
// instead of creating tables it has no right to.
func TestServerConnectsOnlyAsTheUnprivilegedRoles(t *testing.T) {
	ctx := context.Background()
	cfg := dbtest.Config(t, db.Postgres)
	server := db.Config{URL: cfg.URL, SystemURL: cfg.SystemURL}
	owner, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if err := migrations.Migrate(ctx, owner); err != nil {
		t.Fatal(err)
	}
	// Now the roles exist (they belong to the cluster): a server on another,
	// never migrated database.
	fresh := dbtest.Config(t, db.Postgres)
	unmigrated, err := db.Open(ctx, db.Config{URL: fresh.URL, SystemURL: fresh.SystemURL})
	if err != nil {
		t.Fatal(err)
	}
	defer unmigrated.Close()
	if err := migrations.Check(ctx, unmigrated); !errors.Is(err, migrations.ErrBehind) {
		t.Fatalf("check before migrating: %v, want ErrBehind", err)
	}
	for _, c := range []struct {
		name string
		cfg  db.Config
		want string
	}{
		{"owner as organisation role", db.Config{URL: cfg.OwnerURL, SystemURL: cfg.SystemURL}, "must connect as " + db.OrgRole},
		{"owner as system role", db.Config{URL: cfg.URL, SystemURL: cfg.OwnerURL}, "must connect as " + db.SystemRole},
		{"organisation role for system work", db.Config{URL: cfg.URL, SystemURL: cfg.URL}, "must connect as " + db.SystemRole},
		{"no system url", db.Config{URL: cfg.URL}, db.SystemRole},
	} {
		d, err := db.Open(ctx, c.cfg)
		if err == nil {
			d.Close()
			t.Errorf("%s: opened", c.name)
		} else if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	d, err := db.Open(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := migrations.Check(ctx, d); err != nil {
		t.Fatalf("check after migrating: %v", err)
	}
	if err := migrations.Migrate(ctx, d); err == nil {
		t.Fatal("a server without the owner's URL migrated")
	}
}
