package pdfdoc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"hms/internal/platform/i18n"
)

// Every document text id the code names exists in both languages, and
// every document text in the catalogs is named by some code. An id built
// at run time ("doc.invoice.line." + kind) is named by its prefix, which
// must start at least one id.
func TestDocumentTextIDs(t *testing.T) {
	var literals []string
	root := filepath.Join("..", "..") // internal/
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				// "doc.pdf" is a file name, not a text.
				if s, err := strconv.Unquote(lit.Value); err == nil && strings.HasPrefix(s, "doc.") && s != "doc.pdf" {
					literals = append(literals, s)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := i18n.Shared()
	ids := map[string][]string{}
	for _, lang := range i18n.Languages {
		all, err := i18n.IDs(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range all {
			if strings.HasPrefix(id, "doc.") {
				ids[lang] = append(ids[lang], id)
			}
		}
	}
	for _, lit := range literals {
		for _, lang := range i18n.Languages {
			if c.Has(lang, lit) {
				continue
			}
			if !slices.ContainsFunc(ids[lang], func(id string) bool { return strings.HasPrefix(id, lit) }) {
				t.Errorf("document text %q is in no %s catalog", lit, lang)
			}
		}
	}
	for _, lang := range i18n.Languages {
		for _, id := range ids[lang] {
			if !slices.ContainsFunc(literals, func(lit string) bool { return strings.HasPrefix(id, lit) }) {
				t.Errorf("document text %q (%s) is printed by no document", id, lang)
			}
		}
	}
	if len(literals) < 100 {
		t.Fatalf("found only %d document text ids in the code: the scan is broken", len(literals))
	}
}
