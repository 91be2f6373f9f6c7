package money

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Cents is an amount of money in euro cents. Arithmetic is plain int64
// arithmetic; amounts in HMS are far below the int64 range (± 92 233 720 368 547 758,07 euro).
type Cents int64

// ErrInvalidAmount is wrapped by every error that [Parse] returns.
var ErrInvalidAmount = errors.New("invalid amount")

// String returns the amount in plain notation with a '.' decimal separator and
// no grouping, e.g. "1234.56", "-0.05", "0.00".
func (c Cents) String() string {
	neg, mag := c < 0, magnitude(c)
	s := strconv.FormatUint(mag/100, 10) + "." + twoDigits(mag%100)
	if neg {
		return "-" + s
	}
	return s
}

// Abs returns the absolute value of c. It panics for math.MinInt64, whose
// absolute value is not representable (no real amount comes near it).
func (c Cents) Abs() Cents {
	if c == math.MinInt64 {
		panic("money: Abs of the smallest int64 amount overflows")
	}
	if c < 0 {
		return -c
	}
	return c
}

// magnitude returns |c| as uint64; it is exact for every int64, MinInt64 included.
func magnitude(c Cents) uint64 {
	if c < 0 {
		return uint64(-(c + 1)) + 1
	}
	return uint64(c)
}

func twoDigits(n uint64) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}

// Parse reads an amount in euros, in Dutch or plain/English notation, and
// returns it in cents. Accepted, for example:
//
//	"1.234,56"  "1234,56"  "1234.56"  "1,234.56"  "0,05"  "12"  "-12,5"
//	"€ 1.234,56"  "€ -1.234,56"  "-€ 1.234,56"  "€1,234.56"  "12,50 €"
//	"EUR 12,50"  "€ 12,-"  (",-" means whole euros)
//
// Rules, in order:
//   - Surrounding white space is ignored. One sign ('-', '+', '−' U+2212 or
//     '–' U+2013) may stand before or after the euro sign; the euro sign ('€'
//     or "EUR") may lead or trail.
//   - When both '.' and ',' occur, the one that occurs last is the decimal
//     separator and the other one the thousands separator.
//   - A ',' that occurs once is always the decimal separator (Dutch usage), so
//     "1,234" is an error (three decimals), not one thousand.
//   - A '.' that occurs once is ambiguous. It is a thousands separator only when
//     it is followed by exactly 3 digits and preceded by 1 to 3 digits that do
//     not start with 0: "1.234" is 1234 euro (Dutch grouping), while "12.50",
//     "1234.567" (error) and "0.125" (error) use it as the decimal separator.
//   - A separator that occurs more than once is a thousands separator.
//   - Thousands groups must be well formed: 1 to 3 leading digits (not starting
//     with 0), then groups of exactly 3 digits.
//   - At most 2 decimals; more is an error, never silently rounded. A decimal
//     separator must be followed by at least one digit.
//
// The result must fit in an int64. Errors wrap [ErrInvalidAmount].
func Parse(s string) (Cents, error) {
	fail := func(reason string) (Cents, error) {
		return 0, fmt.Errorf("%w %s: %s", ErrInvalidAmount, quote(s), reason)
	}
	body := strings.TrimSpace(s)
	if body == "" {
		return fail("empty")
	}
	body, neg1 := cutSign(body)
	body, cur := cutCurrencyPrefix(body)
	body, neg2 := cutSign(body)
	if neg1 && neg2 {
		return fail("more than one sign")
	}
	if !cur {
		body, _ = cutCurrencySuffix(body)
	}
	neg := neg1 || neg2

	wholeEuros := false
	for _, dash := range []string{",-", ",--", ",–", ",—"} {
		if rest, ok := strings.CutSuffix(body, dash); ok {
			body, wholeEuros = rest, true
			break
		}
	}
	if body == "" {
		return fail("no digits")
	}
	for _, r := range body {
		if !(r >= '0' && r <= '9') && r != '.' && r != ',' {
			return fail(fmt.Sprintf("unexpected character %q", r))
		}
	}

	nDot, nComma := strings.Count(body, "."), strings.Count(body, ",")
	var intPart, fracPart string
	var thou, dec byte // 0 when absent
	switch {
	case nDot == 0 && nComma == 0:
		intPart = body
	case nDot > 0 && nComma > 0:
		dec, thou = ',', '.'
		if strings.LastIndexByte(body, '.') > strings.LastIndexByte(body, ',') {
			dec, thou = '.', ','
		}
		if strings.Count(body, string(dec)) != 1 {
			return fail("both '.' and ',' occur and the decimal separator occurs more than once")
		}
	case nComma == 1:
		dec = ','
	case nDot == 1:
		i := strings.IndexByte(body, '.')
		if len(body)-i-1 == 3 && validLeadGroup(body[:i]) {
			thou = '.'
		} else {
			dec = '.'
		}
	default: // one kind of separator, more than once
		if nDot > 0 {
			thou = '.'
		} else {
			thou = ','
		}
	}
	if dec != 0 {
		i := strings.IndexByte(body, dec)
		intPart, fracPart = body[:i], body[i+1:]
		if wholeEuros {
			return fail("both decimals and \",-\"")
		}
		if fracPart == "" {
			return fail("no digits after the decimal separator")
		}
		if len(fracPart) > 2 {
			return fail("more than 2 decimals")
		}
	} else {
		intPart = body
	}
	if thou != 0 {
		groups := strings.Split(intPart, string(thou))
		if !validLeadGroup(groups[0]) {
			return fail("badly placed thousands separator")
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return fail("thousands groups must have 3 digits")
			}
		}
		intPart = strings.ReplaceAll(intPart, string(thou), "")
	}
	if intPart == "" && fracPart == "" {
		return fail("no digits")
	}

	var mag uint64
	for i := 0; i < len(intPart); i++ {
		d := uint64(intPart[i] - '0')
		if mag > (math.MaxUint64-d)/10 {
			return fail("out of range")
		}
		mag = mag*10 + d
	}
	frac := uint64(0)
	for i := 0; i < 2; i++ {
		frac *= 10
		if i < len(fracPart) {
			frac += uint64(fracPart[i] - '0')
		}
	}
	if mag > (math.MaxUint64-frac)/100 {
		return fail("out of range")
	}
	mag = mag*100 + frac
	switch {
	case neg && mag == 1<<63:
		return math.MinInt64, nil
	case mag > math.MaxInt64:
		return fail("out of range")
	case neg:
		return -Cents(mag), nil
	}
	return Cents(mag), nil
}

