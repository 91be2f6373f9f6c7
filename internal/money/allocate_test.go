package money

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

func TestAllocate(t *testing.T) {
	tests := []struct {
		total   Cents
		weights []int64
		want    []Cents
	}{
		{100, []int64{1, 1, 1}, []Cents{34, 33, 33}},
		{-100, []int64{1, 1, 1}, []Cents{-34, -33, -33}},
		{101, []int64{1, 1, 1}, []Cents{34, 34, 33}},
		{2, []int64{1, 1, 1}, []Cents{1, 1, 0}},
		{0, []int64{1, 2, 3}, []Cents{0, 0, 0}},
		{10, []int64{0, 1, 0}, []Cents{0, 10, 0}},
		{5, []int64{0, 0, 1, 1}, []Cents{0, 0, 3, 2}}, // zero weights never get a cent
		{100, []int64{1}, []Cents{100}},
		// 1000 by 45/35/20: exact 450/350/200
		{1000, []int64{45, 35, 20}, []Cents{450, 350, 200}},
		// 1000 by 1/2/4 (7): 142.857, 285.714, 571.428 -> floors 142+285+571=998;
		// largest remainders: 0.857 (idx 0) and 0.714 (idx 1)
		{1000, []int64{1, 2, 4}, []Cents{143, 286, 571}},
		// ties broken by the lower index: 10 by 3 equal weights and one zero
		{10, []int64{0, 3, 3, 3}, []Cents{0, 4, 3, 3}},
		// a larger remainder wins over a lower index: 7 by (1, 2) -> 2.33 and 4.67
		{7, []int64{1, 2}, []Cents{2, 5}},
		{math.MaxInt64, []int64{1, 1}, []Cents{math.MaxInt64/2 + 1, math.MaxInt64 / 2}},
		{math.MinInt64, []int64{1, 1}, []Cents{math.MinInt64 / 2, math.MinInt64 / 2}},
		{math.MinInt64, []int64{1}, []Cents{math.MinInt64}},
		{math.MaxInt64, []int64{math.MaxInt64, math.MaxInt64}, []Cents{math.MaxInt64/2 + 1, math.MaxInt64 / 2}},
		{math.MaxInt64, []int64{math.MaxInt64, 1}, []Cents{math.MaxInt64 - 1, 1}},
	}
	for _, tt := range tests {
		got, err := Allocate(tt.total, tt.weights)
		if err != nil {
			t.Errorf("Allocate(%d, %v) error: %v", tt.total, tt.weights, err)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Allocate(%d, %v) = %v, want %v", tt.total, tt.weights, got, tt.want)
		}
	}
}

// Many equal remainders: the cents go to the lowest indexes, whatever the
// sort algorithm does with equal keys.
func TestAllocateManyTies(t *testing.T) {
	for _, n := range []int{13, 50, 200} {
		w := make([]int64, n)
		for i := range w {
			w[i] = 7
		}
		for _, total := range []Cents{Cents(n / 2), Cents(3*n + n/3), -Cents(n - 1)} {
			got, err := Allocate(total, w)
			if err != nil {
				t.Fatal(err)
			}
			base, extra := total/Cents(n), total%Cents(n)
			for i, p := range got {
				want := base
				if extra > 0 && i < int(extra) {
					want++
				} else if extra < 0 && i < int(-extra) {
					want--
				}
				if p != want {
					t.Fatalf("Allocate(%d, %d equal weights)[%d] = %d, want %d", total, n, i, p, want)
				}
			}
		}
	}
}

func TestAllocateErrors(t *testing.T) {
	for _, w := range [][]int64{nil, {}, {0}, {0, 0, 0}, {1, -1}, {-5}, {math.MaxInt64, math.MaxInt64, math.MaxInt64}} {
		got, err := Allocate(100, w)
		if !errors.Is(err, ErrInvalidWeights) {
			t.Errorf("Allocate(100, %v) = %v, %v; want ErrInvalidWeights", w, got, err)
		}
	}
}

// refAllocate is an independent Hamilton allocation in math/big.
func refAllocate(total Cents, weights []int64) []Cents {
	sum := new(big.Int)
	for _, w := range weights {
		sum.Add(sum, big.NewInt(w))
	}
	mag := new(big.Int).Abs(big.NewInt(int64(total)))
	type share struct {
		i         int
		floor, rm *big.Int
	}
	shares := make([]share, len(weights))
	given := new(big.Int)
	for i, w := range weights {
		p := new(big.Int).Mul(mag, big.NewInt(w))
		q, m := new(big.Int).QuoRem(p, sum, new(big.Int))
		shares[i] = share{i, q, m}
		given.Add(given, q)
	}
	left := new(big.Int).Sub(mag, given).Int64()
	byRem := slices.Clone(shares)
	sort.SliceStable(byRem, func(a, b int) bool { return byRem[a].rm.Cmp(byRem[b].rm) > 0 })
	for _, s := range byRem[:left] {
		shares[s.i].floor.Add(shares[s.i].floor, big.NewInt(1))
	}
	out := make([]Cents, len(weights))
	for i, s := range shares {
		if total < 0 {
			s.floor.Neg(s.floor)
		}
		out[i] = Cents(s.floor.Int64())
	}
	return out
}

