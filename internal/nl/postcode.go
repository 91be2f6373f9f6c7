package nl

import (
	"errors"
	"fmt"
	"strings"
)

// ErrPostcode is wrapped by every error of [NormalizePostcode] and [ValidatePostcode].
var ErrPostcode = errors.New("invalid postcode")

// NormalizePostcode returns a Dutch postcode in the form "1234 AB". It
// accepts 4 digits, optional white space and 2 letters in either case, with
// white space around: "1234ab", "1234 AB", " 1234  Ab ". The first digit
// cannot be 0, and the letter pairs SA, SD and SS are not used by PostNL.
// It does not check that the postcode exists.
func NormalizePostcode(s string) (string, error) {
	t := strings.TrimFunc(s, isSpace)
	if len(t) < 6 || !isDigits(t[:4]) {
		return "", fmt.Errorf("%w: a postcode is 4 digits followed by 2 letters", ErrPostcode)
	}
	digits, letters := t[:4], strings.ToUpper(strings.TrimLeftFunc(t[4:], isSpace))
	if len(letters) != 2 || !isUpperLetters(letters) {
		return "", fmt.Errorf("%w: a postcode is 4 digits followed by 2 letters", ErrPostcode)
	}
	if digits[0] == '0' {
		return "", fmt.Errorf("%w: a postcode cannot start with 0", ErrPostcode)
	}
	switch letters {
	case "SA", "SD", "SS":
		return "", fmt.Errorf("%w: the letters %s are not used in postcodes", ErrPostcode, letters)
	}
	return digits + " " + letters, nil
}

// ValidatePostcode reports whether [NormalizePostcode] accepts s.
func ValidatePostcode(s string) error {
	_, err := NormalizePostcode(s)
	return err
}
