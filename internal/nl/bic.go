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

// dutchBICs are the BICs of the Dutch banks tenants and landlords use most,
// by the bank code in positions 5–8 of an NL IBAN (Betaalvereniging's BIC
// list). A bank not listed gets no BIC: it is optional in SEPA.
var dutchBICs = map[string]string{
	"ABNA": "ABNANL2A", "ADYB": "ADYBNL2A", "AEGO": "AEGONL2U", "ASNB": "ASNBNL21", "BNGH": "BNGHNL2G",
	"BUNQ": "BUNQNL2A", "DEUT": "DEUTNL2A", "FVLB": "FVLBNL22", "HAND": "HANDNL2A", "INGB": "INGBNL2A",
	"KNAB": "KNABNL2H", "NNBA": "NNBANL2G", "NWAB": "NWABNL2G", "RABO": "RABONL2U", "RBRB": "RBRBNL21",
	"SNSB": "SNSBNL2A", "TRIO": "TRIONL2U",
}

// BICOfIBAN derives the BIC of a Dutch IBAN (normalised) from its bank
// code, or "" when the IBAN is not Dutch or the bank is not known.
func BICOfIBAN(iban string) string {
	if len(iban) != 18 || iban[:2] != "NL" {
		return ""
	}
	return dutchBICs[iban[4:8]]
}
