package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/billing"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/i18n"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
	"hms/internal/subscription"
)

// page is what every template receives.
type page struct {
	Lang   string
	Title  string
	User   *account.User
	Actor  account.Actor
	Orgs   []account.Membership
	Flash  string
	Errors validation.Errors
	Form   url.Values
	Data   any
	Nav    string
	// OrgMissing are the organisation's details documents lack, named
	// above a run that makes documents (partial "org_missing").
	OrgMissing []string
	// Notices are the policy and terms versions the signed-in user has not
	// yet marked as read (the banner in the layout); Here is the page's
	// address, for the banner's way back.
	Notices []privacy.PolicyVersion
	Here    string
	// Site is set on the pages of the public website (site.go), which use
	// templates/site/layout.html.
	Site *siteMeta
	// Trial is the organisation's trial, for the banner: in it (days
	// left) or over without a subscription (read-only); nil: no banner.
	Trial *subscription.Standing
	texts *i18n.Catalog
}

// T translates a message id; args are name/value pairs for placeholders.
func (p *page) T(id string, args ...any) string {
	var data map[string]any
	if len(args) > 1 {
		data = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return p.texts.T(p.Lang, id, data)
}

// Err is the translated error of a form field, or "".
func (p *page) Err(field string) string {
	if msg, ok := p.Errors[field]; ok {
		return p.texts.T(p.Lang, msg, nil)
	}
	return ""
}

// Val is the submitted value of a form field, to fill the form again.
func (p *page) Val(field string) string { return p.Form.Get(field) }

// Date formats a time in the page language.
func (p *page) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return longDay(p.Lang, civil.Of(t.In(amsterdam)))
}

// Moment formats a time of day with its date in the page language
// ("1 maart 2026 14:05", Amsterdam time).
func (p *page) Moment(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return p.Date(t) + " " + t.In(amsterdam).Format("15:04")
}

// longDay is a calendar date in words in the page language ("1 maart
// 2026"), "—" for none; templates call it as longdate.
func longDay(lang string, d civil.Date) string {
	if d.IsZero() {
		return "—"
	}
	return d.Long(lang)
}

var amsterdam, _ = time.LoadLocation("Europe/Amsterdam")

// templateFuncs are the functions every template may call.
var templateFuncs = template.FuncMap{
	"join":     strings.Join,
	"longdate": longDay,
	"period":   func(lang, key string) string { return billing.PeriodName(key, lang) },
	"iban":     nl.FormatIBAN,
	"minCents": func(a, b money.Cents) money.Cents { return min(a, b) },
	"dataURL": func(mime string, b []byte) template.URL {
		return template.URL("data:" + mime + ";base64," + encodeBase64(b))
	},
}

func (s *Server) loadTemplates() error {
	s.pages = map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" || base == "partials.html" || base == "policy.html" { // policy: a site page
			continue
		}
		// search.html defines the header's search box for every page (and
		// its own page's content, which the page parsed after it replaces).
		files := []string{"templates/layout.html", "templates/partials.html", "templates/search.html", n}
		if base == "search.html" {
			files = files[:3]
		}
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, files...)
		if err != nil {
			return fmt.Errorf("template %s: %w", base, err)
		}
		s.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return s.loadSiteTemplates()
}

// loadSiteTemplates parses the public website's pages (templates/site/)
// with the site's layout, and the policy page, which is one of them.
func (s *Server) loadSiteTemplates() error {
	names, err := fs.Glob(templateFS, "templates/site/*.html")
	if err != nil {
		return err
	}
	names = append(names, "templates/policy.html")
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/site/layout.html", "templates/partials.html", n)
		if err != nil {
			return fmt.Errorf("template site/%s: %w", base, err)
		}
		s.pages["site/"+strings.TrimSuffix(base, ".html")] = t
	}
	return nil
}

