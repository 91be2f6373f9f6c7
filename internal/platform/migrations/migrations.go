// Package migrations holds the schema of both engines as goose SQL files and
// brings a database up to date.
//
// A change whose SQL is the same on both engines is one file in shared/;
// where the engines differ (types, identity columns, row-level security) it
// is one file in sqlite/ and one in postgres/ with the same number. Goose
// sees, per engine, shared/ and that engine's directory as one (Files); a
// number is in exactly one of them (TestEachNumberOncePerEngine), so the
// versions goose recorded stay what they were before files were shared.
// Every PostgreSQL table with an org_id column must call hms_org_isolate() in
// the migration that creates it; TestEveryOrgTableHasPolicy enforces that.
// A data migration that must change every organisation's rows says so with
// set_config('hms.scope', 'system', true), which only the schema owner's
// role is trusted with (00022).
package migrations

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/pressly/goose/v3"

	"hms/internal/platform/db"
)

//go:embed shared/*.sql sqlite/*.sql postgres/*.sql
var files embed.FS

// Files are the migrations of an engine: shared/ and the engine's own
// directory seen as one flat directory of goose files.
func Files(engine db.Dialect) (fs.FS, error) {
	m := merged{"shared", "sqlite"}
	if engine == db.Postgres {
		m[1] = "postgres"
	}
	if _, err := m.ReadDir("."); err != nil {
		return nil, err
	}
	return m, nil
}

// merged is the union of two embedded directories; a name in both is an
// error, so no file can hide another.
type merged [2]string

func (m merged) Open(name string) (fs.File, error) {
	if name == "." {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid} // listed through ReadDir
	}
	for _, dir := range m {
		if f, err := files.Open(path.Join(dir, name)); err == nil {
			return f, nil
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (m merged) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	var all []fs.DirEntry
	seen := map[string]string{}
	for _, dir := range m {
		entries, err := files.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		for _, e := range entries {
			if other, dup := seen[e.Name()]; dup {
				return nil, fmt.Errorf("migrations: %s is in %s/ and %s/", e.Name(), other, dir)
			}
			seen[e.Name()] = dir
			all = append(all, e)
		}
	}
	slices.SortFunc(all, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return all, nil
}

// Migrate applies every pending migration. On PostgreSQL it needs the schema
// owner's connection (db.Config.OwnerURL): it makes sure the login roles
// db.OrgRole and db.SystemRole exist (roles belong to the cluster, so this is
// idempotent and safe when several databases race), takes their passwords
// from the organisation and system URLs, grants them this database's tables
// and then checks that both can connect and neither can escalate.
func Migrate(ctx context.Context, d *db.DB) error {
	dialect := goose.DialectSQLite3
	if d.Dialect == db.Postgres {
		dialect = goose.DialectPostgres
		if d.Owner() == nil {
			return errors.New("migrating PostgreSQL needs the schema owner's URL (database owner url)")
		}
		unlock, err := lockMigrations(ctx, d)
		if err != nil {
			return err
		}
		defer unlock()
		if err := ensureRoles(ctx, d); err != nil {
			return err
		}
	}
	sub, err := Files(d.Dialect)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, d.Raw(), sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", d.Dialect, err)
	}
	if d.Dialect == db.Postgres {
		if err := grantRoles(ctx, d); err != nil {
			return err
		}
		return d.CheckRoles(ctx)
	}
	return nil
}

// migrationLock is the key of the PostgreSQL advisory lock that Migrate
// holds from the roles to the grants ("hms migrate" as a number).
const migrationLock int64 = 0x686d735f6d696772

// lockMigrations takes migrationLock on a connection of its own and returns
// its release. Several instances (or `hms migrate` run twice at once) that
// migrate one database then do it one after the other: the first applies
// every migration and grants the roles, the others find nothing pending.
// The lock is the session's, so a process that dies releases it.
func lockMigrations(ctx context.Context, d *db.DB) (func(), error) {
	conn, err := d.Owner().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		conn.Close()
		return nil, fmt.Errorf("migrations: lock: %w", err)
	}
	return func() {
		// Unlocking fails only with a broken connection, whose end releases
		// the lock as well.
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLock)
		conn.Close()
	}, nil
}

// ErrBehind is returned by Check when the database lacks a migration this
// build has.
var ErrBehind = errors.New("the database schema is not up to date")

// Check reports ErrBehind when a PostgreSQL database lacks a migration this
// build has. A server connects without the owner and cannot migrate; it
// checks instead (as SystemRole, which may read goose's version table).
func Check(ctx context.Context, d *db.DB) error {
	if d.Dialect != db.Postgres {
		return nil
	}
	// goose would try to create a missing version table, which the system
	// role may not: a database never migrated is simply behind.
	var exists bool
	if err := d.SystemPool().QueryRowContext(ctx, `SELECT to_regclass('goose_db_version') IS NOT NULL`).Scan(&exists); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if !exists {
		return ErrBehind
	}
	sub, err := Files(db.Postgres)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, d.SystemPool(), sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	pending, err := p.HasPending(ctx)
	if err != nil {
		return fmt.Errorf("check the schema version: %w", err)
	}
	if pending {
		return ErrBehind
	}
	return nil
}

