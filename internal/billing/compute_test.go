package billing

import (
	"fmt"
	"testing"

	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
)

var d = civil.MustParse

func mkLease(start, ends string, f lease.Frequency, comps ...lease.Component) *lease.Lease {
	l := &lease.Lease{ID: 1, Reference: "L1", Kind: lease.Residential, Start: d(start), BillingFrequency: f, DueDay: 1,
		Parties: []lease.Party{{ID: 9, Role: lease.Tenant}}, Components: comps}
	if ends != "" {
		l.EndsOn = d(ends)
	}
	return l
}

func comp(kind lease.ComponentKind, cents int64, from string) lease.Component {
	return lease.Component{Kind: kind, AmountCents: money.Cents(cents), VAT: lease.VATExempt, ValidFrom: d(from)}
}

func nets(c Charge) []money.Cents {
	var out []money.Cents
	for _, l := range c.Lines {
		out = append(out, l.Net)
	}
	return out
}

func month(s string) civil.Month {
	m, err := civil.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

func TestComputeProration(t *testing.T) {
	for _, c := range []struct {
		name string
		l    *lease.Lease
		m    string
		p    Proration
		want []money.Cents
		key  string
		due  string
		from string
		to   string
	}{
		{"full month", mkLease("2025-01-01", "", lease.Monthly, comp(lease.BareRent, 100000, "2025-01-01")), "2026-01", ActualDays,
			[]money.Cents{100000}, "2026-01", "2026-01-01", "2026-01-01", "2026-01-31"},
		// 17 of 31 days: 100000 × 17/31 = 54838.709… → 54839
		{"start on the 15th", mkLease("2026-01-15", "", lease.Monthly, comp(lease.BareRent, 100000, "2026-01-15")), "2026-01", ActualDays,
			[]money.Cents{54839}, "2026-01", "2026-01-15", "2026-01-15", "2026-01-31"},
		// 10 of 30 days in April: 33333.33… → 33333
		{"end on the 10th", mkLease("2025-01-01", "2026-04-10", lease.Monthly, comp(lease.BareRent, 100000, "2025-01-01")), "2026-04", ActualDays,
			[]money.Cents{33333}, "2026-04", "2026-04-01", "2026-04-01", "2026-04-10"},
		// leap year: 15 of 29 days = 51724.137… → 51724; a common year 15/28 → 53571.43 → 53571
		{"leap February", mkLease("2028-02-15", "", lease.Monthly, comp(lease.BareRent, 100000, "2028-02-15")), "2028-02", ActualDays,
			[]money.Cents{51724}, "2028-02", "2028-02-15", "2028-02-15", "2028-02-29"},
		{"common February", mkLease("2027-02-14", "", lease.Monthly, comp(lease.BareRent, 100000, "2027-02-14")), "2027-02", ActualDays,
			[]money.Cents{53571}, "2027-02", "2027-02-14", "2027-02-14", "2027-02-28"},
		// 30-day months: 17 days of January = 17/30
		{"days30", mkLease("2026-01-15", "", lease.Monthly, comp(lease.BareRent, 100000, "2026-01-15")), "2026-01", Days30,
			[]money.Cents{56667}, "2026-01", "2026-01-15", "2026-01-15", "2026-01-31"},
		// the rent changes on the 16th: 100000 × 15/31 + 110000 × 16/31 = 48387.09 + 56774.19 = 105161.29 → 105161
		{"change mid-month",
			mkLease("2025-01-01", "", lease.Monthly, comp(lease.BareRent, 100000, "2025-01-01"), comp(lease.BareRent, 110000, "2026-01-16")),
			"2026-01", ActualDays, []money.Cents{105161}, "2026-01", "2026-01-01", "2026-01-01", "2026-01-31"},
		{"quarterly full",
			mkLease("2025-01-01", "", lease.Quarterly, comp(lease.BareRent, 100000, "2025-01-01"), comp(lease.Parking, 5000, "2025-01-01")),
			"2026-02", ActualDays, []money.Cents{300000, 15000}, "2026-Q1", "2026-01-01", "2026-01-01", "2026-03-31"},
		// starts 16 Feb: Feb 13/28 + March full = 46428.57 + 100000 → 146429
		// starts 16 Feb, over the whole quarter: 300000 × 44/90 = 146666.67 → 146667
		{"quarterly partial", mkLease("2026-02-16", "", lease.Quarterly, comp(lease.BareRent, 100000, "2026-02-16")), "2026-03", ActualDays,
			[]money.Cents{146667}, "2026-Q1", "2026-02-16", "2026-02-16", "2026-03-31"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := compute(c.l, month(c.m), Rules{Proration: c.p, Period: WholePeriod})
			if g := nets(got); len(g) != len(c.want) || func() bool {
				for i := range g {
					if g[i] != c.want[i] {
						return true
					}
				}
				return false
			}() {
				t.Fatalf("nets %v, want %v", g, c.want)
			}
			if got.Period.Key != c.key || got.DueDate != d(c.due) || got.Lines[0].From != d(c.from) || got.Lines[0].To != d(c.to) {
				t.Fatalf("period %s due %s from %s to %s", got.Period.Key, got.DueDate, got.Lines[0].From, got.Lines[0].To)
			}
		})
	}
}

