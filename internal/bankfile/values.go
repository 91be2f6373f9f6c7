package bankfile

import (
	"strings"
	"unicode/utf8"

	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
)

// parseAmount reads an unsigned decimal amount with the given decimal separator
// ('.' in XML, ',' in MT940): digits, optionally the separator and more digits.
// Digits beyond the cents must be zero. The amount must be within money.MaxAmount.
// noSep reports an amount without a separator (MT940 requires one).
func parseAmount(s string, sep byte) (c money.Cents, noSep, ok bool) {
	intPart, frac, found := strings.Cut(s, string(sep))
	if intPart == "" || len(intPart) > 18 || !allDigits(intPart) || !allDigits(frac) {
		return 0, false, false
	}
	if found && frac == "" && sep == '.' {
		return 0, false, false // "12." is not an xs:decimal … but MT940 "12," is usual
	}
	var v int64
	for i := 0; i < len(intPart); i++ {
		v = v*10 + int64(intPart[i]-'0')
		if v > int64(money.MaxAmount) {
			return 0, false, false
		}
	}
	v *= 100
	for i := 0; i < len(frac); i++ {
		d := int64(frac[i] - '0')
		switch i {
		case 0:
			v += d * 10
		case 1:
			v += d
		default:
			if d != 0 {
				return 0, false, false
			}
		}
	}
	c = money.Cents(v)
	if !c.InBounds() {
		return 0, false, false
	}
	return c, !found, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func allUpperLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// parseISODate reads xs:date: YYYY-MM-DD, optionally with a zone (Z, +01:00).
func parseISODate(s string) (civil.Date, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' || !allDigits(s[:4]) || !allDigits(s[5:7]) || !allDigits(s[8:10]) {
		return civil.Date{}, false
	}
	if rest := s[10:]; rest != "" && !validZone(rest) {
		return civil.Date{}, false
	}
	d, err := civil.Parse(s[:10])
	return d, err == nil
}

// parseISODateTime reads xs:dateTime and returns its date as written (the bank's
// local day): YYYY-MM-DDThh:mm:ss, optional fraction and zone.
func parseISODateTime(s string) (civil.Date, bool) {
	if len(s) < 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
		!allDigits(s[11:13]) || !allDigits(s[14:16]) || !allDigits(s[17:19]) {
		return civil.Date{}, false
	}
	if s[11:13] > "24" || s[14:16] > "59" || s[17:19] > "60" {
		return civil.Date{}, false
	}
	rest := s[19:]
	if strings.HasPrefix(rest, ".") {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return civil.Date{}, false
		}
		rest = rest[i:]
	}
	if rest != "" && !validZone(rest) {
		return civil.Date{}, false
	}
	return parseISODate(s[:10])
}

func validZone(z string) bool {
	if z == "Z" {
		return true
	}
	return len(z) == 6 && (z[0] == '+' || z[0] == '-') && allDigits(z[1:3]) && z[3] == ':' && allDigits(z[4:6])
}

// looksLikeIBAN is the shape of an IBAN (two letters, two digits, letters and
// digits), whether or not its check holds.
func looksLikeIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 || !allUpperLetters(s[:2]) || !allDigits(s[2:4]) {
		return false
	}
	for i := 4; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// account files an account identifier into p: a valid IBAN as IBAN, anything else
// as Account. It returns a warning detail when the value has the shape of an IBAN but
// its check fails (the bank wrote it, so it is kept).
func (p *Party) account(raw string) string {
	v := nl.NormalizeIBAN(raw)
	if v == "" {
		return ""
	}
	if nl.ValidateIBAN(v) == nil {
		p.IBAN = v
		return ""
	}
	p.Account = strings.TrimSpace(raw)
	if looksLikeIBAN(v) {
		return "counterparty account " + quote(v) + " is not a valid IBAN"
	}
	return ""
}

func (p Party) empty() bool { return p.Name == "" && p.IBAN == "" && p.Account == "" && p.BIC == "" }

// quote shortens s for a message detail.
func quote(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		s = string(r[:40]) + "…"
	}
	return `"` + s + `"`
}

// endToEnd drops the placeholder SEPA uses for "no end-to-end id".
func endToEnd(s string) string {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "NOTPROVIDED") {
		return ""
	}
	return s
}

// squeeze trims s and collapses runs of white space to one space.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
