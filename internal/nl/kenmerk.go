package nl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrKenmerk is wrapped by every error of [ValidateKenmerk] and [NewKenmerk].
var ErrKenmerk = errors.New("invalid betalingskenmerk")

// kenmerkWeights are the weights of the mod-11 check, from the rightmost digit.
var kenmerkWeights = [10]int{2, 4, 8, 5, 10, 9, 7, 3, 6, 1}

// maxKenmerkPayload is the first payload that no longer fits in 15 digits.
const maxKenmerkPayload = 1_000_000_000_000_000

// ValidateKenmerk checks a betalingskenmerk (Dutch structured payment
// reference, Betaalvereniging specification, DOMAIN §5.7). White space is
// ignored, so a value written by [FormatKenmerk] validates.
//
//   - 7 digits: no check digit; always valid.
//   - 8 or 15 digits: not allowed.
//   - 9 to 14 digits: check digit C, length code L and the reference; L is
//     the length modulo 10 minus 2 (9 → 7, 10 → 8, 11 → 9, 12 → 0, 13 → 1,
//     14 → 2).
//   - 16 digits: check digit C and 15 digits.
//
// The check: weigh the digits after C from the right with 2, 4, 8, 5, 10, 9,
// 7, 3, 6, 1 (repeating), A = the weighted sum, C = 11 − (A mod 11), where
// 10 becomes 1 and 11 becomes 0. Because C = 1 stands for two remainders,
// the check misses some single-digit errors.
//
// Incoming references with a wrong check digit exist (DOMAIN §5.7); callers
// that match payments should warn, not reject.
func ValidateKenmerk(s string) error {
	n := strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, s)
	if n == "" {
		return fmt.Errorf("%w: betalingskenmerk is empty", ErrKenmerk)
	}
	if !isDigits(n) {
		return fmt.Errorf("%w: a betalingskenmerk has only digits", ErrKenmerk)
	}
	switch l := len(n); {
	case l == 7:
		return nil
	case l == 8 || l == 15:
		return fmt.Errorf("%w: a betalingskenmerk cannot have %d digits", ErrKenmerk, l)
	case l < 7 || l > 16:
		return fmt.Errorf("%w: a betalingskenmerk has 7, 9 to 14 or 16 digits", ErrKenmerk)
	case l <= 14 && int(n[1]-'0') != (l-2)%10:
		return fmt.Errorf("%w: the length code (second digit) must be %d for %d digits", ErrKenmerk, (l-2)%10, l)
	}
	if n[0] != kenmerkCheck(n[1:]) {
		return fmt.Errorf("%w: betalingskenmerk check digit is wrong", ErrKenmerk)
	}
	return nil
}

// kenmerkCheck returns the check digit for the digits after it.
func kenmerkCheck(digits string) byte {
	a := 0
	for i := 0; i < len(digits); i++ {
		a += int(digits[len(digits)-1-i]-'0') * kenmerkWeights[i%len(kenmerkWeights)]
	}
	switch c := 11 - a%11; c {
	case 10:
		return '1'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// NewKenmerk returns the 16-digit betalingskenmerk for payload: the payload
// zero-padded to 15 digits, preceded by the check digit. For invoice
// 2025000123 that is "1000002025000123". The payload must be between 1 and
// 999 999 999 999 999; 0 is refused because an all-zero reference cannot be
// told apart from a missing one when matching payments.
func NewKenmerk(payload uint64) (string, error) {
	switch {
	case payload == 0:
		return "", fmt.Errorf("%w: payload is zero", ErrKenmerk)
	case payload >= maxKenmerkPayload:
		return "", fmt.Errorf("%w: payload has more than 15 digits", ErrKenmerk)
	}
	p := strconv.FormatUint(payload, 10)
	p = strings.Repeat("0", 15-len(p)) + p
	return string(kenmerkCheck(p)) + p, nil
}

// FormatKenmerk removes white space from s and groups it in blocks of four
// counted from the right, as on a bank statement: "5000 0567 8901 2345",
// "12 2345 3462 2567". It does not validate.
func FormatKenmerk(s string) string {
	n := strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, s)
	return group4(n, true)
}
