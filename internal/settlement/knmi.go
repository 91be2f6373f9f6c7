package settlement

// Weighted degree days from KNMI daily temperatures (DOMAIN.md §7.6).
//
// A degree day is 18 °C minus the day's mean outdoor temperature when that
// is positive, else 0; a month's degree days are weighted 0.8 (April to
// September), 1.0 (March and October) or 1.1 (November to February). KNMI
// publishes the daily mean TG per station in tenths of a degree, so a
// weighted degree day is max(0, 180 − TG) × weight/10 / 10: every month's sum
// is an exact decimal with two places, and no float is involved.
//
// A run uses, in this order: the KNMI days of the station chosen for the
// complex and year when every day of every month the period touches is
// there; else the monthly degree days entered by hand when every such month
// has one; else the VDI 2067 table that DOMAIN.md §7.6 discloses as the
// fallback. The run keeps which one it used, and the statement names it.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// degreeDayBase is the heating limit, 18 °C, in the tenths KNMI uses.
const degreeDayBase = 180

// Degree-day sources of a run (settlement_runs.degree_days_source).
const (
	SourceKNMIPrefix = "knmi:"   // followed by the station number
	SourceEntered    = "entered" // the monthly values entered by hand
	SourceTable      = "table"   // the VDI 2067 fallback
)

// monthWeightTenths is a month's weight (§7.6) in tenths.
func monthWeightTenths(m time.Month) int64 {
	switch m {
	case time.March, time.October:
		return 10
	case time.April, time.May, time.June, time.July, time.August, time.September:
		return 8
	}
	return 11
}

// vdiTable is the fallback of §7.6: the VDI 2067 / DIN 4713 share of a
// year's degree days per month in ‰ (January 170 … December 160), with June
// to August's 40 ‰ together split equally. Only the ratios count, so the
// values are thirds of a ‰ to keep June to August exact.
var vdiTable = [12]string{"510", "450", "390", "240", "120", "40", "40", "40", "90", "240", "360", "480"}

// KNMIDay is a station's daily mean temperature in tenths of a degree.
type KNMIDay struct {
	Day civil.Date
	TG  int
}

// maxKNMIErrors bounds the errors one import reports.
const maxKNMIErrors = 50

// ParseKNMI reads a KNMI daily-data file: the etmgeg_NNN.txt of the
// station downloads or the daggegevens script's output. Text and lines
// starting with '#' come first; the header is the line (with or without a
// leading '#') whose comma-separated columns start with STN and include
// YYYYMMDD and TG; every later line that is not empty or a comment is a day.
// Only the rows of station are kept (a file may hold several stations), and
// only from 2000, the first settlement year. A day without a TG (KNMI leaves
// the column empty) is left out, so its month does not count as measured.
// Every row is checked first; errors name the line and the column.
func ParseKNMI(r io.Reader, station int) ([]KNMIDay, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	var days []KNMIDay
	var errs ImportErrors
	seen := map[civil.Date]bool{}
	iDate, iTG, width := -1, -1, 0
	other := false
	line := 0
	for sc.Scan() && len(errs) < maxKNMIErrors {
		line++
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\xef\xbb\xbf"))
		if iTG < 0 {
			cols := splitKNMI(strings.TrimSpace(strings.TrimPrefix(text, "#")))
			if len(cols) < 2 || cols[0] != "STN" {
				continue
			}
			for i, c := range cols {
				switch c {
				case "YYYYMMDD":
					iDate = i
				case "TG":
					iTG = i
				}
			}
			if iDate < 0 || iTG < 0 {
				return nil, ImportErrors{{Line: line, Column: "TG", Reason: "settlement.knmi_no_tg"}}
			}
			width = max(iDate, iTG) + 1
			continue
		}
		if text == "" || text[0] == '#' {
			continue
		}
		cols := splitKNMI(text)
		if len(cols) < width {
			errs = append(errs, CellError{Line: line, Reason: "settlement.knmi_bad_row"})
			continue
		}
		stn, err := strconv.Atoi(cols[0])
		if err != nil {
			errs = append(errs, CellError{Line: line, Column: "STN", Reason: "settlement.knmi_bad_station"})
			continue
		}
		if stn != station {
			other = true
			continue
		}
		day, ok := knmiDate(cols[iDate])
		if !ok {
			errs = append(errs, CellError{Line: line, Column: "YYYYMMDD", Reason: "settlement.bad_date"})
			continue
		}
		if day.Year < 2000 || cols[iTG] == "" {
			continue
		}
		tg, err := strconv.Atoi(cols[iTG])
		if err != nil || tg < -600 || tg > 600 {
			errs = append(errs, CellError{Line: line, Column: "TG", Reason: "settlement.knmi_bad_tg"})
			continue
		}
		if seen[day] {
			errs = append(errs, CellError{Line: line, Column: "YYYYMMDD", Reason: "settlement.knmi_duplicate_day"})
			continue
		}
		seen[day] = true
		days = append(days, KNMIDay{Day: day, TG: tg})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read KNMI file: %w", err)
	}
	switch {
	case len(errs) > 0:
		return nil, errs
	case iTG < 0:
		return nil, ImportErrors{{Line: 1, Column: "STN", Reason: "settlement.knmi_no_header"}}
	case len(days) == 0 && other:
		return nil, ImportErrors{{Line: 1, Column: "STN", Reason: "settlement.knmi_other_station"}}
	case len(days) == 0:
		return nil, ImportErrors{{Line: 1, Reason: "settlement.csv_empty"}}
	}
	return days, nil
}

