package civil

import (
	"fmt"
	"strings"
	"time"
)

// The month names of the languages the product speaks; every document and
// page writes dates in words through Long, so they are spelled once.
var monthNames = map[string][12]string{
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// MonthName is month m in lang: "maart", "March". A language other than
// English ("en", "en-GB") is Dutch, the product's default.
func MonthName(m time.Month, lang string) string {
	names := monthNames["nl"]
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		names = monthNames["en"]
	}
	return names[m-1]
}

// monthShort are the months abbreviated, as on a chart's axis.
var monthShort = map[string][12]string{
	"nl": {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"},
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

// MonthShort is month m abbreviated in lang: "mrt", "Mar".
func MonthShort(m time.Month, lang string) string {
	names := monthShort["nl"]
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		names = monthShort["en"]
	}
	return names[m-1]
}

// Long writes the date in words: "14 maart 2026", "14 March 2026"; "" for
// the zero Date.
func (d Date) Long(lang string) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", d.Day, MonthName(d.Month, lang), d.Year)
}

// Long writes the month in words: "maart 2026", "March 2026"; "" for the
// zero Month.
func (m Month) Long(lang string) string {
	if m.IsZero() {
		return ""
	}
	return fmt.Sprintf("%s %d", MonthName(m.Month, lang), m.Year)
}
