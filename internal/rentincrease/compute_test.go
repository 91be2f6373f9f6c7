package rentincrease

import (
	"math/big"
	"slices"
	"strings"
	"testing"

	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/portfolio"
)

var d = civil.MustParse

func TestCapChoicePerSegmentAndYear(t *testing.T) {
	cases := []struct {
		seg  portfolio.Segment
		date string
		want string // "" when no cap is known
	}{
		{portfolio.SegmentSociaal, "2024-07-01", "5.8%"},
		{portfolio.SegmentSociaal, "2025-06-30", "5.8%"},
		{portfolio.SegmentSociaal, "2025-07-01", "5%"},
		{portfolio.SegmentSociaal, "2026-07-01", "4.1%"},
		{portfolio.SegmentSociaal, "2027-06-30", "4.1%"},
		{portfolio.SegmentSociaal, "2027-07-01", ""},
		{portfolio.SegmentMiddenhuur, "2024-10-01", ""},
		{portfolio.SegmentMiddenhuur, "2025-01-01", "7.7%"},
		{portfolio.SegmentMiddenhuur, "2026-07-01", "6.1%"},
		{portfolio.SegmentVrij, "2024-01-01", "5.5%"},
		{portfolio.SegmentVrij, "2025-12-31", "4.1%"},
		{portfolio.SegmentVrij, "2026-01-01", "4.4%"},
		{portfolio.SegmentVrij, "2027-01-01", ""},
		{portfolio.SegmentCommercieel, "2026-01-01", ""},
	}
	for _, c := range cases {
		got, ok := capFor(c.seg, d(c.date), nil)
		if (c.want == "") == ok || (ok && got.Percent.String() != c.want) {
			t.Errorf("cap %s on %s = %v %v, want %q", c.seg, c.date, got.Percent, ok, c.want)
		}
	}
	// An organisation's override of a cap year wins, keeps the year's
	// amount rule, and fills a year the table does not know.
	o := []override{{Segment: portfolio.SegmentSociaal, Year: 2026, Percent: 39 * money.Percent / 10, Source: "eigen besluit"},
		{Segment: portfolio.SegmentVrij, Year: 2027, Percent: 3 * money.Percent, Source: "Staatscourant"}}
	got, ok := capFor(portfolio.SegmentSociaal, d("2027-03-01"), o)
	if !ok || !got.Override || got.Percent.String() != "3.9%" || got.LowRentMax != 2500 || got.From != d("2026-07-01") {
		t.Errorf("override sociaal 2026: %+v", got)
	}
	got, ok = capFor(portfolio.SegmentVrij, d("2027-01-01"), o)
	if !ok || got.Percent.String() != "3%" || got.Source != "Staatscourant" || got.To != d("2027-12-31") {
		t.Errorf("override vrije sector 2027: %+v", got)
	}
	rows := capTable(o)
	if len(rows) != 9 || rows[2].Percent.String() != "3.9%" || rows[2].Builtin == nil || rows[2].Builtin.Percent.String() != "4.1%" {
		t.Errorf("cap table: %d rows, %+v", len(rows), rows)
	}
}

func TestLowRentRule(t *testing.T) {
	c, _ := capFor(portfolio.SegmentSociaal, d("2026-07-01"), nil)
	if got := c.MaxIncrease(30000); got != 2500 { // 4.1% of €300 is €12.30; up to €25 allowed
		t.Errorf("max increase of €300: %d", got)
	}
	if got := c.MaxIncrease(40000); got != 1640 {
		t.Errorf("max increase of €400: %d", got)
	}
	c, _ = capFor(portfolio.SegmentSociaal, d("2025-07-01"), nil)
	if got := c.MaxIncrease(30000); got != 1500 {
		t.Errorf("2025 has no amount rule: %d", got)
	}
}

// leaseWith is a lease whose bare rent has the given rows (date → cents).
func leaseWith(kind lease.Kind, start string, rows ...any) *lease.Lease {
	l := &lease.Lease{ID: 1, Reference: "L1", Kind: kind, Start: d(start)}
	for i := 0; i+1 < len(rows); i += 2 {
		l.Components = append(l.Components, lease.Component{ID: int64(i + 1), Kind: lease.BareRent, ValidFrom: d(rows[i].(string)),
			AmountCents: money.Cents(rows[i+1].(int))})
	}
	return l
}