func splitKNMI(s string) []string {
	cols := strings.Split(s, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	return cols
}

func knmiDate(s string) (civil.Date, bool) {
	if len(s) != 8 {
		return civil.Date{}, false
	}
	d, err := civil.Parse(s[:4] + "-" + s[4:6] + "-" + s[6:])
	return d, err == nil
}

// WeightedDegreeDays sums the days into weighted degree days per month
// ("2025-01" → "412.39"), for the months whose every day is among them.
func WeightedDegreeDays(days []KNMIDay) map[string]string {
	type acc struct {
		n   int
		sum int64 // hundredths of a weighted degree day
	}
	months := map[civil.Month]*acc{}
	for _, d := range days {
		k := civil.MonthOf(d.Day)
		a := months[k]
		if a == nil {
			a = &acc{}
			months[k] = a
		}
		a.n++
		a.sum += max(0, int64(degreeDayBase-d.TG)) * monthWeightTenths(d.Day.Month)
	}
	out := map[string]string{}
	for k, a := range months {
		if a.n == civil.DaysIn(k.Year, k.Month) {
			out[k.String()] = fmt.Sprintf("%d.%02d", a.sum/100, a.sum%100)
		}
	}
	return out
}

// periodDegreeDays chooses the degree days of a run's period (see the top of
// this file) and says which source they come from.
func periodDegreeDays(ctx context.Context, tx *db.Tx, station int, from, to civil.Date) (map[string]Decimal, string, error) {
	var months []civil.Date
	for d := from.FirstOfMonth(); !d.After(to); d = d.AddMonths(1) {
		months = append(months, d)
	}
	key := func(d civil.Date) string { return civil.MonthOf(d).String() }
	complete := func(vals map[string]string) map[string]Decimal {
		out := map[string]Decimal{}
		for _, m := range months {
			v, ok := vals[key(m)]
			if !ok {
				return nil
			}
			out[key(m)] = Decimal(v)
		}
		return out
	}
	if station > 0 {
		days, err := loadKNMIDays(ctx, tx, station, months[0], months[len(months)-1].AddMonths(1).AddDays(-1))
		if err != nil {
			return nil, "", err
		}
		if dd := complete(WeightedDegreeDays(days)); dd != nil {
			return dd, SourceKNMIPrefix + strconv.Itoa(station), nil
		}
	}
	entered, err := loadDegreeDays(ctx, tx)
	if err != nil {
		return nil, "", err
	}
	if dd := complete(entered); dd != nil {
		return dd, SourceEntered, nil
	}
	out := map[string]Decimal{}
	for _, m := range months {
		out[key(m)] = Decimal(vdiTable[m.Month-1])
	}
	return out, SourceTable, nil
}

// KNMIImport is what an import stored.
type KNMIImport struct {
	Station     int
	Days        int
	First, Last civil.Date
}

// KNMIStation is a station with imported days.
type KNMIStation struct {
	Station     int
	Days        int
	First, Last civil.Date
}

func checkStation(station int, fe validation.Errors) {
	if station < 1 || station > 999 {
		fe.Add("station", "settlement.knmi_bad_station")
	}
}

// ImportKNMI stores a station's daily temperatures from a KNMI file
// (ParseKNMI): the days in it replace the ones stored for those dates; all
// rows are checked first, and a bad file changes nothing.
func (s *Service) ImportKNMI(ctx context.Context, a account.Actor, station int, r io.Reader) (KNMIImport, error) {
	res := KNMIImport{Station: station}
	if err := canWrite(a); err != nil {
		return res, err
	}
	fe := validation.Errors{}
	checkStation(station, fe)
	if err := fe.Err(); err != nil {
		return res, err
	}
	days, err := ParseKNMI(io.LimitReader(r, 32<<20), station)
	if err != nil {
		return res, err
	}
	res.Days, res.First, res.Last = len(days), days[0].Day, days[0].Day
	rows := make([][]any, len(days))
	now := s.now()
	err = s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		for i, d := range days {
			res.First, res.Last = earlier(res.First, d.Day), later(res.Last, d.Day)
			rows[i] = []any{tx.OrgID(), station, d.Day, d.TG, now}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM settlement_knmi_days WHERE org_id = $1 AND station = $2 AND day >= $3 AND day <= $4`,
			tx.OrgID(), station, res.First, res.Last); err != nil {
			return fmt.Errorf("replace KNMI days: %w", err)
		}
		if err := bulkInsert(ctx, tx, "settlement_knmi_days", []string{"org_id", "station", "day", "tg", "imported_at"}, rows); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "settlement.knmi_imported", "organisation", tx.OrgID(), map[string]string{"station": strconv.Itoa(station),
			"days": strconv.Itoa(res.Days), "first": res.First.String(), "last": res.Last.String()})
	})
	return res, err
}

// KNMIStations lists the stations with imported days.
func (s *Service) KNMIStations(ctx context.Context, a account.Actor) ([]KNMIStation, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	var out []KNMIStation
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT station, COUNT(*), MIN(day), MAX(day) FROM settlement_knmi_days WHERE org_id = $1
			GROUP BY station ORDER BY station`, tx.OrgID())
		if err != nil {
			return fmt.Errorf("KNMI stations: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var st KNMIStation
			var first, last string
			if err := rows.Scan(&st.Station, &st.Days, &first, &last); err != nil {
				return err
			}
			st.First, _ = civil.Parse(first)
			st.Last, _ = civil.Parse(last)
			out = append(out, st)
		}
		return rows.Err()
	})
	return out, err
}

