package web

import (
	"net/http"
	"strings"

	"hms/internal/privacy/guard"
)

// withGuardReasons gives the services the reasons typed in the form for
// text the privacy guard warned about (fields named <field>_guard_reason,
// guard.WithReasons). cleanInput calls it for every form body; a handler of
// a multipart form calls it after parsing.
func withGuardReasons(r *http.Request) *http.Request {
	reasons := map[string]string{}
	for name, vs := range r.PostForm {
		if strings.HasSuffix(name, guard.ReasonSuffix) && len(vs) > 0 {
			reasons[name] = vs[0]
		}
	}
	if r.MultipartForm != nil {
		for name, vs := range r.MultipartForm.Value {
			if strings.HasSuffix(name, guard.ReasonSuffix) && len(vs) > 0 {
				reasons[name] = vs[0]
			}
		}
	}
	if len(reasons) == 0 {
		return r
	}
	return r.WithContext(guard.WithReasons(r.Context(), reasons))
}

// guardReason is the reason field shown below a field the guard warned
// about (partial "guard_reason").
type guardReason struct {
	Field, Name, Value string
	Show               bool
	Label, Hint        string
}

// Guard is the reason field of a form field: shown when the guard warned
// about the field's text, or when a reason was typed already (so that it
// is not lost when the form comes back for another error).
func (p *page) Guard(field string) guardReason {
	name := field + guard.ReasonSuffix
	_, warn := guard.IsGuard(p.Errors[field])
	g := guardReason{Field: field, Name: name, Value: p.Form.Get(name), Label: p.T("privacy.guard.reason_label"),
		Hint: p.T("privacy.guard.reason_hint")}
	g.Show = warn || strings.TrimSpace(g.Value) != ""
	return g
}
