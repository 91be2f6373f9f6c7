package settlement

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// DefaultAdminFeePercent is the administration fee of a complex and year
// that has no percentage of its own (Huurcommissie: in general at most 5%,
// MaxAdminFeePercent).
const DefaultAdminFeePercent = "5"

// Meter kinds a key "meter" can read (portfolio meters).
var MeterKinds = []string{"gas", "electricity", "water", "heat"}

// Keys lists the keys a cost category can be divided by.
var Keys = []string{KeyEqual, KeyArea, KeyOccupants, KeyMeter, KeyShares, KeyGas3565}

// CategoryKey is the distribution key of one cost category in a complex and
// year.
type CategoryKey struct {
	Category     string
	Key          string
	Heating      bool
	FixedPercent string // heating: the part split by days ("" = 0; gas_35_65: 35)
	AdminFee     bool
	MeterKind    string           // key meter
	Shares       map[int64]string // key shares: weight per unit id
}

// YearSettings are the keys of a complex for a year with the
// administration-fee percentage and the occupants per unit.
type YearSettings struct {
	ComplexID       int64
	Year            int
	AdminFeePercent string // DefaultAdminFeePercent when never set
	KNMIStation     int    // the KNMI station of the degree days; 0: none
	Keys            []CategoryKey
	Occupants       map[int64]string // unit id → occupants; absent: 1
}

// KeyFor returns the key of a category, if any.
func (y *YearSettings) KeyFor(category string) (CategoryKey, bool) {
	for _, k := range y.Keys {
		if k.Category == category {
			return k, true
		}
	}
	return CategoryKey{}, false
}

func checkYear(y int, fe validation.Errors) {
	if y < 2000 || y > 2100 {
		fe.Add("year", "settlement.bad_year")
	}
}

// checkDecimal is a number of 0 or more with at most 6 decimals (max: upper
// bound, 0 for none); it returns the canonical text.
func checkDecimal(s string, max int64) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	d, ok := parseDecimal(s)
	if !ok || d.m.Sign() < 0 || d.scale > 6 || (max > 0 && ratCmp(d, max) > 0) {
		return "", false
	}
	return s, true
}

// Year reads the keys and settings of a complex for a year.
func (s *Service) Year(ctx context.Context, a account.Actor, complexID int64, year int) (*YearSettings, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	var out *YearSettings
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ok, err := complexExists(ctx, tx, complexID)
		if err != nil {
			return err
		}
		if !ok {
			return validation.ErrNotFound
		}
		out, err = loadYear(ctx, tx, complexID, year)
		return err
	})
	return out, err
}

