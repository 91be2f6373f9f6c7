// Package migrations holds the schema of both engines as goose SQL files and
// brings a database up to date.
//
// Each change is written twice, sqlite/ and postgres/, with the same number.
// Every PostgreSQL table with an org_id column must call hms_org_isolate() in
// the migration that creates it; TestEveryOrgTableHasPolicy enforces that.
package migrations

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"

	"hms/internal/platform/db"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// Migrate applies every pending migration and, on PostgreSQL, makes sure the
// application role exists and may use the tables (RLS still applies to it).
func Migrate(ctx context.Context, d *db.DB) error {
	dialect, dir := goose.DialectSQLite3, "sqlite"
	if d.Dialect == db.Postgres {
		dialect, dir = goose.DialectPostgres, "postgres"
		if err := ensureAppRole(ctx, d); err != nil {
			return err
		}
	}
	sub, err := fs.Sub(files, dir)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(dialect, d.Raw(), sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", dir, err)
	}
	if d.Dialect == db.Postgres {
		return grantAppRole(ctx, d)
	}
	return nil
}

func ensureAppRole(ctx context.Context, d *db.DB) error {
	// Roles are cluster-wide; several databases (tests) may race to create it.
	_, err := d.Raw().ExecContext(ctx, `DO $$ BEGIN
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '`+db.AppRole+`') THEN
			CREATE ROLE `+db.AppRole+` NOLOGIN NOBYPASSRLS;
		END IF;
	EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
	END $$`)
	if err != nil {
		return fmt.Errorf("create application role: %w", err)
	}
	var member bool
	if err := d.Raw().QueryRowContext(ctx, `SELECT pg_has_role(current_user, '`+db.AppRole+`', 'MEMBER')`).Scan(&member); err != nil {
		return fmt.Errorf("check application role: %w", err)
	}
	if !member {
		if _, err := d.Raw().ExecContext(ctx, `GRANT `+db.AppRole+` TO CURRENT_USER`); err != nil {
			return fmt.Errorf("grant application role to %s: %w", "current user", err)
		}
	}
	return nil
}

func grantAppRole(ctx context.Context, d *db.DB) error {
	_, err := d.Raw().ExecContext(ctx, `
		GRANT USAGE ON SCHEMA public TO `+db.AppRole+`;
		GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO `+db.AppRole+`;
		GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO `+db.AppRole)
	if err != nil {
		return fmt.Errorf("grant application role: %w", err)
	}
	return nil
}
