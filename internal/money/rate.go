package money

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unicode"
)

// Rate is an exact percentage in millionths of the whole: 1% is 10_000,
// 21% is 210_000, 2.8% is 28_000 and 0.125% is 1_250. The smallest step is
// 0.0001%, enough for VAT rates, indexation percentages and interest.
type Rate int64

// Percent is a rate of 1%.
const Percent Rate = 10_000

// rateScale is the denominator of a Rate: 1_000_000 millionths make 100%.
const rateScale = 1_000_000

// rateDecimals is the number of decimals of a percentage a Rate can hold.
const rateDecimals = 4

// ErrInvalidRate is wrapped by every error that [ParseRate] returns.
var ErrInvalidRate = errors.New("invalid percentage")

// ParseRate reads a percentage such as "21%", "21", "2,8", "2.8 %", "0.125"
// or "-1,5%". The number is always a percentage (so "21" is 21%), the '%' sign
// is optional, '.' and ',' are both read as the decimal separator (rates have
// no thousands separators), and at most 4 decimals are allowed; more is an
// error, never silently rounded. Errors wrap [ErrInvalidRate].
func ParseRate(s string) (Rate, error) {
	fail := func(reason string) (Rate, error) {
		return 0, fmt.Errorf("%w %s: %s", ErrInvalidRate, quote(s), reason)
	}
	body := strings.TrimSpace(s)
	body, neg := cutSign(body)
	if rest, ok := strings.CutSuffix(body, "%"); ok {
		body = strings.TrimRightFunc(rest, unicode.IsSpace)
	}
	intPart, fracPart, hasDec := body, "", false
	if i := strings.IndexAny(body, ".,"); i >= 0 {
		intPart, fracPart, hasDec = body[:i], body[i+1:], true
	}
	if intPart == "" && fracPart == "" {
		return fail("no digits")
	}
	if hasDec && fracPart == "" {
		return fail("no digits after the decimal separator")
	}
	for _, part := range []string{intPart, fracPart} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return fail(fmt.Sprintf("unexpected character %q", r))
			}
		}
	}
	if len(fracPart) > rateDecimals {
		return fail(fmt.Sprintf("more than %d decimals", rateDecimals))
	}
	var mag uint64
	for i := 0; i < len(intPart); i++ {
		d := uint64(intPart[i] - '0')
		if mag > (math.MaxInt64/uint64(Percent)-d)/10 {
			return fail("out of range")
		}
		mag = mag*10 + d
	}
	mag *= uint64(Percent)
	unit := uint64(Percent)
	for i := 0; i < len(fracPart); i++ {
		unit /= 10
		mag += uint64(fracPart[i]-'0') * unit
	}
	if mag > math.MaxInt64 {
		return fail("out of range")
	}
	if neg {
		return -Rate(mag), nil
	}
	return Rate(mag), nil
}

// String renders the rate as a percentage with a '.' decimal separator and
// no trailing zeros: "21%", "2.8%", "0.125%", "-1.5%".
func (r Rate) String() string {
	return formatRate(r, '.')
}

// FormatRate renders the rate for lang: "2,8%" in Dutch (and any language
// that is not English), "2.8%" in English.
func FormatRate(r Rate, lang string) string {
	if isEnglish(lang) {
		return formatRate(r, '.')
	}
	return formatRate(r, ',')
}

func formatRate(r Rate, dec byte) string {
	neg, mag := r < 0, magnitude(Cents(r))
	s := strconv.FormatUint(mag/uint64(Percent), 10)
	if frac := mag % uint64(Percent); frac != 0 {
		f := strconv.FormatUint(frac+uint64(Percent), 10)[1:] // zero-padded to 4 digits
		s += string(dec) + strings.TrimRight(f, "0")
	}
	if neg {
		s = "-" + s
	}
	return s + "%"
}

// ApplyRate returns r percent of c, rounded to the cent half away from zero:
// 0.5 cent becomes 1 cent and -0.5 cent becomes -1 cent. ApplyRate(10000, 21*Percent)
// is 2100. The product is computed in 128 bits, so no intermediate overflow
// is possible; ApplyRate panics only when the result itself does not fit in
// an int64, which needs amounts and rates far outside anything real.
func ApplyRate(c Cents, r Rate) Cents {
	hi, lo := bits.Mul64(magnitude(c), magnitude(Cents(r)))
	if hi >= rateScale {
		panic("money: ApplyRate overflows int64")
	}
	q, rem := bits.Div64(hi, lo, rateScale)
	if q > math.MaxInt64 {
		panic("money: ApplyRate overflows int64")
	}
	if rem >= rateScale-rem { // the dropped fraction rem/rateScale is at least 1/2
		q++
	}
	if q > math.MaxInt64 {
		panic("money: ApplyRate overflows int64")
	}
	if (c < 0) != (r < 0) {
		return -Cents(q)
	}
	return Cents(q)
}
