package importer

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"hms/internal/platform/csvfile"
)

// Column is one known column of the rent-roll file: its canonical (English)
// key and the Dutch header that means the same.
type Column struct {
	Key, Dutch string
	Required   bool   // required whenever its group is present
	Group      string // "unit", "tenant" or "lease"
	Help       string // documentation (English), shown in docs and on the upload page
}

// Columns documents the file format. A row always describes a unit; tenant
// and lease columns are optional per row (a vacant unit leaves them empty).
var Columns = []Column{
	{"complex", "complex", false, "unit", "name of the complex the unit belongs to (created when new)"},
	{"street", "straat", true, "unit", "street name"},
	{"house_number", "huisnummer", true, "unit", "house number (digits)"},
	{"addition", "toevoeging", false, "unit", "house number addition, e.g. A or 2-hoog"},
	{"postcode", "postcode", true, "unit", "Dutch postcode, 1234 AB"},
	{"city", "plaats", true, "unit", "city"},
	{"unit_type", "type", true, "unit", "zelfstandig, onzelfstandig (kamer), bedrijfsruimte, parkeerplaats or berging"},
	{"floor_area", "oppervlakte", false, "unit", "floor area in m², Dutch or plain decimals (45,5 or 45.5)"},
	{"rooms", "kamers", false, "unit", "number of rooms"},
	{"segment", "segment", false, "unit", "sociaal, middenhuur, vrije sector or commercieel"},
	{"energy_label", "energielabel", false, "unit", "A++++ … G"},
	{"wws_points", "wws_punten", false, "unit", "WWS points"},
	{"tenant_ref", "huurder_nummer", true, "tenant", "your own reference for the tenant (debtor number); the key for re-imports"},
	{"tenant_initials", "voorletters", false, "tenant", "initials, e.g. J.P."},
	{"tenant_first_name", "voornamen", false, "tenant", "first name(s)"},
	{"tenant_prefix", "tussenvoegsel", false, "tenant", "surname prefix, e.g. van der"},
	{"tenant_surname", "achternaam", true, "tenant", "surname"},
	{"tenant_email", "email", false, "tenant", "e-mail address"},
	{"tenant_phone", "telefoon", false, "tenant", "phone number"},
	{"tenant_iban", "iban", false, "tenant", "IBAN"},
	{"tenant_birth_date", "geboortedatum", false, "tenant", "birth date, 1-3-1980 or 1980-03-01"},
	{"lease_ref", "contractnummer", true, "lease", "lease reference; the key for re-imports"},
	{"lease_start", "ingangsdatum", true, "lease", "start date"},
	{"lease_end", "einddatum", false, "lease", "end date, empty for indefinite"},
	{"bare_rent", "kale_huur", true, "lease", "monthly bare rent in euro, e.g. 812,50"},
	{"service_costs", "servicekosten", false, "lease", "monthly service-cost advance in euro"},
	{"deposit", "waarborgsom", false, "lease", "deposit in euro"},
	{"payment_method", "betaalwijze", false, "lease", "incasso (direct debit) or overboeking (transfer)"},
	{"due_day", "vervaldag", false, "lease", "day of the month rent is due, 1–28"},
}

// MaxFileSize bounds an upload; a rent roll of 100,000 rows is about 20 MB.
const MaxFileSize = 64 << 20

// Record is one data line of the file, by canonical column key.
type Record struct {
	Line   int // 1-based line number in the file (the header is line 1)
	Fields map[string]string
}

// Has reports whether any column of group is filled in.
func (r Record) Has(group string) bool {
	for _, c := range Columns {
		if c.Group == group && r.Fields[c.Key] != "" {
			return true
		}
	}
	return false
}

// CellError says what is wrong where: the column as the header is written
// in the file ("" for the whole line), the reason a message id of the
// importer catalog.
type CellError = csvfile.CellError

// ErrFormat is a file that cannot be read as a rent roll at all.
var ErrFormat = errors.New("importer: not a readable CSV rent roll")

// FormatError says why a file is not a readable rent roll, as a message id
// of the import catalog with its arguments (shown in the page's language)
// and English text (the command line). It wraps ErrFormat.
type FormatError struct {
	ID   string
	Args map[string]string
	text string
}

