package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// Every form renders a field's error the same way: the message element has
// the id err-<field> and the field (or the group of fields it is about)
// points to it with aria-describedby while it is invalid, so a screen reader
// reads the message with the field. Messages about the whole form (.Err "_")
// are alerts of their own.
func TestFormFieldErrorsAreDescribed(t *testing.T) {
	fieldError := regexp.MustCompile(`\{\{with [^}]*\.Err ([^}]*)\}\}<(small|p)\b[^>]*class="field-error"[^>]*>`)
	invalid := regexp.MustCompile(`aria-invalid="true"[^{]*\{\{end\}\}`)
	ids := regexp.MustCompile(`id="(err-[^"]+)"`)
	described := regexp.MustCompile(`aria-describedby="(err-[^"]+)"`)
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(templateFS, name)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		for _, m := range fieldError.FindAllStringSubmatch(src, -1) {
			if m[1] != `"_"` && !strings.Contains(m[0], `id="err-`) {
				t.Errorf("%s: the error of %s has no id err-<field>: %s", name, m[1], m[0])
			}
		}
		for _, m := range invalid.FindAllString(src, -1) {
			if !strings.Contains(m, `aria-describedby="err-`) {
				t.Errorf("%s: an invalid field names no error element: %s", name, m)
			}
		}
		have := map[string]bool{}
		for _, m := range ids.FindAllStringSubmatch(src, -1) {
			have[m[1]] = true
		}
		for _, m := range described.FindAllStringSubmatch(src, -1) {
			// A row's id is written from the row's variable ({{.ID}} or
			// {{$m.ID}}): compare the constant part.
			if id := m[1]; !have[id] && !strings.Contains(id, "{{") {
				t.Errorf("%s: aria-describedby=%q names no element", name, id)
			}
		}
	}
	if len(names) < 40 {
		t.Errorf("only %d templates", len(names))
	}
}