func TestComputeVATAndWarnings(t *testing.T) {
	l := mkLease("2025-01-01", "", lease.Monthly,
		lease.Component{Kind: lease.BareRent, AmountCents: 123457, VAT: lease.VATStandard, ValidFrom: d("2025-01-01")})
	l.Kind = lease.Commercial
	c := compute(l, month("2026-03"), Rules{Proration: ActualDays})
	// 21% of 1234.57 = 259.2597 → 259.26, rounded half up per line
	if len(c.Lines) != 1 || c.Lines[0].VAT() != 25926 || c.Lines[0].VATRate != lease.StandardRate {
		t.Fatalf("VAT line: %+v", c.Lines)
	}
	if c.Lines[0].Line != ledger.Line("bare_rent", "", "") {
		t.Fatalf("line %q", c.Lines[0].Line)
	}
	empty := mkLease("2025-01-01", "", lease.Monthly)
	empty.Parties = nil
	c = compute(empty, month("2026-03"), Rules{Proration: ActualDays})
	if len(c.Lines) != 0 || len(c.Warnings) != 2 {
		t.Fatalf("warnings: %v", c.Warnings)
	}
	// a lease that ended before the month is not charged at all
	gone := mkLease("2025-01-01", "2026-02-28", lease.Monthly, comp(lease.BareRent, 100000, "2025-01-01"))
	if c := compute(gone, month("2026-03"), Rules{Proration: ActualDays}); len(c.Lines) != 0 || !c.DueDate.IsZero() {
		t.Fatalf("ended lease charged: %+v", c)
	}
}

// A full month is the full amount whatever the month's length, and a
// month split in two by a rent change adds up to within a cent of both
// parts: proration never loses or invents money beyond rounding.
func TestComputeFullMonthsEveryMonth(t *testing.T) {
	l := mkLease("2024-01-01", "", lease.Monthly, comp(lease.BareRent, 98765, "2024-01-01"))
	for m := month("2024-01"); m.Year < 2029; m = m.Add(1) {
		for _, p := range Prorations {
			if n := nets(compute(l, m, Rules{Proration: p})); len(n) != 1 || n[0] != 98765 {
				t.Fatalf("%s %s: %v", m, p, n)
			}
		}
	}
}

// DOMAIN §3.1: proration is amount × occupied days / days in the period by
// default. A quarterly lease at €900 a month from 10 February 2026 is
// charged €2,700 × 50/90 = €1,500.00 for Q1; month by month (a setting) it
// is 19/28 × €900 + €900 = €1,510.71. With 30-day months both ways give
// (19 + 30)/90 × €2,700 = €1,470.00.
func TestQuarterProrationOverTheWholePeriodDOMAIN31(t *testing.T) {
	l := mkLease("2026-02-10", "", lease.Quarterly, comp(lease.BareRent, 90000, "2026-02-10"))
	for _, c := range []struct {
		r     Rules
		net   money.Cents
		basis string
	}{
		{Rules{Proration: ActualDays, Period: WholePeriod}, 150000, "270000*50/90"},
		{Rules{Proration: ActualDays, Period: ByMonth}, 151071, "90000*19/28;90000*1/1"},
		{Rules{Proration: Days30, Period: WholePeriod}, 147000, "270000*49/90"},
		{Rules{Proration: Days30, Period: ByMonth}, 147000, "90000*19/30;90000*1/1"},
	} {
		got := compute(l, month("2026-02"), c.r)
		if len(got.Lines) != 1 || got.Lines[0].Net != c.net || ledger.EncodeBasis(got.Lines[0].Basis) != c.basis || got.Period.Key != "2026-Q1" {
			t.Errorf("%s: %+v", c.r.Method(), got.Lines)
		}
	}
	// A full quarter is one period at the quarter's amount.
	full := compute(mkLease("2025-01-01", "", lease.Quarterly, comp(lease.BareRent, 90000, "2025-01-01")), month("2026-01"),
		Rules{Proration: ActualDays})
	if b := full.Lines[0].Basis; len(b) != 1 || b[0] != (ledger.Basis{Unit: 270000, Num: 1, Den: 1}) || full.Lines[0].Net != 270000 {
		t.Errorf("full quarter: %+v", full.Lines)
	}
}

