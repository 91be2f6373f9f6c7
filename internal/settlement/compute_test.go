package settlement_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/settlement"
)

// --- helpers ---

func compute(t *testing.T, in settlement.Input) settlement.Output {
	t.Helper()
	out, err := settlement.Compute(in)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return out
}

func occByID(t *testing.T, out settlement.Output, id string) settlement.OccupancyResult {
	t.Helper()
	for _, o := range out.Occupancies {
		if o.ID == settlement.ID(id) {
			return o
		}
	}
	t.Fatalf("no occupancy %q in the output", id)
	return settlement.OccupancyResult{}
}

func line(t *testing.T, o settlement.OccupancyResult, cost string) string {
	t.Helper()
	for _, l := range o.Lines {
		if l.Cost == settlement.ID(cost) {
			return l.Amount.String()
		}
	}
	t.Fatalf("occupancy %s has no line for cost %q", o.ID, cost)
	return ""
}

// example1 is DOMAIN.md §7.12 example 1: 5 dwellings (2 × 50, 2 × 70, 1 ×
// 100 m²), gas €7,000 by the Huurcommissie's 35/65 key, dwelling 1 changes
// tenant on 1 August. The degree days make January–July 56.7% of the year.
// (The source's Amsterdam figures are for 2008, a leap year; the example
// counts 212 and 153 of 365 days, so the period here is 2025.)
func example1() settlement.Input {
	in := settlement.Input{Period: settlement.Period{Start: "2025-01-01", End: "2025-12-31"}}
	for i, a := range []string{"50", "50", "70", "70", "100"} {
		id := settlement.ID(fmt.Sprint(i + 1))
		in.Units = append(in.Units, settlement.Unit{ID: id, AreaM2: settlement.Decimal(a)})
		if i > 0 {
			in.Occupancies = append(in.Occupancies, settlement.Occupancy{ID: "o" + id, Tenant: "t" + id, Unit: id, Start: "2019-05-01"})
		}
	}
	in.Occupancies = append(in.Occupancies,
		settlement.Occupancy{ID: "outgoing", Tenant: "A", Unit: "1", Start: "2021-03-01", End: "2025-07-31"},
		settlement.Occupancy{ID: "incoming", Tenant: "B", Unit: "1", Start: "2025-08-01"})
	dd := []string{"120", "110", "100", "80", "60", "47", "50", "40", "55", "85", "113", "140"} // 567 + 433
	in.DegreeDays = map[string]settlement.Decimal{}
	for m, v := range dd {
		in.DegreeDays[fmt.Sprintf("2025-%02d", m+1)] = settlement.Decimal(v)
	}
	in.Costs = []settlement.Cost{{ID: "gas", Description: "Gas and grid", Amount: "7000.00", Key: settlement.KeyGas3565}}
	return in
}

// --- the worked examples of DOMAIN.md §7.12 ---

func TestWorkedExample1ProductMethod(t *testing.T) {
	out := compute(t, example1())
	// Fixed 490 by days (212 and 153 of 365), variable 669.12 by degree days (56.7% / 43.3%).
	if got := line(t, occByID(t, out, "outgoing"), "gas"); got != "663.99" {
		t.Errorf("outgoing tenant: %s, want 663.99", got)
	}
	if got := line(t, occByID(t, out, "incoming"), "gas"); got != "495.13" {
		t.Errorf("incoming tenant: %s, want 495.13", got)
	}
	// A dwelling of 50 m² all year: 490 + 669.12.
	if got := line(t, occByID(t, out, "o2"), "gas"); got != "1159.12" {
		t.Errorf("dwelling 2: %s, want 1159.12", got)
	}
	if c := out.Costs[0]; c.Allocated != c.Amount || c.Amount.String() != "7000.00" {
		t.Errorf("cost result %+v", c)
	}
	if len(out.Landlord.Lines) != 0 || out.Landlord.Total != 0 {
		t.Errorf("no vacancy, yet the landlord has %+v", out.Landlord)
	}

	// Without degree days the change of tenant cannot be split.
	in := example1()
	in.DegreeDays = nil
	_, err := settlement.Compute(in)
	var e *settlement.Error
	if !errors.As(err, &e) || e.Field != "degree_days" || !strings.Contains(e.Message, "2025-01") {
		t.Fatalf("missing degree days: %v", err)
	}
	// One month missing is named.
	in = example1()
	delete(in.DegreeDays, "2025-10")
	if _, err := settlement.Compute(in); !errors.As(err, &e) || e.Field != "degree_days" || !strings.Contains(e.Message, "2025-10") {
		t.Fatalf("missing October: %v", err)
	}
}

// example2 is DOMAIN.md §7.12 example 2: 20 dwellings of 1,300 m² in 2025
// (10 × 60, dwelling 11 at 78, dwelling 12 at 62, 8 × 70), 5% administration
// fee, advances of 12 × €85; dwelling 7 is vacant from 1 October.
func example2() settlement.Input {
	in := settlement.Input{Period: settlement.Period{Start: "2025-01-01", End: "2025-12-31"}, AdminFeePercent: "5"}
	for i := 1; i <= 20; i++ {
		area := "70"
		switch {
		case i <= 10:
			area = "60"
		case i == 11:
			area = "78"
		case i == 12:
			area = "62"
		}
		id := settlement.ID(fmt.Sprint(i))
		in.Units = append(in.Units, settlement.Unit{ID: id, AreaM2: settlement.Decimal(area)})
		o := settlement.Occupancy{ID: "lease-" + id, Tenant: "tenant-" + id, Unit: id, Start: "2018-06-01", AdvancesPaid: "1020.00"}
		if i == 7 {
			o.End, o.AdvancesPaid = "2025-09-30", "765.00"
		}
		in.Occupancies = append(in.Occupancies, o)
	}
	in.Costs = []settlement.Cost{
		{ID: "cleaning", Description: "Cleaning common areas", Amount: "4800.00", Key: settlement.KeyEqual, AdminFee: true},
		{ID: "electricity", Description: "Electricity common areas", Amount: "1950.00", Key: settlement.KeyEqual, AdminFee: true},
		{ID: "water", Description: "Water (no sub-meters)", Amount: "6000.00", Key: settlement.KeyEqual, AdminFee: true},
		{ID: "caretaker", Description: "Caretaker (60% tenant-related of €10,000)", Amount: "6000.00", Key: settlement.KeyArea, AdminFee: true},
	}
	return in
}

