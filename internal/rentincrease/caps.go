package rentincrease

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/csvfile"
	"hms/internal/portfolio"
)

// The legal maximum increases are data, not code (DOMAIN.md §4.1): they
// change every year and some are not settled, so they ship as a table that
// an organisation can override per segment and year.
//
//go:embed caps.csv
var capsCSV []byte

// Cap is the legal maximum yearly increase of the kale huur of one segment
// for effective dates From..To.
type Cap struct {
	Segment portfolio.Segment
	From    civil.Date
	To      civil.Date
	Percent money.Rate
	// When the old bare rent is below LowRentBelow, the increase may be up
	// to LowRentMax instead of the percentage, if that is more (sociaal
	// from 1 July 2026: rent below €350 → at most €25).
	LowRentBelow money.Cents
	LowRentMax   money.Cents
	Rule         string
	Source       string
	// Override is set when the organisation set this percentage itself.
	Override bool
}

// Year is the cap year: the calendar year its period starts in.
func (c Cap) Year() int { return c.From.Year }

// MaxIncrease is the largest increase of old that the cap allows.
func (c Cap) MaxIncrease(old money.Cents) money.Cents {
	inc := money.ApplyRate(old, c.Percent)
	if c.LowRentBelow > 0 && old < c.LowRentBelow && c.LowRentMax > inc {
		inc = c.LowRentMax
	}
	return inc
}

// CapSegments are the segments that have a legal maximum; commercial leases
// are indexed by their contract instead.
var CapSegments = []portfolio.Segment{portfolio.SegmentSociaal, portfolio.SegmentMiddenhuur, portfolio.SegmentVrij}

// capPeriod is the period of a segment's cap year: social rents change on 1
// July, the middle segment and the free sector per calendar year.
func capPeriod(seg portfolio.Segment, year int) (civil.Date, civil.Date) {
	if seg == portfolio.SegmentSociaal {
		return civil.New(year, 7, 1), civil.New(year+1, 6, 30)
	}
	return civil.New(year, 1, 1), civil.New(year, 12, 31)
}

// capYear is the cap year an effective date falls in for a segment.
func capYear(seg portfolio.Segment, d civil.Date) int {
	if seg == portfolio.SegmentSociaal && d.Month < 7 {
		return d.Year - 1
	}
	return d.Year
}

// builtinCaps is the parsed caps.csv.
var builtinCaps = mustParseCaps(capsCSV)

func mustParseCaps(b []byte) []Cap {
	cs, err := parseCaps(b)
	if err != nil {
		panic(err)
	}
	return cs
}

func parseCaps(b []byte) ([]Cap, error) {
	f, err := csvfile.Read(bytes.NewReader(b), csvfile.Options{MaxSize: int64(len(b)), Comment: '#'})
	if err != nil {
		return nil, fmt.Errorf("caps.csv: %w", err)
	}
	var out []Cap
	for i, row := range f.Rows {
		rec := row.Cells
		if i == 0 {
			continue // header
		}
		if len(rec) != 8 {
			return nil, fmt.Errorf("caps.csv line %d: %d fields", row.Line, len(rec))
		}
		c := Cap{Segment: portfolio.Segment(rec[0]), Rule: rec[6], Source: rec[7]}
		if !c.Segment.Valid() || c.Segment == portfolio.SegmentCommercieel {
			return nil, fmt.Errorf("caps.csv line %d: segment %q", row.Line, rec[0])
		}
		if c.From, err = civil.Parse(rec[1]); err != nil {
			return nil, fmt.Errorf("caps.csv line %d: %w", row.Line, err)
		}
		if c.To, err = civil.Parse(rec[2]); err != nil {
			return nil, fmt.Errorf("caps.csv line %d: %w", row.Line, err)
		}
		if c.Percent, err = money.ParseRate(rec[3]); err != nil {
			return nil, fmt.Errorf("caps.csv line %d: %w", row.Line, err)
		}
		if strings.TrimSpace(rec[4]) != "" {
			if c.LowRentBelow, err = money.Parse(rec[4]); err != nil {
				return nil, fmt.Errorf("caps.csv line %d: %w", row.Line, err)
			}
			if c.LowRentMax, err = money.Parse(rec[5]); err != nil {
				return nil, fmt.Errorf("caps.csv line %d: %w", row.Line, err)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// BuiltinCaps returns the shipped table (a copy).
func BuiltinCaps() []Cap { return append([]Cap(nil), builtinCaps...) }

// override is an organisation's own percentage for a segment and year.
type override struct {
	Segment portfolio.Segment
	Year    int
	Percent money.Rate
	Source  string
}

// capFor finds the cap of seg for effective date d: the organisation's
// override of that cap year, else the shipped row covering d.
func capFor(seg portfolio.Segment, d civil.Date, overrides []override) (Cap, bool) {
	var base Cap
	found := false
	for _, c := range builtinCaps {
		if c.Segment == seg && !d.Before(c.From) && !d.After(c.To) {
			base, found = c, true
			break
		}
	}
	year := capYear(seg, d)
	for _, o := range overrides {
		if o.Segment == seg && o.Year == year {
			from, to := capPeriod(seg, year)
			c := Cap{Segment: seg, From: from, To: to, Percent: o.Percent, Source: o.Source, Override: true}
			if found && base.From == from {
				// The amount rule of the shipped row stays with its year.
				c.LowRentBelow, c.LowRentMax, c.Rule = base.LowRentBelow, base.LowRentMax, base.Rule
			}
			return c, true
		}
	}
	return base, found
}

// CapRow is a line of the caps overview: the shipped row and the
// organisation's override of the same segment and year, if any.
type CapRow struct {
	Cap
	Builtin *Cap // the shipped row when Cap is an override of it
}

// capTable merges the shipped caps with overrides, by segment then year.
func capTable(overrides []override) []CapRow {
	var out []CapRow
	used := map[string]bool{}
	key := func(s portfolio.Segment, y int) string { return fmt.Sprint(s, y) }
	for _, seg := range CapSegments {
		var years []int
		for _, c := range builtinCaps {
			if c.Segment == seg {
				years = append(years, c.From.Year)
			}
		}
		for _, o := range overrides {
			if o.Segment == seg && !slices.Contains(years, o.Year) {
				years = append(years, o.Year)
			}
		}
		slices.Sort(years)
		for _, y := range years {
			from, _ := capPeriod(seg, y)
			c, _ := capFor(seg, from, overrides)
			row := CapRow{Cap: c}
			if c.Override {
				for _, b := range builtinCaps {
					if b.Segment == seg && b.From == from {
						b := b
						row.Builtin = &b
					}
				}
			}
			if !used[key(seg, y)] {
				used[key(seg, y)] = true
				out = append(out, row)
			}
		}
	}
	return out
}
