package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"

	"hms/internal/money"
	"hms/internal/platform/i18n"
)

// The public website (issue 14): Dutch at Dutch paths, English under /en/,
// each page linked to its translation by hreflang. A page's language comes
// from its path only (no cookie, no Accept-Language), so a link, a search
// engine and a bookmark always get the same text. The pages set no cookie
// (PRIVACY.md P3), load nothing from another host and run no script.
// Texts are catalog ids site.* (locales/site.{nl,en}.json): one id per
// text, checked for "u" by TestDutchSaysU and for both languages by the
// catalog tests, with the structure of each page written once in
// templates/site/.

// sitePage is one page of the site in both languages.
type sitePage struct {
	Key    string // "home", "features", …: the template and the nav item
	NL, EN string // its path in each language
	Title  string // catalog id of its title
}

// sitePages are the pages of the site, in the order of the sitemap.
var sitePages = []sitePage{
	{"home", "/", "/en/", "site.home.title"},
	{"features", "/functies", "/en/features", "site.features.title"},
	{"pricing", "/prijzen", "/en/pricing", "site.pricing.title"},
	{"contact", "/contact", "/en/contact", "site.contact.title"},
	{"signup", "/aanmelden", "/en/signup", "signup.title"},
	{"privacy", "/privacy", "/en/privacy", "policy.title"},
	{"terms", "/voorwaarden", "/en/terms", "policy.terms_title"},
}

// SitePaths are the paths of every page of the public site, Dutch then
// English per page (for tests and for whoever counts page views).
func SitePaths() [][2]string {
	out := make([][2]string, len(sitePages))
	for i, p := range sitePages {
		out[i] = [2]string{p.NL, p.EN}
	}
	return out
}

func findSitePage(key string) sitePage {
	for _, p := range sitePages {
		if p.Key == key {
			return p
		}
	}
	panic("web: no site page " + key)
}

func (p sitePage) path(lang string) string {
	if lang == "en" {
		return p.EN
	}
	return p.NL
}

// siteMeta is what the site's layout needs besides the page: the paths of
// the menu in the page's language, the same page in the other language and
// the hreflang alternates.
type siteMeta struct {
	Key        string
	Path       string            // this page
	Other      string            // this page in the other language
	OtherLang  string            // "en" or "nl"
	Paths      map[string]string // key → path in this page's language, for the menu
	Alternates []siteAlternate
	Request    string // where a data subject asks for their rights (/privacy/verzoek)
}

type siteAlternate struct{ Lang, Href string }

// SiteContact is how HMS itself is reached, printed on /contact
// (HMS_CONTACT_*; empty fields are left out).
type SiteContact struct {
	Name    string // the legal name
	Email   string
	Phone   string
	Address string // one line
	KvK     string
}

// DefaultContact is HMS's contact as the privacy policy publishes it.
var DefaultContact = SiteContact{Name: "Housing Management Systems B.V.", Email: "support@hmsystems.nl"}

// PlanView is one subscription plan as the pricing page shows it, in the
// page's language. Deps.Plans gives them; the plans themselves are data
// of the subscriptions capability.
type PlanView struct {
	Name     string
	Summary  string
	Price    money.Cents // excluding VAT, per Period; ignored when OnRequest
	Period   string      // "month" or "year"
	Features []string
	// OnRequest: no published price, "on request".
	OnRequest bool
}

// inLanguage serves h in lang whatever the visitor's cookie or browser asks.
func inLanguage(lang string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h(w, r.WithContext(context.WithValue(r.Context(), langKey, lang)))
	}
}

// absolute is path on the public base URL, or path itself when HMS does not
// know its address.
func (s *Server) absolute(path string) string {
	if s.BaseURL == nil {
		return path
	}
	return strings.TrimSuffix(s.BaseURL(), "/") + path
}

// sitePageOf prepares a site page: the page in the language of its path
// and the layout's facts.
func (s *Server) sitePageOf(r *http.Request, key string) *page {
	sp := findSitePage(key)
	p := s.newPage(r, sp.Title)
	m := &siteMeta{Key: key, Path: sp.path(p.Lang), OtherLang: "en", Paths: map[string]string{}, Request: "/privacy/verzoek"}
	if p.Lang == "en" {
		m.OtherLang, m.Request = "nl", "/en/privacy/request"
	}
	m.Other = sp.path(m.OtherLang)
	for _, o := range sitePages {
		m.Paths[o.Key] = o.path(p.Lang)
	}
	m.Alternates = []siteAlternate{{"nl", s.absolute(sp.NL)}, {"en", s.absolute(sp.EN)}, {"x-default", s.absolute(sp.NL)}}
	p.Site = m
	return p
}

func (s *Server) renderSite(w http.ResponseWriter, r *http.Request, status int, p *page) {
	s.render(w, r, status, "site/"+p.Site.Key, p)
}