func TestWorkedExample2YearlyStatement(t *testing.T) {
	out := compute(t, example2())
	b := occByID(t, out, "lease-12")
	want := map[string]string{"cleaning": "240.00", "electricity": "97.50", "water": "300.00",
		// 6000 × 62/1300 = 286.1538…; over all dwellings by largest remainder it is 286.16.
		"caretaker": "286.16"}
	for cost, amount := range want {
		if got := line(t, b, cost); got != amount {
			t.Errorf("tenant B, %s: %s, want %s", cost, got, amount)
		}
	}
	// 240.00 + 97.50 + 300.00 + 286.16 = 923.66; 5% of it is 46.183 → 46.18; advances 12 × 85.00.
	for _, c := range []struct {
		name string
		got  settlement.Amount
		want string
	}{{"subtotal", b.Subtotal, "923.66"}, {"admin fee", b.AdminFee, "46.18"}, {"total", b.Total, "969.84"},
		{"advances", b.AdvancesPaid, "1020.00"}, {"balance (a refund)", b.Balance, "-50.16"}} {
		if c.got.String() != c.want {
			t.Errorf("tenant B, %s: %s, want %s", c.name, c.got, c.want)
		}
	}

	// Dwelling 7's last 92 days land on the landlord, not on the other tenants:
	// cleaning 240 × 92/365 = 60.4931 and 240 × 273/365 = 179.5068, whose
	// larger remainder takes the cent that is left.
	wantLandlord := []settlement.LandlordLine{
		{Cost: "cleaning", Unit: "7", Amount: 6049},
		{Cost: "electricity", Unit: "7", Amount: 2458}, // 2457.53 cents against the tenant's 7292.26: .53 > .26
		{Cost: "water", Unit: "7", Amount: 7562},
		{Cost: "caretaker", Unit: "7", Amount: 6980},
	}
	if !slices.Equal(out.Landlord.Lines, wantLandlord) {
		t.Errorf("landlord lines %+v, want %+v", out.Landlord.Lines, wantLandlord)
	}
	if out.Landlord.Total.String() != "230.49" {
		t.Errorf("landlord total %s, want 230.49", out.Landlord.Total)
	}
	seven := occByID(t, out, "lease-7")
	if got := line(t, seven, "cleaning"); got != "179.51" {
		t.Errorf("dwelling 7's tenant, cleaning: %s, want 179.51", got)
	}
	// Every other tenant pays exactly what a fully let complex would cost them.
	full := example2()
	full.Occupancies[6].End = ""
	fullOut := compute(t, full)
	for i, o := range out.Occupancies {
		if o.Unit == "7" {
			continue
		}
		for k, l := range o.Lines {
			if d := l.Amount - fullOut.Occupancies[i].Lines[k].Amount; d < -1 || d > 1 {
				t.Errorf("%s, %s: %s with the vacancy, %s without", o.ID, l.Cost, l.Amount, fullOut.Occupancies[i].Lines[k].Amount)
			}
		}
	}
	if fullOut.Landlord.Total != 0 || len(fullOut.Landlord.Lines) != 0 {
		t.Errorf("fully let, the landlord still pays %+v", fullOut.Landlord)
	}
	checkSums(t, example2(), out)
}

// A change in the middle of a month counts that month's degree days by days.
func TestPartialMonthDegreeDays(t *testing.T) {
	in := settlement.Input{
		Period: settlement.Period{Start: "2025-01-01", End: "2025-03-31"},
		Units:  []settlement.Unit{{ID: "A", AreaM2: "80"}},
		Occupancies: []settlement.Occupancy{
			{ID: "first", Tenant: "x", Unit: "A", Start: "2024-01-01", End: "2025-01-15"},
			{ID: "second", Tenant: "y", Unit: "A", Start: "2025-01-16"},
		},
		// Only January has degree days: the first tenant had 15 of its 31 days.
		DegreeDays: map[string]settlement.Decimal{"2025-01": "310", "2025-02": "0", "2025-03": "0.0"},
		Costs: []settlement.Cost{
			{ID: "heat", Amount: "100.00", Key: settlement.KeyArea, Heating: true},
			// Half fixed by days (15 of 90), half by degree days (15/31).
			{ID: "heat-half", Amount: "100.00", Key: settlement.KeyArea, Heating: true, FixedPercent: "50"},
			{ID: "lift", Amount: "90.00", Key: settlement.KeyEqual},
		},
	}
	out := compute(t, in)
	first, second := out.Occupancies[0], out.Occupancies[1]
	for _, c := range []struct{ cost, first, second string }{
		{"heat", "48.39", "51.61"},      // 100 × 15/31 = 48.387
		{"heat-half", "32.53", "67.47"}, // 50 × 15/90 + 50 × 15/31 = 8.333 + 24.194 = 32.527
		{"lift", "15.00", "75.00"},      // 90 × 15/90
	} {
		if got := line(t, first, c.cost); got != c.first {
			t.Errorf("%s, first tenant: %s, want %s", c.cost, got, c.first)
		}
		if got := line(t, second, c.cost); got != c.second {
			t.Errorf("%s, second tenant: %s, want %s", c.cost, got, c.second)
		}
	}
}

