// Package billing is the rent run (prolongatie): for a period it turns
// every running lease's components into charges on invoices in the ledger,
// prorated by days at the start and end of a lease, once and only once. It
// also renders and sends the invoice documents.
package billing

import (
	"fmt"
	"math/big"
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

// quarterStart is the first month of m's quarter.
func quarterStart(m civil.Month) civil.Month {
	return civil.Month{Year: m.Year, Month: time.Month((int(m.Month)-1)/3*3 + 1)}
}

// BillingPeriod is what one invoice of a lease covers: a month, or for a
// quarterly lease the quarter that contains the run's month.
type BillingPeriod struct {
	Key         string // "2026-01" or "2026-Q1": a lease is charged once per key
	First, Last civil.Date
}

func billingPeriod(f lease.Frequency, m civil.Month) BillingPeriod {
	if f == lease.Quarterly {
		q := quarterStart(m)
		return BillingPeriod{Key: fmt.Sprintf("%04d-Q%d", q.Year, (int(q.Month)-1)/3+1), First: q.First(),
			Last: civil.New(q.Year, q.Month+2, 1).LastOfMonth()}
	}
	return BillingPeriod{Key: m.String(), First: m.First(), Last: m.Last()}
}

// PeriodProration is how a partial quarter is prorated. DOMAIN §3.1's
// default, WholePeriod, charges the period's amount × occupied days / days
// in the period (a quarterly lease at €900 a month from 10 February 2026:
// €2,700 × 50/90 = €1,500.00); ByMonth charges each month on its own
// (19/28 of February + March = €1,510.71). Monthly leases are charged the
// same either way.
type PeriodProration string

const (
	WholePeriod PeriodProration = "period"
	ByMonth     PeriodProration = "month"
)

// PeriodProrations in form order.
var PeriodProrations = []PeriodProration{WholePeriod, ByMonth}

// DefaultPaymentTerm is the days a late run gives to pay (§3.1 leaves the
// due date to the lease; an invoice is never due before it is issued).
const DefaultPaymentTerm = 14

// Rules are the settings a run computes charges with.
type Rules struct {
	Proration   Proration
	Period      PeriodProration
	PaymentTerm int        // days after Today for an invoice whose due date has passed
	Today       civil.Date // the issue date; zero: due dates as the lease says
	// RunFirst is the first month of the run: periods before it that lack
	// a line now due are corrected by the run (the run's own periods get
	// their missing lines the ordinary way).
	RunFirst civil.Month
}

// forRun sets the run's first month.
func (r Rules) forRun(per Period) Rules {
	r.RunFirst = per.Months[0]
	return r
}

// Method names the proration method as the invoice stores it.
func (r Rules) Method() string { return string(r.Proration) + "/" + string(r.Period) }

// Charge is the computation for one lease and period, before posting.
type Charge struct {
	LeaseID   int64
	Reference string
	Period    BillingPeriod
	DueDate   civil.Date
	Lines     []ledger.DraftLine
	Warnings  []string // message ids
	// A correction of a period already charged (corrections.go): an
	// invoice or credit note for the difference, with the reason.
	Correction bool
	Kind       ledger.InvoiceKind
	Reason     string
}

// key is what a run posts a charge under once: corrections apart from the
// period's ordinary invoice.
func (c Charge) key() postedKey {
	if c.Correction {
		return postedKey{c.LeaseID, "correction:" + string(c.Kind) + ":" + c.Period.Key}
	}
	return postedKey{c.LeaseID, c.Period.Key}
}

// compute charges lease l for the billing period that contains month m:
// per component line, the amount of each version times its share of the
// period (Rules.Period: over the whole period, or month by month; the
// day count per Rules.Proration), summed exactly and rounded half up once
// per line. The parts are kept as the line's basis (quantity × unit
// price) for the invoice.
func compute(l *lease.Lease, m civil.Month, r Rules) Charge {
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
	if !r.Today.IsZero() && c.DueDate.Before(r.Today) {
		// A late run: the tenant gets the payment term from the issue date.
		c.DueDate = r.Today.AddDays(max(r.PaymentTerm, 0))
	}
	if len(l.TenantIDs()) == 0 {
		c.Warnings = append(c.Warnings, "billing.warn.no_tenant")
	}
	months := 0
	for mf := bp.First; !mf.After(bp.Last); mf = mf.AddMonths(1) {
		months++
	}
	whole := r.Period != ByMonth && months > 1
	periodDays := int64(bp.First.DaysUntil(bp.Last) + 1)
	// Lines in the lease's display order; a line exists when any of its
	// versions applies on some running day.
	type acc struct {
		basis    []ledger.Basis
		from, to civil.Date
		vat      lease.VAT
	}
	sums := map[string]*acc{}
	outOfRange := false
	var order []string
	add := func(s *acc, b ledger.Basis) {
		for i := range s.basis {
			if x := &s.basis[i]; x.Unit == b.Unit && x.Den == b.Den {
				x.Num += b.Num
				return
			}
		}
		s.basis = append(s.basis, b)
	}
	for mf := bp.First; !mf.After(bp.Last); mf = mf.AddMonths(1) {
		ml := mf.LastOfMonth()
		a, b := maxDate(from, mf), minDate(to, ml)
		if b.Before(a) {
			continue
		}
		dim := int64(civil.DaysIn(mf.Year, mf.Month))
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
			days := int64(d.DaysUntil(next))
			for _, comp := range on {
				if !comp.AmountCents.InBounds() {
					// Only a component stored before amounts were bounded can be
					// here; it is named in the preview, the other lines still bill.
					outOfRange = true
					continue
				}
				key := comp.Line()
				s := sums[key]
				if s == nil {
					s = &acc{from: d}
					sums[key] = s
					order = append(order, key)
				}
				s.to = next.AddDays(-1)
				s.vat = comp.VAT
				var part ledger.Basis
				switch {
				case whole && r.Proration == Days30:
					n := min(days, 30)
					if full && days == dim {
						n = 30
					}
					part = ledger.Basis{Unit: comp.AmountCents * money.Cents(months), Num: n, Den: 30 * int64(months)}
				case whole:
					part = ledger.Basis{Unit: comp.AmountCents * money.Cents(months), Num: days, Den: periodDays}
				case full && days == dim:
					part = ledger.Basis{Unit: comp.AmountCents, Num: 1, Den: 1}
				case r.Proration == Days30:
					part = ledger.Basis{Unit: comp.AmountCents, Num: min(days, 30), Den: 30}
				default:
					part = ledger.Basis{Unit: comp.AmountCents, Num: days, Den: dim}
				}
				add(s, part)
			}
			d = next
		}
	}
	for _, key := range order {
		s := sums[key]
		for i, b := range s.basis {
			if b.Num%b.Den == 0 {
				s.basis[i] = ledger.Basis{Unit: b.Unit, Num: b.Num / b.Den, Den: 1}
			}
		}
		net, ok := basisNet(s.basis)
		if !ok {
			outOfRange = true
			continue
		}
		if net == 0 {
			continue
		}
		rate := money.Rate(0)
		if s.vat == lease.VATStandard {
			rate = lease.StandardRate
		}
		c.Lines = append(c.Lines, ledger.DraftLine{Line: key, From: s.from, To: s.to, Net: net, VATRate: rate, Basis: s.basis})
	}
	if outOfRange {
		c.Warnings = append(c.Warnings, "billing.warn.amount_out_of_range")
	}
	if len(c.Lines) == 0 {
		c.Warnings = append(c.Warnings, "billing.warn.no_components")
	}
	return c
}

