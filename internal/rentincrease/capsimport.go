package rentincrease

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
)

// A caps file sets the organisation's own maximums, as the caps page does
// one at a time: when a year's maximum is published before HMS ships it
// (DOMAIN §4.1: caps are versioned data), a landlord enters it here.
// One cap a line, "segment;year;percent;source":
//
//	sociaal;2027;3,5;https://www.rijksoverheid.nl/…
//
// segment is sociaal, middenhuur or vrije_sector (also "sociale huur" and
// "vrije sector"); year is the cap year (sociaal: from 1 July of it, the
// others the calendar year). A header line is skipped; ';', ',' or a tab
// separates (csvfile.Read), cells may be quoted.

// CapLine is one checked line of a caps file.
type CapLine struct {
	Segment portfolio.Segment
	Year    int
	Percent string // as written; checked
	Source  string
}

var segmentWords = map[string]portfolio.Segment{
	"sociaal": portfolio.SegmentSociaal, "sociale huur": portfolio.SegmentSociaal, "middenhuur": portfolio.SegmentMiddenhuur,
	"vrije_sector": portfolio.SegmentVrij, "vrije sector": portfolio.SegmentVrij, "vrij": portfolio.SegmentVrij,
}

// ParseCaps reads a caps file; every line is checked, with the same rules
// as the caps page, and nothing is returned unless all pass.
func ParseCaps(r io.Reader) ([]CapLine, []CellError) {
	rows, errs := readLines(r)
	if errs != nil {
		return nil, errs
	}
	var out []CapLine
	seen := map[string]bool{}
	for _, row := range rows {
		line, f := row.Line, row.Cells
		if line == 1 && strings.EqualFold(f[0], "segment") {
			continue
		}
		if len(f) != 4 {
			errs = append(errs, CellError{Line: line, Reason: "rentincrease.caps.fields"})
			continue
		}
		seg, ok := segmentWords[strings.ToLower(f[0])]
		if !ok {
			seg = portfolio.Segment(f[0]) // named as invalid below
		}
		year, err := strconv.Atoi(f[1])
		if err != nil {
			year = -1
		}
		if strings.TrimSpace(f[2]) == "" {
			// On the page an empty percentage removes an override; a file
			// only sets them.
			errs = append(errs, CellError{Line: line, Column: "percent", Reason: "rentincrease.percent.invalid"})
		}
		_, _, fe := checkCap(seg, year, f[2], f[3])
		for _, col := range []string{"segment", "year", "percent", "source"} {
			reason := fe[col]
			if reason == "field.invalid" {
				reason = "rentincrease.caps." + col + "_invalid" // the page's words fit a form field, not a file
			}
			if reason != "" && (col != "percent" || strings.TrimSpace(f[2]) != "") {
				errs = append(errs, CellError{Line: line, Column: col, Reason: reason})
			}
		}
		if len(fe) > 0 || strings.TrimSpace(f[2]) == "" {
			continue
		}
		key := fmt.Sprint(seg, year)
		if seen[key] {
			errs = append(errs, CellError{Line: line, Column: "year", Reason: "rentincrease.caps.duplicate"})
			continue
		}
		seen[key] = true
		out = append(out, CapLine{Segment: seg, Year: year, Percent: f[2], Source: f[3]})
	}
	if len(errs) == 0 && len(out) == 0 {
		errs = append(errs, CellError{Line: 1, Reason: "rentincrease.caps.empty"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// ImportCaps reads a caps file (see ParseCaps) and stores its maximums as
// the organisation's own, in one transaction: nothing is written unless
// every line passes, and importing the same file again changes nothing.
func (s *Service) ImportCaps(ctx context.Context, a account.Actor, r io.Reader) (ImportResult, []CellError, error) {
	var res ImportResult
	if !a.Can(account.PermFinanceWrite) {
		return res, nil, validation.ErrForbidden
	}
	lines, errs := ParseCaps(r)
	if len(errs) > 0 {
		return res, errs, validation.Errors{"file": "rentincrease.cpi.file_invalid"}
	}
	res.Lines = len(lines)
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		have, err := loadOverrides(ctx, tx)
		if err != nil {
			return err
		}
		var years []string
		for _, l := range lines {
			o, _, _ := checkCap(l.Segment, l.Year, l.Percent, l.Source)
			i := slices.IndexFunc(have, func(h override) bool { return h.Segment == o.Segment && h.Year == o.Year })
			switch {
			case i >= 0 && have[i].Percent == o.Percent && have[i].Source == o.Source:
				res.Unchanged++
				continue
			case i >= 0:
				res.Changed++
			default:
				res.Added++
			}
			if err := s.saveCap(ctx, tx, a, o, false); err != nil {
				return err
			}
			years = append(years, fmt.Sprintf("%s:%d", o.Segment, o.Year))
		}
		if res.Added+res.Changed == 0 {
			return nil
		}
		return s.record(ctx, tx, a, "rentincrease.caps_imported", "organisation", tx.OrgID(), map[string]string{
			"caps": strings.Join(years, ","), "added": fmt.Sprint(res.Added), "changed": fmt.Sprint(res.Changed)})
	})
	return res, nil, err
}
