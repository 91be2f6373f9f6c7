package money

import (
	"cmp"
	"errors"
	"fmt"
	"math/bits"
	"slices"
)

// ErrInvalidWeights is wrapped by the errors of [Allocate].
var ErrInvalidWeights = errors.New("invalid allocation weights")

// Allocate splits total into len(weights) parts proportional to the weights,
// by the largest-remainder (Hamilton) method, so that the parts always add up
// to total exactly:
//
//  1. every part first gets its exact share |total|·w/Σw rounded down;
//  2. the cents that are left (fewer than the number of parts) go one each to
//     the parts with the largest dropped fractions; equal fractions are broken
//     by the lower index first, so the result is deterministic.
//
// A part with weight 0 always gets 0. A negative total is allocated as its
// absolute value and every part negated, so Allocate(-t, w) is the mirror of
// Allocate(t, w). Weights must not be negative, must not all be zero and their
// sum must fit in a uint64; otherwise the error wraps [ErrInvalidWeights].
// Products are computed in 128 bits, so there is no overflow for any int64
// total and weights.
func Allocate(total Cents, weights []int64) ([]Cents, error) {
	if len(weights) == 0 {
		return nil, fmt.Errorf("%w: no weights", ErrInvalidWeights)
	}
	var sum uint64
	for i, w := range weights {
		if w < 0 {
			return nil, fmt.Errorf("%w: weight %d is negative (%d)", ErrInvalidWeights, i, w)
		}
		var carry uint64
		sum, carry = bits.Add64(sum, uint64(w), 0)
		if carry != 0 {
			return nil, fmt.Errorf("%w: the sum of the weights is too large", ErrInvalidWeights)
		}
	}
	if sum == 0 {
		return nil, fmt.Errorf("%w: all weights are zero", ErrInvalidWeights)
	}

	mag := magnitude(total)
	parts := make([]uint64, len(weights))
	rems := make([]uint64, len(weights))
	var given uint64
	for i, w := range weights {
		// |total|·w / sum < 2^64 because w <= sum, so Div64 cannot overflow (hi < sum).
		hi, lo := bits.Mul64(mag, uint64(w))
		parts[i], rems[i] = bits.Div64(hi, lo, sum)
		given += parts[i]
	}
	left := mag - given // < len(weights): the dropped fractions add up to it and each is < 1
	if left > 0 {
		order := make([]int, len(weights))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int {
			if c := cmp.Compare(rems[b], rems[a]); c != 0 {
				return c // larger remainder first
			}
			return cmp.Compare(a, b) // then lower index first
		})
		for _, i := range order[:left] {
			parts[i]++
		}
	}

	out := make([]Cents, len(parts))
	for i, p := range parts {
		if total < 0 {
			out[i] = -Cents(p) // p = 2^63 (total MinInt64) wraps to MinInt64, as it should
		} else {
			out[i] = Cents(p)
		}
	}
	return out, nil
}
