// Package db opens the embedded SQLite database or PostgreSQL and runs every
// unit of work in a transaction that carries the organisation it acts for.
//
// Stores never take an organisation id from a caller's argument alone: they
// read it from the *Tx, and on PostgreSQL row-level security checks it a
// second time (see OrgTx).
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the SQL engine behind a DB. Keep places that branch on it few.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// AppRole is the PostgreSQL role every organisation transaction switches to.
// It has no BYPASSRLS, so row-level security applies to it even when the
// connecting user is the table owner or a superuser.
const AppRole = "hms_app"

// Config says where the data lives. URL wins over DataDir.
type Config struct {
	DataDir string // directory of the embedded SQLite file
	URL     string // postgres://… to use PostgreSQL
}

// DB is the application's handle on its database.
type DB struct {
	Dialect Dialect
	write   *sql.DB // SQLite: one connection, so writers queue instead of failing busy
	read    *sql.DB // SQLite: a pool of readers; PostgreSQL: the same pool as write
	Path    string  // SQLite file path, empty on PostgreSQL
}

// Open connects to the configured engine and applies the pool settings that
// engine needs. It does not migrate; call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.URL != "" {
		if !strings.HasPrefix(cfg.URL, "postgres://") && !strings.HasPrefix(cfg.URL, "postgresql://") {
			return nil, fmt.Errorf("database url must start with postgres://")
		}
		pool, err := sql.Open("pgx", cfg.URL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pool.SetMaxOpenConns(20)
		pool.SetMaxIdleConns(10)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		if err := pool.PingContext(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("connect postgres: %w", err)
		}
		return &DB{Dialect: Postgres, write: pool, read: pool}, nil
	}
	dir := cfg.DataDir
	if dir == "" {
		dir = "hms-data"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, "hms.db")
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=secure_delete(ON)"
	write, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&"+pragmas)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	read.SetMaxOpenConns(8)
	return &DB{Dialect: SQLite, write: write, read: read, Path: path}, nil
}

