package nl

import (
	"errors"
	"fmt"
	"strings"
)

// ErrIBAN is wrapped by every error of [ValidateIBAN].
var ErrIBAN = errors.New("invalid IBAN")

// ibanLengths is the IBAN length per country for the SEPA countries
// (SWIFT IBAN registry).
var ibanLengths = map[string]int{
	"AD": 24, "AL": 28, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24,
	"DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23,
	"GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20,
	"LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MT": 31, "NL": 18,
	"NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
	"VA": 22,
}

// NormalizeIBAN removes all white space and upper-cases s; it does not validate.
func NormalizeIBAN(s string) string {
	return compactUpper(s)
}

// ValidateIBAN checks an IBAN (after [NormalizeIBAN], so spaces and lower case
// are fine): a SEPA country code, the length for that country, only letters
// and digits, check digits 02–98 and the ISO 7064 MOD 97-10 check (move the
// first 4 characters to the end, letters A=10 … Z=35, remainder 1). A Dutch
// IBAN must also be a 4-letter bank code followed by 10 digits. The old Dutch
// elfproef on account numbers is deliberately not applied (DOMAIN §5.6).
func ValidateIBAN(s string) error {
	n := NormalizeIBAN(s)
	if n == "" {
		return fmt.Errorf("%w: IBAN is empty", ErrIBAN)
	}
	if len(n) < 4 || !isUpperLetters(n[:2]) {
		return fmt.Errorf("%w: an IBAN starts with a two-letter country code", ErrIBAN)
	}
	country, check, bban := n[:2], n[2:4], n[4:]
	if !isDigits(check) {
		return fmt.Errorf("%w: the third and fourth characters must be check digits", ErrIBAN)
	}
	want, ok := ibanLengths[country]
	if !ok {
		return fmt.Errorf("%w: country %s is not a SEPA country", ErrIBAN, country)
	}
	if len(n) != want {
		return fmt.Errorf("%w: an IBAN from %s has %d characters, not %d", ErrIBAN, country, want, len(n))
	}
	if !isUpperAlnum(bban) {
		return fmt.Errorf("%w: IBAN contains characters other than letters and digits", ErrIBAN)
	}
	if country == "NL" && !(isUpperLetters(bban[:4]) && isDigits(bban[4:])) {
		return fmt.Errorf("%w: a Dutch IBAN has a 4-letter bank code followed by 10 digits", ErrIBAN)
	}
	if check < "02" || check > "98" {
		return fmt.Errorf("%w: IBAN check digits must be between 02 and 98", ErrIBAN)
	}
	if rem, _ := mod97(bban + country + check); rem != 1 {
		return fmt.Errorf("%w: IBAN check digits are wrong", ErrIBAN)
	}
	return nil
}

// FormatIBAN normalises s and groups it in blocks of four for display:
// "NL91 ABNA 0417 1643 00". It does not validate.
func FormatIBAN(s string) string {
	return group4(NormalizeIBAN(s), false)
}

// IBANCheckDigits computes the two check digits of the IBAN with the given
// country code and BBAN (national part), e.g. IBANCheckDigits("NL",
// "ABNA0417164300") is "91". It returns "" when country is not two letters or
// bban is empty or holds anything but letters and digits (spaces and lower
// case are normalised first). It does not check the BBAN's length or format.
func IBANCheckDigits(country, bban string) string {
	country, bban = compactUpper(country), compactUpper(bban)
	if len(country) != 2 || !isUpperLetters(country) || !isUpperAlnum(bban) {
		return ""
	}
	cd, _ := checkDigits97(bban + country)
	return cd
}

// group4 writes s in groups of four separated by spaces, counting from the
// left, or from the right when fromRight is set.
func group4(s string, fromRight bool) string {
	var b strings.Builder
	off := 0
	if fromRight {
		off = (4 - len(s)%4) % 4
	}
	for i := 0; i < len(s); i++ {
		if i > 0 && (i+off)%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
