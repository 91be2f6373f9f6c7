package web

import (
	"io/fs"
	"regexp"
	"sort"
)

var templateIDPattern = regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)

// TemplateMessageIDs lists the literal message ids the templates translate
// (for the catalog completeness test).
func TemplateMessageIDs() []string {
	seen := map[string]bool{}
	_ = fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, p)
		if err != nil {
			return err
		}
		for _, m := range templateIDPattern.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
		return nil
	})
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
