// Package csvfile reads and writes the CSV files people exchange with HMS:
// rent rolls, cost entries, CPI series and rent caps in, every list out.
//
// Reading takes what spreadsheet programs save: UTF-8 with or without a
// byte-order mark, ';' (Dutch Excel), ',' or a tab between the cells, quoted
// cells (with the separator, a quote or a line break inside). Writing gives
// what Dutch spreadsheet programs open correctly, with formula cells
// defused (csvsafe), and the reader takes the defusing off again.
package csvfile

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"hms/internal/platform/csvsafe"
)

// Options say how a file is read.
type Options struct {
	MaxSize int64 // bytes; a longer file is ErrTooLarge
	// Comment, when set, starts a line that is skipped (the shipped caps
	// table documents itself in '#' lines).
	Comment rune
	// Undo takes back the apostrophe the writer puts before a formula cell,
	// for files HMS exports and imports again.
	Undo bool
}

// File is a CSV file as read: its rows in file order.
type File struct {
	Separator rune
	Rows      []Row
}

// Row is one record of the file.
type Row struct {
	Line  int      // 1-based line of the file the record starts on
	Cells []string // with surrounding white space removed
}

// Blank reports whether every cell of the row is empty.
func (r Row) Blank() bool {
	for _, c := range r.Cells {
		if c != "" {
			return false
		}
	}
	return true
}

// Cell is cell i of the row, or "" when the row is shorter.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// Whole-file problems. Each import names them in its own words (message
// ids of its catalog), so Read returns these and the caller translates.
var (
	ErrTooLarge  = errors.New("csvfile: file too large")
	ErrNotUTF8   = errors.New("csvfile: not UTF-8 text")
	ErrMalformed = errors.New("csvfile: not valid CSV")
)

// LineError is a line that is not valid CSV (a quote that is not closed, a
// stray quote in an unquoted cell). It wraps ErrMalformed.
type LineError struct {
	Line int
	Err  error // what encoding/csv found
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return ErrMalformed }

// Read reads a whole CSV file. The separator is the one of ';', tab and ','
// that occurs most often outside quotes in the first line that is not
// empty or a comment (';' wins a tie: it is what Dutch Excel writes, and
// ',' is the decimal separator there). Rows may have different numbers of
// cells; empty lines are left out, rows of empty cells are not (Blank).
func Read(r io.Reader, o Options) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, o.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if int64(len(data)) > o.MaxSize {
		return nil, ErrTooLarge
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, ErrNotUTF8
	}
	f := &File{Separator: Sniff(firstLine(data, o.Comment))}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = f.Separator
	cr.Comment = o.Comment
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return f, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &LineError{Line: pe.Line, Err: pe.Err}
			}
			return nil, fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		row := Row{Line: line, Cells: make([]string, len(rec))}
		for i, c := range rec {
			c = strings.TrimSpace(c)
			if o.Undo {
				c = csvsafe.Undo(c)
			}
			row.Cells[i] = c
		}
		f.Rows = append(f.Rows, row)
	}
}

// firstLine is the first line that is neither empty nor a comment.
func firstLine(data []byte, comment rune) string {
	for l := range bytes.Lines(data) {
		s := strings.TrimSpace(string(l))
		if s == "" || (comment != 0 && strings.HasPrefix(string(l), string(comment))) {
			continue
		}
		return s
	}
	return ""
}

// Sniff picks the separator of a line: the most frequent of ';', tab and
// ',' outside double quotes, ';' then tab on a tie, ',' when there is none.
func Sniff(line string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted:
			counts[r]++
		}
	}
	best := ','
	for _, sep := range []rune{'\t', ';'} {
		if counts[sep] > 0 && counts[sep] >= counts[best] {
			best = sep
		}
	}
	return best
}

// Decimal reads a plain decimal number written with ',' or '.' as the
// decimal separator (files from Dutch and English spreadsheets alike; no
// thousands separators) into its '.' form. It checks the form only: the
// caller bounds the digits.
func Decimal(s string) (string, bool) {
	s = strings.TrimSpace(s)
	whole, frac, hasSep := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || (hasSep && frac == "") || !digits(whole) || !digits(frac) {
		return "", false
	}
	if !hasSep {
		return whole, true
	}
	return whole + "." + frac, true
}

func digits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// CellError is what is wrong where in an imported file: the line (1 is the
// first line of the file), the column as the file or the format names it
// ("" for the whole line or file) and a message id of the caller's catalog.
type CellError struct {
	Line   int    `json:"line"`
	Column string `json:"column"`
	Reason string `json:"reason"`
}

func (e CellError) Error() string { return fmt.Sprintf("line %d, %s: %s", e.Line, e.Column, e.Reason) }