// ensureRoles creates the two login roles when they are missing. Neither is
// a superuser, has BYPASSRLS, may create roles or databases, or inherits
// anything; db.CheckRoles refuses roles that were made otherwise.
func ensureRoles(ctx context.Context, d *db.DB) error {
	cfg := d.Config()
	for _, r := range []struct{ role, url string }{{db.OrgRole, cfg.URL}, {db.SystemRole, cfg.SystemURL}} {
		// Several databases (tests) may race to create the same role.
		_, err := d.Raw().ExecContext(ctx, `DO $$ BEGIN
			IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '`+r.role+`') THEN
				CREATE ROLE `+r.role+` LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT;
			END IF;
		EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
		END $$`)
		if err != nil {
			return fmt.Errorf("create role %s: %w", r.role, err)
		}
		u, err := url.Parse(r.url)
		if err != nil {
			return fmt.Errorf("url of role %s: %w", r.role, err)
		}
		if u.User != nil && u.User.Username() != r.role {
			return fmt.Errorf("the url for %s names the user %q; it must be %s", r.role, u.User.Username(), r.role)
		}
		if pw, ok := u.User.Password(); ok && pw != "" {
			// ALTER ROLE takes no parameters: format() quotes the password.
			var stmt string
			if err := d.Raw().QueryRowContext(ctx, `SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)`,
				r.role, pw).Scan(&stmt); err != nil {
				return fmt.Errorf("password of role %s: %w", r.role, err)
			}
			if _, err := d.Raw().ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("password of role %s: %w", r.role, err)
			}
		}
	}
	return nil
}

// grantRoles gives hms_system every table but the seals' deletion and the
// version table's writes. hms_org gets only what organisation work needs,
// and nothing by default: every table that forced row-level security guards,
// the organisations' names (documents print them) and, of sessions, what
// signing a member out needs (not the token hashes or data); no users, no
// tokens, no seals. A new platform table stays closed to it until granted
// here. It also takes back what the old shared role hms_app had. One
// multi-statement string is one transaction: a running server never sees
// the rights half-given.
// systemOrgTables are the organisation tables the system role works on
// across organisations; every other organisation table is closed to it.
const systemOrgTables = `'memberships', 'invitations', 'api_tokens', 'audit_events', 'audit_heads', 'jobs', 'job_turns',
	'mail_outbox', 'vault_org_keys', 'vault_subjects', 'vault_erasures', 'vault_org_erasures', 'ledger_runs', 'imports',
	'audit_checkpoints'`

func grantRoles(ctx context.Context, d *db.DB) error {
	const org, system = db.OrgRole, db.SystemRole
	_, err := d.Raw().ExecContext(ctx, `
		DO $$
		DECLARE t regclass;
		BEGIN
			-- PUBLIC may connect unless the operator revoked it; only then is
			-- this grant needed (and the owner must own the database).
			IF NOT has_database_privilege('`+org+`', current_database(), 'CONNECT')
			   OR NOT has_database_privilege('`+system+`', current_database(), 'CONNECT') THEN
				EXECUTE format('GRANT CONNECT ON DATABASE %I TO `+org+`, `+system+`', current_database());
			END IF;
			IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'hms_app') THEN
				REVOKE ALL ON ALL TABLES IN SCHEMA public FROM hms_app;
				REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM hms_app;
				REVOKE ALL ON SCHEMA public FROM hms_app;
			END IF;
			REVOKE ALL ON ALL TABLES IN SCHEMA public FROM `+org+`;
			FOR t IN SELECT c.oid::regclass FROM pg_class c
				JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
				WHERE c.relkind = 'r' AND c.relrowsecurity AND c.relforcerowsecurity LOOP
				EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO `+org+`', t);
			END LOOP;
		END $$;
		GRANT USAGE ON SCHEMA public TO `+org+`, `+system+`;
		GRANT SELECT ON organisations TO `+org+`;
		REVOKE ALL ON sessions FROM `+org+`;
		GRANT SELECT (user_id, expiry, created_at) ON sessions TO `+org+`;
		GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO `+system+`;
		GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO `+system+`;
		REVOKE ALL ON hms_org_seals, goose_db_version FROM `+system+`;
		GRANT SELECT, INSERT, UPDATE ON hms_org_seals TO `+system+`;
		GRANT SELECT ON goose_db_version TO `+system+`;
		-- The system role does the cross-organisation work (sign-in, sessions,
		-- tokens, invitations, jobs, mail, the audit chains, the console,
		-- closing runs and imports whose process stopped, and the erasure
		-- journals the platform writes and a restore replays): of the organisation
		-- tables it gets exactly those; the business data (relations, leases,
		-- the ledger, settlements, …) and every organisation table added later
		-- stay closed to it.
		DO $$
		DECLARE t regclass;
		BEGIN
			FOR t IN SELECT c.oid::regclass FROM pg_class c
				JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
				WHERE c.relkind = 'r' AND c.relrowsecurity AND c.relforcerowsecurity
				  AND c.relname NOT IN (`+systemOrgTables+`) LOOP
				EXECUTE format('REVOKE ALL ON %s FROM `+system+`', t);
			END LOOP;
		END $$;`)
	if err != nil {
		return fmt.Errorf("grant roles: %w", err)
	}
	return nil
}