func randomWeights(rng *rand.Rand) []int64 {
	n := 1 + rng.IntN(12)
	if rng.IntN(10) == 0 {
		// many parts with small weights: lots of equal remainders, and
		// long enough that the sort is not an insertion sort
		w := make([]int64, 13+rng.IntN(300))
		for i := range w {
			w[i] = rng.Int64N(4)
		}
		w[0] = 1
		return w
	}
	w := make([]int64, n)
	for i := range w {
		switch rng.IntN(4) {
		case 0:
			w[i] = 0
		case 1:
			w[i] = rng.Int64N(10)
		case 2:
			w[i] = rng.Int64N(1_000_000)
		default:
			w[i] = rng.Int64N(math.MaxInt64 / 16)
		}
	}
	if w[0] == 0 && slices.Max(w) == 0 {
		w[0] = 1
	}
	return w
}

func TestAllocateProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20_000 {
		total := Cents(rng.Int64N(int64(1)<<rng.IntN(63)) * (1 - 2*rng.Int64N(2)))
		w := randomWeights(rng)
		got, err := Allocate(total, w)
		if err != nil {
			t.Fatalf("Allocate(%d, %v): %v", total, w, err)
		}
		checkAllocation(t, total, w, got)
		if want := refAllocate(total, w); !slices.Equal(got, want) {
			t.Fatalf("Allocate(%d, %v) = %v, reference %v", total, w, got, want)
		}
		if total != math.MinInt64 {
			neg, _ := Allocate(-total, w)
			for i := range got {
				if neg[i] != -got[i] {
					t.Fatalf("Allocate(%d, %v) = %v is not the mirror of %v", -total, w, neg, got)
				}
			}
		}
	}
}

// checkAllocation checks the invariants every allocation must have: the
// parts add up to total, each part is its exact share rounded down or up,
// and parts with weight 0 are 0.
func checkAllocation(t *testing.T, total Cents, w []int64, got []Cents) {
	t.Helper()
	if len(got) != len(w) {
		t.Fatalf("Allocate(%d, %v) returned %d parts", total, w, len(got))
	}
	var sum, wsum big.Int
	for i := range got {
		sum.Add(&sum, big.NewInt(int64(got[i])))
		wsum.Add(&wsum, big.NewInt(w[i]))
	}
	if sum.Cmp(big.NewInt(int64(total))) != 0 {
		t.Fatalf("Allocate(%d, %v) = %v adds up to %s", total, w, got, &sum)
	}
	for i := range got {
		exact := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(total)), big.NewInt(w[i])), &wsum)
		diff := new(big.Rat).Sub(new(big.Rat).SetInt64(int64(got[i])), exact)
		if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
			t.Fatalf("Allocate(%d, %v)[%d] = %d, exact share %s is a cent or more away", total, w, i, got[i], exact.FloatString(3))
		}
		if w[i] == 0 && got[i] != 0 {
			t.Fatalf("Allocate(%d, %v)[%d] = %d for weight 0", total, w, i, got[i])
		}
	}
}

func FuzzAllocate(f *testing.F) {
	f.Add(int64(100), int64(1), int64(1), int64(1), int64(0), uint8(3))
	f.Add(int64(-7), int64(0), int64(2), int64(0), int64(1), uint8(4))
	f.Add(int64(math.MinInt64), int64(math.MaxInt64), int64(1), int64(0), int64(0), uint8(2))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64), int64(0), int64(0), uint8(3))
	f.Fuzz(func(t *testing.T, total, w0, w1, w2, w3 int64, n uint8) {
		w := []int64{w0, w1, w2, w3}[:1+int(n)%4]
		got, err := Allocate(Cents(total), w)
		if err != nil {
			if !errors.Is(err, ErrInvalidWeights) {
				t.Fatalf("Allocate(%d, %v) error %v does not wrap ErrInvalidWeights", total, w, err)
			}
			var sum big.Int
			bad := false
			for _, x := range w {
				bad = bad || x < 0
				sum.Add(&sum, big.NewInt(x))
			}
			if !bad && sum.Sign() != 0 && sum.IsUint64() {
				t.Fatalf("Allocate(%d, %v) refused valid weights: %v", total, w, err)
			}
			return
		}
		checkAllocation(t, Cents(total), w, got)
	})
}