// validLeadGroup reports whether g can be the first group of a number with
// thousands separators: 1 to 3 digits, not starting with 0.
func validLeadGroup(g string) bool {
	if len(g) < 1 || len(g) > 3 || g[0] == '0' {
		return false
	}
	for i := 0; i < len(g); i++ {
		if g[i] < '0' || g[i] > '9' {
			return false
		}
	}
	return true
}

func cutSign(s string) (string, bool) {
	r, size := utf8.DecodeRuneInString(s)
	switch r {
	case '-', '−', '–':
		return strings.TrimLeftFunc(s[size:], unicode.IsSpace), true
	case '+':
		return strings.TrimLeftFunc(s[size:], unicode.IsSpace), false
	}
	return s, false
}

func cutCurrencyPrefix(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "€"); ok {
		return strings.TrimLeftFunc(rest, unicode.IsSpace), true
	}
	if len(s) >= 3 && strings.EqualFold(s[:3], "EUR") {
		return strings.TrimLeftFunc(s[3:], unicode.IsSpace), true
	}
	return s, false
}

func cutCurrencySuffix(s string) (string, bool) {
	if rest, ok := strings.CutSuffix(s, "€"); ok {
		return strings.TrimRightFunc(rest, unicode.IsSpace), true
	}
	if len(s) >= 3 && strings.EqualFold(s[len(s)-3:], "EUR") {
		return strings.TrimRightFunc(s[:len(s)-3], unicode.IsSpace), true
	}
	return s, false
}

// quote quotes s for an error message, shortened when it is long.
func quote(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return strconv.Quote(s)
}
