package sepa

import (
	"time"

	"hms/internal/platform/civil"
)

// A holiday of the TARGET2 calendar: a fixed day of the year, or a number
// of days from Easter Sunday.
type holiday struct {
	name       string
	month      time.Month
	day        int
	fromEaster int
}

func (h holiday) in(year int) civil.Date {
	if h.month == 0 {
		return easter(year).AddDays(h.fromEaster)
	}
	return civil.New(year, h.month, h.day)
}

// target2Holidays are the days TARGET2 (T2 since 2023) is closed besides the
// weekend, as published by the ECB: no SEPA payment settles on them, so no
// collection is due on them either.
var target2Holidays = []holiday{
	{name: "New Year's Day", month: time.January, day: 1},
	{name: "Good Friday", fromEaster: -2},
	{name: "Easter Monday", fromEaster: 1},
	{name: "Labour Day", month: time.May, day: 1},
	{name: "Christmas Day", month: time.December, day: 25},
	{name: "Boxing Day", month: time.December, day: 26},
}

// Holiday is a TARGET2 closing day other than a Saturday or Sunday.
type Holiday struct {
	Date civil.Date
	Name string
}

// Holidays lists the TARGET2 holidays of year in date order.
func Holidays(year int) []Holiday {
	out := make([]Holiday, len(target2Holidays))
	for i, h := range target2Holidays {
		out[i] = Holiday{Date: h.in(year), Name: h.name}
	}
	return out
}

// IsBusinessDay reports whether TARGET2 is open on d: not a Saturday or
// Sunday and not one of its holidays.
func IsBusinessDay(d civil.Date) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	for _, h := range target2Holidays {
		if h.in(d.Year) == d {
			return false
		}
	}
	return true
}

// NextBusinessDay is the first TARGET2 business day after d.
func NextBusinessDay(d civil.Date) civil.Date {
	d = d.AddDays(1)
	for !IsBusinessDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// previousBusinessDay is the last TARGET2 business day before d.
func previousBusinessDay(d civil.Date) civil.Date {
	d = d.AddDays(-1)
	for !IsBusinessDay(d) {
		d = d.AddDays(-1)
	}
	return d
}

// AddBusinessDays moves n TARGET2 business days from d: forward when n is
// positive, backward when negative; n = 0 returns d itself, business day or
// not.
func AddBusinessDays(d civil.Date, n int) civil.Date {
	for ; n > 0; n-- {
		d = NextBusinessDay(d)
	}
	for ; n < 0; n++ {
		d = previousBusinessDay(d)
	}
	return d
}

// EarliestCollectionDate is the first day a direct debit submitted on today
// can be due: leadDays TARGET2 business days after the day the bank
// processes the file (today when it is a business day, else the next one).
// The rulebook asks one business day (D-1); a bank may ask more (Rabobank:
// 2), so leadDays is the bank's setting, and anything below 1 counts as 1.
// The cut-off time of today is not known here: a caller past it adds a day.
// Pre-notification of the debtor (14 calendar days by default) is a separate
// rule the caller applies.
func EarliestCollectionDate(today civil.Date, leadDays int) civil.Date {
	start := today
	if !IsBusinessDay(start) {
		start = NextBusinessDay(start)
	}
	return AddBusinessDays(start, max(leadDays, 1))
}

// easter is Easter Sunday of year in the Gregorian calendar (the anonymous
// algorithm of Meeus, Jones and Butcher).
func easter(year int) civil.Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return civil.New(year, time.Month(month), day)
}
