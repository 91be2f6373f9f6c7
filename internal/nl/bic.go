package nl

import (
	"errors"
	"fmt"
)

// ErrBIC is wrapped by every error of [ValidateBIC].
var ErrBIC = errors.New("invalid BIC")

// NormalizeBIC removes all white space and upper-cases s; it does not validate.
func NormalizeBIC(s string) string {
	return compactUpper(s)
}

// ValidateBIC checks a BIC (ISO 9362, after [NormalizeBIC]): 8 or 11
// characters, namely a 4-letter bank code, a 2-letter country code, a
// 2-character location code (letters or digits) and optionally a
// 3-character branch code (letters or digits), e.g. "INGBNL2A" or
// "ABNANL2AXXX". It does not check that the bank or country exists.
func ValidateBIC(s string) error {
	n := NormalizeBIC(s)
	switch {
	case n == "":
		return fmt.Errorf("%w: BIC is empty", ErrBIC)
	case len(n) != 8 && len(n) != 11:
		return fmt.Errorf("%w: a BIC has 8 or 11 characters", ErrBIC)
	case !isUpperLetters(n[:4]):
		return fmt.Errorf("%w: a BIC starts with a 4-letter bank code", ErrBIC)
	case !isUpperLetters(n[4:6]):
		return fmt.Errorf("%w: BIC characters 5 and 6 must be a country code", ErrBIC)
	case !isUpperAlnum(n[6:8]):
		return fmt.Errorf("%w: BIC location code must be letters or digits", ErrBIC)
	case len(n) == 11 && !isUpperAlnum(n[8:]):
		return fmt.Errorf("%w: BIC branch code must be letters or digits", ErrBIC)
	}
	return nil
}
