package privacy_test

import (
	"database/sql"
	"regexp"
	"slices"
	"testing"

	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/privacy"
)

// personalName is a column name that suggests personal data (by its last
// word): such a column must be declared in the register, or named in
// NotPersonalColumns with why.
var personalName = regexp.MustCompile(`(^|_)(sealed|name|email|phone|iban|bic|street|house_number|postcode|city|address|note|notes|` +
	`reason|description|remittance|token|index|content|text|information|kvk|btw_id|vat_id|logo|payload|details|purpose|label)$`)

// postgresOnly are tables only PostgreSQL has (its role seals).
var postgresOnly = map[string]bool{"hms_org_seals": true}

// schema lists every table of the migrated database with its columns.
func schema(t *testing.T, d *db.DB) map[string][]string {
	t.Helper()
	var q string
	if d.Dialect == db.SQLite {
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'goose_%'`
	} else {
		q = `SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name NOT LIKE 'goose_%'`
	}
	rows, err := d.Raw().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		out[table] = append(out[table], column)
	}
	if err := rows.Err(); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("only %d tables read", len(out))
	}
	return out
}

// The register against the schema, on both engines (PRIVACY.md P1): every
// table is in an activity or says why it holds no personal data; every
// declared table and column exists; every column whose name suggests
// personal data is declared or said not to be; each activity names its
// purpose, basis, subjects, recipients and retention in both languages.
func TestEveryColumnIsDeclared(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tables := schema(t, d)
		declared := map[string]bool{} // table, and table.column
		for _, a := range privacy.Register {
			for _, w := range []privacy.Words{a.Name, a.Purpose, a.Basis, a.Subjects, a.Recipients, a.Retention} {
				if w.NL == "" || w.EN == "" {
					t.Errorf("activity %s has a text without Dutch or English: %+v", a.Key, w)
				}
			}
			if a.Role != privacy.Controller && a.Role != privacy.Processor {
				t.Errorf("activity %s: role %q", a.Key, a.Role)
			}
			for _, c := range a.Data {
				cols, ok := tables[c.Table]
				if !ok {
					t.Errorf("activity %s declares the table %s, which does not exist", a.Key, c.Table)
					continue
				}
				declared[c.Table] = true
				for _, col := range c.Columns {
					if !slices.Contains(cols, col) {
						t.Errorf("activity %s declares %s.%s, which does not exist", a.Key, c.Table, col)
					}
					declared[c.Table+"."+col] = true
				}
				if !slices.ContainsFunc(privacy.Categories, func(x struct {
					Category privacy.Category
					Words    privacy.Words
				}) bool {
					return x.Category == c.Category
				}) {
					t.Errorf("activity %s: %s has the unknown category %q", a.Key, c.Table, c.Category)
				}
			}
		}
		for table := range privacy.NoPersonalData {
			if _, ok := tables[table]; !ok && !(postgresOnly[table] && d.Dialect == db.SQLite) {
				t.Errorf("NoPersonalData names %s, which does not exist", table)
			}
			if declared[table] {
				t.Errorf("%s is both in an activity and said to hold no personal data", table)
			}
		}
		for tc := range privacy.NotPersonalColumns {
			if declared[tc] {
				t.Errorf("%s is both declared personal and said not to be", tc)
			}
		}
		for table, cols := range tables {
			_, none := privacy.NoPersonalData[table]
			if !declared[table] && !none {
				t.Errorf("the table %s is in no activity of the register and not said to hold no personal data", table)
				continue
			}
			for _, col := range cols {
				tc := table + "." + col
				if !personalName.MatchString(col) || declared[tc] {
					continue
				}
				if _, ok := privacy.NotPersonalColumns[tc]; !ok {
					t.Errorf("the column %s looks like personal data: declare it in the register or in NotPersonalColumns", tc)
				}
			}
		}
	})
}

// Every section of the account source (HMS as controller) belongs to an
// activity of the register in which HMS is controller: its purpose, basis,
// recipients and retention in the export are the register's words.
func TestAccountSectionsAreRegistered(t *testing.T) {
	for key, act := range privacy.AccountActivities {
		found := false
		for _, a := range privacy.Register {
			if a.Key == act {
				found = true
				if a.Role != privacy.Controller {
					t.Errorf("%s: activity %s is not HMS's as controller", key, act)
				}
				if a.Purpose.NL == "" || a.Basis.EN == "" || a.Retention.NL == "" || a.Recipients.EN == "" {
					t.Errorf("%s: activity %s lacks words", key, act)
				}
			}
		}
		if !found {
			t.Errorf("%s: no activity %s in the register", key, act)
		}
	}
}