// siteStatic serves a page without data of its own (home).
func (s *Server) siteStatic(key string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.renderSite(w, r, http.StatusOK, s.sitePageOf(r, key))
	}
}

// siteFeature is one capability on /functies: its texts are
// site.feature.<Key>.title and .body; Shot names a screenshot of the demo
// under static/site/ (made by TestSiteScreenshots).
type siteFeature struct {
	Key  string
	Shot string
}

// siteFeatures are what HMS does today, in the order of the page.
var siteFeatures = []siteFeature{
	{Key: "overview", Shot: "overview"},
	{Key: "portfolio"},
	{Key: "leases"},
	{Key: "rentrun", Shot: "rentrun"},
	{Key: "directdebit"},
	{Key: "bank", Shot: "statements"},
	{Key: "dunning"},
	{Key: "payouts"},
	{Key: "settlement", Shot: "settlement"},
	{Key: "rentincrease"},
	{Key: "reports"},
	{Key: "import"},
	{Key: "privacy"},
	{Key: "access"},
}

// SiteScreenshots are the screenshots the features page shows, by name
// (static/site/<name>.png), with their size in pixels.
func SiteScreenshots() []string {
	var out []string
	for _, f := range siteFeatures {
		if f.Shot != "" {
			out = append(out, f.Shot)
		}
	}
	return out
}

// Screenshot size: what TestSiteScreenshots captures and the page declares.
const (
	ScreenshotWidth  = 1280
	ScreenshotHeight = 800
)

func (s *Server) siteFeatures(w http.ResponseWriter, r *http.Request) {
	p := s.sitePageOf(r, "features")
	p.Data = struct {
		Features      []siteFeature
		Width, Height int
	}{siteFeatures, ScreenshotWidth, ScreenshotHeight}
	s.renderSite(w, r, http.StatusOK, p)
}

// planShown is a plan with its price in words.
type planShown struct {
	PlanView
	PriceText string
}

func (s *Server) sitePricing(w http.ResponseWriter, r *http.Request) {
	p := s.sitePageOf(r, "pricing")
	var plans []planShown
	if s.Plans != nil {
		list, err := s.Plans(r.Context(), p.Lang)
		if err != nil {
			// The page still answers: prices on request.
			s.Log.Error("site: plans", "err", err)
		}
		for _, pl := range list {
			sh := planShown{PlanView: pl}
			if !pl.OnRequest {
				sh.PriceText = money.Format(pl.Price, p.Lang)
			}
			plans = append(plans, sh)
		}
	}
	p.Data = plans
	s.renderSite(w, r, http.StatusOK, p)
}

func (s *Server) siteContact(w http.ResponseWriter, r *http.Request) {
	p := s.sitePageOf(r, "contact")
	p.Data = s.Contact
	s.renderSite(w, r, http.StatusOK, p)
}

func (s *Server) siteSignupForm(w http.ResponseWriter, r *http.Request) {
	s.renderSite(w, r, http.StatusOK, s.sitePageOf(r, "signup"))
}

// signupMoved sends the old address of the sign-up form to the page in the
// visitor's language; 308 keeps a POST a POST.
func (s *Server) signupMoved(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, findSitePage("signup").path(langOf(r)), http.StatusPermanentRedirect)
}

// robots allows the site and keeps crawlers out of the back office, the
// console, the API and the account pages.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "User-agent: *\nAllow: /\nDisallow: /o/\nDisallow: /console\nDisallow: /api/\nDisallow: /app\n\nSitemap: %s\n",
		s.absolute("/sitemap.xml"))
}

type sitemapURL struct {
	Loc   string        `xml:"loc"`
	Links []sitemapLink `xml:"xhtml:link"`
}

type sitemapLink struct {
	Rel      string `xml:"rel,attr"`
	Hreflang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

// sitemap lists every page of the site in both languages, each with its
// alternates (xhtml:link, as search engines read hreflang in a sitemap).
func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) {
	type urlset struct {
		XMLName xml.Name     `xml:"urlset"`
		NS      string       `xml:"xmlns,attr"`
		XHTML   string       `xml:"xmlns:xhtml,attr"`
		URLs    []sitemapURL `xml:"url"`
	}
	set := urlset{NS: "http://www.sitemaps.org/schemas/sitemap/0.9", XHTML: "http://www.w3.org/1999/xhtml"}
	for _, sp := range sitePages {
		links := []sitemapLink{{"alternate", "nl", s.absolute(sp.NL)}, {"alternate", "en", s.absolute(sp.EN)},
			{"alternate", "x-default", s.absolute(sp.NL)}}
		for _, lang := range i18n.Languages {
			set.URLs = append(set.URLs, sitemapURL{Loc: s.absolute(sp.path(lang)), Links: links})
		}
	}
	out, err := xml.MarshalIndent(set, "", " ")
	if err != nil {
		s.fail(w, r, fmt.Errorf("site: sitemap: %w", err), nil)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}