func (e *FormatError) Error() string { return ErrFormat.Error() + ": " + e.text }
func (e *FormatError) Unwrap() error { return ErrFormat }

func formatErr(id, text string, args ...string) error {
	m := map[string]string{}
	for i := 0; i+1 < len(args); i += 2 {
		m[args[i]] = args[i+1]
	}
	return &FormatError{ID: id, Args: m, text: text}
}

// Parse reads a rent-roll CSV (csvfile.Read: UTF-8 with or without
// byte-order mark, separated by ';', ',' or a tab), headers in Dutch
// or English in any order and case. It returns the records and, for the
// header, the header as written per key (to name columns in errors).
func Parse(r io.Reader) ([]Record, map[string]string, error) {
	return parseWith(r, Columns, func(c Column) bool { return c.Group == "unit" && c.Required })
}

// parseWith reads a file of the columns cols; the columns required says
// must be in the header.
func parseWith(r io.Reader, cols []Column, required func(Column) bool) ([]Record, map[string]string, error) {
	// Undo: the demo rent roll is written by csvfile.Write, which defuses.
	f, err := csvfile.Read(r, csvfile.Options{MaxSize: MaxFileSize, Undo: true})
	var le *csvfile.LineError
	switch {
	case errors.Is(err, csvfile.ErrTooLarge):
		return nil, nil, formatErr("import.format.too_large", fmt.Sprintf("larger than %d MB", MaxFileSize>>20),
			"MB", fmt.Sprint(MaxFileSize>>20))
	case errors.Is(err, csvfile.ErrNotUTF8):
		return nil, nil, formatErr("import.format.not_utf8", "not UTF-8 (save the file as CSV UTF-8)")
	case errors.As(err, &le) && le.Line > 1:
		return nil, nil, formatErr("import.format.bad_line", le.Error(), "Line", fmt.Sprint(le.Line))
	case errors.As(err, &le):
		return nil, nil, formatErr("import.format.no_header", "no header line")
	case err != nil:
		return nil, nil, err // the reader failed, not the file
	}
	if len(f.Rows) == 0 {
		return nil, nil, formatErr("import.format.no_header", "no header line")
	}
	header := f.Rows[0].Cells
	keys := make([]string, len(header))
	written := map[string]string{}
	var unknown []string
	for i, h := range header {
		key := columnKey(h, cols)
		if key == "" {
			if strings.TrimSpace(h) != "" {
				unknown = append(unknown, strings.TrimSpace(h))
			}
			continue
		}
		if _, dup := written[key]; dup {
			return nil, nil, formatErr("import.format.duplicate_column", fmt.Sprintf("column %q appears twice", h), "Column", strings.TrimSpace(h))
		}
		keys[i] = key
		written[key] = strings.TrimSpace(h)
	}
	if len(unknown) > 0 {
		return nil, nil, formatErr("import.format.unknown_columns", "unknown columns "+strings.Join(unknown, ", "),
			"Columns", strings.Join(unknown, ", "))
	}
	for _, c := range cols {
		if required(c) {
			if _, ok := written[c.Key]; !ok {
				return nil, nil, formatErr("import.format.missing_column", fmt.Sprintf("required column %s (%s) is missing", c.Dutch, c.Key),
					"Column", c.Dutch, "Key", c.Key)
			}
		}
	}
	var recs []Record
	for _, row := range f.Rows[1:] {
		rec := Record{Line: row.Line, Fields: map[string]string{}}
		empty := true
		for i, v := range row.Cells {
			if i < len(keys) && keys[i] != "" {
				rec.Fields[keys[i]] = v
				if v != "" {
					empty = false
				}
			}
		}
		if !empty {
			recs = append(recs, rec)
		}
	}
	return recs, written, nil
}

// columnKey maps a header (Dutch or English, any case, spaces or
// underscores) to its canonical key, or "".
func columnKey(h string, cols []Column) string {
	n := strings.ToLower(strings.TrimSpace(h))
	n = strings.NewReplacer(" ", "_", "-", "_", "é", "e").Replace(n)
	for _, c := range cols {
		if n == c.Key || n == c.Dutch {
			return c.Key
		}
	}
	return ""
}
