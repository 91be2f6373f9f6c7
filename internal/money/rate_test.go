package money

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want Rate
	}{
		{"21%", 210_000},
		{"21", 210_000},
		{" 21 % ", 210_000},
		{"9%", 90_000},
		{"2,8", 28_000},
		{"2.8%", 28_000},
		{"0.125", 1_250},
		{"0,125%", 1_250},
		{"0.0001", 1},
		{"100", 1_000_000},
		{"0", 0},
		{"-1,5%", -15_000},
		{"+3", 30_000},
		{".5", 5_000},
		{"922337203685477.5807", math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseRateErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"", "no digits"},
		{"%", "no digits"},
		{"abc", "unexpected character"},
		{"1.000,5", "unexpected character"}, // no thousands separators in rates
		{"2,8,1", "unexpected character"},
		{"0.00001", "more than 4 decimals"},
		{"21,", "no digits after the decimal separator"},
		{"922337203685477.5808", "out of range"},
		{"1000000000000000", "out of range"},
		{"21%%", "unexpected character"},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if err == nil {
			t.Errorf("ParseRate(%q) = %d, want error", tt.in, got)
			continue
		}
		if !errors.Is(err, ErrInvalidRate) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ParseRate(%q) error %q, want ErrInvalidRate mentioning %q", tt.in, err, tt.reason)
		}
	}
}

func TestRateString(t *testing.T) {
	tests := []struct {
		r        Rate
		want, nl string
	}{
		{210_000, "21%", "21%"},
		{28_000, "2.8%", "2,8%"},
		{1_250, "0.125%", "0,125%"},
		{1, "0.0001%", "0,0001%"},
		{0, "0%", "0%"},
		{-15_000, "-1.5%", "-1,5%"},
		{1_000_000, "100%", "100%"},
		{10_500, "1.05%", "1,05%"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("Rate(%d).String() = %q, want %q", tt.r, got, tt.want)
		}
		if got := FormatRate(tt.r, "nl"); got != tt.nl {
			t.Errorf("FormatRate(%d, nl) = %q, want %q", tt.r, got, tt.nl)
		}
		if got := FormatRate(tt.r, "en"); got != tt.want {
			t.Errorf("FormatRate(%d, en) = %q, want %q", tt.r, got, tt.want)
		}
		if back, err := ParseRate(tt.r.String()); err != nil || back != tt.r {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", tt.r.String(), back, err, tt.r)
		}
	}
}

func TestApplyRate(t *testing.T) {
	tests := []struct {
		c    Cents
		r    Rate
		want Cents
	}{
		{10000, 21 * Percent, 2100},
		{12345, 21 * Percent, 2592}, // 2592.45
		{12345, 9 * Percent, 1111},  // 1111.05
		{100000, 28_000, 2800},      // 2.8% of € 1.000
		{100000, 1_250, 125},        // 0.125% of € 1.000
		{1, 50 * Percent, 1},        // 0.5 rounds up
		{-1, 50 * Percent, -1},      // -0.5 rounds away from zero
		{1, -50 * Percent, -1},
		{-1, -50 * Percent, 1},
		{3, 50 * Percent, 2},   // 1.5 -> 2
		{-3, 50 * Percent, -2}, // -1.5 -> -2
		{1, 49 * Percent, 0},   // 0.49 -> 0
		{-1, 49 * Percent, 0},
		{5, 10 * Percent, 1}, // 0.5 -> 1
		{4, 10 * Percent, 0}, // 0.4 -> 0
		{123456, 0, 0},
		{0, 21 * Percent, 0},
		{123456, 100 * Percent, 123456},
		{math.MaxInt64, 100 * Percent, math.MaxInt64}, // intermediate product > int64
		{math.MinInt64, 50 * Percent, math.MinInt64 / 2},
		{math.MaxInt64, 1, 9223372036855}, // 92233720368547.75807 cents -> ...855 rounded
	}
	for _, tt := range tests {
		if got := ApplyRate(tt.c, tt.r); got != tt.want {
			t.Errorf("ApplyRate(%d, %s) = %d, want %d", tt.c, tt.r, got, tt.want)
		}
	}
}

// refApplyRate is ApplyRate in math/big, rounding half away from zero.
func refApplyRate(c Cents, r Rate) *big.Int {
	p := new(big.Int).Mul(big.NewInt(int64(c)), big.NewInt(int64(r)))
	neg := p.Sign() < 0
	p.Abs(p)
	q, m := new(big.Int).QuoRem(p, big.NewInt(rateScale), new(big.Int))
	if m.Mul(m, big.NewInt(2)).Cmp(big.NewInt(rateScale)) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return q
}

func TestApplyRateMatchesBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100_000 {
		c := Cents(rng.Int64N(int64(1)<<rng.IntN(63)) * (1 - 2*rng.Int64N(2)))
		r := Rate(rng.Int64N(int64(1)<<rng.IntN(40)) * (1 - 2*rng.Int64N(2)))
		want := refApplyRate(c, r)
		if !want.IsInt64() {
			continue
		}
		if got := ApplyRate(c, r); int64(got) != want.Int64() {
			t.Fatalf("ApplyRate(%d, %d) = %d, want %s", c, r, got, want)
		}
	}
}

func TestApplyRateOverflowPanics(t *testing.T) {
	for _, tt := range []struct {
		c Cents
		r Rate
	}{
		{math.MaxInt64, 200 * Percent},
		{math.MaxInt64, math.MaxInt64},
		{math.MinInt64, -100 * Percent},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("ApplyRate(%d, %d) did not panic", tt.c, tt.r)
				}
			}()
			ApplyRate(tt.c, tt.r)
		}()
	}
}