// newPage prepares the data every page needs.
func (s *Server) newPage(r *http.Request, title string) *page {
	p := &page{Lang: langOf(r), Title: title, User: userOf(r), Actor: actorOf(r), Errors: validation.Errors{},
		Form: r.PostForm, texts: s.Texts}
	if p.User != nil {
		if ms, ok := r.Context().Value(membershipsKey).([]account.Membership); ok {
			p.Orgs = ms // read with the actor (requireOrg)
		} else {
			p.Orgs, _ = s.Accounts.Memberships(r.Context(), p.User.ID)
		}
		var err error
		if p.Notices, err = s.Privacy.PolicyNotices(r.Context(), p.User.ID); err != nil {
			s.Log.Error("policy notices", "user", p.User.ID, "err", err) // the page shows without its banner
		}
		if r.Method == http.MethodGet {
			p.Here = r.URL.RequestURI()
		}
		s.trialBanner(p, r)
	}
	p.Flash = s.sessions.PopString(r.Context(), "flash")
	return p
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.pages[name]
	if !ok {
		s.Log.Error("no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		s.Log.Error("render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msgID string) {
	p := s.newPage(r, "error.title")
	p.Data = msgID
	s.render(w, r, status, "error", p)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "error.not_found")
}

// again says how fail shows a page again with a failed request's errors:
// render draws the page (p, with its Errors set) at a status, and problems
// picks the problems that belong above that page; the others get an error
// page. Build one with onForm or onPage.
type again struct {
	render   func(status int)
	problems func(*validation.Problem) bool
}

// onForm shows the template name again with p as it is, with every problem
// below 500 above the form.
func (s *Server) onForm(w http.ResponseWriter, r *http.Request, name string, p *page) again {
	return again{render: func(status int) { s.render(w, r, status, name, p) }, problems: belowServerError}
}

// onPage shows a page again through render (the page's own render function,
// which fills its data), with the problems that problems picks (nil: none).
func onPage(render func(status int), problems func(*validation.Problem) bool) again {
	return again{render: render, problems: problems}
}

// Which problems a page shows above itself.
func belowServerError(pr *validation.Problem) bool { return pr.Status < 500 }
func conflicts(pr *validation.Problem) bool        { return pr.Status == http.StatusConflict }

// pageProblems are the problems of an action on a page the visitor may see:
// not a missing or forbidden record, which get their error page.
func pageProblems(pr *validation.Problem) bool {
	return pr.Status < 500 && pr.Status != http.StatusNotFound && pr.Status != http.StatusForbidden
}

// fail shows what went wrong with a request: field errors beside their
// fields on the page shown again (or, without one, refused input on a 422
// page naming the fields), problems above that page or as an error page,
// anything else as a logged internal error.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error, p *page, on ...again) {
	var a again
	if len(on) > 0 {
		a = on[0]
	}
	if fe, ok := validation.AsFields(err); ok {
		if a.render != nil {
			p.Errors = fe
			a.render(http.StatusUnprocessableEntity)
			return
		}
		if fields, ok := refusedOnly(fe); ok {
			s.refuseInput(w, r, fields)
			return
		}
	}
	if pr, ok := validation.AsProblem(err); ok {
		if a.render != nil && a.problems != nil && a.problems(pr) {
			p.Errors = validation.Errors{"_": pr.Code}
			a.render(pr.Status)
			return
		}
		s.renderError(w, r, pr.Status, pr.Code)
		return
	}
	s.Log.Error("request failed", "path", r.URL.Path, "err", err)
	s.renderError(w, r, http.StatusInternalServerError, "error.internal")
}

// refusedOnly lists, sorted, the fields of fe when every one of them is
// text cleanInput refused.
func refusedOnly(fe validation.Errors) ([]string, bool) {
	var fields []string
	for f, msg := range fe {
		if msg != validation.MsgText {
			return nil, false
		}
		fields = append(fields, f)
	}
	slices.Sort(fields)
	return fields, len(fields) > 0
}

// Can reports whether the page's actor holds a permission (for menus).
func (p *page) Can(perm string) bool { return p.Actor.Can(account.Permission(perm)) }
