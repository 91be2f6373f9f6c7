package nl

import (
	"errors"
	"fmt"
)

// ErrCreditorID is wrapped by every error of [ValidateCreditorID] and [CreditorID].
var ErrCreditorID = errors.New("invalid creditor identifier")

// NormalizeCreditorID removes all white space and upper-cases s; it does not validate.
func NormalizeCreditorID(s string) string {
	return compactUpper(s)
}

// ValidateCreditorID checks a SEPA creditor identifier (incassant ID, after
// [NormalizeCreditorID]) by EPC262-08: a 2-letter country code, 2 check digits,
// a 3-character business code that the check ignores (usually "ZZZ") and a
// national identifier of letters and digits, 35 characters at most. For NL the
// national identifier is the 8-digit KvK number and a 4-digit sequence, 19
// characters in all: "NL51ZZZ405365330000". The check digits are ISO 7064
// MOD 97-10 over the national identifier followed by the country code and the
// check digits (DOMAIN §5.5).
func ValidateCreditorID(s string) error {
	n := NormalizeCreditorID(s)
	if n == "" {
		return fmt.Errorf("%w: creditor identifier is empty", ErrCreditorID)
	}
	if len(n) < 8 || len(n) > 35 {
		return fmt.Errorf("%w: a creditor identifier has 8 to 35 characters", ErrCreditorID)
	}
	country, check, business, national := n[:2], n[2:4], n[4:7], n[7:]
	if err := creditorParts(country, business, national); err != nil {
		return err
	}
	if !isDigits(check) {
		return fmt.Errorf("%w: characters 3 and 4 must be check digits", ErrCreditorID)
	}
	if check < "02" || check > "98" {
		return fmt.Errorf("%w: creditor identifier check digits must be between 02 and 98", ErrCreditorID)
	}
	if rem, _ := mod97(national + country + check); rem != 1 {
		return fmt.Errorf("%w: creditor identifier check digits are wrong", ErrCreditorID)
	}
	return nil
}

// CreditorID builds a creditor identifier with its check digits from the
// country code, the business code ("" means "ZZZ") and the national
// identifier; for NL that is the KvK number followed by the 4-digit sequence:
// CreditorID("NL", "ZZZ", "405365330000") is "NL51ZZZ405365330000". White
// space and lower case in the arguments are normalised.
func CreditorID(country, businessCode, nationalID string) (string, error) {
	country, businessCode, nationalID = compactUpper(country), compactUpper(businessCode), compactUpper(nationalID)
	if businessCode == "" {
		businessCode = "ZZZ"
	}
	if err := creditorParts(country, businessCode, nationalID); err != nil {
		return "", err
	}
	if 7+len(nationalID) > 35 {
		return "", fmt.Errorf("%w: national identifier is longer than 28 characters", ErrCreditorID)
	}
	cd, _ := checkDigits97(nationalID + country)
	return country + cd + businessCode + nationalID, nil
}

func creditorParts(country, business, national string) error {
	switch {
	case len(country) != 2 || !isUpperLetters(country):
		return fmt.Errorf("%w: a creditor identifier starts with a two-letter country code", ErrCreditorID)
	case len(business) != 3 || !isUpperAlnum(business):
		return fmt.Errorf("%w: the business code must be 3 letters or digits", ErrCreditorID)
	case !isUpperAlnum(national):
		return fmt.Errorf("%w: the national identifier must be letters and digits", ErrCreditorID)
	case country == "NL" && (len(national) != 12 || !isDigits(national)):
		return fmt.Errorf("%w: a Dutch creditor identifier ends in the 8-digit KvK number and a 4-digit sequence", ErrCreditorID)
	case country == "NL" && national[:8] == "00000000":
		return fmt.Errorf("%w: the KvK number in the creditor identifier is zero", ErrCreditorID)
	}
	return nil
}
