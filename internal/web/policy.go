package web

import (
	"html/template"
	"net/http"

	"hms/internal/platform/i18n"
	"hms/internal/privacy"
)

// The privacy policy and the terms of use (PRIVACY.md P23, P24): the
// version in effect, every earlier version and one announced but not yet
// in effect, each on its own page. The text is in the page language, or in
// the one ?lang= asks for (a link needs no cookie).

type policyView struct {
	Doc     privacy.PolicyDoc
	Base    string // "/privacy", "/voorwaarden", "/en/privacy" or "/en/terms"
	Versies string // "/versies/" or "/versions/": Base + Versies + version is a version's page
	// Translation: the page is in English, a translation of the Dutch text
	// that prevails.
	Translation bool
	Version     privacy.PolicyVersion
	Body        template.HTML
	TextLang    string
	Other       string // the other language, for the link to the text in it
	State       string // "current", "upcoming" or "earlier"
	Current     privacy.PolicyVersion
	Upcoming    *privacy.PolicyVersion // shown on the current version's page
	Versions    []privacy.PolicyVersion
	// Recipients is the register of recipients and sub-processors as
	// configured (P17, P18), below the privacy policy.
	Recipients recipientsView
}

// recipientsView is the partial "recipients": the register in the page's
// language.
type recipientsView struct {
	P    *page
	List []privacy.Recipient
}

// policyBase is where doc lives on the site in lang; its versions are
// below it (versionsIn).
func policyBase(doc privacy.PolicyDoc, lang string) string {
	return findSitePage(string(doc)).path(lang)
}

// versionsIn is the path segment of earlier versions in lang.
func versionsIn(lang string) string {
	if lang == "en" {
		return "/versions/"
	}
	return "/versies/"
}

// policyPage shows the version of doc in effect today.
func (s *Server) policyPage(doc privacy.PolicyDoc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.renderPolicy(w, r, doc, s.Privacy.Policies().Current(doc, s.Privacy.Today()))
	}
}

// policyVersionPage shows one published version of doc.
func (s *Server) policyVersionPage(doc privacy.PolicyDoc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, ok := s.Privacy.Policies().Find(doc, r.PathValue("version"), s.Privacy.Today())
		if !ok {
			s.notFound(w, r)
			return
		}
		s.renderPolicy(w, r, doc, v)
	}
}

func (s *Server) renderPolicy(w http.ResponseWriter, r *http.Request, doc privacy.PolicyDoc, v privacy.PolicyVersion) {
	p := s.sitePageOf(r, string(doc))
	pol, today := s.Privacy.Policies(), s.Privacy.Today()
	lang := i18n.Supported(r.URL.Query().Get("lang"))
	if lang == "" {
		lang = p.Lang
	}
	view := policyView{Doc: doc, Base: policyBase(doc, p.Lang), Versies: versionsIn(p.Lang), Version: v,
		Body: markdownFrom(v.Text(lang), 1), TextLang: lang, Translation: lang == "en" && p.Lang == "en",
		Other: "en", Current: pol.Current(doc, today), State: "earlier", Recipients: recipientsView{P: p, List: s.Privacy.Recipients()}}
	if lang == "en" {
		view.Other = "nl"
	}
	if r.PathValue("version") != "" {
		// A version's page has its translation at the same version.
		nl := policyBase(doc, "nl") + versionsIn("nl") + v.Version
		en := policyBase(doc, "en") + versionsIn("en") + v.Version
		p.Site.Path, p.Site.Other = nl, en
		if p.Lang == "en" {
			p.Site.Path, p.Site.Other = en, nl
		}
		p.Site.Alternates = []siteAlternate{{"nl", s.absolute(nl)}, {"en", s.absolute(en)}, {"x-default", s.absolute(nl)}}
	}
	published := pol.Published(doc, today)
	for i := len(published) - 1; i >= 0; i-- {
		view.Versions = append(view.Versions, published[i])
	}
	switch {
	case v.Version == view.Current.Version:
		view.State = "current"
		if up, ok := pol.Upcoming(doc, today); ok && up.Version != v.Version {
			view.Upcoming = &up
		}
	case v.Version > view.Current.Version:
		view.State = "upcoming"
	}
	p.Data = view
	s.render(w, r, http.StatusOK, "site/policy", p)
}

// dismissPolicyNotice records that the signed-in user read a version's
// banner, and goes back to the page it was pressed on.
func (s *Server) dismissPolicyNotice(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	err := f.Err()
	if err == nil {
		err = s.Privacy.DismissPolicyNotice(r.Context(), userOf(r).ID, f.String("document"), f.String("version"))
	}
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "policy.notice_title"))
		return
	}
	http.Redirect(w, r, safeRedirect(f.String("next"), "/app"), http.StatusSeeOther)
}
