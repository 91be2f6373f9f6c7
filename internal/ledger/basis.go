package ledger

import (
	"fmt"
	"strconv"
	"strings"

	"hms/internal/money"
)

// Basis is one part of how a charge line was computed: Num/Den of a
// period at Unit per period (DOMAIN §3.4: an invoice shows quantity and
// unit price). A whole number of periods has Den 1; 50 of 90 days of a
// quarter at €2,700.00 is {270000, 50, 90}.
type Basis struct {
	Unit     money.Cents
	Num, Den int64
}

// Whole reports whether the quantity is a whole number of periods.
func (b Basis) Whole() bool { return b.Den == 1 }

// Quantity writes the quantity: "2", or "50/90".
func (b Basis) Quantity() string {
	if b.Den == 1 {
		return strconv.FormatInt(b.Num, 10)
	}
	return fmt.Sprintf("%d/%d", b.Num, b.Den)
}

// EncodeBasis writes bases as "270000*50/90;90000*1/1" for storage.
func EncodeBasis(bs []Basis) string {
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = fmt.Sprintf("%d*%d/%d", int64(b.Unit), b.Num, b.Den)
	}
	return strings.Join(parts, ";")
}

// DecodeBasis reads what EncodeBasis wrote; "" (a line without a basis,
// such as a correction or a line posted before bases were kept) is nil.
func DecodeBasis(s string) ([]Basis, error) {
	if s == "" {
		return nil, nil
	}
	var out []Basis
	for part := range strings.SplitSeq(s, ";") {
		var unit, num, den int64
		if n, err := fmt.Sscanf(part, "%d*%d/%d", &unit, &num, &den); n != 3 || err != nil || den <= 0 {
			return nil, fmt.Errorf("charge basis %q is not unit*num/den", part)
		}
		out = append(out, Basis{Unit: money.Cents(unit), Num: num, Den: den})
	}
	return out, nil
}

// CorrectionLine is the line of the n-th correction of a rent-run line
// ("kind|category|label|c2"): a component changed back into a period
// already charged is corrected by its own charge, so the original stays as
// posted and the run's key (lease, period, line) stays unique.
func CorrectionLine(base string, n int) string { return fmt.Sprintf("%s|c%d", base, n) }

// BaseLine is the rent-run line a charge line belongs to, and which
// correction of it the line is (0: the line itself).
func BaseLine(line string) (string, int) {
	i := strings.LastIndex(line, "|c")
	if strings.Count(line, "|") != 3 || i < 0 {
		return line, 0
	}
	n, err := strconv.Atoi(line[i+2:])
	if err != nil || n <= 0 {
		return line, 0
	}
	return line[:i], n
}

// negated is the basis of a credit line: the same quantities at minus the price.
func negated(bs []Basis) []Basis {
	out := make([]Basis, len(bs))
	for i, b := range bs {
		out[i] = Basis{Unit: -b.Unit, Num: b.Num, Den: b.Den}
	}
	return out
}