// Close releases both pools.
func (d *DB) Close() error {
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Ping checks the database answers (readiness).
func (d *DB) Ping(ctx context.Context) error { return d.read.PingContext(ctx) }

// Raw returns the writer pool for migrations and tests that inspect the
// schema. Business code uses InOrg, ReadOrg and System.
func (d *DB) Raw() *sql.DB { return d.write }

// Tx is one transaction, acting for one organisation (or for the platform
// when OrgID is 0 and System is true).
type Tx struct {
	*sql.Tx
	db     *DB
	orgID  int64
	system bool
	after  []func()
	before []func() error
	local  map[any]any
}

// Local returns a value a package keeps for the length of this transaction
// (see SetLocal), or nil.
func (tx *Tx) Local(key any) any { return tx.local[key] }

// SetLocal keeps v under key until the transaction ends, so a package can
// carry state across calls in one transaction (the audit chain head).
func (tx *Tx) SetLocal(key, v any) {
	if tx.local == nil {
		tx.local = map[any]any{}
	}
	tx.local[key] = v
}

// BeforeCommit registers fn to run just before the transaction commits; an
// error rolls the transaction back.
func (tx *Tx) BeforeCommit(fn func() error) { tx.before = append(tx.before, fn) }

// OrgID is the organisation this transaction acts for. Stores must use it in
// every query on an organisation's rows.
func (tx *Tx) OrgID() int64 { return tx.orgID }

// IsSystem reports whether this is a platform transaction that may see every
// organisation (job workers, login, console). Such transactions are rare and
// named at their call site.
func (tx *Tx) IsSystem() bool { return tx.system }

// Dialect of the underlying engine.
func (tx *Tx) Dialect() Dialect { return tx.db.Dialect }

// CustomPlans makes PostgreSQL plan every statement of the rest of this
// transaction, foreign-key checks included, for its values and the tables
// as they are now (on SQLite it does nothing). The plan cache otherwise
// settles on a generic plan after five executions: a search-token probe
// blind to its token took 0.8 s instead of 9 ms, and a foreign-key check
// planned while a table was analysed as empty scanned it for every row a
// bulk insert wrote. Planning each time costs a fraction of a millisecond.
func (tx *Tx) CustomPlans(ctx context.Context) error {
	if tx.db.Dialect != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT set_config('plan_cache_mode', 'force_custom_plan', true)`); err != nil {
		return fmt.Errorf("plan mode: %w", err)
	}
	return nil
}

// Params is "p1, …, pk" for the bind parameters first … first+k−1 of a
// statement whose arguments are appended in order, every earlier parameter
// written before them: "$n" on PostgreSQL, and "?" on SQLite, whose parser
// looks each numbered name up in a list, which makes preparing a statement
// with hundreds of parameters (a multi-row INSERT, a long IN list)
// quadratic in their number.
func (tx *Tx) Params(first, k int) string {
	var b strings.Builder
	for i := range k {
		if i > 0 {
			b.WriteByte(',')
		}
		if tx.db.Dialect == SQLite {
			b.WriteByte('?')
		} else {
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(first + i))
		}
	}
	return b.String()
}

// Tuple is "(p1, …, pk)": Params in parentheses, one row of a multi-row
// INSERT.
func (tx *Tx) Tuple(first, k int) string { return "(" + tx.Params(first, k) + ")" }

// AfterCommit registers fn to run once the transaction has committed, for
// side effects that must not happen on rollback (waking a job worker).
func (tx *Tx) AfterCommit(fn func()) { tx.after = append(tx.after, fn) }

// ErrNoOrg is returned when an organisation transaction is asked for without
// an organisation.
var ErrNoOrg = errors.New("db: organisation transaction without organisation")

// InOrg runs fn in a read-write transaction for organisation orgID. On
// PostgreSQL the transaction switches to AppRole and sets hms.org_id, so
// row-level security hides every other organisation's rows.
func (d *DB) InOrg(ctx context.Context, orgID int64, fn func(*Tx) error) error {
	if orgID <= 0 {
		return ErrNoOrg
	}
	return d.run(ctx, d.write, false, orgID, false, fn)
}

// ReadOrg is InOrg for work that only reads; on SQLite it uses the reader pool
// and does not wait for the writer.
func (d *DB) ReadOrg(ctx context.Context, orgID int64, fn func(*Tx) error) error {
	if orgID <= 0 {
		return ErrNoOrg
	}
	return d.run(ctx, d.read, true, orgID, false, fn)
}

// System runs fn as the platform, outside any organisation: it sees all rows.
// Use it only where no organisation is known yet (login, token look-up, job
// claiming, sign-up) or where the platform itself acts.
func (d *DB) System(ctx context.Context, fn func(*Tx) error) error {
	return d.run(ctx, d.write, false, 0, true, fn)
}

// ReadSystem is System for work that only reads.
func (d *DB) ReadSystem(ctx context.Context, fn func(*Tx) error) error {
	return d.run(ctx, d.read, true, 0, true, fn)
}

func (d *DB) run(ctx context.Context, pool *sql.DB, readOnly bool, orgID int64, system bool, fn func(*Tx) error) (err error) {
	opts := &sql.TxOptions{}
	if readOnly && d.Dialect == Postgres {
		opts.ReadOnly = true
	}
	stx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{Tx: stx, db: d, orgID: orgID, system: system}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
			return
		}
		for _, f := range tx.before {
			if err = f(); err != nil {
				_ = stx.Rollback()
				return
			}
		}
		if err = stx.Commit(); err != nil {
			err = fmt.Errorf("commit: %w", err)
			return
		}
		for _, f := range tx.after {
			f()
		}
	}()
	if d.Dialect == Postgres {
		// All settings are local to this transaction: a pooled connection
		// never carries one organisation's scope into the next request. A
		// system transaction says so explicitly in hms.scope; the policies
		// (hms_org_isolate) let it through, and nothing else.
		scope := ""
		if system {
			scope = "system"
		}
		if _, err = stx.ExecContext(ctx,
			`SELECT set_config('role', $1, true), set_config('hms.org_id', $2, true), set_config('hms.scope', $3, true)`,
			AppRole, fmt.Sprint(orgID), scope); err != nil {
			return fmt.Errorf("scope transaction to organisation: %w", err)
		}
	}
	return fn(tx)
}

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either engine, so services can turn it into a field error.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}
