// Package address writes postal addresses in the one house form, for
// screens, PDFs and CSV exports alike:
//
//	one line:  "Kerkstraat 12-A, 1234 AB Utrecht"
//	two lines: "Kerkstraat 12-A" / "1234 AB Utrecht"
//
// The house number and its addition are joined by a hyphen; an addition
// of one letter is written in capitals ("12-A"), other additions as given
// ("12-bis", "12-1"). A Dutch postcode is written "1234 AB"; anything that
// is not a Dutch postcode (a foreign one) is kept as entered.
package address

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"hms/internal/nl"
)

// Parts are the parts of an address as stored. Number may carry its
// addition ("12a", "12 A") when there is no separate Addition field.
type Parts struct {
	Street, Number, Addition, Postcode, City string
}

// Number is the house number with its addition: "12", "12-A", "12-bis".
func Number(number, addition string) string {
	number, addition = strings.TrimSpace(number), trimAddition(addition)
	digits := strings.IndexFunc(number, func(r rune) bool { return !unicode.IsDigit(r) })
	if digits > 0 { // "12a", "12 A", "12-A": the rest is an addition
		rest := trimAddition(number[digits:])
		number = number[:digits]
		addition = join("-", rest, addition)
	}
	if utf8.RuneCountInString(addition) == 1 {
		addition = strings.ToUpper(addition)
	}
	return join("-", number, addition)
}

func trimAddition(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r == '-' || unicode.IsSpace(r) })
}

// Postcode is a Dutch postcode as "1234 AB" ("1234ab" and " 1234  Ab "
// alike); any other text, such as a foreign postcode, trimmed as entered.
func Postcode(s string) string {
	if pc, err := nl.NormalizePostcode(s); err == nil {
		return pc
	}
	return strings.Join(strings.Fields(s), " ")
}

// StreetLine is street and number: "Kerkstraat 12-A".
func (p Parts) StreetLine() string {
	return join(" ", strings.TrimSpace(p.Street), Number(p.Number, p.Addition))
}

// Place is postcode and city: "1234 AB Utrecht".
func (p Parts) Place() string {
	return join(" ", Postcode(p.Postcode), strings.TrimSpace(p.City))
}

// Line is the address on one line: "Kerkstraat 12-A, 1234 AB Utrecht".
func (p Parts) Line() string { return join(", ", p.StreetLine(), p.Place()) }

// Lines is the address on two lines, as in a PDF address window:
// "Kerkstraat 12-A\n1234 AB Utrecht". Empty lines are left out.
func (p Parts) Lines() string { return join("\n", p.StreetLine(), p.Place()) }

// join joins the non-empty parts with sep.
func join(sep string, parts ...string) string {
	out := make([]string, 0, len(parts))
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}
