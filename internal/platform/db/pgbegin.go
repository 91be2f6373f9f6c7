package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// An organisation transaction on PostgreSQL begins with BEGIN, the seal
// (set_config of hms.org_seal) and the plan mode. Sent one after the other
// they were three round trips of a look-up's nine; here they go as one
// pipelined batch (extended protocol, one Sync): BEGIN turns the batch's
// implicit transaction into the open transaction block the statements
// that follow run in. The seal stays a bind parameter, never statement
// text (pg_stat_activity shows the text to other sessions of the role).
//
// database/sql has no hook for this, so the pools are opened through a
// connector that wraps pgx's stdlib connections and begins a transaction
// whose context carries beginSettings with the batch; every other
// transaction and statement is pgx's own.

// beginSettings are what an organisation transaction sets as it begins.
type beginSettings struct {
	seal  string
	plans string // plan_cache_mode: planAuto or planCustom
	org   int64
	ahead *aheadRead // a read sent with BEGIN (WithReadAhead), or nil
}

// aheadRead is a one-row read of the organisation's ($1) sent in the BEGIN
// batch, after the seal, so row-level security applies to it; its columns
// are scanned as bytes.
type aheadRead struct {
	readAhead
	row [][]byte // nil: no row
}

type beginKey struct{}

// plan_cache_mode values.
const (
	planAuto   = "auto"
	planCustom = "force_custom_plan"
)

// openPgx opens a pool of url through the batching connector.
func openPgx(url string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(batchConnector{stdlib.GetConnector(*cfg)}), nil
}

type batchConnector struct{ driver.Connector }

func (c batchConnector) Connect(ctx context.Context) (driver.Conn, error) {
	dc, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := dc.(*stdlib.Conn)
	if !ok {
		dc.Close()
		return nil, fmt.Errorf("postgres: unexpected driver connection %T", dc)
	}
	return &batchConn{sc}, nil
}

// batchConn is pgx's connection with BeginTx taking beginSettings from the
// context; the embedded methods (statements, session reset, which drops a
// connection left inside a transaction) stay pgx's.
type batchConn struct{ *stdlib.Conn }

func (c *batchConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	set, ok := ctx.Value(beginKey{}).(*beginSettings)
	if !ok {
		return c.Conn.BeginTx(ctx, opts)
	}
	pc := c.Conn.Conn()
	if pc.IsClosed() {
		return nil, driver.ErrBadConn
	}
	if sql.IsolationLevel(opts.Isolation) != sql.LevelDefault {
		return nil, fmt.Errorf("postgres: an organisation transaction runs at the default isolation level")
	}
	begin := "BEGIN"
	if opts.ReadOnly {
		begin = "BEGIN READ ONLY"
	}
	b := &pgx.Batch{}
	b.Queue(begin)
	b.Queue(`SELECT set_config('hms.org_seal', $1, true), set_config('plan_cache_mode', $2, true)`, set.seal, set.plans)
	if set.ahead != nil {
		b.Queue(set.ahead.query, set.org)
	}
	br := pc.SendBatch(ctx, b)
	_, err := br.Exec()
	if err == nil {
		_, err = br.Exec()
	}
	if err == nil && set.ahead != nil {
		err = set.ahead.scan(br.QueryRow())
	}
	if err = errors.Join(err, br.Close()); err != nil {
		if pc.PgConn().TxStatus() != 'I' {
			if _, rerr := pc.Exec(ctx, "ROLLBACK"); rerr != nil {
				_ = pc.Close(ctx) // in an unknown state: never reused
			}
		}
		return nil, err
	}
	return &batchTx{ctx: ctx, conn: pc}, nil
}

// batchTx ends what BeginTx began, as pgx's own transaction does.
type batchTx struct {
	ctx  context.Context
	conn *pgx.Conn
}

func (t *batchTx) Commit() error {
	tag, err := t.conn.Exec(t.ctx, "COMMIT")
	if err != nil {
		if t.conn.PgConn().TxStatus() != 'I' {
			_ = t.conn.Close(t.ctx)
		}
		return err
	}
	if tag.String() == "ROLLBACK" {
		// A statement had failed: PostgreSQL rolled back instead.
		return pgx.ErrTxCommitRollback
	}
	return nil
}

func (t *batchTx) Rollback() error {
	if _, err := t.conn.Exec(t.ctx, "ROLLBACK"); err != nil {
		_ = t.conn.Close(t.ctx)
		return errors.Join(err, driver.ErrBadConn)
	}
	return nil
}

func (a *aheadRead) scan(r pgx.Row) error {
	row := make([][]byte, a.cols)
	dest := make([]any, a.cols)
	for i := range row {
		dest[i] = &row[i]
	}
	switch err := r.Scan(dest...); {
	case errors.Is(err, pgx.ErrNoRows):
		a.row = nil
	case err != nil:
		return fmt.Errorf("read ahead: %w", err)
	default:
		a.row = row
	}
	return nil
}
