package settlement

import (
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"hms/internal/money"
)

// allocateBig gives what money.Allocate gives, ties and negative totals
// included, so which of the two runs never changes a settlement.
func TestAllocateBigMatchesMoneyAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		n := 1 + r.IntN(12)
		small := make([]int64, n)
		bigs := make([]*big.Int, n)
		for k := range small {
			switch r.IntN(4) {
			case 0:
				small[k] = 0
			case 1:
				small[k] = 7 // many ties
			default:
				small[k] = r.Int64N(1 << uint(1+r.IntN(62)))
			}
		}
		small[r.IntN(n)] += 1 // never all zero
		for k, w := range small {
			bigs[k] = big.NewInt(w)
		}
		total := money.Cents(r.Int64N(10_000_000)) - 2_000_000
		if i%50 == 0 {
			total = math.MaxInt64 - money.Cents(r.IntN(3))
		}
		want, err := money.Allocate(total, small)
		if err != nil {
			continue // the weights' sum overflows uint64; allocate then uses allocateBig alone
		}
		if got := allocateBig(total, bigs); !slices.Equal(got, want) {
			t.Fatalf("allocateBig(%d, %v) = %v, money.Allocate %v", total, small, got, want)
		}
		if got := allocate(total, bigs); !slices.Equal(got, want) {
			t.Fatalf("allocate(%d, %v) = %v, money.Allocate %v", total, small, got, want)
		}
	}
	// Weights far beyond int64 keep their proportions: 10^30 : 2·10^30 : 10^30.
	e30 := new(big.Int).Exp(big.NewInt(10), big.NewInt(30), nil)
	got := allocate(100, []*big.Int{e30, new(big.Int).Mul(e30, big.NewInt(2)), e30})
	if !slices.Equal(got, []money.Cents{25, 50, 25}) {
		t.Fatalf("huge weights: %v", got)
	}
}

func TestParseDecimalAndAmount(t *testing.T) {
	for s, ok := range map[string]bool{"0": true, "62.5": true, "-3.25": true, "007": true, "1e3": false, "1,5": false, "": false,
		".5": false, "5.": false, "+5": false, "1 000": false, "١٢": false} {
		if _, got := parseDecimal(s); got != ok {
			t.Errorf("parseDecimal(%q) ok = %v, want %v", s, got, ok)
		}
	}
	for s, want := range map[string]money.Cents{"4800.00": 480000, "-50.17": -5017, "0.05": 5} {
		if got, ok := parseAmount(s); !ok || got != want {
			t.Errorf("parseAmount(%q) = %d %v", s, got, ok)
		}
	}
	for _, s := range []string{"4800", "4800.0", "4800.000", "1.234,56", "99999999999999999999.00"} {
		if _, ok := parseAmount(s); ok {
			t.Errorf("parseAmount(%q) accepted", s)
		}
	}
}

// linesJSON writes what json.Marshal writes for the same []storedLine,
// whatever the cost ids hold.
func TestLinesJSONIsMarshal(t *testing.T) {
	occs := []OccupancyResult{
		{Lines: []Line{}},
		{Lines: []Line{{Cost: "schoonmaak", Amount: 12345}, {Cost: `tuin "<&>" ü\`, Amount: -7}, {Cost: "schoonmaak#2", Amount: 0}}},
		{Lines: []Line{{Cost: "lift\u2028\t", Amount: -1_000_000_000_000}, {Cost: "schoonmaak", Amount: 1}}},
	}
	got, err := linesJSON(occs)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range occs {
		ls := make([]storedLine, len(o.Lines))
		for j, l := range o.Lines {
			ls[j] = storedLine{Cost: string(l.Cost), Cents: int64(l.Amount)}
		}
		want, err := json.Marshal(ls)
		if err != nil {
			t.Fatal(err)
		}
		if string(got[i]) != string(want) {
			t.Errorf("occupancy %d: %s, want %s", i, got[i], want)
		}
	}
}
