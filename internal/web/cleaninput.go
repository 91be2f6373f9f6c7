package web

import (
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"hms/internal/platform/validation"
)

// cleanInput checks every submitted value (query string, or a form body)
// for clean text (validation.Text): a NUL, another control character, a
// bidi override or broken UTF-8 is refused. It wraps every route in handle,
// so no field can be forgotten. A bad query string (or a bad field name)
// gets a 422 page that names the fields in words. Bad fields of a form body
// are emptied and handed to the handler (withRefused): readForm turns them
// into field errors, so the form comes back with the message beside the
// field, and the handler fails before it calls a service
// (TestEveryPostRouteRefusesUncleanInput holds every handler to it).
// Newlines and tabs pass only in the multi-line fields
// (validation.Multiline, the textareas). Multipart bodies are left to their
// handlers, which read them under their own size limits; the services
// behind them check their text fields.
func (s *Server) cleanInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bad := badFields(r.URL.Query()); len(bad) > 0 {
			s.refuseInput(w, r, bad)
			return
		}
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
			if err := r.ParseForm(); err != nil {
				s.renderError(w, r, http.StatusBadRequest, "field.invalid")
				return
			}
			if bad := badFields(r.PostForm); len(bad) > 0 {
				if slices.Contains(bad, "?") {
					s.refuseInput(w, r, bad)
					return
				}
				for _, name := range bad {
					// Nothing downstream sees the value, not even the form shown again.
					blank := make([]string, len(r.PostForm[name]))
					r.PostForm[name], r.Form[name] = blank, blank
				}
				r = withRefused(r, bad)
			}
			r = withGuardReasons(r)
		}
		next.ServeHTTP(w, r)
	})
}

// refuseInput answers 422 with a page naming the refused fields in words.
func (s *Server) refuseInput(w http.ResponseWriter, r *http.Request, fields []string) {
	p := s.newPage(r, "error.title")
	words := make([]string, len(fields))
	for i, f := range fields {
		words[i] = s.fieldWords(p.Lang, f)
	}
	p.Data = strings.Join(words, ", ")
	s.render(w, r, http.StatusUnprocessableEntity, "input_refused", p)
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
