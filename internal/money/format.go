package money

import (
	"strconv"
	"strings"
)

// Format renders c with the euro sign in the notation of lang.
//
//   - "nl" (and any language that is not English): "€ 1.234,56", and for a
//     negative amount "€ -1.234,56". That is the form the Taalunie recommends
//     for negative amounts (taaladvies.net, "Euro: – € 12 / € -12"): the minus
//     sign belongs to the number; "- € 12" is reserved for a discount.
//   - "en": "€1,234.56" and "-€1,234.56".
//
// lang is a language tag; only its primary subtag counts ("en-GB" is "en").
func Format(c Cents, lang string) string {
	if isEnglish(lang) {
		if c < 0 {
			return "-€" + plain(magnitude(c), ',', '.')
		}
		return "€" + plain(magnitude(c), ',', '.')
	}
	return "€ " + FormatPlain(c, lang)
}

// FormatPlain renders c without the euro sign: "1.234,56" / "-1.234,56" for
// Dutch, "1,234.56" / "-1,234.56" for English. [Parse] reads both back.
func FormatPlain(c Cents, lang string) string {
	thou, dec := byte('.'), byte(',')
	if isEnglish(lang) {
		thou, dec = ',', '.'
	}
	s := plain(magnitude(c), thou, dec)
	if c < 0 {
		return "-" + s
	}
	return s
}

func plain(mag uint64, thou, dec byte) string {
	euros := strconv.FormatUint(mag/100, 10)
	var b strings.Builder
	for i := 0; i < len(euros); i++ {
		if i > 0 && (len(euros)-i)%3 == 0 {
			b.WriteByte(thou)
		}
		b.WriteByte(euros[i])
	}
	b.WriteByte(dec)
	b.WriteString(twoDigits(mag % 100))
	return b.String()
}

// isEnglish reports whether the primary subtag of the language tag is "en".
func isEnglish(lang string) bool {
	primary, _, _ := strings.Cut(lang, "-")
	primary, _, _ = strings.Cut(primary, "_")
	return strings.EqualFold(strings.TrimSpace(primary), "en")
}
