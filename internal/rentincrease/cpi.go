package rentincrease

import (
	"errors"
	"io"
	"math/big"
	"regexp"
	"strings"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/csvfile"
)

// CPIPoint is one figure of a price index series.
type CPIPoint struct {
	Series string
	Month  civil.Month
	Value  string // exact decimal, "." separated: "128.4"
}

// CellError is what is wrong with one cell of an imported file.
type CellError = csvfile.CellError

var seriesRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._()=-]{0,39}$`)

// maxCPIFile caps an uploaded series file.
const maxCPIFile = 2 << 20

// readLines reads a CPI or caps file (csvfile: ';', ',' or tab, quoted
// cells) and returns its rows without the empty ones, or the whole-file
// problem in the words of the CPI page.
func readLines(r io.Reader) ([]csvfile.Row, []CellError) {
	f, err := csvfile.Read(r, csvfile.Options{MaxSize: maxCPIFile})
	var le *csvfile.LineError
	switch {
	case errors.As(err, &le):
		return nil, []CellError{{Line: le.Line, Reason: "rentincrease.cpi.fields"}}
	case errors.Is(err, csvfile.ErrNotUTF8):
		return nil, []CellError{{Line: 1, Reason: "rentincrease.cpi.not_text"}}
	case err != nil:
		return nil, []CellError{{Line: 1, Reason: "rentincrease.cpi.file_too_large"}}
	}
	rows := f.Rows[:0]
	for _, row := range f.Rows {
		if !row.Blank() || len(row.Cells) > 1 {
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// ParseCPI reads a CPI file: one figure a line, "series;month;index"
// (CPI-2015;2025-01;128,4). A header line is skipped; ';', ',' or a tab
// separates (csvfile.Read), cells may be quoted. Decimals may be written
// with ',' or '.'. Every line is checked; nothing is returned unless all pass.
func ParseCPI(r io.Reader) ([]CPIPoint, []CellError) {
	rows, errs := readLines(r)
	if errs != nil {
		return nil, errs
	}
	var out []CPIPoint
	seen := map[string]int{}
	for _, row := range rows {
		line, f := row.Line, row.Cells
		if line == 1 && isHeader(f) {
			continue
		}
		if len(f) != 3 {
			errs = append(errs, CellError{Line: line, Reason: "rentincrease.cpi.fields"})
			continue
		}
		p := CPIPoint{Series: f[0]}
		bad := false
		if !seriesRe.MatchString(p.Series) {
			errs = append(errs, CellError{Line: line, Column: "series", Reason: "rentincrease.cpi.series_invalid"})
			bad = true
		}
		m, err := civil.ParseMonth(f[1])
		if err != nil {
			errs = append(errs, CellError{Line: line, Column: "month", Reason: "rentincrease.cpi.month_invalid"})
			bad = true
		}
		p.Month = m
		v, ok := parseIndex(f[2])
		if !ok {
			errs = append(errs, CellError{Line: line, Column: "index", Reason: "rentincrease.cpi.index_invalid"})
			bad = true
		}
		p.Value = v
		if bad {
			continue
		}
		key := p.Series + "|" + p.Month.String()
		if _, dup := seen[key]; dup {
			errs = append(errs, CellError{Line: line, Column: "month", Reason: "rentincrease.cpi.duplicate"})
			continue
		}
		seen[key] = line
		out = append(out, p)
	}
	if len(errs) == 0 && len(out) == 0 {
		errs = append(errs, CellError{Line: 1, Reason: "rentincrease.cpi.empty"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func isHeader(f []string) bool {
	h := strings.ToLower(f[0])
	return h == "series" || h == "reeks" || h == "serie"
}

var indexRe = regexp.MustCompile(`^\d{1,6}([.,]\d{1,4})?$`)

// parseIndex reads a positive index figure with at most 4 decimals, with
// ',' or '.' as the decimal separator, into its "." form.
func parseIndex(s string) (string, bool) {
	s, ok := csvfile.Decimal(s)
	if !ok || !indexRe.MatchString(s) {
		return "", false
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() <= 0 {
		return "", false
	}
	return s, true
}

func ratOf(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil
	}
	return r
}

// roundCents rounds a non-negative number of cents half up to whole cents.
func roundCents(r *big.Rat) money.Cents {
	num := new(big.Int).Mul(r.Num(), big.NewInt(2))
	num.Add(num, r.Denom())
	den := new(big.Int).Mul(r.Denom(), big.NewInt(2))
	q := new(big.Int).Div(num, den) // floor for positive denominators
	return money.Cents(q.Int64())
}

// rateOf is (n − old) / old as a Rate, rounded half up to 0.0001%.
func rateOf(old, n money.Cents) money.Rate {
	if old == 0 {
		return 0
	}
	r := new(big.Rat).SetFrac64(int64(n-old)*1_000_000, int64(old))
	neg := r.Sign() < 0
	if neg {
		r.Neg(r)
	}
	v := roundCents(r)
	if neg {
		v = -v
	}
	return money.Rate(v)
}

// indexed is old × ratio + old × points, rounded half up to the cent, for
// the CPI method: ratio is CPI[t−lag] / CPI[t−lag−12].
func indexed(old money.Cents, ratio *big.Rat, points money.Rate, floorZero bool) money.Cents {
	f := new(big.Rat).Add(ratio, big.NewRat(int64(points), 1_000_000))
	if floorZero && f.Cmp(big.NewRat(1, 1)) < 0 {
		return old
	}
	v := new(big.Rat).Mul(new(big.Rat).SetInt64(int64(old)), f)
	if v.Sign() < 0 {
		return 0
	}
	return roundCents(v)
}
