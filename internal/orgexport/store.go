package orgexport

import (
	"archive/zip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/platform/csvsafe"
	"hms/internal/platform/db"
	"hms/internal/privacy"
)

// Tables lists the tables that hold an organisation's rows (db.OrgTables).
func Tables(ctx context.Context, tx *db.Tx) ([]string, error) { return db.OrgTables(ctx, tx) }

// batch is how many rows are read at a time for tables whose rows are
// opened through another read path (relations), which cannot run while a
// result set is open on the same connection.
const batch = 200

func (s *Service) table(ctx context.Context, tx *db.Tx, actor account.Actor, zw *zip.Writer, t string) (Table, error) {
	tab := Table{Name: t}
	people := t == "relations" && s.person != nil
	texts := textSealed(t)
	// Two passes over the rows: JSON, then CSV (a zip holds one open file).
	for pass := 0; pass < 2; pass++ {
		name := "json/" + t + ".json"
		if pass == 1 {
			name = "csv/" + t + ".csv"
		}
		f, err := zw.Create(name)
		if err != nil {
			return tab, fmt.Errorf("orgexport: %s: %w", name, err)
		}
		n, omitted, err := s.rows(ctx, tx, actor, t, people, texts, f, pass == 1)
		if err != nil {
			return tab, fmt.Errorf("orgexport: %s: %w", name, err)
		}
		tab.Rows, tab.Omitted = n, omitted
	}
	return tab, nil
}

// personColumns are the decrypted fields added to relations, from the
// relation's subject-rights export (privacy.field.<name>).
var personColumns = []string{"name", "initials", "first_names", "surname", "birth_date", "birth_place", "nationality",
	"company", "kvk", "btw", "address", "email", "phone", "iban", "link", "erased_at"}

func (s *Service) rows(ctx context.Context, tx *db.Tx, actor account.Actor, t string, people bool, texts []Sealed,
	f io.Writer, asCSV bool) (int, []string, error) {
	// Rows whose cells are opened through another read path are read a
	// batch at a time: no query can run while a result set is open.
	batched := people || len(texts) > 0
	var (
		jw    = f
		cw    *csv.Writer
		n     int
		cols  []string
		keep  []int
		omit  []string
		after any // relations: the last id read
	)
	if asCSV {
		cw = csv.NewWriter(f)
	} else if _, err := io.WriteString(jw, "[\n"); err != nil {
		return 0, nil, err
	}
	for {
		q := `SELECT * FROM ` + t + ` WHERE org_id = ` + tx.Params(1, 1)
		args := []any{tx.OrgID()}
		if batched {
			q += ` AND id > ` + tx.Params(2, 1) + ` ORDER BY id LIMIT ` + strconv.Itoa(batch)
			if after == nil {
				after = int64(0)
			}
			args = append(args, after)
		}
		rs, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return 0, nil, err
		}
		all, err := rs.Columns()
		if err != nil {
			rs.Close()
			return 0, nil, err
		}
		var pageVals [][]any
		read := 0
		for rs.Next() {
			vals := make([]any, len(all))
			ptrs := make([]any, len(all))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				rs.Close()
				return 0, nil, err
			}
			if cols == nil {
				cols, keep, omit = choose(all, vals)
				cols, keep = replaced(cols, keep, texts)
				if people {
					cols = append(cols, personColumns...)
				}
				for _, sc := range texts {
					cols = append(cols, sc.Name)
				}
				if asCSV {
					if err := cw.Write(cols); err != nil {
						rs.Close()
						return 0, nil, err
					}
				}
			}
			read++
			if batched {
				after = vals[indexOf(all, "id")]
				pageVals = append(pageVals, vals)
				continue
			}
			if err := emit(jw, cw, cols, cellsOf(vals, keep), n); err != nil {
				rs.Close()
				return 0, nil, err
			}
			n++
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return 0, nil, err
		}
		for _, vals := range pageVals {
			cells := cellsOf(vals, keep)
			if people {
				extra, err := s.personFields(ctx, tx, actor, vals[indexOf(all, "id")])
				if err != nil {
					return 0, nil, err
				}
				for _, c := range personColumns {
					cells = append(cells, extra[c])
				}
			}
			for _, sc := range texts {
				id, _ := vals[indexOf(all, "id")].(int64)
				data, _, err := s.open(ctx, tx, sc, id)
				if err != nil {
					return 0, nil, err
				}
				cells = append(cells, string(data))
			}
			if err := emit(jw, cw, cols, cells, n); err != nil {
				return 0, nil, err
			}
			n++
		}
		if !batched || read < batch {
			break
		}
	}
	if cols == nil && asCSV {
		// No rows: the header still names the columns.
		names, err := columnNames(ctx, tx, t)
		if err != nil {
			return 0, nil, err
		}
		for _, c := range names {
			if !lookupColumn(c) && !slices.ContainsFunc(texts, func(sc Sealed) bool { return sc.Name == c }) {
				cols = append(cols, c)
			}
		}
		for _, sc := range texts {
			cols = append(cols, sc.Name)
		}
		if err := cw.Write(cols); err != nil {
			return 0, nil, err
		}
	}
	if asCSV {
		cw.Flush()
		return n, omit, cw.Error()
	}
	_, err := io.WriteString(jw, "\n]\n")
	return n, omit, err
}

