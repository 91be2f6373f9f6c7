package backup

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"hms/internal/platform/db"
	"hms/internal/platform/vault"
)

// ErrNeedOwner: on PostgreSQL only the schema owner sees and may write every
// organisation's rows of every table.
var ErrNeedOwner = errors.New("a backup or restore on PostgreSQL reads or writes every organisation's rows: " +
	"give the schema owner's URL (--database-owner-url or HMS_DATABASE_OWNER_URL)")

// Summary says what a backup or restore covered.
type Summary struct {
	Schema   int64 // schema version of the data
	Tables   int
	Rows     int64
	Erasures int // restore: journaled erasures replayed
	Shreds   int // restore: journaled organisation shreds replayed
}

// everything runs fn in one transaction that sees every organisation's rows
// of every table: on PostgreSQL as the schema owner with the platform scope
// (00022), REPEATABLE READ so a backup is one consistent snapshot; on SQLite
// a System transaction (the reader pool for a backup, which then does not
// hold up writers).
func everything(ctx context.Context, d *db.DB, write bool, fn func(*sql.Tx) error) error {
	if d.Dialect != db.Postgres {
		run := d.ReadSystem
		if write {
			run = d.System
		}
		return run(ctx, func(tx *db.Tx) error { return fn(tx.Tx) })
	}
	if d.Owner() == nil {
		return ErrNeedOwner
	}
	tx, err := d.Owner().BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: !write})
	if err != nil {
		return fmt.Errorf("backup: begin: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT set_config('hms.scope', 'system', true)`); err != nil {
		return fmt.Errorf("backup: platform scope: %w", err)
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("backup: commit: %w", err)
	}
	return nil
}

// Write writes a backup of d to w: every table's rows but those of the
// erasure journal, sessions and rate-limit counters, in dependency order,
// compressed and encrypted under a key derived from v's master key. The
// rows come from one snapshot.
func Write(ctx context.Context, d *db.DB, v *vault.Vault, w io.Writer) (Summary, error) {
	var sum Summary
	err := everything(ctx, d, false, func(tx *sql.Tx) error {
		var err error
		if sum.Schema, err = schemaVersion(ctx, tx); err != nil {
			return err
		}
		tables, err := catalog(ctx, tx, d.Dialect)
		if err != nil {
			return err
		}
		sw, err := newSealWriter(w, v, header{Schema: sum.Schema, Engine: string(d.Dialect)})
		if err != nil {
			return err
		}
		zw := gzip.NewWriter(sw)
		bw := bufio.NewWriterSize(zw, 32<<10)
		e := &encoder{w: bw}
		for _, t := range ordered(tables, dumped) {
			n, err := dumpTable(ctx, tx, t, e)
			if err != nil {
				return err
			}
			sum.Tables++
			sum.Rows += n
		}
		e.byte(recDone)
		e.uvarint(uint64(sum.Tables))
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("backup: write: %w", err)
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("backup: write: %w", err)
		}
		return sw.Close()
	})
	return sum, err
}

func dumpTable(ctx context.Context, tx *sql.Tx, t *table, e *encoder) (int64, error) {
	e.byte(recTable)
	e.text(t.name)
	e.uvarint(uint64(len(t.cols)))
	for _, c := range t.cols {
		e.text(c)
	}
	order := t.key
	if len(order) == 0 {
		order = t.cols
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+quoteAll(t.cols)+` FROM `+quote(t.name)+` ORDER BY `+quoteAll(order))
	if err != nil {
		return 0, fmt.Errorf("backup: read %s: %w", t.name, err)
	}
	defer rows.Close()
	vals := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, fmt.Errorf("backup: read %s: %w", t.name, err)
		}
		e.byte(recRow)
		for i, v := range vals {
			if err := e.value(v); err != nil {
				return 0, fmt.Errorf("backup: %s.%s: %w", t.name, t.cols[i], err)
			}
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("backup: read %s: %w", t.name, err)
	}
	e.byte(recEnd)
	e.uvarint(uint64(n))
	// An error of the writers below shows here, not only at the end.
	if err := e.w.Flush(); err != nil {
		return 0, fmt.Errorf("backup: write: %w", err)
	}
	return n, nil
}
