package settlement_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/settlement"
)

// benchUnits is the complex size of the speed target (10,000 units), or
// HMS_BENCH_UNITS.
func benchUnits() int {
	if n, err := strconv.Atoi(os.Getenv("HMS_BENCH_UNITS")); err == nil && n > 0 {
		return n
	}
	return 10_000
}

// benchScenario is a complex of n units over 2025 with 30 cost lines of
// every key (heating among them) and tenant changes: one unit in ten
// changes tenant on a random day, one in fifty stands empty for a while
// before its next tenant.
func benchScenario(n int) settlement.Input {
	r := rand.New(rand.NewPCG(10_000, 30))
	in := settlement.Input{Period: settlement.Period{Start: "2025-01-01", End: "2025-12-31"}, AdminFeePercent: "5",
		DegreeDays: map[string]settlement.Decimal{}}
	for m, v := range []string{"412.3", "365.0", "330.8", "198.4", "96.0", "40.2", "30.1", "33.0", "80.5", "190.7", "300.2", "398.6"} {
		in.DegreeDays[fmt.Sprintf("2025-%02d", m+1)] = settlement.Decimal(v)
	}
	yearStart := civil.New(2025, time.January, 1)
	for u := range n {
		id := settlement.ID(fmt.Sprintf("VHE-%05d", u))
		in.Units = append(in.Units, settlement.Unit{ID: id, AreaM2: settlement.Decimal(fmt.Sprintf("%d.%d", 30+r.IntN(120), r.IntN(10))),
			Occupants: settlement.Decimal(fmt.Sprint(1 + r.IntN(5)))})
		adv := settlement.Decimal(money.Cents(100 * (600 + r.IntN(900))).String())
		switch {
		case u%10 == 0: // a change of tenant
			change := yearStart.AddDays(1 + r.IntN(363))
			in.Occupancies = append(in.Occupancies,
				settlement.Occupancy{ID: id + "-a", Tenant: "T" + id + "a", Unit: id, Start: "2019-04-01",
					End: change.AddDays(-1).String(), AdvancesPaid: adv},
				settlement.Occupancy{ID: id + "-b", Tenant: "T" + id + "b", Unit: id, Start: change.String(), AdvancesPaid: adv})
		case u%50 == 1: // vacant from the first tenant's leaving to the next one's coming
			leave := yearStart.AddDays(r.IntN(200))
			in.Occupancies = append(in.Occupancies,
				settlement.Occupancy{ID: id + "-a", Tenant: "T" + id + "a", Unit: id, Start: "2020-09-01", End: leave.String(), AdvancesPaid: adv},
				settlement.Occupancy{ID: id + "-b", Tenant: "T" + id + "b", Unit: id,
					Start: leave.AddDays(30 + r.IntN(90)).String(), AdvancesPaid: adv})
		default:
			in.Occupancies = append(in.Occupancies,
				settlement.Occupancy{ID: id + "-a", Tenant: "T" + id, Unit: id, Start: "2015-01-01", AdvancesPaid: adv})
		}
	}
	keys := []string{settlement.KeyEqual, settlement.KeyArea, settlement.KeyOccupants, settlement.KeyMeter,
		settlement.KeyShares, settlement.KeyGas3565}
	for c := range 30 {
		cost := settlement.Cost{ID: settlement.ID(fmt.Sprintf("cost-%02d", c)), Key: keys[c%len(keys)], AdminFee: c%3 != 0,
			Amount: settlement.Decimal(money.Cents(1_000_000 + r.Int64N(100_000_000)).String())}
		if c%5 == 2 && cost.Key != settlement.KeyGas3565 { // heating by other keys, a part fixed
			cost.Heating, cost.FixedPercent = true, "30"
		}
		if c%7 == 4 { // a cost of half of the complex
			for u := 0; u < n; u += 2 {
				cost.Units = append(cost.Units, in.Units[u].ID)
			}
		}
		if cost.Key == settlement.KeyMeter || cost.Key == settlement.KeyShares {
			vals := map[string]settlement.Decimal{}
			for u := range in.Units {
				vals[string(in.Units[u].ID)] = settlement.Decimal(fmt.Sprintf("%d.%03d", r.IntN(5000), r.IntN(1000)))
			}
			if cost.Units != nil {
				vals = map[string]settlement.Decimal{}
				for _, id := range cost.Units {
					vals[string(id)] = settlement.Decimal(fmt.Sprintf("%d.%03d", r.IntN(5000), r.IntN(1000)))
				}
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

// BenchmarkCompute settles the benchmark complex.
func BenchmarkCompute(b *testing.B) {
	in := benchScenario(benchUnits())
	out, err := settlement.Compute(in)
	if err != nil {
		b.Fatal(err)
	}
	recipients := len(out.Occupancies) + len(out.Landlord.Lines)/len(in.Costs)
	for b.Loop() {
		if _, err := settlement.Compute(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(recipients), "recipients")
}

// BenchmarkComputeJSON is what `hms settlement compute` does: decode the
// scenario, settle it and write the indented result.
func BenchmarkComputeJSON(b *testing.B) {
	raw, err := json.Marshal(benchScenario(benchUnits()))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		in, err := settlement.Decode(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		out, err := settlement.Compute(in)
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAllocateBaseline is the floor under BenchmarkCompute: the same 30
// cost lines each split by one plain money.Allocate over as many recipients
// (occupancies plus vacant units) with precomputed integer weights.
func BenchmarkAllocateBaseline(b *testing.B) {
	in := benchScenario(benchUnits())
	out, err := settlement.Compute(in)
	if err != nil {
		b.Fatal(err)
	}
	recipients := len(out.Occupancies) + len(out.Landlord.Lines)/len(in.Costs)
	r := rand.New(rand.NewPCG(1, 1))
	weights := make([]int64, recipients)
	for i := range weights {
		weights[i] = 1 + r.Int64N(100_000)
	}
	amounts := make([]money.Cents, len(in.Costs))
	for i, c := range in.Costs {
		amounts[i], _ = money.Parse(string(c.Amount))
	}
	for b.Loop() {
		for _, a := range amounts {
			if _, err := money.Allocate(a, weights); err != nil {
				b.Fatal(err)
			}
		}
	}
}
