package overview

import (
	"cmp"
	"slices"

	"hms/internal/money"
	"hms/internal/platform/civil"
)

// The vacancy rule.
//
// A unit belongs to the portfolio from the earlier of the day it was
// entered and the start of its first lease. On a day it belongs to the
// portfolio, it is let when a lease on it runs that day (start on or before,
// last day on or after), else it is empty.
//
// Empty days this year are the empty days from 1 January (or the day the
// unit joined) up to and including today.
//
// Rent lost on an empty day is the last known rent of the unit: the monthly
// bare rent (kale huur; service costs are not income lost) on its last day
// of the lease that ended last before that day, divided evenly over that
// lease's units, prorated by calendar days: per month, rent × empty days of
// the month ÷ days in the month, rounded to the cent (half away from zero).
// An empty day before any lease ended loses nothing that is known.
//
// Occupancy of a month is the share of the units belonging to the portfolio
// at its last day (today for this month) that are let on that day.

// vacancy fills f's vacancy figures and months' occupancy from the units
// and the bare-rent components by lease.
func vacancy(f *Figures, us []*unitRow, rents map[int64][]rentRow) {
	today := f.On
	jan1 := civil.New(today.Year, 1, 1)
	for _, u := range us {
		for i := range u.Leases {
			l := &u.Leases[i]
			last := l.End
			if last.IsZero() || last.After(today) {
				last = today
			}
			l.Rent = rentOn(rents[l.LeaseID], last)
			if l.Units > 1 {
				l.Rent /= money.Cents(l.Units)
			}
		}
		joined := u.joined()
		if !joined.After(today) {
			f.Units++
		}
		for i := range f.Months {
			m := &f.Months[i]
			if joined.After(m.On) {
				continue
			}
			m.Units++
			if u.letOn(m.On) != nil {
				m.Let++
			}
		}
		if joined.After(today) {
			continue
		}
		// Days empty this year and the rent lost, per month and lease.
		type key struct {
			m civil.Month
			l int // index of the last ended lease
		}
		days := map[key]int{}
		var v Vacant
		from := jan1
		if joined.After(from) {
			from = joined
		}
		for d := from; !d.After(today); d = d.AddDays(1) {
			if u.letOn(d) != nil {
				continue
			}
			v.Days++
			if prev := u.endedBefore(d); prev >= 0 {
				days[key{civil.MonthOf(d), prev}]++
			}
		}
		for k, n := range days {
			v.RentLost += prorate(u.Leases[k.l].Rent, n, civil.DaysIn(k.m.Year, k.m.Month))
		}
		f.EmptyDays += v.Days
		f.RentLost += v.RentLost
		if u.letOn(today) == nil {
			f.Empty++
			v.UnitID, v.Address, v.Since = u.ID, u.Address, joined
			if prev := u.endedBefore(today); prev >= 0 {
				v.Since = u.Leases[prev].End.AddDays(1)
			}
			f.Vacant = append(f.Vacant, v)
		}
	}
	slices.SortStableFunc(f.Vacant, func(x, y Vacant) int {
		return cmp.Or(x.Since.Compare(y.Since), cmp.Compare(x.Address, y.Address))
	})
	if len(f.Vacant) > maxVacantShown {
		f.Vacant = f.Vacant[:maxVacantShown]
	}
}

// joined is the day the unit belongs to the portfolio from.
func (u *unitRow) joined() civil.Date {
	d := u.Created
	for _, l := range u.Leases {
		if d.IsZero() || l.Start.Before(d) {
			d = l.Start
		}
	}
	return d
}

// letOn is the lease running on day d, nil when none.
func (u *unitRow) letOn(d civil.Date) *letting {
	for i := range u.Leases {
		l := &u.Leases[i]
		if !l.Start.After(d) && (l.End.IsZero() || !l.End.Before(d)) {
			return l
		}
	}
	return nil
}

// endedBefore is the index of the lease that ended last before day d, -1
// when none did.
func (u *unitRow) endedBefore(d civil.Date) int {
	best := -1
	for i, l := range u.Leases {
		if !l.End.IsZero() && l.End.Before(d) && (best < 0 || l.End.After(u.Leases[best].End)) {
			best = i
		}
	}
	return best
}

// rentOn is the monthly bare rent on day d: per line the component valid
// from the latest day on or before d.
func rentOn(rs []rentRow, d civil.Date) money.Cents {
	cur := map[string]money.Cents{}
	for _, r := range rs { // oldest first: a later row replaces an earlier
		if !r.From.After(d) {
			cur[r.Line] = r.Amount
		}
	}
	var sum money.Cents
	for _, c := range cur {
		sum += c
	}
	return sum
}

// prorate is monthly × days ÷ of, rounded half away from zero.
func prorate(monthly money.Cents, days, of int) money.Cents {
	n := int64(monthly) * int64(days)
	q, r := n/int64(of), n%int64(of)
	if 2*r >= int64(of) {
		q++
	}
	return money.Cents(q)
}
