package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"hms/internal/platform/civil"
)

// Pages write dates in words through civil (longdate in templates), in the
// page's language, and "—" for none.
func TestLongDate(t *testing.T) {
	d := civil.New(2026, 3, 1)
	if longDay("nl", d) != "1 maart 2026" || longDay("en", d) != "1 March 2026" || longDay("nl", civil.Date{}) != "—" {
		t.Fatal(longDay("nl", d), longDay("en", d))
	}
	var b strings.Builder
	tpl := template.Must(template.New("x").Funcs(templateFuncs).Parse(`{{longdate .Lang .D}}`))
	if err := tpl.Execute(&b, map[string]any{"Lang": "en", "D": d}); err != nil || b.String() != "1 March 2026" {
		t.Fatal(b.String(), err)
	}
	// 23:30 UTC on 31 December is New Year's Day in Amsterdam.
	p := &page{Lang: "nl"}
	if got := p.Date(time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)); got != "1 januari 2026" {
		t.Fatalf("page date %q", got)
	}
}