func TestAdminFeeAndBalance(t *testing.T) {
	in := settlement.Input{
		Period:          settlement.Period{Start: "2025-01-01", End: "2025-12-31"},
		AdminFeePercent: "2.5",
		Units:           []settlement.Unit{{ID: "1"}, {ID: "2"}},
		Occupancies: []settlement.Occupancy{
			{ID: "a", Tenant: "A", Unit: "1", Start: "2025-01-01", AdvancesPaid: "100.00"},
			{ID: "b", Tenant: "B", Unit: "2", Start: "2025-01-01"},
		},
		Costs: []settlement.Cost{
			{ID: "cleaning", Amount: "201.00", Key: settlement.KeyEqual, AdminFee: true}, // 100.50 each
			{ID: "energy", Amount: "50.00", Key: settlement.KeyEqual},                    // metered: no fee
			{ID: "credit", Amount: "-1.00", Key: settlement.KeyEqual, AdminFee: true},    // a supplier's credit: -0.50 each
		},
	}
	out := compute(t, in)
	a := out.Occupancies[0]
	// Fee base 100.50 − 0.50 = 100.00 → 2.50; subtotal 100.50 + 25 − 0.50 = 125.00.
	if a.Subtotal.String() != "125.00" || a.AdminFee.String() != "2.50" || a.Total.String() != "127.50" || a.Balance.String() != "27.50" {
		t.Errorf("occupancy a: %+v", a)
	}
	if b := out.Occupancies[1]; b.AdvancesPaid != 0 || b.Balance != b.Total {
		t.Errorf("occupancy b without advances: %+v", b)
	}
	// Half a cent rounds up: 2.5% of 0.20 = 0.005 → 0.01; of 0.19 = 0.00475 → 0.00.
	in.Costs = []settlement.Cost{{ID: "c", Amount: "0.39", Key: settlement.KeyEqual, AdminFee: true}}
	out = compute(t, in)
	if got := []string{out.Occupancies[0].AdminFee.String(),
		out.Occupancies[1].AdminFee.String()}; !slices.Equal(got, []string{"0.01", "0.00"}) {
		t.Errorf("fees on 0.20 and 0.19: %v", got)
	}
}

// Ties in the dropped fractions go to the recipient listed first:
// occupancies in input order (not unit order), then the landlord's vacancy
// lines.
func TestTiesGoToTheFirstListed(t *testing.T) {
	in := settlement.Input{
		Period: settlement.Period{Start: "2025-01-01", End: "2025-01-04"},
		Units:  []settlement.Unit{{ID: "1"}, {ID: "2"}, {ID: "3"}},
		Occupancies: []settlement.Occupancy{
			{ID: "a", Tenant: "A", Unit: "3", Start: "2025-01-01", End: "2025-01-02"}, // unit 3 is vacant on its last 2 days
			{ID: "b", Tenant: "B", Unit: "2", Start: "2025-01-01"},
			{ID: "c", Tenant: "C", Unit: "1", Start: "2025-01-01"},
		},
		Costs: []settlement.Cost{{ID: "x", Amount: "0.05", Key: settlement.KeyEqual}},
	}
	shares := func() []string {
		out := compute(t, in)
		return []string{line(t, out.Occupancies[0], "x"), line(t, out.Occupancies[1], "x"), line(t, out.Occupancies[2], "x"),
			out.Landlord.Lines[0].Amount.String()}
	}
	// Weights a 1/6, b 1/3, c 1/3, landlord 1/6. 5 cents: 0.833, 1.667, 1.667,
	// 0.833 → floors 0, 1, 1, 0; of the 3 cents left a and the landlord take
	// two (.833), and b beats c on the tie (.667) by coming first.
	if got := shares(); !slices.Equal(got, []string{"0.01", "0.02", "0.01", "0.01"}) {
		t.Errorf("shares of 0.05: %v", got)
	}
	// 3 cents: 0.5, 1, 1, 0.5 → the cent left goes to a, before the landlord.
	in.Costs[0].Amount = "0.03"
	if got := shares(); !slices.Equal(got, []string{"0.01", "0.01", "0.01", "0.00"}) {
		t.Errorf("shares of 0.03: %v", got)
	}
}

// --- validation ---

