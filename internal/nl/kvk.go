package nl

import (
	"errors"
	"fmt"
)

// ErrKvK is wrapped by every error of [ValidateKvK].
var ErrKvK = errors.New("invalid KvK number")

// ValidateKvK checks a KvK (Chamber of Commerce) number: exactly 8 digits and
// not all zeros. There is no check digit to verify: KvK numbers issued since
// 2016 are not built to pass the elfproef (the old 11-test), so none is
// applied. Leading zeros are allowed. The value is not trimmed; callers pass
// the field with surrounding white space removed.
func ValidateKvK(s string) error {
	switch {
	case len(s) != 8 || !isDigits(s):
		return fmt.Errorf("%w: a KvK number has exactly 8 digits", ErrKvK)
	case s == "00000000":
		return fmt.Errorf("%w: KvK number is zero", ErrKvK)
	}
	return nil
}
