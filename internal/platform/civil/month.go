package civil

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Month is a calendar month: the period of a rent run, the month of a
// price-index figure. Stored and written as ISO text ("2026-01"), so text
// order is month order. The zero Month means "no month".
type Month struct {
	Year  int
	Month time.Month
}

// The years a Month may have: wide enough for every price-index series
// (CBS figures go back to the 1990s) and every rent run.
const (
	MinMonthYear = 1900
	MaxMonthYear = 2200
)

// ErrInvalidMonth is returned for text that is not a month.
var ErrInvalidMonth = errors.New("civil: invalid month")

var monthPattern = regexp.MustCompile(`^(\d{4})-(\d{1,2})$`)

// ParseMonth reads "2026-01" (or "2026-1") with a year from MinMonthYear to
// MaxMonthYear.
func ParseMonth(s string) (Month, error) {
	p := monthPattern.FindStringSubmatch(strings.TrimSpace(s))
	if p == nil {
		return Month{}, fmt.Errorf("%w: %q", ErrInvalidMonth, s)
	}
	y, _ := strconv.Atoi(p[1]) // digits only, by the pattern
	m, _ := strconv.Atoi(p[2])
	if m < 1 || m > 12 || y < MinMonthYear || y > MaxMonthYear {
		return Month{}, fmt.Errorf("%w: %q", ErrInvalidMonth, s)
	}
	return Month{y, time.Month(m)}, nil
}

// MonthOf is the month of a date.
func MonthOf(d Date) Month { return Month{d.Year, d.Month} }

// IsZero reports whether m is the zero Month.
func (m Month) IsZero() bool { return m == Month{} }

// String is "2026-01", or "" for the zero Month.
func (m Month) String() string {
	if m.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month))
}

// First and Last are the month's first and last day.
func (m Month) First() Date { return New(m.Year, m.Month, 1) }
func (m Month) Last() Date  { return Date{m.Year, m.Month, DaysIn(m.Year, m.Month)} }

// Add moves n months (n may be negative).
func (m Month) Add(n int) Month {
	t := m.Year*12 + int(m.Month) - 1 + n
	y, i := t/12, t%12
	if i < 0 {
		y, i = y-1, i+12
	}
	return Month{y, time.Month(i + 1)}
}

// Compare orders months: -1, 0 or +1.
func (m Month) Compare(n Month) int {
	if m.Year != n.Year {
		return cmpInt(m.Year, n.Year)
	}
	return cmpInt(int(m.Month), int(n.Month))
}

// Value stores a Month as ISO text, the zero Month as NULL.
func (m Month) Value() (driver.Value, error) {
	if m.IsZero() {
		return nil, nil
	}
	return m.String(), nil
}

// Scan reads ISO text (or NULL as the zero Month).
func (m *Month) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*m = Month{}
		return nil
	case string:
		p, err := ParseMonth(x)
		*m = p
		return err
	case []byte:
		p, err := ParseMonth(string(x))
		*m = p
		return err
	}
	return fmt.Errorf("civil: cannot scan %T as a month", v)
}

// MarshalText and UnmarshalText make Month an ISO string in JSON.
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }
func (m *Month) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = Month{}
		return nil
	}
	p, err := ParseMonth(string(b))
	*m = p
	return err
}
