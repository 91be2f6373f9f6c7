package money

import (
	"errors"
	"math"
	"testing"
)

func TestAddAndSumRefuseOverflow(t *testing.T) {
	if s, err := Add(MaxAmount, MaxAmount); err != nil || s != 2*MaxAmount {
		t.Fatalf("Add(max, max) = %v, %v", s, err)
	}
	for _, c := range []struct{ a, b Cents }{
		{math.MaxInt64, 1}, {math.MinInt64, -1}, {math.MaxInt64 / 2, math.MaxInt64/2 + 2},
	} {
		if _, err := Add(c.a, c.b); !errors.Is(err, ErrOverflow) {
			t.Errorf("Add(%d, %d): err = %v, want ErrOverflow", c.a, c.b, err)
		}
	}
	if _, err := Sum(math.MaxInt64-5, 3, 3); !errors.Is(err, ErrOverflow) {
		t.Errorf("Sum past MaxInt64: err = %v", err)
	}
	if s, err := Sum(math.MaxInt64, -10, 5); err != nil || s != math.MaxInt64-5 {
		t.Errorf("Sum that comes back in range = %v, %v", s, err)
	}
}

func TestMulDivIsExactWhereInt64WouldOverflow(t *testing.T) {
	cases := []struct {
		c        Cents
		num, den int64
		want     Cents
	}{
		{100_00, 1, 3, 33_33},
		{-100_00, 2, 3, -66_67},
		{1, 1, 2, 1},   // half rounds up
		{-1, 1, 2, -1}, // and away from zero below zero
		// c × num is 1.2e20, far past int64; the quotient is not.
		{MaxAmount, 12_345_678_901, 98_765_432_109, 12_499_999_89},
	}
	for _, c := range cases {
		got, err := MulDiv(c.c, c.num, c.den)
		if err != nil || got != c.want {
			t.Errorf("MulDiv(%d, %d, %d) = %d, %v; want %d", c.c, c.num, c.den, got, err, c.want)
		}
	}
	if _, err := MulDiv(math.MaxInt64, 3, 1); !errors.Is(err, ErrOverflow) {
		t.Errorf("MulDiv past int64: err = %v", err)
	}
}