func columnNames(ctx context.Context, tx *db.Tx, t string) ([]string, error) {
	rs, err := tx.QueryContext(ctx, `SELECT * FROM `+t+` WHERE 1 = 0`)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	return rs.Columns()
}

func indexOf(cols []string, c string) int {
	for i, n := range cols {
		if n == c {
			return i
		}
	}
	return 0
}

// choose keeps the columns that hold readable data: not look-up keys and
// not ciphertext (a byte value).
func choose(all []string, vals []any) (cols []string, keep []int, omit []string) {
	for i, c := range all {
		if _, bytes := vals[i].([]byte); (bytes && !textual(vals[i].([]byte))) || lookupColumn(c) {
			omit = append(omit, c)
			continue
		}
		cols = append(cols, c)
		keep = append(keep, i)
	}
	return cols, keep, omit
}

// textual reports whether a byte value is text (PostgreSQL's driver and
// SQLite give some text columns as bytes).
func textual(b []byte) bool {
	for _, c := range b {
		if c < 0x09 || c == 0x7f || (c > 0x0d && c < 0x20) {
			return false
		}
	}
	return utf8.Valid(b)
}

// replaced leaves out the plain columns an opened text column takes the
// place of (ledger_payments.reference, plain before migration 00048 and
// empty since: the export shows the opened text under that name).
func replaced(cols []string, keep []int, texts []Sealed) ([]string, []int) {
	var c2 []string
	var k2 []int
	for i, c := range cols {
		if !slices.ContainsFunc(texts, func(sc Sealed) bool { return sc.Name == c }) {
			c2, k2 = append(c2, c), append(k2, keep[i])
		}
	}
	return c2, k2
}

func cellsOf(vals []any, keep []int) []string {
	out := make([]string, 0, len(keep)+len(personColumns))
	for _, i := range keep {
		out = append(out, cell(vals[i]))
	}
	return out
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		if textual(x) {
			return string(x)
		}
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	default:
		return fmt.Sprint(x)
	}
}

// emit writes one row to the JSON array or the CSV file.
func emit(jw io.Writer, cw *csv.Writer, cols, cells []string, n int) error {
	if cw != nil {
		return cw.Write(csvsafe.Row(cells))
	}
	obj := make(map[string]string, len(cols))
	for i, c := range cols {
		obj[c] = cells[i]
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	if n > 0 {
		if _, err := io.WriteString(jw, ",\n"); err != nil {
			return err
		}
	}
	_, err = jw.Write(b)
	return err
}

// personFields opens a relation's sealed fields through the relation's own
// subject-rights export.
func (s *Service) personFields(ctx context.Context, tx *db.Tx, actor account.Actor, id any) (map[string]string, error) {
	pid, ok := id.(int64)
	if !ok {
		return nil, fmt.Errorf("relation id %v is not a number", id)
	}
	secs, err := s.person.Export(ctx, tx, actor, pid)
	if err != nil {
		return nil, fmt.Errorf("open relation %d: %w", pid, err)
	}
	name, _, err := s.person.Subject(ctx, tx, pid)
	if err != nil {
		return nil, fmt.Errorf("open relation %d: %w", pid, err)
	}
	out := map[string]string{"name": name}
	for _, sec := range secs {
		for _, rec := range sec.Records {
			if len(rec) < 2 || !strings.HasPrefix(rec[0].Word, "privacy.field.") {
				continue
			}
			k := strings.TrimPrefix(rec[0].Word, "privacy.field.")
			v := valueText(rec[1])
			if out[k] != "" {
				v = out[k] + "; " + v
			}
			out[k] = v
		}
	}
	return out, nil
}

func valueText(v privacy.Value) string {
	switch {
	case v.Amount != nil:
		return v.Amount.String()
	case !v.Day.IsZero():
		return v.Day.String()
	case !v.At.IsZero():
		return v.At.UTC().Format(time.RFC3339)
	case v.Word != "":
		return v.Word
	}
	return v.Text
}