// SetKey stores the key of a category for a complex and year (replacing the
// one before).
func (s *Service) SetKey(ctx context.Context, a account.Actor, complexID int64, year int, k CategoryKey) error {
	if err := canWrite(a); err != nil {
		return err
	}
	fe := validation.Errors{}
	checkYear(year, fe)
	k.Category = NormalizeCategory(k.Category)
	if k.Category == "" {
		fe.Add("category", "field.required")
	} else if !validCategory(k.Category) {
		fe.Add("category", "settlement.bad_category")
	}
	if !slices.Contains(Keys, k.Key) {
		fe.Add("key", "settlement.bad_key")
	}
	if k.Key == KeyGas3565 {
		k.Heating = true
	}
	if strings.TrimSpace(k.FixedPercent) != "" {
		p, ok := checkDecimal(k.FixedPercent, 100)
		switch {
		case !ok:
			fe.Add("fixed_percent", "settlement.bad_percent")
		case k.Key == KeyGas3565:
			if r, _ := parseDecimal(p); ratCmp(r, 35) != 0 {
				fe.Add("fixed_percent", "settlement.gas_fixed_35")
			}
			p = ""
		case !k.Heating:
			fe.Add("fixed_percent", "settlement.fixed_heating_only")
		}
		k.FixedPercent = p
	} else {
		k.FixedPercent = ""
	}
	if k.Key == KeyMeter {
		if !slices.Contains(MeterKinds, k.MeterKind) {
			fe.Add("meter_kind", "settlement.bad_meter_kind")
		}
	} else {
		k.MeterKind = ""
	}
	shares := map[int64]string{}
	if k.Key == KeyShares {
		for u, v := range k.Shares {
			if strings.TrimSpace(v) == "" {
				continue
			}
			c, ok := checkDecimal(v, 0)
			if !ok {
				fe.Add(fmt.Sprintf("shares.%d", u), "settlement.bad_number")
				continue
			}
			shares[u] = c
		}
		if len(shares) == 0 {
			fe.Add("shares", "settlement.shares_required")
		}
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ok, err := complexExists(ctx, tx, complexID)
		if err != nil {
			return err
		}
		if !ok {
			return validation.ErrNotFound
		}
		if len(shares) > 0 {
			in, err := unitsOfComplex(ctx, tx, complexID)
			if err != nil {
				return err
			}
			for u := range shares {
				if !in[u] {
					fe.Add(fmt.Sprintf("shares.%d", u), "settlement.unit_not_in_complex")
				}
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := saveKey(ctx, tx, complexID, year, k, shares, a.UserID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "settlement.key_set", "complex", complexID, map[string]string{"year": fmt.Sprint(year),
			"category": k.Category, "key": k.Key, "heating": fmt.Sprint(k.Heating), "admin_fee": fmt.Sprint(k.AdminFee)})
	})
}

// DeleteKey removes the key of a category for a complex and year.
func (s *Service) DeleteKey(ctx context.Context, a account.Actor, complexID int64, year int, category string) error {
	if err := canWrite(a); err != nil {
		return err
	}
	category = NormalizeCategory(category)
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		n, err := deleteKey(ctx, tx, complexID, year, category)
		if err != nil {
			return err
		}
		if n == 0 {
			return validation.ErrNotFound
		}
		return s.record(ctx, tx, a, "settlement.key_deleted", "complex", complexID,
			map[string]string{"year": fmt.Sprint(year), "category": category})
	})
}

// SetYearSettings stores the administration-fee percentage of a complex
// and year and, when occupants is not nil, the occupants per unit (an empty
// value removes a unit's own number, so it counts 1 again).
func (s *Service) SetYearSettings(ctx context.Context, a account.Actor, complexID int64, year int, adminFeePercent string,
	occupants map[int64]string) error {
	if err := canWrite(a); err != nil {
		return err
	}
	fe := validation.Errors{}
	checkYear(year, fe)
	pct, ok := checkDecimal(adminFeePercent, 0)
	if strings.TrimSpace(adminFeePercent) == "" {
		pct, ok = DefaultAdminFeePercent, true
	}
	if !ok {
		fe.Add("admin_fee_percent", "settlement.bad_percent")
	} else if d, _ := parseDecimal(pct); ratCmp(d, MaxAdminFeePercent) > 0 {
		fe.Add("admin_fee_percent", "settlement.admin_fee_cap")
	}
	occ := map[int64]string{}
	for u, v := range occupants {
		if strings.TrimSpace(v) == "" {
			occ[u] = ""
			continue
		}
		c, ok := checkDecimal(v, 1000)
		if !ok {
			fe.Add(fmt.Sprintf("occupants.%d", u), "settlement.bad_number")
			continue
		}
		occ[u] = c
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ok, err := complexExists(ctx, tx, complexID)
		if err != nil {
			return err
		}
		if !ok {
			return validation.ErrNotFound
		}
		if len(occ) > 0 {
			in, err := unitsOfComplex(ctx, tx, complexID)
			if err != nil {
				return err
			}
			for u := range occ {
				if !in[u] {
					fe.Add(fmt.Sprintf("occupants.%d", u), "settlement.unit_not_in_complex")
				}
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := saveYear(ctx, tx, complexID, year, pct, occ, a.UserID, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "settlement.year_set", "complex", complexID, map[string]string{"year": fmt.Sprint(year),
			"admin_fee_percent": pct, "occupants": fmt.Sprint(len(occ))})
	})
}

// CopyKeys copies the keys (with shares) of a complex from one year to
// another that has none yet, so that a key used for years stays the same.
func (s *Service) CopyKeys(ctx context.Context, a account.Actor, complexID int64, from, to int) (int, error) {
	if err := canWrite(a); err != nil {
		return 0, err
	}
	fe := validation.Errors{}
	checkYear(to, fe)
	if err := fe.Err(); err != nil {
		return 0, err
	}
	n := 0
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		src, err := loadYear(ctx, tx, complexID, from)
		if err != nil {
			return err
		}
		dst, err := loadYear(ctx, tx, complexID, to)
		if err != nil {
			return err
		}
		for _, k := range src.Keys {
			if _, ok := dst.KeyFor(k.Category); ok {
				continue
			}
			if err := saveKey(ctx, tx, complexID, to, k, k.Shares, a.UserID, s.now()); err != nil {
				return err
			}
			n++
		}
		return s.record(ctx, tx, a, "settlement.keys_copied", "complex", complexID,
			map[string]string{"from": fmt.Sprint(from), "to": fmt.Sprint(to), "keys": fmt.Sprint(n)})
	})
	return n, err
}

