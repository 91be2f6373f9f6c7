package privacy_test

import (
	"strings"
	"testing"

	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/privacy"
)

// blobColumns lists every BLOB (SQLite) or BYTEA (PostgreSQL) column of the
// migrated database as "table.column".
func blobColumns(t *testing.T, d *db.DB) map[string]bool {
	t.Helper()
	q := `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'goose_%' AND UPPER(p.type) = 'BLOB'`
	if d.Dialect == db.Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose_%' AND data_type = 'bytea'`
	}
	rows, err := d.Raw().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		out[table+"."+column] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 20 {
		t.Fatalf("only %d binary columns read", len(out))
	}
	return out
}

// Every binary column of the schema is classified (PRIVACY.md P19–P21): how
// it is sealed and why, on both engines; a classified column exists; a
// column sealed per person or per document, or in the fiscal archive, is
// declared as personal in the register.
func TestEveryBlobIsClassified(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		cols := blobColumns(t, d)
		for c := range cols {
			if _, ok := privacy.Blobs[c]; !ok {
				t.Errorf("the binary column %s is not classified in privacy.Blobs (sealed per person, per document, "+
					"fiscal, per organisation, key or plain, with why)", c)
			}
		}
		declared := map[string]bool{}
		for _, a := range privacy.Register {
			for _, c := range a.Data {
				for _, col := range c.Columns {
					declared[c.Table+"."+col] = true
				}
			}
		}
		for c, b := range privacy.Blobs {
			if !cols[c] {
				t.Errorf("privacy.Blobs classifies %s, which is not a binary column", c)
			}
			if strings.TrimSpace(b.Why) == "" {
				t.Errorf("%s: no reason", c)
			}
			switch b.Sealing {
			case privacy.SealedPerPerson, privacy.SealedPerDocument, privacy.SealedFiscal, privacy.SealedPerOrganisation:
				if !declared[c] {
					t.Errorf("%s is sealed as personal data (%s) but not declared in the register", c, b.Sealing)
				}
			case privacy.KeyMaterial, privacy.Plain:
			default:
				t.Errorf("%s: unknown sealing %q", c, b.Sealing)
			}
		}
	})
}
