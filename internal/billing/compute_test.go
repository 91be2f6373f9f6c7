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

func month(s string) Month {
	m, err := ParseMonth(s)
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
		{"change mid-month", mkLease("2025-01-01", "", lease.Monthly, comp(lease.BareRent, 100000, "2025-01-01"), comp(lease.BareRent, 110000, "2026-01-16")), "2026-01", ActualDays,
			[]money.Cents{105161}, "2026-01", "2026-01-01", "2026-01-01", "2026-01-31"},
		{"quarterly full", mkLease("2025-01-01", "", lease.Quarterly, comp(lease.BareRent, 100000, "2025-01-01"), comp(lease.Parking, 5000, "2025-01-01")), "2026-02", ActualDays,
			[]money.Cents{300000, 15000}, "2026-Q1", "2026-01-01", "2026-01-01", "2026-03-31"},
		// starts 16 Feb: Feb 13/28 + March full = 46428.57 + 100000 → 146429
		{"quarterly partial", mkLease("2026-02-16", "", lease.Quarterly, comp(lease.BareRent, 100000, "2026-02-16")), "2026-03", ActualDays,
			[]money.Cents{146429}, "2026-Q1", "2026-02-16", "2026-02-16", "2026-03-31"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := compute(c.l, month(c.m), c.p)
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
	l := mkLease("2025-01-01", "", lease.Monthly, lease.Component{Kind: lease.BareRent, AmountCents: 123457, VAT: lease.VATStandard, ValidFrom: d("2025-01-01")})
	l.Kind = lease.Commercial
	c := compute(l, month("2026-03"), ActualDays)
	// 21% of 1234.57 = 259.2597 → 259.26, rounded half up per line
	if len(c.Lines) != 1 || c.Lines[0].VAT() != 25926 || c.Lines[0].VATRate != lease.StandardRate {
		t.Fatalf("VAT line: %+v", c.Lines)
	}
	if c.Lines[0].Line != ledger.Line("bare_rent", "", "") {
		t.Fatalf("line %q", c.Lines[0].Line)
	}
	empty := mkLease("2025-01-01", "", lease.Monthly)
	empty.Parties = nil
	c = compute(empty, month("2026-03"), ActualDays)
	if len(c.Lines) != 0 || len(c.Warnings) != 2 {
		t.Fatalf("warnings: %v", c.Warnings)
	}
	// a lease that ended before the month is not charged at all
	gone := mkLease("2025-01-01", "2026-02-28", lease.Monthly, comp(lease.BareRent, 100000, "2025-01-01"))
	if c := compute(gone, month("2026-03"), ActualDays); len(c.Lines) != 0 || !c.DueDate.IsZero() {
		t.Fatalf("ended lease charged: %+v", c)
	}
}

// A full month is the full amount whatever the month's length, and a
// month split in two by a rent change adds up to within a cent of both
// parts: proration never loses or invents money beyond rounding.
func TestComputeFullMonthsEveryMonth(t *testing.T) {
	l := mkLease("2024-01-01", "", lease.Monthly, comp(lease.BareRent, 98765, "2024-01-01"))
	for m := month("2024-01"); m.Year < 2029; m = (Month{m.Year, m.Month + 1}) {
		if m.Month > 12 {
			m = Month{m.Year + 1, 1}
		}
		for _, p := range Prorations {
			if n := nets(compute(l, m, p)); len(n) != 1 || n[0] != 98765 {
				t.Fatalf("%s %s: %v", m, p, n)
			}
		}
	}
}

func TestParsePeriod(t *testing.T) {
	for in, want := range map[string]string{"2026-01": "2026-01|1", "2026-Q3": "2026-Q3|3", " 2026-12 ": "2026-12|1"} {
		p, err := ParsePeriod(in)
		if err != nil || fmt.Sprintf("%s|%d", p.Key, len(p.Months)) != want {
			t.Errorf("%q: %+v %v", in, p, err)
		}
	}
	if p, _ := ParsePeriod("2026-Q3"); p.Months[0] != (Month{2026, 7}) || p.Months[2] != (Month{2026, 9}) {
		t.Errorf("Q3 months: %+v", p.Months)
	}
	for _, bad := range []string{"2026-Q0", "2026-Q5", "2026-13", "26-01", "2026-Q", "2026Q1", ""} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