// KNMIDegreeDays are a station's weighted degree days per month of a year,
// for the months that are complete.
func (s *Service) KNMIDegreeDays(ctx context.Context, a account.Actor, station, year int) ([]DegreeDay, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	fe := validation.Errors{}
	checkStation(station, fe)
	checkYear(year, fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var out []DegreeDay
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		days, err := loadKNMIDays(ctx, tx, station, civil.New(year, time.January, 1), civil.New(year, time.December, 31))
		if err != nil {
			return err
		}
		m := WeightedDegreeDays(days)
		for mo := time.January; mo <= time.December; mo++ {
			k := fmt.Sprintf("%04d-%02d", year, mo)
			if v, ok := m[k]; ok {
				out = append(out, DegreeDay{Month: k, Value: v})
			}
		}
		return nil
	})
	return out, err
}

// SetDegreeDayStation chooses the KNMI station whose days give the degree
// days of a complex's runs for a year (0: none; the entered degree days or
// the table serve).
func (s *Service) SetDegreeDayStation(ctx context.Context, a account.Actor, complexID int64, year, station int) error {
	if err := canWrite(a); err != nil {
		return err
	}
	fe := validation.Errors{}
	checkYear(year, fe)
	if station != 0 {
		checkStation(station, fe)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ok, err := complexExists(ctx, tx, complexID)
		if err != nil {
			return err
		}
		if !ok {
			return validation.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_years (org_id, complex_id, year, knmi_station, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, complex_id, year) DO UPDATE SET knmi_station = excluded.knmi_station,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			tx.OrgID(), complexID, year, station, s.now(), a.UserID); err != nil {
			return fmt.Errorf("degree-day station: %w", err)
		}
		return s.record(ctx, tx, a, "settlement.station_set", "complex", complexID, map[string]string{"year": strconv.Itoa(year),
			"station": strconv.Itoa(station)})
	})
}

func loadKNMIDays(ctx context.Context, tx *db.Tx, station int, from, to civil.Date) ([]KNMIDay, error) {
	rows, err := tx.QueryContext(ctx, `SELECT day, tg FROM settlement_knmi_days WHERE org_id = $1 AND station = $2 AND day >= $3 AND day <= $4
		ORDER BY day`, tx.OrgID(), station, from, to)
	if err != nil {
		return nil, fmt.Errorf("KNMI days: %w", err)
	}
	defer rows.Close()
	var out []KNMIDay
	for rows.Next() {
		var d KNMIDay
		if err := rows.Scan(&d.Day, &d.TG); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