func TestInvalidInputNamesTheField(t *testing.T) {
	base := func() settlement.Input { return example2() }
	cases := []struct {
		name  string
		edit  func(*settlement.Input)
		field string
	}{
		{"period start", func(in *settlement.Input) { in.Period.Start = "1-1-2025" }, "period.start"},
		{"period order", func(in *settlement.Input) { in.Period.End = "2024-12-31" }, "period.end"},
		{"admin fee", func(in *settlement.Input) { in.AdminFeePercent = "5%" }, "admin_fee_percent"},
		{"no units", func(in *settlement.Input) { in.Units = nil }, "units"},
		{"duplicate unit", func(in *settlement.Input) { in.Units[3].ID = "1" }, "units[3].id"},
		{"negative area", func(in *settlement.Input) { in.Units[2].AreaM2 = "-60" }, "units[2].area_m2"},
		{"area not a number", func(in *settlement.Input) { in.Units[2].AreaM2 = "60 m2" }, "units[2].area_m2"},
		{"unknown unit", func(in *settlement.Input) { in.Occupancies[1].Unit = "99" }, "occupancies[1].unit"},
		{"bad start", func(in *settlement.Input) { in.Occupancies[1].Start = "2025-02-30" }, "occupancies[1].start"},
		{"end before start", func(in *settlement.Input) { in.Occupancies[1].End = "2018-05-31" }, "occupancies[1].end"},
		{"advances one decimal", func(in *settlement.Input) { in.Occupancies[4].AdvancesPaid = "1020.5" }, "occupancies[4].advances_paid"},
		{"overlap", func(in *settlement.Input) {
			in.Occupancies = append(in.Occupancies, settlement.Occupancy{ID: "x", Tenant: "X", Unit: "3", Start: "2025-06-01"})
		}, "occupancies[20].start"},
		{"overlap, later one starts first", func(in *settlement.Input) {
			in.Occupancies = append(in.Occupancies, settlement.Occupancy{ID: "x", Tenant: "X", Unit: "3", Start: "2010-06-01", End: "2018-06-01"})
		}, "occupancies[20].end"},
		{"no costs", func(in *settlement.Input) { in.Costs = nil }, "costs"},
		{"unknown key", func(in *settlement.Input) { in.Costs[2].Key = "m2" }, "costs[2].key"},
		{"amount one decimal", func(in *settlement.Input) { in.Costs[1].Amount = "1950.5" }, "costs[1].amount"},
		{"amount with comma", func(in *settlement.Input) { in.Costs[1].Amount = "1950,50" }, "costs[1].amount"},
		{"amount beyond a trillion", func(in *settlement.Input) { in.Costs[1].Amount = "1000000000000.01" }, "costs[1].amount"},
		{"duplicate cost", func(in *settlement.Input) { in.Costs[3].ID = "cleaning" }, "costs[3].id"},
		{"pool unknown unit", func(in *settlement.Input) { in.Costs[0].Units = []settlement.ID{"1", "77"} }, "costs[0].units[1]"},
		{"empty pool", func(in *settlement.Input) { in.Costs[0].Units = []settlement.ID{} }, "costs[0].units"},
		{"readings for another key",
			func(in *settlement.Input) { in.Costs[3].Readings = map[string]settlement.Decimal{"1": "5"} }, "costs[3].readings"},
		{"reading for unknown unit", func(in *settlement.Input) {
			in.Costs[3].Key, in.Costs[3].Readings = settlement.KeyMeter, map[string]settlement.Decimal{"1": "5", "Z": "1"}
		}, "costs[3].readings.Z"},
		{"reading outside the pool", func(in *settlement.Input) {
			in.Costs[3].Key, in.Costs[3].Units,
				in.Costs[3].Readings = settlement.KeyMeter, []settlement.ID{"1"}, map[string]settlement.Decimal{"1": "5", "2": "1"}
		}, "costs[3].readings.2"},
		{"missing reading", func(in *settlement.Input) {
			in.Costs[3].Key, in.Costs[3].Readings = settlement.KeyMeter, map[string]settlement.Decimal{"1": "5"}
		}, "costs[3].readings"},
		{"zero total weight", func(in *settlement.Input) {
			in.Costs[3].Key, in.Costs[3].Units,
				in.Costs[3].Shares = settlement.KeyShares, []settlement.ID{"1", "2"}, map[string]settlement.Decimal{"1": "0", "2": "0.00"}
		}, "costs[3].key"},
		{"area missing", func(in *settlement.Input) { in.Units[5].AreaM2 = "" }, "units[5].area_m2"},
		{"occupants missing", func(in *settlement.Input) { in.Costs[0].Key = settlement.KeyOccupants }, "units[0].occupants"},
		{"fixed part without heating", func(in *settlement.Input) { in.Costs[2].FixedPercent = "30" }, "costs[2].fixed_percent"},
		{"fixed part above 100",
			func(in *settlement.Input) { in.Costs[2].Heating, in.Costs[2].FixedPercent = true, "130" }, "costs[2].fixed_percent"},
		{"gas key is 35% fixed",
			func(in *settlement.Input) { in.Costs[3].Key, in.Costs[3].FixedPercent = settlement.KeyGas3565, "40" }, "costs[3].fixed_percent"},
		{"heating over a change without degree days", func(in *settlement.Input) { in.Costs[3].Heating = true }, "degree_days"},
		{"degree-day month key",
			func(in *settlement.Input) { in.DegreeDays = map[string]settlement.Decimal{"2025-1": "3"} }, "degree_days.2025-1"},
		{"degree days zero", func(in *settlement.Input) {
			in.Costs[3].Heating = true
			in.DegreeDays = map[string]settlement.Decimal{}
			for m := 1; m <= 12; m++ {
				in.DegreeDays[fmt.Sprintf("2025-%02d", m)] = "0"
			}
		}, "degree_days"},
	}
	for _, c := range cases {
		in := base()
		c.edit(&in)
		_, err := settlement.Compute(in)
		var e *settlement.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: error %v, want a *settlement.Error", c.name, err)
			continue
		}
		if e.Field != c.field || e.Message == "" {
			t.Errorf("%s: field %q (%s), want %q", c.name, e.Field, e.Message, c.field)
		}
	}

	// The degree days are not needed when the heating's fixed part is 100%.
	in := base()
	in.Costs[3].Heating, in.Costs[3].FixedPercent = true, "100"
	heated := compute(t, in)
	plain := compute(t, base())
	if !slices.Equal(heated.Landlord.Lines, plain.Landlord.Lines) {
		t.Errorf("a heating cost that is all fixed part goes by days: %+v vs %+v", heated.Landlord.Lines, plain.Landlord.Lines)
	}
}