// An invoice is never due before it is issued: a run on 20 January for
// January (due 1 January by the lease) dates it 20 January + the payment
// term; a run ahead of the period keeps the lease's due day.
func TestLateRunDueDateIsIssuePlusTerm(t *testing.T) {
	l := mkLease("2025-01-01", "", lease.Monthly, comp(lease.BareRent, 100000, "2025-01-01"))
	r := Rules{Proration: ActualDays, PaymentTerm: 14, Today: d("2026-01-20")}
	if c := compute(l, month("2026-01"), r); c.DueDate != d("2026-02-03") {
		t.Errorf("late run due %s, want 2026-02-03", c.DueDate)
	}
	if c := compute(l, month("2026-02"), r); c.DueDate != d("2026-02-01") {
		t.Errorf("run ahead due %s, want 2026-02-01", c.DueDate)
	}
}

func TestParsePeriod(t *testing.T) {
	for in, want := range map[string]string{"2026-01": "2026-01|1", "2026-Q3": "2026-Q3|3", " 2026-12 ": "2026-12|1"} {
		p, err := ParsePeriod(in)
		if err != nil || fmt.Sprintf("%s|%d", p.Key, len(p.Months)) != want {
			t.Errorf("%q: %+v %v", in, p, err)
		}
	}
	if p, _ := ParsePeriod("2026-Q3"); p.Months[0] != (civil.Month{Year: 2026, Month: 7}) ||
		p.Months[2] != (civil.Month{Year: 2026, Month: 9}) {
		t.Errorf("Q3 months: %+v", p.Months)
	}
	for _, bad := range []string{"2026-Q0", "2026-Q5", "2026-13", "26-01", "2026-Q", "2026Q1", ""} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A common denominator of many day counts times a large amount leaves int64;
// the net must still come out exact, and a net beyond Cents must not wrap.
func TestBasisNetIsExactBeyondInt64AndRefusesWhatCentsCannotHold(t *testing.T) {
	bs := []ledger.Basis{
		{Unit: money.MaxAmount, Num: 1, Den: 28}, {Unit: money.MaxAmount, Num: 1, Den: 29},
		{Unit: money.MaxAmount, Num: 1, Den: 31}, {Unit: money.MaxAmount, Num: 1, Den: 365},
		{Unit: money.MaxAmount, Num: 1, Den: 366}, {Unit: money.MaxAmount, Num: 1, Den: 30 * 7},
	}
	// Σ 1e10/d for the six denominators, rounded half up once (computed with exact fractions).
	if net, ok := basisNet(bs); !ok || net != 1_126_889_801 {
		t.Fatalf("basisNet = %d, %v; want 1126889801", net, ok)
	}
	huge := []ledger.Basis{{Unit: 9_000_000_000_000_000_000, Num: 3, Den: 1}}
	if net, ok := basisNet(huge); ok {
		t.Fatalf("basisNet of 2.7e19 cents = %d, ok; want refused", net)
	}
}

// A component stored before amounts were bounded (9e18 cents) must not
// make the run fail: the lease gets a warning and its other lines bill.
func TestComputeWarnsAboutAnAmountBeyondRangeAndBillsTheRest(t *testing.T) {
	l := mkLease("2026-01-01", "", lease.Quarterly,
		comp(lease.BareRent, 900_00, "2026-01-01"), comp(lease.Parking, 9_000_000_000_000_000_000, "2026-01-01"))
	c := compute(l, month("2026-02"), Rules{Proration: ActualDays, Period: WholePeriod})
	if got := nets(c); len(got) != 1 || got[0] != 2700_00 {
		t.Fatalf("nets = %v; want only the bare rent of the quarter, 2700.00", got)
	}
	if fmt.Sprint(c.Warnings) != "[billing.warn.amount_out_of_range]" {
		t.Fatalf("warnings = %v", c.Warnings)
	}
}
