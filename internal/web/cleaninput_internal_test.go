package web

import (
	"io/fs"
	"regexp"
	"testing"

	"hms/internal/platform/validation"
)

// Every textarea of every template is a multi-line field for the input
// check (validation.Multiline), so newlines typed there are not refused;
// and every other field is single-line, so a newline smuggled into a name
// is.
func TestEveryTextareaIsMultiline(t *testing.T) {
	names := regexp.MustCompile(`<textarea[^>]*\sname="([^"]+)"`)
	found := 0
	err := fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, p)
		if err != nil {
			return err
		}
		for _, m := range names.FindAllStringSubmatch(string(b), -1) {
			name := m[1]
			if name == "{{$pf}}" {
				name = "mail_purpose" // privacy_settings: <field>_purpose
			}
			found++
			if !validation.Multiline(name) {
				t.Errorf("%s: textarea %q is not multi-line for validation.Multiline", p, m[1])
			}
		}
		return nil
	})
	if err != nil || found < 5 {
		t.Fatalf("scan found %d textareas (%v)", found, err)
	}
	for _, single := range []string{"name", "street", "city", "email", "reference", "note"} {
		if validation.Multiline(single) {
			t.Errorf("%s is multi-line", single)
		}
	}
}
