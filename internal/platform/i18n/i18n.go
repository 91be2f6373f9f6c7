// Package i18n translates the user interface: Dutch first, English second.
// Messages live in locales/<area>.<lang>.json, one flat object of id → text
// per capability and language, so capabilities do not share a file; an id
// may be defined in one area only, and a test keeps both languages complete.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var locales embed.FS

// Languages the product speaks, the default first.
var Languages = []string{"nl", "en"}

// Default is the language of a visitor who states no preference.
const Default = "nl"

// Catalog holds every translation.
type Catalog struct {
	bundle     *goi18n.Bundle
	localizers map[string]*goi18n.Localizer
	watch      atomic.Pointer[func(lang, id string)]
}

// Watch has fn called whenever T cannot answer an id in the language asked
// (it fell back to another language, or to the id itself), so a test can
// find the gaps a page shows. nil stops watching.
func (c *Catalog) Watch(fn func(lang, id string)) {
	if fn == nil {
		c.watch.Store(nil)
		return
	}
	c.watch.Store(&fn)
}

// New loads the embedded catalogs.
func New() (*Catalog, error) {
	b := goi18n.NewBundle(language.Dutch)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[string]*goi18n.Localizer{}}
	for _, lang := range Languages {
		merged, err := catalog(lang)
		if err != nil {
			return nil, err
		}
		data, _ := json.Marshal(merged)
		if _, err := b.ParseMessageFileBytes(data, lang+".json"); err != nil {
			return nil, fmt.Errorf("load %s catalog: %w", lang, err)
		}
		c.localizers[lang] = goi18n.NewLocalizer(b, lang)
	}
	return c, nil
}

// Shared is the catalog for code that has no Catalog handed to it, such as
// the documents a pure function renders. The embedded catalogs are checked
// by this package's tests, so failing to load them is a broken build.
var Shared = sync.OnceValue(func() *Catalog {
	c, err := New()
	if err != nil {
		panic(err)
	}
	return c
})

// catalog merges every area file of lang, refusing an id defined twice.
func catalog(lang string) (map[string]string, error) {
	files, err := fs.Glob(locales, "locales/*."+lang+".json")
	if err != nil {
		return nil, err
	}
	merged := map[string]string{}
	for _, f := range files {
		b, err := locales.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for k, v := range m {
			if _, dup := merged[k]; dup {
				return nil, fmt.Errorf("%s: message %q is defined in another area too", f, k)
			}
			merged[k] = v
		}
	}
	return merged, nil
}

// T translates message id into lang, filling {{.Name}} placeholders from
// data. An unknown id comes back as itself, so a gap is visible, not fatal.
//
// An id may carry a list of other ids after "|", comma-separated
// ("privacy.guard.warn|privacy.guard.category.health,…"): they are
// translated and joined ("a, b and c") into the placeholder {{.List}}, so a
// field error (a plain message id in validation.Errors) can name things.
func (c *Catalog) T(lang, id string, data map[string]any) string {
	if base, list, ok := strings.Cut(id, "|"); ok {
		var items []string
		for _, item := range strings.Split(list, ",") {
			items = append(items, c.T(lang, item, nil))
		}
		withList := map[string]any{"List": c.joinList(lang, items)}
		for k, v := range data {
			withList[k] = v
		}
		return c.T(lang, base, withList)
	}
	l, ok := c.localizers[lang]
	if !ok {
		l = c.localizers[Default]
	}
	s, tag, err := l.LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if w := c.watch.Load(); w != nil && (err != nil || tag.String() != lang) {
		(*w)(lang, id)
	}
	if err != nil {
		return id
	}
	return s
}

// joinList joins items as a sentence does: "a, b en c" / "a, b and c".
func (c *Catalog) joinList(lang string, items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + c.T(lang, "list.and", nil) + " " + items[len(items)-1]
}

// Has reports whether id exists in lang.
func (c *Catalog) Has(lang, id string) bool {
	l, ok := c.localizers[lang]
	if !ok {
		return false
	}
	_, tag, err := l.LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: id})
	return err == nil && tag.String() == lang
}

// IDs lists the message ids of a language (for tests).
func IDs(lang string) ([]string, error) {
	m, err := catalog(lang)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(m))
	for k := range m {
		ids = append(ids, k)
	}
	return ids, nil
}

// Supported normalises a language code to one the product speaks, or "".
func Supported(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	for _, l := range Languages {
		if lang == l || strings.HasPrefix(lang, l+"-") {
			return l
		}
	}
	return ""
}

var matcher = language.NewMatcher([]language.Tag{language.Dutch, language.English})

// Negotiate picks the language from an explicit choice (cookie, account
// setting) if any, else from the Accept-Language header, else Dutch.
func Negotiate(choice, acceptLanguage string) string {
	if l := Supported(choice); l != "" {
		return l
	}
	if acceptLanguage == "" {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Languages[idx]
}
