package apptest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"hms/internal/platform/db"
)

// FindPlaintext reads every row of every table and returns where any of the
// needles occurs in plain text (case-insensitive), in a stored PDF's text
// too, so a test can prove that personal data is stored only sealed.
func FindPlaintext(t testing.TB, d *db.DB, needles ...string) []string {
	t.Helper()
	ctx := context.Background()
	var tables []string
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if d.Dialect == db.Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`
	}
	rows, err := d.Raw().QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 5 {
		t.Fatalf("found only %d tables; the scan is broken", len(tables))
	}
	var hits []string
	for _, table := range tables {
		rs, err := d.Raw().QueryContext(ctx, `SELECT * FROM `+table)
		if err != nil {
			t.Fatalf("scan %s: %v", table, err)
		}
		cols, _ := rs.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rs.Next() {
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var s string
				switch x := v.(type) {
				case []byte:
					s = string(x)
					// A PDF's text is compressed: read it as pdftotext does.
					if bytes.HasPrefix(x, []byte("%PDF-")) {
						s += "\n" + PDFText(t, x)
					}
				case nil:
					continue
				default:
					s = fmt.Sprint(x)
				}
				s = strings.ToLower(s)
				for _, n := range needles {
					if strings.Contains(s, strings.ToLower(n)) {
						hits = append(hits, fmt.Sprintf("%s.%s holds %q", table, cols[i], n))
					}
				}
			}
		}
		rs.Close()
	}
	return hits
}