// basisNet is Σ unit × num / den, exact over the common denominator and
// rounded half up once. It is computed in big integers because the common
// denominator of a year's day counts times an amount leaves int64; ok is
// false when the net itself is beyond what money.Cents can hold.
func basisNet(bs []ledger.Basis) (net money.Cents, ok bool) {
	l := big.NewInt(1)
	var g big.Int
	for _, b := range bs {
		d := big.NewInt(b.Den)
		g.GCD(nil, nil, l, d)
		l.Mul(l, d).Quo(l, &g)
	}
	num := new(big.Int)
	var term big.Int
	for _, b := range bs {
		term.Quo(l, big.NewInt(b.Den))
		term.Mul(&term, big.NewInt(b.Num))
		term.Mul(&term, big.NewInt(int64(b.Unit)))
		num.Add(num, &term)
	}
	// (num + l/2) / l truncated towards zero, as the int64 form always did.
	num.Add(num, new(big.Int).Quo(l, big.NewInt(2)))
	num.Quo(num, l)
	if !num.IsInt64() {
		return 0, false
	}
	return money.Cents(num.Int64()), true
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
	Months []civil.Month
}

// ParsePeriod reads "2026-01" or "2026-Q1".
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	if y, q, ok := strings.Cut(s, "-Q"); ok {
		yi, err1 := strconv.Atoi(y)
		qi, err2 := strconv.Atoi(q)
		if err1 != nil || err2 != nil || len(y) != 4 || len(q) != 1 || qi < 1 || qi > 4 || yi < civil.MinMonthYear || yi > civil.MaxMonthYear {
			return Period{}, fmt.Errorf("period %q is not a quarter like 2026-Q1", s)
		}
		first := time.Month((qi-1)*3 + 1)
		return Period{Key: s, Months: []civil.Month{{Year: yi, Month: first}, {Year: yi, Month: first + 1}, {Year: yi, Month: first + 2}}}, nil
	}
	m, err := civil.ParseMonth(s)
	if err != nil {
		return Period{}, fmt.Errorf("period %q is not a month like 2026-01: %w", s, err)
	}
	return Period{Key: m.String(), Months: []civil.Month{m}}, nil
}