// --- degree days ---

// DegreeDay is the weighted degree days of a month ("2025-01").
type DegreeDay struct {
	Month string
	Value string
}

// DegreeDays lists the organisation's degree days, by month.
func (s *Service) DegreeDays(ctx context.Context, a account.Actor) ([]DegreeDay, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	var out []DegreeDay
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		m, err := loadDegreeDays(ctx, tx)
		for _, k := range slices.Sorted(mapKeys(m)) {
			out = append(out, DegreeDay{Month: k, Value: m[k]})
		}
		return err
	})
	return out, err
}

// checkMonth reports whether s is a month key as stored: "2025-01".
func checkMonth(s string) bool {
	m, err := civil.ParseMonth(s)
	return err == nil && m.String() == s
}

// SetDegreeDays stores degree days per month (an empty value removes the
// month). Field errors are named "degree_days.<month>".
func (s *Service) SetDegreeDays(ctx context.Context, a account.Actor, days []DegreeDay) error {
	if err := canWrite(a); err != nil {
		return err
	}
	fe := validation.Errors{}
	clean := make([]DegreeDay, 0, len(days))
	for _, d := range days {
		d.Month = strings.TrimSpace(d.Month)
		if !checkMonth(d.Month) {
			fe.Add("degree_days."+d.Month, "settlement.bad_month")
			continue
		}
		if strings.TrimSpace(d.Value) == "" {
			clean = append(clean, DegreeDay{Month: d.Month})
			continue
		}
		v, ok := checkDecimal(d.Value, 10000)
		if !ok {
			fe.Add("degree_days."+d.Month, "settlement.bad_number")
			continue
		}
		clean = append(clean, DegreeDay{Month: d.Month, Value: v})
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := saveDegreeDays(ctx, tx, clean, s.now()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "settlement.degree_days_set", "organisation", tx.OrgID(), map[string]string{"months": fmt.Sprint(len(clean))})
	})
}

// ImportDegreeDays reads lines "YYYY-MM;value" (',' or tab also separate;
// a decimal comma is accepted when ';' or tab separates). A header line that
// does not start with a digit is skipped. All lines are checked first.
func (s *Service) ImportDegreeDays(ctx context.Context, a account.Actor, r io.Reader) (int, error) {
	if err := canWrite(a); err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	var days []DegreeDay
	var errs ImportErrors
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\xef\xbb\xbf"))
		if text == "" || (line == 1 && (text[0] < '0' || text[0] > '9')) {
			continue
		}
		sep := ";"
		switch {
		case strings.Contains(text, ";"):
		case strings.Contains(text, "\t"):
			sep = "\t"
		default:
			sep = ","
		}
		month, value, ok := strings.Cut(text, sep)
		month, value = strings.TrimSpace(month), strings.TrimSpace(value)
		if !ok || !checkMonth(month) {
			errs = append(errs, CellError{Line: line, Column: "month", Reason: "settlement.bad_month"})
			continue
		}
		v, ok := checkDecimal(value, 10000)
		if !ok {
			errs = append(errs, CellError{Line: line, Column: "value", Reason: "settlement.bad_number"})
			continue
		}
		days = append(days, DegreeDay{Month: month, Value: v})
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read degree days: %w", err)
	}
	if len(errs) > 0 {
		return 0, errs
	}
	if len(days) == 0 {
		return 0, ImportErrors{{Line: 1, Reason: "settlement.csv_empty"}}
	}
	return len(days), s.SetDegreeDays(ctx, a, days)
}
