// Package dbtest gives tests a fresh, migrated database on each engine:
// a temporary SQLite file, and a PostgreSQL database of its own when
// HMS_TEST_POSTGRES_URL is set. With HMS_TEST_REQUIRE=all (CI) a missing
// PostgreSQL fails the test instead of skipping it.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"hms/internal/platform/db"
	"hms/internal/platform/migrations"
)

// Require reports whether the named external part (postgres, chromium, …)
// must be present: CI sets HMS_TEST_REQUIRE=all.
func Require(part string) bool {
	v := os.Getenv("HMS_TEST_REQUIRE")
	if v == "all" {
		return true
	}
	for _, p := range strings.Split(v, ",") {
		if strings.TrimSpace(p) == part {
			return true
		}
	}
	return false
}

// Engines lists the engines a store test runs on.
func Engines() []db.Dialect { return []db.Dialect{db.SQLite, db.Postgres} }

// Each runs fn as a subtest on every engine with its own fresh database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Open returns a fresh migrated database of the given engine, removed when
// the test ends.
func Open(t testing.TB, engine db.Dialect) *db.DB {
	t.Helper()
	cfg := Config(t, engine)
	d, err := db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { d.Close() })
	if err := migrations.Migrate(context.Background(), d); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return d
}

// Config returns a db.Config for a fresh, empty database of the engine,
// without opening it (for tests that start the whole app). On PostgreSQL it
// is what production uses: the organisation role's URL, the system role's,
// and the owner's (the test server's user) for migrating and for tests that
// inspect every row.
func Config(t testing.TB, engine db.Dialect) db.Config {
	t.Helper()
	if engine == db.SQLite {
		return db.Config{DataDir: t.TempDir()}
	}
	owner := NewPostgresDatabase(t)
	return db.Config{URL: AsRole(t, owner, db.OrgRole), SystemURL: AsRole(t, owner, db.SystemRole), OwnerURL: owner}
}

// AsRole is dbURL with role as its user and no password: the test server
// must let the two roles that migrating creates log in from the test host
// (trust), as CI's does.
func AsRole(t testing.TB, dbURL, role string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("database url: %v", err)
	}
	u.User = url.User(role)
	return u.String()
}

// NewPostgresDatabase creates an empty database on the test server and
// returns its URL for the server's (owner) user; it is dropped when the test
// ends.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	base := os.Getenv("HMS_TEST_POSTGRES_URL")
	if base == "" {
		if Require("postgres") {
			t.Fatal("HMS_TEST_POSTGRES_URL is not set and HMS_TEST_REQUIRE demands PostgreSQL")
		}
		t.Skip("PostgreSQL not configured (set HMS_TEST_POSTGRES_URL)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("connect to test PostgreSQL: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "hms_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("HMS_TEST_POSTGRES_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// SQLitePlan is SQLite's plan of query run with args on q (a pool or a
// transaction), its steps joined by "; ": tests pin the plans that must find
// rows through a key's index.
func SQLitePlan(t testing.TB, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(steps, "; ")
}
