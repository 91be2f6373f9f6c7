package migrations_test

import (
	"context"
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
			if err := tx.QueryRow(`INSERT INTO organisations (slug, name, created_at) VALUES ($1, $1, 'x') RETURNING id`, p.slug).Scan(p.id); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(`INSERT INTO users (subject_id, email_index, email_sealed, name_sealed, password_hash, created_at) VALUES (1, 'i', 'x', 'x', 'x', 'x') RETURNING id`).Scan(&u); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $3, 'owner', 'x'), ($2, $3, 'viewer', 'x')`, a, b, u)
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
		_, err = tx.Exec(`INSERT INTO api_tokens (org_id, user_id, name, token_hash, scopes, created_at) VALUES ($1, $2, 'x', 'h', '', 'x')`, b, u)
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
	// Without any scope set (a raw transaction switched to the app role) nothing is visible: fail closed.
	raw, err := d.Raw().Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Rollback()
	if _, err := raw.Exec(`SET LOCAL ROLE ` + db.AppRole); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM memberships`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("unscoped app role sees %d rows", n)
	}
}
