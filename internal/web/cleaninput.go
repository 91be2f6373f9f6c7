package web

import (
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"hms/internal/platform/validation"
)

// cleanInput refuses a request when any submitted value (query string, or a
// form body) is not clean text (validation.Text): a NUL, another control
// character, a bidi override or broken UTF-8. It wraps every route in
// handle, so no form field can be forgotten; the answer is a 422 page that
// names the fields in words and stores nothing. Newlines and tabs pass only
// in the multi-line fields (validation.Multiline, the textareas).
// Multipart bodies are left to their handlers, which read them under their
// own size limits; the services behind them check their text fields.
func (s *Server) cleanInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values := r.URL.Query()
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
			if err := r.ParseForm(); err != nil {
				s.renderError(w, r, http.StatusBadRequest, "field.invalid")
				return
			}
			values = r.Form
		}
		if bad := badFields(values); len(bad) > 0 {
			p := s.newPage(r, "error.title")
			words := make([]string, len(bad))
			for i, f := range bad {
				words[i] = s.fieldWords(p.Lang, f)
			}
			p.Data = strings.Join(words, ", ")
			s.render(w, r, http.StatusUnprocessableEntity, "input_refused", p)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// badFields lists, sorted, the fields with a value that is not clean text.
func badFields(values url.Values) []string {
	var bad []string
	for name, vs := range values {
		ok := validation.Text(name, false) == ""
		for _, v := range vs {
			ok = ok && validation.Text(v, validation.Multiline(name)) == ""
		}
		if !ok {
			if validation.Text(name, false) != "" {
				name = "?"
			}
			bad = append(bad, name)
		}
	}
	slices.Sort(bad)
	return slices.Compact(bad)
}

// fieldWords names a form field for people: its label when the catalog has
// one (field.<name>), else the name with spaces ("house_number" → "house
// number"), never the value.
func (s *Server) fieldWords(lang, name string) string {
	if id := "field." + name; s.Texts.Has(lang, id) {
		return s.Texts.T(lang, id, nil)
	}
	return strings.NewReplacer("_", " ", ".", " ").Replace(name)
}
