package nl

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBTW is wrapped by every error of [ValidateBTW] and [NormalizeBTW].
var ErrBTW = errors.New("invalid btw-id")

// NormalizeBTW returns a Dutch btw-id (VAT identification number) in its
// canonical form "NL" + 9 digits + "B" + 2 digits, e.g. "NL004495445B01",
// after removing white space, dots and hyphens and upper-casing; a missing
// "NL" prefix is added. It returns an error when the result is not a valid
// btw-id by [ValidateBTW].
func NormalizeBTW(s string) (string, error) {
	n, err := btwFormat(s)
	if err != nil {
		return "", err
	}
	if rem, _ := mod97(n); rem != 1 && !IsBSN(n[2:11]) {
		return "", fmt.Errorf("%w: btw-id check digit is wrong", ErrBTW)
	}
	return n, nil
}

// ValidateBTW checks a Dutch btw-id: "NL", 9 digits (not all zeros), "B" and
// a 2-digit suffix other than 00; spaces, dots, hyphens, lower case and a
// missing "NL" are tolerated (see [NormalizeBTW]). Two kinds pass:
//
//   - the btw-identificatienummer issued since 2020 (sole traders): the whole
//     id, "NL" + digits + "B" + suffix with letters as numbers (N=23, L=21,
//     B=11), has remainder 1 modulo 97 (ISO 7064 MOD 97-10), e.g.
//     "NL002455799B11";
//   - the older btw-nummer built from an RSIN (legal entities) or, for sole
//     traders before 2020, from a BSN: its 9 digits pass the 11-test, e.g.
//     "NL004495445B01".
//
// Use [BTWLooksLikeBSN] to find the second kind.
func ValidateBTW(s string) error {
	_, err := NormalizeBTW(s)
	return err
}

// BTWLooksLikeBSN reports whether s has the btw-id format and its 9 digits
// pass the BSN 11-test, i.e. whether it may be an old sole trader's btw-nummer
// that contains the owner's BSN (PRIVACY.md P6: refuse it).
//
// The 11-test cannot tell a BSN from an RSIN, so the btw-id of every legal
// entity (BV, NV, stichting, …) built from its RSIN also returns true; callers
// should refuse only when the company is a sole trader or a partnership of
// natural persons, or its legal form is unknown. About 1 in 11 of the new
// btw-identificatienummers also pass the 11-test by chance and return true;
// such a number contains no BSN, but nothing in the number tells them apart.
func BTWLooksLikeBSN(s string) bool {
	n, err := btwFormat(s)
	return err == nil && IsBSN(n[2:11])
}

// btwFormat normalises s and checks the format only.
func btwFormat(s string) (string, error) {
	n := strings.Map(func(r rune) rune {
		if isSpace(r) || r == '.' || r == '-' {
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
	if n == "" {
		return "", fmt.Errorf("%w: btw-id is empty", ErrBTW)
	}
	if !strings.HasPrefix(n, "NL") {
		n = "NL" + n
	}
	if len(n) != 14 || !isDigits(n[2:11]) || n[11] != 'B' || !isDigits(n[12:]) {
		return "", fmt.Errorf("%w: a Dutch btw-id is NL, 9 digits, B and 2 digits", ErrBTW)
	}
	if n[2:11] == "000000000" {
		return "", fmt.Errorf("%w: btw-id number is zero", ErrBTW)
	}
	if n[12:] == "00" {
		return "", fmt.Errorf("%w: btw-id suffix after the B cannot be 00", ErrBTW)
	}
	return n, nil
}