func codes(ns []Note) string {
	var out []string
	for _, n := range ns {
		out = append(out, strings.TrimPrefix(n.Code, "rentincrease.note."))
	}
	return strings.Join(out, ",")
}

func TestClauseClippedToCap(t *testing.T) {
	l := leaseWith(lease.Residential, "2020-01-01", "2020-01-01", 100000)
	fixed := func(p string) *Clause {
		r, _ := money.ParseRate(p)
		return &Clause{Method: MethodFixed, Percent: r, LagMonths: 4}
	}
	in := computeInput{Lease: l, Segment: portfolio.SegmentVrij, Date: d("2026-01-01")}
	// No clause: the legal maximum, 4.4%.
	if c := compute(in); c.Max != 104400 || c.Basis != BasisCap || *c.Cap != 44*money.Percent/10 {
		t.Errorf("no clause: %+v", c)
	}
	// A higher clause is clipped to the cap.
	in.Clause = fixed("6")
	if c := compute(in); c.Max != 104400 || c.Basis != BasisClipped || !strings.Contains(codes(c.Notes), "clipped") {
		t.Errorf("6%% clause: %+v", c)
	}
	// A lower clause wins.
	in.Clause = fixed("2,5")
	if c := compute(in); c.Max != 102500 || c.Basis != BasisClause {
		t.Errorf("2.5%% clause: %+v", c)
	}
	// "No increase agreed" stops the proposal.
	in.Clause = &Clause{Method: MethodNone}
	if c := compute(in); !c.blocked() || codes(c.Notes) != "clause_none" {
		t.Errorf("none clause: %+v", c)
	}
	// CPI + 1 with a clause cap of 3%: the clause cap clips before the legal one.
	cap3 := 3 * money.Percent
	in.Clause = &Clause{Method: MethodCPI, Series: "CPI", LagMonths: 4, Percent: money.Percent, Cap: &cap3}
	in.CPI = cpiTable{"CPI|2025-09": "110", "CPI|2024-09": "100"}.lookup
	if c := compute(in); c.Max != 103000 || c.Basis != BasisClause {
		t.Errorf("CPI+1 capped at 3%%: %+v", c)
	}
}

func TestTwelveMonthRule(t *testing.T) {
	on := d("2026-07-01")
	// The start of the lease counts as the last change: a lease that began
	// on 1 September 2025 gets no increase on 1 July 2026.
	c := compute(computeInput{Lease: leaseWith(lease.Residential, "2025-09-01", "2025-09-01", 80000),
		Segment: portfolio.SegmentSociaal, Date: on})
	if !c.blocked() || codes(c.Notes) != "within_12_months" || c.Notes[0].Args["next"] != "2026-09-01" {
		t.Errorf("new lease: %+v", c)
	}
	// Exactly 12 months after the start is allowed.
	c = compute(computeInput{Lease: leaseWith(lease.Residential, "2025-07-01", "2025-07-01", 80000),
		Segment: portfolio.SegmentSociaal, Date: on})
	if c.blocked() || c.Max != 83280 || c.Old != 80000 {
		t.Errorf("lease of 1 July 2025: %+v", c)
	}
	// A change on 1 January 2026 blocks 1 July 2026; a row with the same
	// amount (a correction) is not a change.
	l := leaseWith(lease.Residential, "2020-01-01", "2020-01-01", 70000, "2025-07-01", 80000, "2026-01-01", 80000)
	if c := compute(computeInput{Lease: l, Segment: portfolio.SegmentSociaal, Date: on}); c.blocked() {
		t.Errorf("same-amount row counted as a change: %+v", c)
	}
	l = leaseWith(lease.Residential, "2020-01-01", "2020-01-01", 70000, "2026-01-01", 80000)
	if c := compute(computeInput{Lease: l, Segment: portfolio.SegmentSociaal, Date: on}); !c.blocked() ||
		c.Notes[0].Args["last"] != "2026-01-01" {
		t.Errorf("change in January: %+v", c)
	}
	// A row on or after the date (entered already) stops it, unless it is
	// this proposal's own row being applied again.
	l = leaseWith(lease.Residential, "2020-01-01", "2020-01-01", 70000, "2026-07-01", 72870)
	if c := compute(computeInput{Lease: l, Segment: portfolio.SegmentSociaal, Date: on}); !strings.Contains(codes(c.Notes), "later_change") {
		t.Errorf("later row: %+v", c)
	}
	if c := compute(computeInput{Lease: l, Segment: portfolio.SegmentSociaal, Date: on, Own: 3}); c.blocked() || c.Max != 72870 {
		t.Errorf("own row: %+v", c)
	}
}

