package money

import (
	"errors"
	"math/bits"
)

// ErrOverflow is returned by the checked operations when a result would not
// fit in an int64. Amounts are bounded on entry (MaxAmount), so this marks a
// bug or a corrupt ledger, never a customer's input; it must surface as an
// error rather than wrap around into a wrong balance.
var ErrOverflow = errors.New("money: result out of range")

// Add returns a + b, or ErrOverflow.
func Add(a, b Cents) (Cents, error) {
	s := a + b
	// Overflow happened when both operands share a sign the sum does not.
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, ErrOverflow
	}
	return s, nil
}

// Sum returns the sum of cs, or ErrOverflow when any partial sum overflows.
func Sum(cs ...Cents) (Cents, error) {
	var total Cents
	for _, c := range cs {
		var err error
		if total, err = Add(total, c); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// MulDiv returns round-half-up(c × num / den) computed exactly in 128 bits,
// or ErrOverflow when the result does not fit. den must be positive and num
// not negative; c may be negative (rounded half away from zero).
func MulDiv(c Cents, num, den int64) (Cents, error) {
	if den <= 0 || num < 0 {
		return 0, errors.New("money: MulDiv needs num ≥ 0 and den > 0")
	}
	hi, lo := bits.Mul64(magnitude(c), uint64(num))
	if hi >= uint64(den) {
		return 0, ErrOverflow
	}
	q, r := bits.Div64(hi, lo, uint64(den))
	if r >= uint64(den)-r { // r ≥ den/2, exactly
		q++
	}
	if q > 1<<63-1 {
		return 0, ErrOverflow
	}
	if c < 0 {
		return -Cents(q), nil
	}
	return Cents(q), nil
}