func TestDecode(t *testing.T) {
	good := `{"period":{"start":"2025-01-01","end":"2025-12-31"},"units":[{"id":7,"area_m2":62.5}],
		"occupancies":[{"id":1,"tenant":"A","unit":7,"start":"2025-01-01"}],"costs":[{"id":"c","amount":"10.00","key":"area"}]}`
	in, err := settlement.Decode(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if in.Units[0].ID != "7" || in.Units[0].AreaM2 != "62.5" || in.Occupancies[0].Unit != "7" {
		t.Fatalf("numbers as ids and decimals: %+v", in)
	}
	if out := compute(t, in); out.Occupancies[0].Lines[0].Amount.String() != "10.00" {
		t.Fatalf("decoded scenario: %+v", out)
	}
	for _, c := range []struct{ json, field, msg string }{
		{``, "", "no input"},
		{`{"period":`, "", "ends too early"},
		{`{"period":{]}`, "", "not valid JSON"},
		{`{"periode":{}}`, "periode", "unknown field"},
		{`{"costs":[{"id":"c","heating":"yes"}]}`, "costs.heating", "true or false"},
		{`{"period":{"start":20250101}}`, "period.start", "a string"},
		{good + ` {}`, "", "after the scenario"},
	} {
		_, err := settlement.Decode(strings.NewReader(c.json))
		var e *settlement.Error
		if !errors.As(err, &e) || e.Field != c.field || !strings.Contains(e.Message, c.msg) {
			t.Errorf("Decode(%.40q): %#v, want field %q and %q", c.json, err, c.field, c.msg)
		}
	}
	// A value that is neither a string nor a number is reported at its field.
	in, err = settlement.Decode(strings.NewReader(strings.Replace(good, `62.5`, `{"m2":62.5}`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	var e *settlement.Error
	if _, err := settlement.Compute(in); !errors.As(err, &e) || e.Field != "units[0].area_m2" {
		t.Errorf("object as area: %v", err)
	}
	b, _ := json.Marshal(e)
	if string(b) != `{"error":"must be a number of 0 or more, not {\"m2\":62.5}","field":"units[0].area_m2"}` {
		t.Errorf("error JSON %s", b)
	}
}

// --- properties on random scenarios ---

// randomScenario is a complex of up to 8 units over a year or an odd
// period, with changes of tenant, vacancy before, between and after
// occupancies, occupancies reaching outside the period, and costs of every
// key, some over a part of the units, some heating.
func randomScenario(r *rand.Rand) settlement.Input {
	y := 2020 + r.IntN(7)
	first, last := civil.New(y, time.January, 1), civil.New(y, time.December, 31)
	if r.IntN(4) == 0 {
		first = first.AddDays(r.IntN(200))
		last = first.AddDays(20 + r.IntN(400))
	}
	in := settlement.Input{Period: settlement.Period{Start: first.String(), End: last.String()}}
	in.AdminFeePercent = settlement.Decimal([]string{"", "0", "5", "2.5", "4.75"}[r.IntN(5)])
	nUnits := 1 + r.IntN(8)
	for u := range nUnits {
		area := fmt.Sprint(20 + r.IntN(130))
		if r.IntN(3) == 0 {
			area += "." + fmt.Sprint(r.IntN(10))
		}
		in.Units = append(in.Units, settlement.Unit{ID: settlement.ID(fmt.Sprintf("U%d", u)), AreaM2: settlement.Decimal(area),
			Occupants: settlement.Decimal(fmt.Sprint(1 + r.IntN(5)))})
		cur := first.AddDays(-r.IntN(400))
		segments := r.IntN(4)
		for k := range segments {
			if r.IntN(2) == 0 {
				cur = cur.AddDays(r.IntN(60))
			}
			o := settlement.Occupancy{ID: settlement.ID(fmt.Sprintf("O%d-%d", u, k)), Tenant: settlement.ID(fmt.Sprintf("T%d", r.IntN(1000))),
				Unit: settlement.ID(fmt.Sprintf("U%d", u)), Start: cur.String(),
				AdvancesPaid: settlement.Decimal(money.Cents(r.Int64N(200_000)).String())}
			end := cur.AddDays(r.IntN(300))
			if k < segments-1 || r.IntN(3) > 0 {
				o.End = end.String()
			}
			in.Occupancies = append(in.Occupancies, o)
			cur = end.AddDays(1)
		}
	}
	r.Shuffle(len(in.Occupancies), func(i, j int) { in.Occupancies[i], in.Occupancies[j] = in.Occupancies[j], in.Occupancies[i] })
	in.DegreeDays = map[string]settlement.Decimal{}
	for d := first.FirstOfMonth(); !d.After(last); d = d.AddMonths(1) {
		v := fmt.Sprint(r.IntN(350))
		if r.IntN(2) == 0 {
			v += ".5"
		}
		if d == first.FirstOfMonth() {
			v = "1" + v // the period's degree days never add up to zero
		}
		in.DegreeDays[fmt.Sprintf("%04d-%02d", d.Year, d.Month)] = settlement.Decimal(v)
	}
	keys := []string{settlement.KeyEqual, settlement.KeyArea, settlement.KeyOccupants, settlement.KeyMeter,
		settlement.KeyShares, settlement.KeyGas3565}
	for c := range 1 + r.IntN(6) {
		amount := money.Cents(r.Int64N(2_000_000))
		if r.IntN(10) == 0 {
			amount = -amount
		}
		cost := settlement.Cost{ID: settlement.ID(fmt.Sprintf("C%d", c)), Amount: settlement.Decimal(amount.String()),
			Key: keys[r.IntN(len(keys))], AdminFee: r.IntN(2) == 0}
		pool := make([]int, nUnits)
		for u := range pool {
			pool[u] = u
		}
		if r.IntN(3) == 0 {
			r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
			pool = pool[:1+r.IntN(nUnits)]
			for _, u := range pool {
				cost.Units = append(cost.Units, in.Units[u].ID)
			}
		}
		if cost.Key != settlement.KeyGas3565 && r.IntN(5) < 2 {
			cost.Heating = true
			cost.FixedPercent = settlement.Decimal([]string{"", "", "0", "35", "12.5", "100"}[r.IntN(6)])
		}
		if cost.Key == settlement.KeyMeter || cost.Key == settlement.KeyShares {
			vals := map[string]settlement.Decimal{}
			for k, u := range pool {
				v := fmt.Sprintf("%d.%d", r.IntN(1000), r.IntN(10))
				if k == 0 {
					v = "1" + v
				}
				vals[string(in.Units[u].ID)] = settlement.Decimal(v)
			}
			if cost.Key == settlement.KeyMeter {
				cost.Readings = vals
			} else {
				cost.Shares = vals
			}
		}
		in.Costs = append(in.Costs, cost)
	}
	return in
}

// checkSums: every cost's shares add up to the cost exactly, and the
// output's totals are the sums of its lines.
func checkSums(t *testing.T, in settlement.Input, out settlement.Output) {
	t.Helper()
	byCost := map[settlement.ID]money.Cents{}
	for _, o := range out.Occupancies {
		var sub money.Cents
		for _, l := range o.Lines {
			byCost[l.Cost] += money.Cents(l.Amount)
			sub += money.Cents(l.Amount)
		}
		if money.Cents(o.Subtotal) != sub || o.Total != o.Subtotal+o.AdminFee || o.Balance != o.Total-o.AdvancesPaid {
			t.Errorf("occupancy %s does not add up: %+v", o.ID, o)
		}
	}
	var landlord money.Cents
	for _, l := range out.Landlord.Lines {
		byCost[l.Cost] += money.Cents(l.Amount)
		landlord += money.Cents(l.Amount)
	}
	if money.Cents(out.Landlord.Total) != landlord {
		t.Errorf("landlord total %s, lines add up to %s", out.Landlord.Total, landlord)
	}
	for i, c := range in.Costs {
		want, _ := money.Parse(string(c.Amount))
		if got := byCost[c.ID]; got != want || money.Cents(out.Costs[i].Allocated) != want || money.Cents(out.Costs[i].Amount) != want {
			t.Errorf("cost %s of %s: shares add up to %s (allocated %s)", c.ID, c.Amount, got, out.Costs[i].Allocated)
		}
	}
}

func TestPropertyRandomScenarios(t *testing.T) {
	r := rand.New(rand.NewPCG(2025, 7))
	n := 400
	if testing.Short() {
		n = 60
	}
	for i := range n {
		in := randomScenario(r)
		out, err := settlement.Compute(in)
		if err != nil {
			b, _ := json.Marshal(in)
			t.Fatalf("scenario %d: %v\n%s", i, err, b)
		}
		checkSums(t, in, out)
		ref := reference(t, in)
		compareWithReference(t, i, in, out, ref)
		vacancyStaysWithTheLandlord(t, i, in, out, ref)
		if t.Failed() {
			b, _ := json.Marshal(in)
			t.Fatalf("scenario %d:\n%s", i, b)
		}
	}
}

// compareWithReference: every line is the reference's largest-remainder
// share, computed day by day in rationals.
func compareWithReference(t *testing.T, i int, in settlement.Input, out settlement.Output, ref refResult) {
	t.Helper()
	for oi, o := range out.Occupancies {
		var want []settlement.Line
		for ci, c := range in.Costs {
			if a, ok := ref.occ[ci][oi]; ok {
				want = append(want, settlement.Line{Cost: c.ID, Amount: settlement.Amount(a)})
			}
		}
		if !slices.Equal(o.Lines, want) {
			t.Errorf("scenario %d, occupancy %s: lines %v, reference %v", i, o.ID, o.Lines, want)
		}
	}
	if !slices.Equal(out.Landlord.Lines, ref.landlord) {
		t.Errorf("scenario %d: landlord %v, reference %v", i, out.Landlord.Lines, ref.landlord)
	}
}

// vacancyStaysWithTheLandlord: let phantom tenants fill every vacant day;
// no real tenant's line moves by more than the one cent of rounding, and the
// phantoms pay what the landlord paid, give or take a cent a line.
func vacancyStaysWithTheLandlord(t *testing.T, i int, in settlement.Input, out settlement.Output, ref refResult) {
	t.Helper()
	filled := in
	filled.Occupancies = slices.Clone(in.Occupancies)
	for u, gaps := range ref.vacant {
		for k, g := range gaps {
			filled.Occupancies = append(filled.Occupancies, settlement.Occupancy{ID: settlement.ID(fmt.Sprintf("phantom-%d-%d", u, k)),
				Tenant: "phantom", Unit: in.Units[u].ID, Start: g[0].String(), End: g[1].String()})
		}
	}
	full, err := settlement.Compute(filled)
	if err != nil {
		t.Fatalf("scenario %d filled: %v", i, err)
	}
	if len(full.Landlord.Lines) != 0 {
		t.Errorf("scenario %d filled: landlord still has %v", i, full.Landlord.Lines)
	}
	for oi, o := range out.Occupancies {
		for k, l := range o.Lines {
			if d := l.Amount - full.Occupancies[oi].Lines[k].Amount; d < -1 || d > 1 {
				t.Errorf("scenario %d, %s, %s: %s with vacancy, %s without", i, o.ID, l.Cost, l.Amount, full.Occupancies[oi].Lines[k].Amount)
			}
		}
	}
	var phantoms money.Cents
	for _, o := range full.Occupancies[len(in.Occupancies):] {
		phantoms += money.Cents(o.Subtotal)
	}
	if d := phantoms - money.Cents(out.Landlord.Total); d.Abs() > money.Cents(len(out.Landlord.Lines)+len(full.Occupancies)) {
		t.Errorf("scenario %d: landlord paid %s, the phantoms %s", i, out.Landlord.Total, phantoms)
	}
}

// In a complex where nobody comes or goes, a tenant pays exactly the
// largest-remainder allocation of each cost over the key weights, whatever
// the key, heating or not (and no degree days are needed).
func TestPropertyNoChangesPaysKeyShare(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for i := range 300 {
		in := randomScenario(r)
		in.DegreeDays = nil
		in.Occupancies = nil
		for u, unit := range in.Units {
			in.Occupancies = append(in.Occupancies, settlement.Occupancy{ID: settlement.ID(fmt.Sprint("L", u)), Tenant: "T", Unit: unit.ID,
				Start: civil.MustParse(in.Period.Start).AddDays(-r.IntN(1000)).String()})
		}
		r.Shuffle(len(in.Occupancies), func(i, j int) { in.Occupancies[i], in.Occupancies[j] = in.Occupancies[j], in.Occupancies[i] })
		out, err := settlement.Compute(in)
		if err != nil {
			t.Fatalf("scenario %d: %v", i, err)
		}
		unitIndex := map[settlement.ID]int{}
		for u, unit := range in.Units {
			unitIndex[unit.ID] = u
		}
		for _, c := range in.Costs {
			inPool := func(id settlement.ID) bool { return c.Units == nil || slices.Contains(c.Units, id) }
			// Key weights over the pool, as integers (areas have one decimal at most).
			tenth := func(s settlement.Decimal) int64 {
				v, _ := new(big.Rat).SetString(string(s))
				return new(big.Rat).Mul(v, big.NewRat(10, 1)).Num().Int64()
			}
			var totalArea, nPool int64
			for _, u := range in.Units {
				if inPool(u.ID) {
					totalArea += tenth(u.AreaM2)
					nPool++
				}
			}
			var weights []int64
			var who []int
			for oi, o := range in.Occupancies {
				if !inPool(o.Unit) {
					continue
				}
				u := in.Units[unitIndex[o.Unit]]
				var w int64
				switch c.Key {
				case settlement.KeyEqual:
					w = 1
				case settlement.KeyArea:
					w = tenth(u.AreaM2)
				case settlement.KeyOccupants:
					w = tenth(u.Occupants)
				case settlement.KeyMeter:
					w = tenth(c.Readings[string(u.ID)])
				case settlement.KeyShares:
					w = tenth(c.Shares[string(u.ID)])
				case settlement.KeyGas3565: // 35% / n + 65% × area / total area
					w = 35*totalArea + 65*nPool*tenth(u.AreaM2)
				}
				weights = append(weights, w)
				who = append(who, oi)
			}
			amount, _ := money.Parse(string(c.Amount))
			want, err := money.Allocate(amount, weights)
			if err != nil {
				t.Fatal(err)
			}
			for k, oi := range who {
				got := out.Occupancies[oi].Lines[slices.IndexFunc(out.Occupancies[oi].Lines,
					func(l settlement.Line) bool { return l.Cost == c.ID })].Amount
				if money.Cents(got) != want[k] {
					t.Errorf("scenario %d, cost %s (%s, heating %v), occupancy %s: %s, key share %s", i, c.ID, c.Key, c.Heating,
						in.Occupancies[oi].ID, got, want[k])
				}
			}
		}
		if len(out.Landlord.Lines) != 0 {
			t.Errorf("scenario %d: no vacancy, yet landlord lines %v", i, out.Landlord.Lines)
		}
	}
}

// --- the reference: the same rules, computed the slow and obvious way ---

type refResult struct {
	occ      []map[int]money.Cents // per cost: occupancy index → share, for occupancies in the pool
	landlord []settlement.LandlordLine
	vacant   [][][2]civil.Date // per unit: vacant spans
}

func rat(s settlement.Decimal) *big.Rat {
	v, ok := new(big.Rat).SetString(string(s))
	if !ok {
		panic("not a number: " + string(s))
	}
	return v
}

func reference(t *testing.T, in settlement.Input) refResult {
	t.Helper()
	first, last := civil.MustParse(in.Period.Start), civil.MustParse(in.Period.End)
	var days []civil.Date
	for d := first; !d.After(last); d = d.AddDays(1) {
		days = append(days, d)
	}
	n := int64(len(days))
	unitIndex := map[settlement.ID]int{}
	for u, unit := range in.Units {
		unitIndex[unit.ID] = u
	}
	// owner[u][k]: the occupancy on day k, or -1.
	owner := make([][]int, len(in.Units))
	for u := range owner {
		owner[u] = slices.Repeat([]int{-1}, len(days))
	}
	for oi, o := range in.Occupancies {
		s, e := civil.MustParse(o.Start), civil.New(9999, time.December, 31)
		if o.End != "" {
			e = civil.MustParse(o.End)
		}
		for k, d := range days {
			if !d.Before(s) && !d.After(e) {
				owner[unitIndex[o.Unit]][k] = oi
			}
		}
	}
	ddOf := func(d civil.Date) *big.Rat { // a day's share of its month's degree days
		v, ok := in.DegreeDays[fmt.Sprintf("%04d-%02d", d.Year, d.Month)]
		if !ok {
			return new(big.Rat)
		}
		return new(big.Rat).Quo(rat(v), big.NewRat(int64(civil.DaysIn(d.Year, d.Month)), 1))
	}
	wddTotal := new(big.Rat)
	for _, d := range days {
		wddTotal.Add(wddTotal, ddOf(d))
	}
	// Recipients: occupancies (input order), then landlord per unit.
	type rec struct {
		occ, unit int
		days      int64
		wdd       *big.Rat
	}
	var recs []rec
	for oi, o := range in.Occupancies {
		recs = append(recs, rec{occ: oi, unit: unitIndex[o.Unit], wdd: new(big.Rat)})
	}
	res := refResult{vacant: make([][][2]civil.Date, len(in.Units))}
	landlordRec := map[int]int{}
	for u := range in.Units {
		for k, d := range days {
			if owner[u][k] == -1 {
				if _, ok := landlordRec[u]; !ok {
					landlordRec[u] = len(recs)
					recs = append(recs, rec{occ: -1, unit: u, wdd: new(big.Rat)})
				}
				if k == 0 || owner[u][k-1] != -1 {
					res.vacant[u] = append(res.vacant[u], [2]civil.Date{d, d})
				}
				res.vacant[u][len(res.vacant[u])-1][1] = d
			}
		}
	}
	for u := range in.Units {
		for k, d := range days {
			r := landlordRec[u]
			if oi := owner[u][k]; oi >= 0 {
				r = oi
			}
			recs[r].days++
			recs[r].wdd.Add(recs[r].wdd, ddOf(d))
		}
	}
	split := func(u int) bool {
		c := 0
		for _, r := range recs {
			if r.unit == u && r.days > 0 {
				c++
			}
		}
		return c > 1
	}
	for _, c := range in.Costs {
		inPool := func(u int) bool { return c.Units == nil || slices.Contains(c.Units, in.Units[u].ID) }
		keyOf := func(key string, u int) *big.Rat {
			switch key {
			case settlement.KeyEqual:
				return big.NewRat(1, 1)
			case settlement.KeyArea:
				return rat(in.Units[u].AreaM2)
			case settlement.KeyOccupants:
				return rat(in.Units[u].Occupants)
			case settlement.KeyMeter:
				return rat(c.Readings[string(in.Units[u].ID)])
			default:
				return rat(c.Shares[string(in.Units[u].ID)])
			}
		}
		fixedKey, varKey, p := c.Key, c.Key, big.NewRat(1, 1)
		heating := c.Heating || c.Key == settlement.KeyGas3565
		if heating {
			p = new(big.Rat)
			if c.FixedPercent != "" {
				p.Quo(rat(c.FixedPercent), big.NewRat(100, 1))
			}
		}
		if c.Key == settlement.KeyGas3565 {
			fixedKey, varKey, p = settlement.KeyEqual, settlement.KeyArea, big.NewRat(35, 100)
		}
		sumF, sumV := new(big.Rat), new(big.Rat)
		for u := range in.Units {
			if inPool(u) {
				sumF.Add(sumF, keyOf(fixedKey, u))
				sumV.Add(sumV, keyOf(varKey, u))
			}
		}
		amount, _ := money.Parse(string(c.Amount))
		var idx []int
		var exact []*big.Rat
		for ri, r := range recs {
			if !inPool(r.unit) {
				continue
			}
			d := big.NewRat(r.days, n)
			g := d
			if heating && split(r.unit) {
				g = new(big.Rat).Quo(r.wdd, wddTotal)
			}
			w := new(big.Rat).Mul(p, new(big.Rat).Quo(keyOf(fixedKey, r.unit), sumF))
			w.Mul(w, d)
			if p.Cmp(big.NewRat(1, 1)) != 0 {
				v := new(big.Rat).Sub(big.NewRat(1, 1), p)
				v.Mul(v, new(big.Rat).Quo(keyOf(varKey, r.unit), sumV))
				v.Mul(v, g)
				w.Add(w, v)
			}
			idx = append(idx, ri)
			exact = append(exact, w.Mul(w, big.NewRat(int64(amount.Abs()), 1)))
		}
		parts := refLargestRemainder(amount.Abs(), exact)
		occ := map[int]money.Cents{}
		for k, ri := range idx {
			a := parts[k]
			if amount < 0 {
				a = -a
			}
			if recs[ri].occ >= 0 {
				occ[recs[ri].occ] = a
			} else {
				res.landlord = append(res.landlord, settlement.LandlordLine{Cost: c.ID, Unit: in.Units[recs[ri].unit].ID, Amount: settlement.Amount(a)})
			}
		}
		res.occ = append(res.occ, occ)
	}
	return res
}

// refLargestRemainder rounds exact non-negative shares that add up to total
// (in cents) down, then hands out the cents left by largest fraction, lower
// index first on ties.
func refLargestRemainder(total money.Cents, exact []*big.Rat) []money.Cents {
	parts := make([]money.Cents, len(exact))
	fracs := make([]*big.Rat, len(exact))
	var given money.Cents
	for i, x := range exact {
		fl := new(big.Int).Quo(x.Num(), x.Denom())
		parts[i] = money.Cents(fl.Int64())
		fracs[i] = new(big.Rat).Sub(x, new(big.Rat).SetInt(fl))
		given += parts[i]
	}
	order := make([]int, len(exact))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return fracs[b].Cmp(fracs[a]) })
	for _, i := range order[:total-given] {
		parts[i]++
	}
	return parts
}
