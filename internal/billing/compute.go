// Package billing is the rent run (prolongatie): for a period it turns
// every running lease's components into charges on invoices in the ledger,
// prorated by days at the start and end of a lease, once and only once. It
// also renders and sends the invoice documents.
package billing

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
)

// Proration is how a partial month is charged: ActualDays charges
// amount × days / days in that month; Days30 counts every month as 30
// days (a full month is the full amount either way). DOMAIN §3.1: the law
// prescribes neither, so it is a setting.
type Proration string

const (
	ActualDays Proration = "actual"
	Days30     Proration = "days30"
)

// Prorations in form order.
var Prorations = []Proration{ActualDays, Days30}

// Month is the month a rent run is for.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "2026-01".
func ParseMonth(s string) (Month, error) {
	y, m, ok := strings.Cut(strings.TrimSpace(s), "-")
	yi, err1 := strconv.Atoi(y)
	mi, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(y) != 4 || mi < 1 || mi > 12 || yi < 2000 || yi > 2100 {
		return Month{}, fmt.Errorf("period %q is not a month like 2026-01", s)
	}
	return Month{yi, time.Month(mi)}, nil
}

func (m Month) String() string    { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }
func (m Month) First() civil.Date { return civil.New(m.Year, m.Month, 1) }
func (m Month) Last() civil.Date  { return m.First().LastOfMonth() }

// quarterOf is the first month of m's quarter.
func (m Month) quarterStart() Month { return Month{m.Year, time.Month((int(m.Month)-1)/3*3 + 1)} }

// BillingPeriod is what one invoice of a lease covers: a month, or for a
// quarterly lease the quarter that contains the run's month.
type BillingPeriod struct {
	Key         string // "2026-01" or "2026-Q1": a lease is charged once per key
	First, Last civil.Date
}

func billingPeriod(f lease.Frequency, m Month) BillingPeriod {
	if f == lease.Quarterly {
		q := m.quarterStart()
		return BillingPeriod{Key: fmt.Sprintf("%04d-Q%d", q.Year, (int(q.Month)-1)/3+1), First: q.First(),
			Last: civil.New(q.Year, q.Month+2, 1).LastOfMonth()}
	}
	return BillingPeriod{Key: m.String(), First: m.First(), Last: m.Last()}
}

// common is a multiple of every month's day count (28, 29, 30, 31): exact
// fractions of a month in integer arithmetic.
const common = 377_580

// Charge is the computation for one lease and period, before posting.
type Charge struct {
	LeaseID   int64
	Reference string
	Period    BillingPeriod
	DueDate   civil.Date
	Lines     []ledger.DraftLine
	Warnings  []string // message ids
}

// compute charges lease l for the billing period that contains month m:
// per component line, per month of the period, the amount of each version
// times its days in the lease's running days over the month's days, summed
// exactly and rounded half up once per line.
func compute(l *lease.Lease, m Month, p Proration) Charge {
	bp := billingPeriod(l.BillingFrequency, m)
	c := Charge{LeaseID: l.ID, Reference: l.Reference, Period: bp}
	from, to := bp.First, bp.Last
	if l.Start.After(from) {
		from = l.Start
	}
	if !l.EndsOn.IsZero() && l.EndsOn.Before(to) {
		to = l.EndsOn
	}
	if to.Before(from) {
		return c
	}
	c.DueDate = civil.New(bp.First.Year, bp.First.Month, l.DueDay)
	if c.DueDate.Before(from) {
		c.DueDate = from
	}
	if len(l.TenantIDs()) == 0 {
		c.Warnings = append(c.Warnings, "billing.warn.no_tenant")
	}
	// Lines in the lease's display order; a line exists when any of its
	// versions applies on some running day.
	type acc struct {
		num      int64 // in cents × common
		from, to civil.Date
		vat      lease.VAT
	}
	sums := map[string]*acc{}
	var order []string
	for mf := bp.First; !mf.After(bp.Last); mf = mf.AddMonths(1) {
		ml := mf.LastOfMonth()
		a, b := maxDate(from, mf), minDate(to, ml)
		if b.Before(a) {
			continue
		}
		dim := civil.DaysIn(mf.Year, mf.Month)
		full := a == mf && b == ml
		for d := a; !d.After(b); {
			on := l.ComponentsOn(d)
			// the next day any line's version changes, or the month's end
			next := b.AddDays(1)
			for _, row := range l.Components {
				if row.ValidFrom.After(d) && row.ValidFrom.Before(next) {
					next = row.ValidFrom
				}
			}
			days := d.DaysUntil(next)
			for _, comp := range on {
				key := comp.Line()
				s := sums[key]
				if s == nil {
					s = &acc{from: d}
					sums[key] = s
					order = append(order, key)
				}
				s.to = next.AddDays(-1)
				s.vat = comp.VAT
				var share int64
				switch {
				case full && days == dim:
					share = common
				case p == Days30:
					share = min(int64(days), 30) * (common / 30)
				default:
					share = int64(days) * (common / int64(dim))
				}
				s.num += int64(comp.AmountCents) * share
			}
			d = next
		}
	}
	for _, key := range order {
		s := sums[key]
		net := money.Cents((s.num + common/2) / common)
		if net == 0 {
			continue
		}
		rate := money.Rate(0)
		if s.vat == lease.VATStandard {
			rate = lease.StandardRate
		}
		c.Lines = append(c.Lines, ledger.DraftLine{Line: key, From: s.from, To: s.to, Net: net, VATRate: rate})
	}
	if len(c.Lines) == 0 {
		c.Warnings = append(c.Warnings, "billing.warn.no_components")
	}
	return c
}

func maxDate(a, b civil.Date) civil.Date {
	if a.After(b) {
		return a
	}
	return b
}

func minDate(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return a
	}
	return b
}

// Period is what a rent run is for: one month ("2026-01"), or a quarter
// ("2026-Q1") run as its three months in order.
type Period struct {
	Key    string
	Months []Month
}

// ParsePeriod reads "2026-01" or "2026-Q1".
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	if y, q, ok := strings.Cut(s, "-Q"); ok {
		yi, err1 := strconv.Atoi(y)
		qi, err2 := strconv.Atoi(q)
		if err1 != nil || err2 != nil || len(y) != 4 || len(q) != 1 || qi < 1 || qi > 4 || yi < 2000 || yi > 2100 {
			return Period{}, fmt.Errorf("period %q is not a quarter like 2026-Q1", s)
		}
		first := time.Month((qi-1)*3 + 1)
		return Period{Key: s, Months: []Month{{yi, first}, {yi, first + 1}, {yi, first + 2}}}, nil
	}
	m, err := ParseMonth(s)
	if err != nil {
		return Period{}, err
	}
	return Period{Key: m.String(), Months: []Month{m}}, nil
}
