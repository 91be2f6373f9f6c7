// Package civil is the calendar date of business rules (a lease starts on 1
// March, a birth date, a due date) and the calendar month (a rent run's
// period): no time of day, no zone. Both are stored as ISO text (2026-03-01,
// 2026-03), so text order is date order on both engines, and written in
// words in the product's languages by Long.
package civil

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Date is a day in the proleptic Gregorian calendar. The zero Date means
// "no date" (an open end, an unknown birth date).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ErrInvalid is returned for text that is not a valid date.
var ErrInvalid = errors.New("civil: invalid date")

// New returns the date; it panics on an impossible date (use Parse for input).
func New(y int, m time.Month, d int) Date {
	dt := Date{y, m, d}
	if !dt.valid() {
		panic(fmt.Sprintf("civil: invalid date %04d-%02d-%02d", y, m, d))
	}
	return dt
}

func (d Date) valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	return d.Day <= DaysIn(d.Year, d.Month)
}

// Parse reads ISO "2026-03-01" and Dutch "1-3-2026" / "01-03-2026".
func Parse(s string) (Date, error) {
	s = strings.TrimSpace(s)
	var y, m, d int
	var err error
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-' && digits(s[:4]) && digits(s[5:7]) && digits(s[8:]):
		// The ISO form, as every stored date is: read without fmt, which
		// cost about as much as a bank statement's line had left (dates
		// scanned from the database, read from a camt.053).
		y, m, d = number(s[:4]), number(s[5:7]), number(s[8:])
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		_, err = fmt.Sscanf(s, "%04d-%02d-%02d", &y, &m, &d)
	case strings.Count(s, "-") == 2 || strings.Count(s, "/") == 2:
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' })
		if len(parts) != 3 || len(parts[2]) != 4 {
			return Date{}, fmt.Errorf("%w: %q", ErrInvalid, s)
		}
		_, err = fmt.Sscanf(parts[0]+" "+parts[1]+" "+parts[2], "%d %d %d", &d, &m, &y)
	default:
		return Date{}, fmt.Errorf("%w: %q", ErrInvalid, s)
	}
	dt := Date{y, time.Month(m), d}
	if err != nil || !dt.valid() {
		return Date{}, fmt.Errorf("%w: %q", ErrInvalid, s)
	}
	return dt, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// number is the value of a string of digits.
func number(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// MustParse is Parse for constants in tests.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Of returns the date of t in its own location.
func Of(t time.Time) Date { y, m, d := t.Date(); return Date{y, m, d} }

// Today is the date in Europe/Amsterdam at instant now.
func Today(now time.Time) Date { return Of(now.In(amsterdam)) }

var amsterdam = func() *time.Location {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return l
}()

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String is ISO 8601, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Year < 0 || d.Year > 9999 || d.Month < 0 || d.Month > 99 || d.Day < 0 || d.Day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	// Every date written to the database goes through here: no fmt.
	b := [10]byte{'0' + byte(d.Year/1000), '0' + byte(d.Year/100%10), '0' + byte(d.Year/10%10), '0' + byte(d.Year%10), '-',
		'0' + byte(d.Month/10), '0' + byte(d.Month%10), '-', '0' + byte(d.Day/10), '0' + byte(d.Day%10)}
	return string(b[:])
}

// Dutch formats as 1-3-2026.
func (d Date) Dutch() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d-%d-%d", d.Day, d.Month, d.Year)
}

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns d + n days.
func (d Date) AddDays(n int) Date { return Of(d.time().AddDate(0, 0, n)) }

// AddMonths adds n calendar months, clamping the day to the month's end
// (31 January + 1 month = 28 or 29 February).
func (d Date) AddMonths(n int) Date {
	total := int(d.Month) - 1 + n
	y := d.Year + total/12
	m := total % 12
	if m < 0 {
		m += 12
		y--
	}
	day := min(d.Day, DaysIn(y, time.Month(m+1)))
	return Date{y, time.Month(m + 1), day}
}

// DaysUntil is the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int { return int(e.time().Sub(d.time()).Hours() / 24) }

// Before, After and Compare order dates.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }
func (d Date) After(e Date) bool  { return d.Compare(e) > 0 }
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// FirstOfMonth and LastOfMonth bound d's month.
func (d Date) FirstOfMonth() Date { return Date{d.Year, d.Month, 1} }
func (d Date) LastOfMonth() Date  { return Date{d.Year, d.Month, DaysIn(d.Year, d.Month)} }

// Weekday of d.
func (d Date) Weekday() time.Weekday { return d.time().Weekday() }

// YearsOn is the age in whole years on date on of someone born on d.
func (d Date) YearsOn(on Date) int {
	years := on.Year - d.Year
	if on.Month < d.Month || (on.Month == d.Month && on.Day < d.Day) {
		years--
	}
	return years
}

// DaysIn is the number of days in month m of year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Value stores a Date as ISO text, the zero Date as NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads ISO text (or NULL as the zero Date).
func (d *Date) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d = Date{}
		return nil
	case string:
		p, err := Parse(x)
		*d = p
		return err
	case []byte:
		p, err := Parse(string(x))
		*d = p
		return err
	case time.Time:
		*d = Of(x)
		return nil
	}
	return fmt.Errorf("civil: cannot scan %T", v)
}

// MarshalText and UnmarshalText make Date an ISO string in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := Parse(string(b))
	*d = p
	return err
}