func TestPostedThroughAndSegments(t *testing.T) {
	l := leaseWith(lease.Residential, "2020-01-01", "2020-01-01", 70000)
	c := compute(computeInput{Lease: l, Segment: portfolio.SegmentSociaal, Date: d("2026-07-01"), PostedThrough: d("2026-07-31")})
	if !c.blocked() || codes(c.Notes) != "posted" {
		t.Errorf("posted: %+v", c)
	}
	c = compute(computeInput{Lease: l, Segment: portfolio.SegmentSociaal, Date: d("2026-07-01"), PostedThrough: d("2026-06-30")})
	if c.blocked() {
		t.Errorf("posted before the date: %+v", c)
	}
	if c := compute(computeInput{Lease: l, Segment: "", Date: d("2026-07-01")}); codes(c.Notes) != "mixed_segments" {
		t.Errorf("mixed: %+v", c)
	}
	// Middle-segment contracts from before 1 July 2024 follow the free-sector cap.
	c = compute(computeInput{Lease: l, Segment: portfolio.SegmentMiddenhuur, Date: d("2026-01-01")})
	if c.Max != 73080 || codes(c.Notes) != "middenhuur_transition" {
		t.Errorf("middenhuur transition: %+v", c)
	}
	l2 := leaseWith(lease.Residential, "2024-09-01", "2024-09-01", 100000)
	if c := compute(computeInput{Lease: l2, Segment: portfolio.SegmentMiddenhuur, Date: d("2026-01-01")}); c.Max != 106100 {
		t.Errorf("middenhuur: %+v", c)
	}
	if c := compute(computeInput{Lease: l, Segment: portfolio.SegmentSociaal, Date: d("2027-07-01")}); codes(c.Notes) != "no_cap" ||
		c.Notes[0].Args["year"] != "2027" {
		t.Errorf("unknown year: %+v", c)
	}
}

// The ROZ method (DOMAIN.md §4.3): new = old × CPI[t−4] / CPI[t−16].
func TestCPIIndexation(t *testing.T) {
	l := leaseWith(lease.Commercial, "2020-01-01", "2020-01-01", 250000)
	table := cpiTable{"CPI-2015|2025-03": "130.6", "CPI-2015|2024-03": "126.1", "CPI-2015|2025-02": "120.0"}
	cl := &Clause{Method: MethodCPI, Series: "CPI-2015", BaseYear: 2015, LagMonths: 4, FirstDate: d("2021-07-01")}
	in := computeInput{Lease: l, Segment: portfolio.SegmentCommercieel, Date: d("2025-07-01"), Clause: cl, CPI: table.lookup}
	// 2500 × 130.6 / 126.1 = 2589.2149… → € 2.589,21; +3.5686%.
	c := compute(in)
	if c.blocked() || c.Max != 258921 || c.Basis != BasisIndexation || c.Cap != nil {
		t.Fatalf("indexation: %+v", c)
	}
	if r := rateOf(c.Old, c.Max); r.String() != "3.5684%" {
		t.Errorf("rate %s", r)
	}
	// A falling index lowers the rent, unless the clause is increase-only.
	table["CPI-2015|2025-03"] = "124.0"
	c = compute(in)
	want := roundCents(new(big.Rat).Mul(big.NewRat(250000, 1), new(big.Rat).Quo(ratOf("124.0"), ratOf("126.1"))))
	if c.Max != want || c.Max != 245837 {
		t.Errorf("deflation: %d, want %d", c.Max, want)
	}
	cl.FloorZero = true
	if c = compute(in); c.Max != 250000 || codes(c.Notes) != "cpi,no_change" {
		t.Errorf("floor: %+v", c)
	}
	// A missing month is named and stops the proposal.
	in.Date = d("2025-08-01")
	cl.FirstDate = d("2021-08-01")
	if c = compute(in); !c.blocked() || c.Notes[0].Code != "rentincrease.note.cpi_missing" || c.Notes[0].Args["month"] != "2025-04" {
		t.Errorf("missing month: %+v", c)
	}
	// Not an indexation date of the clause.
	in.Date = d("2025-09-01")
	if c = compute(in); !slices.ContainsFunc(c.Notes,
		func(n Note) bool { return n.Code == "rentincrease.note.not_due" && n.Args["next"] == "2026-08-01" }) {
		t.Errorf("not due: %+v", c)
	}
	// No clause: a commercial lease gets no proposal.
	in.Clause = nil
	if c = compute(in); codes(c.Notes) != "no_clause" {
		t.Errorf("no clause: %+v", c)
	}
}

