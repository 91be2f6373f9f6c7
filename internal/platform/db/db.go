// Package db opens the embedded SQLite database or PostgreSQL and runs every
// unit of work in a transaction that carries the organisation it acts for.
//
// Stores never take an organisation id from a caller's argument alone: they
// read it from the *Tx, and on PostgreSQL row-level security checks it a
// second time (see OrgTx).
package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the SQL engine behind a DB. Keep places that branch on it few.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Unindexed is term (a column or an expression of one) written so that no
// index serves it on SQLite: "+term". SQLite's planner, without statistics,
// takes any index that serves the organisation's term or the ORDER BY and
// then walks all of an organisation's rows testing a key condition, where
// the key's own index finds a few; hiding the tempting index lets it take
// that one. PostgreSQL plans by its statistics, and unary + does not apply
// to every type there: the term is returned as it is.
func (d Dialect) Unindexed(term string) string {
	if d == SQLite {
		return "+" + term
	}
	return term
}

// On PostgreSQL HMS connects with two login roles that `hms migrate` (run
// with the schema owner's URL) creates; neither is a superuser, has
// BYPASSRLS or is a member of any role, so neither SET ROLE nor RESET ROLE
// leads anywhere else.
//
// OrgRole does all organisation work (InOrg, ReadOrg). Row-level security
// lets it see only the organisation whose seal the transaction presents in
// hms.org_seal: a random secret per organisation that OrgRole cannot read
// (hms_org_id() in migration 00022), so SQL injected into organisation work
// can neither claim "all organisations" nor name another one.
//
// SystemRole does the few cross-organisation reads and writes (System,
// ReadSystem: login, tokens, job claiming, the console); the policies let
// exactly this role through, by its name, not by a setting.
const (
	OrgRole    = "hms_org"
	SystemRole = "hms_system"
)

// Config says where the data lives. URL wins over DataDir.
type Config struct {
	DataDir   string // directory of the embedded SQLite file
	URL       string // postgres://hms_org…: PostgreSQL, for organisation work
	SystemURL string // postgres://hms_system…: the same database, for System and ReadSystem
	// OwnerURL connects as the owner of the schema. Only migrations (hms
	// migrate), backups and restores (package backup) and tests use it; a
	// server never holds it. When it is set,
	// Open does not check the two roles, because migrating creates them
	// (migrations.Migrate checks them afterwards).
	OwnerURL string
}

// DB is the application's handle on its database.
type DB struct {
	Dialect Dialect
	write   *sql.DB // SQLite: one connection, so writers queue instead of failing busy; PostgreSQL: OrgRole
	read    *sql.DB // SQLite: a pool of readers; PostgreSQL: the same pool as write
	system  *sql.DB // PostgreSQL: SystemRole; SQLite: nil (System uses write and read)
	owner   *sql.DB // PostgreSQL: the schema owner, only when Config.OwnerURL is set
	Path    string  // SQLite file path, empty on PostgreSQL
	cfg     Config
	seals   sync.Map // organisation id → its seal (PostgreSQL)
	txs     atomic.Int64
	kept    sync.Map // SQLite: *sql.DB → *keptStmts (stmtcache.go)
}

// Transactions is the number of transactions this handle has begun
// (benchmarks count what a request costs with it).
func (d *DB) Transactions() int64 { return d.txs.Load() }

// Open connects to the configured engine and applies the pool settings that
// engine needs. It does not migrate; call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.URL != "" {
		return openPostgres(ctx, cfg)
	}
	dir := cfg.DataDir
	if dir == "" {
		dir = "hms-data"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, "hms.db")
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(ON)&_pragma=secure_delete(ON)"
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
	// Keep every reader open: database/sql keeps two idle by default, so under
	// load each request beyond two opened a new connection (reading the
	// schema and setting the pragmas again) and closed it after.
	read.SetMaxIdleConns(8)
	read.SetConnMaxIdleTime(0)
	read.SetConnMaxLifetime(0)
	return &DB{Dialect: SQLite, write: write, read: read, Path: path, cfg: cfg}, nil
}

