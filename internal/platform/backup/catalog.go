package backup

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"hms/internal/platform/db"
)

// kept are the tables a restore leaves as they are: goose's version table
// (the schema is the destination's own, checked against the file's), the
// organisations' seals on PostgreSQL (secrets of this database's row-level
// security, made anew on first use; a file must not carry them to another
// database) and the erasure journals of subjects and of organisations (they
// live outside the backup of the data, so that a restore of older data
// replays the erasures and organisation shreds made since).
var kept = []string{"goose_db_version", "hms_org_seals", "vault_erasures", "vault_org_erasures"}

// transient are the tables a backup leaves out and a restore empties:
// sessions (a restore must not bring back sign-ins that ended, or carry
// them into another database; everyone signs in again) and the rate-limit
// and sign-in back-off counters (minutes-long state of no use afterwards).
var transient = []string{"sessions", "rate_counters", "login_failures"}

// table is what the backup needs to know of one table.
type table struct {
	name     string
	cols     []string
	types    []string // lower-case declared types, as the engine names them
	key      []string // the primary key, to dump in a stable order
	refs     []string // tables its foreign keys point to
	identity string   // PostgreSQL: the identity column whose sequence a restore moves on
}

// catalog reads every table of the schema.
func catalog(ctx context.Context, tx *sql.Tx, dialect db.Dialect) (map[string]*table, error) {
	var err error
	tables := map[string]*table{}
	if dialect == db.Postgres {
		err = pgCatalog(ctx, tx, tables)
	} else {
		err = sqliteCatalog(ctx, tx, tables)
	}
	if err != nil {
		return nil, fmt.Errorf("backup: read the schema: %w", err)
	}
	return tables, nil
}

func pgCatalog(ctx context.Context, tx *sql.Tx, tables map[string]*table) error {
	rows, err := tx.QueryContext(ctx, `SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attidentity <> ''
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
		WHERE c.relkind = 'r' ORDER BY c.relname, a.attnum`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, col, typ string
		var identity bool
		if err := rows.Scan(&name, &col, &typ, &identity); err != nil {
			return err
		}
		t := tables[name]
		if t == nil {
			t = &table{name: name}
			tables[name] = t
		}
		t.cols, t.types = append(t.cols, col), append(t.types, strings.ToLower(typ))
		if identity {
			t.identity = col
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	keys, err := tx.QueryContext(ctx, `SELECT c.relname, a.attname
		FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
		WHERE i.indisprimary ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)`)
	if err != nil {
		return err
	}
	defer keys.Close()
	for keys.Next() {
		var name, col string
		if err := keys.Scan(&name, &col); err != nil {
			return err
		}
		if t := tables[name]; t != nil {
			t.key = append(t.key, col)
		}
	}
	if err := keys.Err(); err != nil {
		return err
	}
	refs, err := tx.QueryContext(ctx, `SELECT a.relname, b.relname FROM pg_constraint k
		JOIN pg_class a ON a.oid = k.conrelid JOIN pg_class b ON b.oid = k.confrelid
		JOIN pg_namespace n ON n.oid = a.relnamespace AND n.nspname = 'public'
		WHERE k.contype = 'f'`)
	if err != nil {
		return err
	}
	defer refs.Close()
	for refs.Next() {
		var from, to string
		if err := refs.Scan(&from, &to); err != nil {
			return err
		}
		if t := tables[from]; t != nil {
			t.refs = append(t.refs, to)
		}
	}
	return refs.Err()
}

func sqliteCatalog(ctx context.Context, tx *sql.Tx, tables map[string]*table) error {
	names, err := tx.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return err
	}
	var list []string
	for names.Next() {
		var n string
		if err := names.Scan(&n); err != nil {
			names.Close()
			return err
		}
		list = append(list, n)
	}
	names.Close()
	if err := names.Err(); err != nil {
		return err
	}
	for _, name := range list {
		t := &table{name: name}
		tables[name] = t
		// Hidden columns (generated ones) are not written.
		cols, err := tx.QueryContext(ctx, `SELECT name, lower(type), pk FROM pragma_table_xinfo($1) WHERE hidden = 0 ORDER BY cid`, name)
		if err != nil {
			return err
		}
		pk := map[int]string{} // position in the key → column
		for cols.Next() {
			var col, typ string
			var n int
			if err := cols.Scan(&col, &typ, &n); err != nil {
				cols.Close()
				return err
			}
			t.cols, t.types = append(t.cols, col), append(t.types, typ)
			if n > 0 {
				pk[n] = col
			}
		}
		cols.Close()
		if err := cols.Err(); err != nil {
			return err
		}
		for i := 1; i <= len(pk); i++ {
			t.key = append(t.key, pk[i])
		}
		refs, err := tx.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1)`, name)
		if err != nil {
			return err
		}
		for refs.Next() {
			var to string
			if err := refs.Scan(&to); err != nil {
				refs.Close()
				return err
			}
			t.refs = append(t.refs, to)
		}
		refs.Close()
		if err := refs.Err(); err != nil {
			return err
		}
	}
	return nil
}

// ordered lists the tables that pass keep in dependency order: every table
// after the tables its foreign keys point to (ties by name), so loading
// them in this order satisfies every foreign key. A cycle, which HMS's
// schema does not have, would leave its tables in name order at the end.
func ordered(tables map[string]*table, keep func(string) bool) []*table {
	var names []string
	for n := range tables {
		if keep(n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	done := map[string]bool{}
	var out []*table
	for len(out) < len(names) {
		progress := false
		for _, n := range names {
			if done[n] {
				continue
			}
			ready := true
			for _, r := range tables[n].refs {
				if r != n && keep(r) && tables[r] != nil && !done[r] {
					ready = false
					break
				}
			}
			if ready {
				done[n] = true
				out = append(out, tables[n])
				progress = true
			}
		}
		if !progress {
			for _, n := range names {
				if !done[n] {
					done[n] = true
					out = append(out, tables[n])
				}
			}
		}
	}
	return out
}

// dumped reports whether a backup holds the table's rows.
func dumped(name string) bool {
	return !slices.Contains(kept, name) && !slices.Contains(transient, name)
}

// wiped reports whether a restore empties the table.
func wiped(name string) bool { return !slices.Contains(kept, name) }

// quote quotes an identifier for both engines.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// schemaVersion is the last migration goose applied.
func schemaVersion(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v); err != nil {
		return 0, fmt.Errorf("backup: read the schema version: %w", err)
	}
	return v, nil
}