func TestRounding(t *testing.T) {
	if got := roundCents(big.NewRat(1005, 10)); got != 101 { // 100.5 → 101
		t.Errorf("half up: %d", got)
	}
	if got := roundCents(big.NewRat(10049, 100)); got != 100 {
		t.Errorf("below half: %d", got)
	}
	if got := LastDeliveryDay(d("2026-07-01")); got != d("2026-04-30") {
		t.Errorf("last delivery day: %s", got)
	}
	if got := LastDeliveryDay(d("2027-01-01")); got != d("2026-10-31") {
		t.Errorf("last delivery day: %s", got)
	}
}

// Spreadsheets quote cells: a comma-separated file keeps its decimal
// comma inside quotes, and a quoted series name may hold the separator.
// The CPI file was split by hand and broke on both.
func TestParseCPIQuotedFields(t *testing.T) {
	ps, errs := ParseCPI(strings.NewReader("\"series\",\"month\",\"index\"\n\"CPI-2015\",\"2025-01\",\"128,4\"\n" +
		"\"CPI (2015=100)\",2025-02,128.95\n"))
	if len(errs) > 0 || len(ps) != 2 || ps[0].Value != "128.4" || ps[1].Series != "CPI (2015=100)" || ps[1].Value != "128.95" {
		t.Fatalf("comma file with quoted cells: %+v %+v", ps, errs)
	}
	ps, errs = ParseCPI(strings.NewReader("reeks;maand;index\n\"CPI; alle bestedingen\";2025-01;128,4\n"))
	if len(errs) != 1 || errs[0] != (CellError{Line: 2, Column: "series", Reason: "rentincrease.cpi.series_invalid"}) {
		t.Fatalf("a quoted series with the separator is one cell (and not a valid name): %+v %+v", ps, errs)
	}
	caps, errs := ParseCaps(strings.NewReader("segment;year;percent;source\nsociaal;2027;3,5;\"Staatscourant 2027; nr. 12\"\n"))
	if len(errs) > 0 || len(caps) != 1 || caps[0].Source != "Staatscourant 2027; nr. 12" {
		t.Fatalf("caps with a quoted source: %+v %+v", caps, errs)
	}
}

func TestParseCPI(t *testing.T) {
	ps, errs := ParseCPI(strings.NewReader("\ufeffseries;month;index\nCPI-2015;2025-01;128,4\nCPI-2015;2025-02;128.95\n\n"))
	if len(errs) > 0 || len(ps) != 2 || ps[0].Value != "128.4" || ps[1].Month.String() != "2025-02" || ps[1].Value != "128.95" {
		t.Fatalf("parse: %+v %+v", ps, errs)
	}
	ps, errs = ParseCPI(strings.NewReader("CPI,2025-01,128.4\n"))
	if len(errs) > 0 || len(ps) != 1 {
		t.Fatalf("comma file: %+v %+v", ps, errs)
	}
	_, errs = ParseCPI(strings.NewReader("CPI;2025-01;128,4\nCPI;2025-13;1\nCPI;2025-02;-3\nCPI;2025-01;128,4\nCPI;2025-03\n;2025-04;1\n"))
	want := []CellError{{Line: 2, Column: "month", Reason: "rentincrease.cpi.month_invalid"},
		{Line: 3, Column: "index", Reason: "rentincrease.cpi.index_invalid"}, {Line: 4, Column: "month", Reason: "rentincrease.cpi.duplicate"},
		{Line: 5, Column: "", Reason: "rentincrease.cpi.fields"}, {Line: 6, Column: "series", Reason: "rentincrease.cpi.series_invalid"}}
	if !slices.Equal(errs, want) {
		t.Errorf("errors:\n got %+v\nwant %+v", errs, want)
	}
}
