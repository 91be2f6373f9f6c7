package audit

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"hms/internal/nl"
)

// ErrPersonalData is returned by Record when Details holds something that
// looks like plaintext personal data. See the package documentation.
var ErrPersonalData = errors.New("audit: details must not contain personal data")

var personalPatterns = []struct {
	kind string
	re   *regexp.Regexp
}{
	{"an e-mail address", regexp.MustCompile(`[^\s@]+@[^\s@]+\.[^\s@]+`)},
	// Two letters, two check digits, then 10–30 alphanumerics written
	// compactly or in the printed groups of four.
	{"an IBAN", regexp.MustCompile(`(?i)\b[a-z]{2}[0-9]{2}(?:[a-z0-9]{10,30}|(?: [a-z0-9]{4}){2,7}(?: [a-z0-9]{1,4})?)\b`)},
}

// LooksPersonal reports what kind of personal data s appears to contain
// ("an e-mail address", "an IBAN", "a BSN"), or "" when none. A BSN is what
// nl.FindBSNIndex finds (the 11-test, written whole or in groups), the
// detection the privacy guard uses too, standing as a word of its own.
func LooksPersonal(s string) string {
	for _, p := range personalPatterns {
		if p.re.MatchString(s) {
			return p.kind
		}
	}
	if len(bsnSpans(s)) > 0 {
		return "a BSN"
	}
	return ""
}

// bsnSpans are the BSNs nl.FindBSNIndex finds that stand as a word of their
// own: a run of digits inside a hash or an id ("…ab123456782c…") is not
// taken for one, or one hash in a hundred would be refused.
func bsnSpans(s string) [][2]int {
	var out [][2]int
	for _, sp := range nl.FindBSNIndex(s) {
		if !alnum(s, sp[0]-1) && !alnum(s, sp[1]) && bsnShape(s[sp[0]:sp[1]]) {
			out = append(out, sp)
		}
	}
	return out
}

// bsnShape reports whether a number is written as people write a BSN: nine
// digits whole, or in groups of 3-3-3 or 4-2-3. References such as
// "HMS-2025-0008-1" hold nine digits in other groups and are ids, not BSNs.
func bsnShape(num string) bool {
	groups := strings.FieldsFunc(num, func(r rune) bool { return r < '0' || r > '9' })
	var lens []int
	for _, g := range groups {
		lens = append(lens, len(g))
	}
	return slices.Equal(lens, []int{9}) || slices.Equal(lens, []int{3, 3, 3}) || slices.Equal(lens, []int{4, 2, 3})
}

func alnum(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Redact replaces everything in s that looks like personal data by
// "[redacted]". Other packages use it before storing free text that may echo
// input, such as an SMTP server's error message in a job's last error.
func Redact(s string) string {
	for _, p := range personalPatterns {
		s = p.re.ReplaceAllString(s, "[redacted]")
	}
	spans := bsnSpans(s)
	for i := len(spans) - 1; i >= 0; i-- {
		s = s[:spans[i][0]] + "[redacted]" + s[spans[i][1]:]
	}
	return s
}

// CheckDetails returns an error wrapping ErrPersonalData when a key or value
// of details looks like personal data. The error names the key, never the
// value, so it can be logged.
func CheckDetails(details map[string]string) error {
	keys := make([]string, 0, len(details))
	for k := range details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if kind := LooksPersonal(k); kind != "" {
			return fmt.Errorf("%w: a details key looks like %s", ErrPersonalData, kind)
		}
		if kind := LooksPersonal(details[k]); kind != "" {
			return fmt.Errorf("%w: details[%q] looks like %s", ErrPersonalData, k, kind)
		}
	}
	return nil
}
