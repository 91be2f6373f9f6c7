package backup

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"hms/internal/platform/db"
	"hms/internal/platform/vault"
)

// ErrNotEmpty: the database holds data and the restore was not forced.
var ErrNotEmpty = errors.New("the database is not empty: it has organisations or users; " +
	"restoring would replace them (use --force to overwrite)")

// SchemaError: the file's data belongs to another schema version than the
// database's.
type SchemaError struct{ File, Database int64 }

func (e *SchemaError) Error() string {
	return fmt.Sprintf("this backup is of schema version %d and the database is at version %d: "+
		"restore it with the HMS version that made it, into a database migrated by that version", e.File, e.Database)
}

// Restore loads the backup r into d. Without force it refuses (ErrNotEmpty)
// a database that has organisations or users; otherwise it empties every
// table but goose's, the organisation seals and the erasure journal, and
// loads the file's rows, all in one transaction: a file that does not open,
// is damaged or does not fit the schema changes nothing. In that same
// transaction the keysets of every journaled subject and the keys of every
// shredded organisation are destroyed again; afterwards v.Replay removes the
// subjects' blind indexes and v.ReplayOrganisations the shredded
// organisations' rows: a person erased, or an organisation shredded, after
// the backup was made stays so. On PostgreSQL d must have the owner's
// connection.
func Restore(ctx context.Context, d *db.DB, v *vault.Vault, r io.Reader, force bool) (Summary, error) {
	var sum Summary
	h, body, err := readHeader(r, v)
	if err != nil {
		return sum, err
	}
	sum.Schema = h.Schema
	err = everything(ctx, d, true, func(tx *sql.Tx) error {
		have, err := schemaVersion(ctx, tx)
		if err != nil {
			return err
		}
		if have != h.Schema {
			return &SchemaError{File: h.Schema, Database: have}
		}
		if !force {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM organisations) + (SELECT COUNT(*) FROM users)`).Scan(&n); err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			if n > 0 {
				return ErrNotEmpty
			}
		}
		tables, err := catalog(ctx, tx, d.Dialect)
		if err != nil {
			return err
		}
		triggers, err := wipe(ctx, tx, d.Dialect, tables)
		if err != nil {
			return err
		}
		zr, err := gzip.NewReader(body)
		if err != nil {
			return errBody(err)
		}
		l := &loader{ctx: ctx, tx: tx, dialect: d.Dialect, tables: tables, dec: &decoder{r: bufio.NewReaderSize(zr, 32<<10)}}
		if sum.Tables, sum.Rows, err = l.load(); err != nil {
			return err
		}
		// gzip checks its own checksum at its end; nothing may follow.
		if n, err := io.Copy(io.Discard, l.dec.r); err != nil || n > 0 {
			return ErrDamaged
		}
		for _, t := range triggers {
			if _, err := tx.ExecContext(ctx, t); err != nil {
				return fmt.Errorf("backup: restore a trigger: %w", err)
			}
		}
		if err := vault.ShredJournaled(ctx, tx); err != nil {
			return err
		}
		return moveSequences(ctx, tx, d.Dialect, tables)
	})
	if err != nil {
		return sum, err
	}
	if sum.Erasures, err = v.Replay(ctx, d); err != nil {
		return sum, fmt.Errorf("the data is restored and erased persons' keys are destroyed, "+
			"but removing their blind indexes failed (run the restore again): %w", err)
	}
	if sum.Shreds, err = v.ReplayOrganisations(ctx, d); err != nil {
		return sum, fmt.Errorf("the data is restored and shredded organisations' keys are destroyed, "+
			"but deleting their rows again failed (run the restore again): %w", err)
	}
	return sum, nil
}

// wipe empties every table a restore replaces. On SQLite the foreign keys
// are checked at commit (so order does not matter) and triggers that guard
// a table against deletes (the audit log is append-only) are dropped for
// the transaction; wipe returns their statements to create them again. On
// PostgreSQL one TRUNCATE, which row-level security and the audit log's
// delete policy do not apply to, empties them all.
func wipe(ctx context.Context, tx *sql.Tx, dialect db.Dialect, tables map[string]*table) ([]string, error) {
	var names []string
	for n := range tables {
		if wiped(n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	if dialect == db.Postgres {
		if _, err := tx.ExecContext(ctx, `TRUNCATE `+quoteAll(names)); err != nil {
			return nil, fmt.Errorf("backup: empty the tables: %w", err)
		}
		return nil, nil
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("backup: read triggers: %w", err)
	}
	var drop, create []string
	for rows.Next() {
		var name, tbl, stmt string
		if err := rows.Scan(&name, &tbl, &stmt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("backup: read triggers: %w", err)
		}
		if wiped(tbl) {
			drop, create = append(drop, `DROP TRIGGER `+quote(name)), append(create, stmt)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("backup: read triggers: %w", err)
	}
	for _, s := range drop {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
	}
	for _, n := range names {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+quote(n)); err != nil {
			return nil, fmt.Errorf("backup: empty %s: %w", n, err)
		}
	}
	return create, nil
}

// moveSequences sets every PostgreSQL identity past the largest id loaded
// (SQLite takes the next rowid from the rows themselves).
func moveSequences(ctx context.Context, tx *sql.Tx, dialect db.Dialect, tables map[string]*table) error {
	if dialect != db.Postgres {
		return nil
	}
	for _, t := range ordered(tables, wiped) {
		if t.identity == "" {
			continue
		}
		largest := `(SELECT MAX(` + quote(t.identity) + `) FROM ` + quote(t.name) + `)`
		if t.name == "organisations" {
			// A shredded organisation newer than the backup keeps its id
			// (the replay writes its tombstone), so no new one gets it.
			largest = `GREATEST(` + largest + `, (SELECT MAX(org_id) FROM vault_org_erasures))`
		}
		if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(`+largest+`, 0) + 1, false)`,
			quote(t.name), t.identity); err != nil {
			return fmt.Errorf("backup: move the ids of %s on: %w", t.name, err)
		}
	}
	return nil
}