func openPostgres(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.SystemURL == "" {
		return nil, fmt.Errorf("PostgreSQL needs a second URL for the %s role (system database url)", SystemRole)
	}
	d := &DB{Dialect: Postgres, cfg: cfg}
	var err error
	for _, p := range []struct {
		url  string
		pool **sql.DB
	}{{cfg.URL, &d.write}, {cfg.SystemURL, &d.system}, {cfg.OwnerURL, &d.owner}} {
		if p.url == "" {
			continue
		}
		if !strings.HasPrefix(p.url, "postgres://") && !strings.HasPrefix(p.url, "postgresql://") {
			err = fmt.Errorf("database url must start with postgres://")
			break
		}
		var pool *sql.DB
		if pool, err = openPgx(p.url); err != nil {
			err = fmt.Errorf("open postgres: %w", err)
			break
		}
		// As many kept idle as may be open: with fewer, a burst of requests
		// closed the connections beyond them as it ebbed and opened new ones
		// for the next (some 35 a second under 32 connections of load), each a
		// new server process whose caches, prepared statements and kept
		// plans start empty. Idle ones still close after five minutes.
		pool.SetMaxOpenConns(20)
		pool.SetMaxIdleConns(20)
		if p.pool == &d.owner {
			// Migrations and tests' inspections need few connections.
			pool.SetMaxOpenConns(4)
			pool.SetMaxIdleConns(1)
		}
		pool.SetConnMaxIdleTime(5 * time.Minute)
		*p.pool = pool
	}
	d.read = d.write
	if err == nil && d.owner != nil {
		err = d.owner.PingContext(ctx)
		if err != nil {
			err = fmt.Errorf("connect postgres as the schema owner: %w", err)
		}
	} else if err == nil {
		err = d.CheckRoles(ctx)
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// CheckRoles makes sure the organisation pool is OrgRole and the system pool
// SystemRole, and that neither can step outside its rights: no superuser,
// no BYPASSRLS, member of no role (so SET ROLE has nowhere to go). A server
// refuses to start otherwise.
func (d *DB) CheckRoles(ctx context.Context) error {
	if d.Dialect != Postgres {
		return nil
	}
	for _, p := range []struct {
		pool *sql.DB
		role string
		what string
	}{{d.write, OrgRole, "database url"}, {d.system, SystemRole, "system database url"}} {
		var user string
		var super, bypass, member bool
		err := p.pool.QueryRowContext(ctx, `SELECT r.rolname, r.rolsuper, r.rolbypassrls,
				EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid)
			FROM pg_roles r WHERE r.rolname = current_user`).Scan(&user, &super, &bypass, &member)
		if err != nil {
			return fmt.Errorf("connect postgres as %s (%s): %w", p.role, p.what, err)
		}
		switch {
		case user != p.role:
			return fmt.Errorf("the %s connects as %q; it must connect as %s (created by hms migrate)", p.what, user, p.role)
		case super || bypass:
			return fmt.Errorf("role %s is a superuser or has BYPASSRLS; it must have neither", user)
		case member:
			return fmt.Errorf("role %s is a member of another role; it must be a member of none", user)
		}
	}
	return nil
}

// Close releases every pool.
func (d *DB) Close() error {
	d.closeKept()
	var err error
	for _, p := range []*sql.DB{d.write, d.system, d.owner} {
		if p != nil {
			err = errors.Join(err, p.Close())
		}
	}
	if d.read != nil && d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Ping checks the database answers (readiness).
func (d *DB) Ping(ctx context.Context) error { return d.read.PingContext(ctx) }

// Raw returns the pool migrations run on and tests inspect the schema with:
// the schema owner on PostgreSQL when Config.OwnerURL was given, otherwise
// the writer (on PostgreSQL the organisation role, which sees nothing
// outside a transaction of InOrg). Business code uses InOrg, ReadOrg and
// System.
func (d *DB) Raw() *sql.DB {
	if d.owner != nil {
		return d.owner
	}
	return d.write
}

// Owner is the schema owner's pool, or nil when Config.OwnerURL was not
// given (a server).
func (d *DB) Owner() *sql.DB { return d.owner }

// SystemPool is the pool of System transactions (SystemRole on PostgreSQL).
func (d *DB) SystemPool() *sql.DB {
	if d.system != nil {
		return d.system
	}
	return d.write
}

// Config returns the configuration d was opened with (migrations take the
// roles' passwords from its URLs).
func (d *DB) Config() Config { return d.cfg }

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
	stmts  map[string]*sql.Stmt // SQLite: statements kept prepared (stmtcache.go)
	// reading are the rows of kept statements callers may still be reading.
	reading map[string]*sql.Rows
	pool    *sql.DB // the pool the transaction began on
	// plans is the plan_cache_mode this transaction began with, while no
	// later statement may have changed it (empty otherwise): CustomPlans
	// and GenericPlans skip a round trip that would set it again.
	plans string
	ahead *aheadRead // read with BEGIN (WithReadAhead), or nil
}

type aheadKey struct{}

type readAhead struct {
	query string
	cols  int
}

// WithReadAhead returns ctx whose organisation transactions on PostgreSQL
// send query with their BEGIN, so it costs no round trip of its own: a read
// of at most one row, $1 the organisation's id, with cols columns read as
// bytes (the vault's organisation keys, which nearly every read of personal
// data needs first). Tx.AheadRow gives the row. On SQLite, where a
// statement costs no round trip, nothing is read ahead.
func WithReadAhead(ctx context.Context, query string, cols int) context.Context {
	return context.WithValue(ctx, aheadKey{}, readAhead{query: query, cols: cols})
}

// AheadRow is query's row as read with BEGIN: ran is false when it was not
// read ahead (SQLite, another query, or no WithReadAhead), row nil when
// there was no row.
func (tx *Tx) AheadRow(query string) (row [][]byte, ran bool) {
	if tx.ahead == nil || tx.ahead.query != query {
		return nil, false
	}
	return tx.ahead.row, true
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
	if tx.db.Dialect != Postgres || tx.plans == planCustom {
		return nil
	}
	// Set inside a savepoint that is rolled back, the mode would revert:
	// from here on the mode is not known, and the next call sets it.
	tx.plans = ""
	if _, err := tx.ExecContext(ctx, `SELECT set_config('plan_cache_mode', 'force_custom_plan', true)`); err != nil {
		return fmt.Errorf("plan mode: %w", err)
	}
	return nil
}

// BulkPlans readies a transaction that writes thousands of rows with
// multi-row statements into tables whose foreign keys point at rows it
// writes too (a bank import: allocations at its payments, lines at its
// entries). Its reads get custom plans (CustomPlans); between GenericPlans
// and the next CustomPlans its writes check each row's foreign keys with the
// plan PostgreSQL keeps, not one made per row (10–33 µs a check instead of
// about 3.5). Sequential scans are off for the transaction and the
// session's kept plans are made again under that (DISCARD PLANS), so a kept
// check looks its parent up by key even when it was planned while the
// table looked empty, instead of scanning a table that grows with every row
// written. On SQLite it does nothing.
func (tx *Tx) BulkPlans(ctx context.Context) error {
	if tx.db.Dialect != Postgres {
		return nil
	}
	tx.plans = ""
	if _, err := tx.ExecContext(ctx, `SELECT set_config('plan_cache_mode', 'force_custom_plan', true),
		set_config('enable_seqscan', 'off', true)`); err != nil {
		return fmt.Errorf("plan mode: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DISCARD PLANS`); err != nil {
		return fmt.Errorf("plan mode: %w", err)
	}
	return nil
}

// GenericPlans lets PostgreSQL keep plans again, after BulkPlans or
// CustomPlans, until CustomPlans; on SQLite it does nothing.
func (tx *Tx) GenericPlans(ctx context.Context) error {
	if tx.db.Dialect != Postgres || tx.plans == planAuto {
		return nil
	}
	tx.plans = ""
	if _, err := tx.ExecContext(ctx, `SELECT set_config('plan_cache_mode', 'auto', true)`); err != nil {
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
// PostgreSQL the transaction runs as OrgRole and presents the
// organisation's seal, so row-level security hides every other
// organisation's rows.
func (d *DB) InOrg(ctx context.Context, orgID int64, fn func(*Tx) error) error {
	if orgID <= 0 {
		return ErrNoOrg
	}
	return d.run(ctx, d.write, false, orgID, planAuto, fn)
}

// InOrgCustomPlans is InOrg with tx.CustomPlans in force from the start; on
// PostgreSQL it costs no round trip of its own (it is sent with BEGIN).
func (d *DB) InOrgCustomPlans(ctx context.Context, orgID int64, fn func(*Tx) error) error {
	if orgID <= 0 {
		return ErrNoOrg
	}
	return d.run(ctx, d.write, false, orgID, planCustom, fn)
}

// ReadOrgCustomPlans is ReadOrg with tx.CustomPlans in force from the start
// (see InOrgCustomPlans).
func (d *DB) ReadOrgCustomPlans(ctx context.Context, orgID int64, fn func(*Tx) error) error {
	if orgID <= 0 {
		return ErrNoOrg
	}
	return d.run(ctx, d.read, true, orgID, planCustom, fn)
}

// ReadOrg is InOrg for work that only reads; on SQLite it uses the reader pool
// and does not wait for the writer.
func (d *DB) ReadOrg(ctx context.Context, orgID int64, fn func(*Tx) error) error {
	if orgID <= 0 {
		return ErrNoOrg
	}
	return d.run(ctx, d.read, true, orgID, planAuto, fn)
}

// System runs fn as the platform, outside any organisation: it sees all rows.
// Use it only where no organisation is known yet (login, token look-up, job
// claiming, sign-up) or where the platform itself acts.
func (d *DB) System(ctx context.Context, fn func(*Tx) error) error {
	pool := d.write
	if d.system != nil {
		pool = d.system
	}
	return d.run(ctx, pool, false, 0, "", fn)
}

// ReadSystem is System for work that only reads.
func (d *DB) ReadSystem(ctx context.Context, fn func(*Tx) error) error {
	pool := d.read
	if d.system != nil {
		pool = d.system
	}
	return d.run(ctx, pool, true, 0, "", fn)
}

// seal returns organisation orgID's seal, creating it on first use. Only
// SystemRole may read or create seals; they stay in this process's memory.
func (d *DB) seal(ctx context.Context, orgID int64) (string, error) {
	if s, ok := d.seals.Load(orgID); ok {
		return s.(string), nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("organisation seal: %w", err)
	}
	var s string
	// An existing seal wins over the new one (another instance made it first).
	if err := d.system.QueryRowContext(ctx, `INSERT INTO hms_org_seals (org_id, seal) VALUES ($1, $2)
		ON CONFLICT (org_id) DO UPDATE SET seal = hms_org_seals.seal RETURNING seal`,
		orgID, hex.EncodeToString(b)).Scan(&s); err != nil {
		return "", fmt.Errorf("organisation seal: %w", err)
	}
	d.seals.Store(orgID, s)
	return s, nil
}

// run runs fn in a transaction: for organisation orgID with the given
// plan_cache_mode (planAuto, planCustom), or, with plans empty, as the
// platform.
func (d *DB) run(ctx context.Context, pool *sql.DB, readOnly bool, orgID int64, plans string, fn func(*Tx) error) (err error) {
	system := plans == ""
	opts := &sql.TxOptions{}
	if readOnly && d.Dialect == Postgres {
		opts.ReadOnly = true
	}
	bctx := ctx
	var set *beginSettings
	if d.Dialect == Postgres && !system {
		seal, err := d.seal(ctx, orgID)
		if err != nil {
			return err
		}
		// The seal is local to this transaction: a pooled connection never
		// carries one organisation's seal into the next request. A system
		// transaction needs no setting: its role is what the policies let
		// through. BEGIN, the seal and the plan mode go as one batch
		// (pgbegin.go).
		set = &beginSettings{seal: seal, plans: plans, org: orgID}
		if ra, ok := ctx.Value(aheadKey{}).(readAhead); ok {
			set.ahead = &aheadRead{readAhead: ra}
		}
		bctx = context.WithValue(ctx, beginKey{}, set)
	}
	stx, err := pool.BeginTx(bctx, opts)
	if err != nil {
		if !system && d.Dialect == Postgres {
			return fmt.Errorf("begin transaction for the organisation: %w", err)
		}
		return fmt.Errorf("begin transaction: %w", err)
	}
	d.txs.Add(1)
	tx := &Tx{Tx: stx, db: d, orgID: orgID, system: system, pool: pool}
	if d.Dialect == Postgres {
		tx.plans = plans
	}
	if set != nil {
		tx.ahead = set.ahead
	}
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

// IsDeadlock reports whether err is PostgreSQL ending a transaction to break
// a deadlock (SQLSTATE 40P01) or a serialisation failure (40001): the
// transaction was rolled back and may be run again as it was.
func IsDeadlock(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40P01" || pg.Code == "40001")
}