// loader inserts the file's rows, many per statement.
type loader struct {
	ctx     context.Context
	tx      *sql.Tx
	dialect db.Dialect
	tables  map[string]*table
	dec     *decoder
}

// maxParams bounds the parameters of one INSERT (SQLite allows 32766,
// PostgreSQL 65535).
const maxParams = 8000

func (l *loader) load() (tables int, rows int64, err error) {
	for {
		rec, err := l.dec.byte()
		if err != nil {
			return 0, 0, err
		}
		switch rec {
		case recTable:
			n, err := l.table()
			if err != nil {
				return 0, 0, err
			}
			tables++
			rows += n
		case recDone:
			n, err := l.dec.uvarint()
			if err != nil {
				return 0, 0, err
			}
			if n != uint64(tables) {
				return 0, 0, ErrDamaged
			}
			return tables, rows, nil
		default:
			return 0, 0, errFormat
		}
	}
}

// table loads one table's rows: its columns must all exist in the
// database's table of that name, which a restore replaces.
func (l *loader) table() (int64, error) {
	name, err := l.dec.text()
	if err != nil {
		return 0, err
	}
	t := l.tables[name]
	if t == nil || !dumped(name) {
		return 0, fmt.Errorf("backup: the file has a table %q this schema does not have (or does not restore)", name)
	}
	nc, err := l.dec.uvarint()
	if err != nil {
		return 0, err
	}
	if nc == 0 || nc > uint64(len(t.cols)) {
		return 0, fmt.Errorf("backup: the file's table %s has %d columns, the database's %d", name, nc, len(t.cols))
	}
	cols := make([]string, nc)
	types := make([]string, nc)
	for i := range cols {
		if cols[i], err = l.dec.text(); err != nil {
			return 0, err
		}
		j := slices.Index(t.cols, cols[i])
		if j < 0 {
			return 0, fmt.Errorf("backup: the file's table %s has a column %q the database's has not", name, cols[i])
		}
		types[i] = t.types[j]
	}
	per := max(1, min(500, maxParams/len(cols)))
	prefix := `INSERT INTO ` + quote(name) + ` (` + quoteAll(cols) + `) VALUES `
	batch := make([]any, 0, per*len(cols))
	var n int64
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		k := len(batch) / len(cols)
		if _, err := l.tx.ExecContext(l.ctx, prefix+l.tuples(k, len(cols)), batch...); err != nil {
			return fmt.Errorf("backup: load %s: %w", name, err)
		}
		batch = batch[:0]
		return nil
	}
	for {
		rec, err := l.dec.byte()
		if err != nil {
			return 0, err
		}
		switch rec {
		case recRow:
			for i := range cols {
				v, err := l.dec.value()
				if err != nil {
					return 0, err
				}
				batch = append(batch, convert(v, types[i]))
			}
			n++
			if len(batch) >= per*len(cols) {
				if err := flush(); err != nil {
					return 0, err
				}
			}
		case recEnd:
			want, err := l.dec.uvarint()
			if err != nil {
				return 0, err
			}
			if want != uint64(n) {
				return 0, ErrDamaged
			}
			return n, flush()
		default:
			return 0, errFormat
		}
	}
}

// tuples is "(…), (…)" for k rows of c parameters each.
func (l *loader) tuples(k, c int) string {
	var b strings.Builder
	p := 1
	for i := range k {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range c {
			if j > 0 {
				b.WriteByte(',')
			}
			if l.dialect == db.Postgres {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
			} else {
				b.WriteByte('?')
			}
			p++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// convert fits a value to the destination column where the engines differ:
// PostgreSQL's booleans are SQLite's integers 0 and 1.
func convert(v any, typ string) any {
	switch x := v.(type) {
	case int64:
		if typ == "boolean" {
			return x != 0
		}
	case bool:
		if typ != "boolean" {
			if x {
				return int64(1)
			}
			return int64(0)
		}
	}
	return v
}
