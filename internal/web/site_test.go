package web_test

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/money"
	"hms/internal/web"
)

// publicPages are every page of the public site in both languages, and the
// other pages an anonymous visitor reads.
func publicPages() []string {
	var out []string
	for _, pair := range web.SitePaths() {
		out = append(out, pair[0], pair[1])
	}
	return append(out, "/privacy/versies/2021-10", "/en/privacy/versions/2021-10", "/login", "/password/forgot")
}

var (
	tagRE     = regexp.MustCompile(`(?is)<([a-z][a-z0-9]*)\b([^>]*)>`)
	attrRE    = regexp.MustCompile(`(?is)\b(src|href|action|srcset|poster|data|formaction)\s*=\s*"([^"]*)"`)
	headingRE = regexp.MustCompile(`(?i)<h([1-6])\b`)
	htmlLang  = regexp.MustCompile(`<html lang="([a-z]+)">`)
	altRE     = regexp.MustCompile(`<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)">`)
	cssURL    = regexp.MustCompile(`(?i)url\(\s*['"]?(https?:)?//|@import`)
)

// externalRefs names every reference of a page to another host, except a
// plain outbound link (<a href>) a person may follow.
func externalRefs(body, host string) []string {
	var out []string
	for _, tag := range tagRE.FindAllStringSubmatch(body, -1) {
		for _, a := range attrRE.FindAllStringSubmatch(tag[2], -1) {
			for _, ref := range strings.Split(a[2], ",") {
				ref = strings.Fields(strings.TrimSpace(ref) + " ")[0]
				u, err := url.Parse(strings.ReplaceAll(ref, "&amp;", "&"))
				if err != nil {
					out = append(out, "unreadable "+a[2])
					continue
				}
				if u.Host == "" || u.Host == host || (strings.ToLower(tag[1]) == "a" && a[1] == "href") {
					continue
				}
				out = append(out, "<"+tag[1]+" "+a[1]+"="+a[2]+">")
			}
		}
	}
	return out
}

// headingProblems checks that a page has one h1, first, and that no
// heading skips a level.
func headingProblems(body string) []string {
	var out []string
	prev, h1 := 0, 0
	for _, m := range headingRE.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[1])
		if n == 1 {
			h1++
		}
		if prev == 0 && n != 1 {
			out = append(out, "the first heading is h"+m[1])
		}
		if prev != 0 && n > prev+1 {
			out = append(out, "h"+strconv.Itoa(prev)+" is followed by h"+m[1])
		}
		prev = n
	}
	if h1 != 1 {
		out = append(out, strconv.Itoa(h1)+" h1 elements")
	}
	return out
}

// Every public page, requested without cookies, answers 200 in the
// language of its path, sets no cookie (PRIVACY.md P3), loads nothing from
// another host (a stylesheet it links neither), has one h1 and headings in
// order, a skip link, and names its translation by hreflang nl, en and
// x-default, each of which answers 200.
func TestSitePagesAreSelfContainedAndSetNoCookie(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	u, _ := url.Parse(e.URL())
	for _, path := range publicPages() {
		c := newClient(t, e.URL()) // a new visitor each time: no cookie to send
		resp, body := c.do("GET", path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, resp.StatusCode)
			continue
		}
		if len(resp.Header.Values("Set-Cookie")) > 0 {
			t.Errorf("%s sets a cookie for an anonymous visitor: %v", path, resp.Header.Values("Set-Cookie"))
		}
		for _, ref := range externalRefs(body, u.Host) {
			t.Errorf("%s refers to another host: %s", path, ref)
		}
		if regexp.MustCompile(`(?i)<script|<iframe|\sstyle="|\son[a-z]+="`).MatchString(body) && !isBackOffice(path) {
			t.Errorf("%s has a script, frame, inline style or handler", path)
		}
		if isBackOffice(path) {
			continue // the login pages keep the back office's layout
		}
		want := "nl"
		if strings.HasPrefix(path, "/en/") {
			want = "en"
		}
		if m := htmlLang.FindStringSubmatch(body); m == nil || m[1] != want {
			t.Errorf("%s: html lang %v, want %s", path, m, want)
		}
		for _, p := range headingProblems(body) {
			t.Errorf("%s: %s", path, p)
		}
		if !strings.Contains(body, `<a href="#main" class="skip-link">`) || !strings.Contains(body, `<main class="container" id="main"`) {
			t.Errorf("%s has no skip link to its main content", path)
		}
		alts := map[string]string{}
		for _, m := range altRE.FindAllStringSubmatch(body, -1) {
			alts[m[1]] = m[2]
		}
		for _, lang := range []string{"nl", "en", "x-default"} {
			href, ok := alts[lang]
			if !ok {
				t.Errorf("%s has no hreflang %s", path, lang)
				continue
			}
			au, err := url.Parse(href)
			if err != nil || au.Host != u.Host {
				t.Errorf("%s: hreflang %s is %q, not on this site", path, lang, href)
				continue
			}
			if lang == want && au.Path != path {
				t.Errorf("%s: hreflang %s names %s, not itself", path, lang, au.Path)
			}
			if r, _ := newClient(t, e.URL()).do("GET", au.Path, nil); r.StatusCode != http.StatusOK {
				t.Errorf("%s: its hreflang %s %s answers %d", path, lang, au.Path, r.StatusCode)
			}
		}
	}
	// The stylesheets the site loads fetch nothing either.
	for _, css := range []string{"/static/site.css", "/static/app.css", "/static/vendor/pico.min.css"} {
		resp, body := newClient(t, e.URL()).do("GET", css, nil)
		if resp.StatusCode != http.StatusOK || cssURL.MatchString(body) {
			t.Errorf("%s: status %d, or it loads from another host", css, resp.StatusCode)
		}
	}
}

func isBackOffice(path string) bool { return path == "/login" || path == "/password/forgot" }

// The sitemap lists every site page in both languages with its alternates;
// robots.txt allows the site, keeps crawlers out of the back office, the
// console, the API and the app, and names the sitemap.
func TestSitemapAndRobots(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	c := newClient(t, e.URL())
	resp, body := c.do("GET", "/sitemap.xml", nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/xml") {
		t.Fatalf("sitemap: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var set struct {
		URLs []struct {
			Loc   string `xml:"loc"`
			Links []struct {
				Rel      string `xml:"rel,attr"`
				Hreflang string `xml:"hreflang,attr"`
				Href     string `xml:"href,attr"`
			} `xml:"http://www.w3.org/1999/xhtml link"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(body), &set); err != nil {
		t.Fatalf("sitemap does not parse: %v\n%s", err, body)
	}
	if !strings.Contains(body, `xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"`) {
		t.Error("sitemap lacks its namespace")
	}
	locs := map[string]bool{}
	for _, u := range set.URLs {
		locs[u.Loc] = true
		langs := map[string]string{}
		for _, l := range u.Links {
			if l.Rel == "alternate" {
				langs[l.Hreflang] = l.Href
			}
		}
		if len(langs) != 3 || langs["x-default"] != langs["nl"] || !locs[u.Loc] {
			t.Errorf("%s: alternates %v", u.Loc, langs)
		}
		if langs["nl"] != u.Loc && langs["en"] != u.Loc {
			t.Errorf("%s is neither of its alternates %v", u.Loc, langs)
		}
	}
	for _, pair := range web.SitePaths() {
		for _, p := range pair {
			if !locs[e.URL()+p] {
				t.Errorf("sitemap lacks %s", e.URL()+p)
			}
		}
	}
	resp, body = c.do("GET", "/robots.txt", nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("robots.txt: %d", resp.StatusCode)
	}
	for _, line := range []string{"User-agent: *", "Allow: /", "Disallow: /o/", "Disallow: /console", "Disallow: /api/",
		"Disallow: /app", "Sitemap: " + e.URL() + "/sitemap.xml"} {
		if !slices.Contains(strings.Split(body, "\n"), line) {
			t.Errorf("robots.txt lacks %q:\n%s", line, body)
		}
	}
}

// The sign-up form moved to /aanmelden (and /en/signup): the old address
// redirects permanently, the form posts to its own page, and a POST to the
// old address still signs up.
func TestSignupMoved(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	c := newClient(t, e.URL())
	resp, _ := c.do("GET", "/signup", nil)
	if resp.StatusCode != http.StatusPermanentRedirect || resp.Header.Get("Location") != "/aanmelden" {
		t.Fatalf("/signup: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for path, want := range map[string]string{"/aanmelden": `action="/aanmelden"`, "/en/signup": `action="/en/signup"`} {
		if _, body := c.do("GET", path, nil); !strings.Contains(body, want) {
			t.Errorf("%s: the form does not post to its page", path)
		}
	}
	// Errors come back at the fields in the page's language.
	resp, body := c.do("POST", "/en/signup", url.Values{"org_name": {"X"}, "name": {"Y"}, "email": {"bad"}, "password": {"kort"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-password"`) ||
		!strings.Contains(body, `<html lang="en">`) {
		t.Fatalf("/en/signup with errors: %d", resp.StatusCode)
	}
	for i, path := range []string{"/aanmelden", "/signup"} {
		resp, body := newClient(t, e.URL()).do("POST", path, url.Values{"org_name": {"Verhuur " + path}, "name": {"Eva"},
			"email": {"eva" + strconv.Itoa(i) + "@example.nl"}, "password": {"een lang en sterk wachtwoord"}, "accept_terms": {"on"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="message"`) {
			t.Errorf("POST %s: %d", path, resp.StatusCode)
		}
	}
}

// The pricing page shows the plans Deps.Plans gives, with their prices in
// the page's language; without plans, or when they cannot be read, it says
// prices are on request and links to the contact page. It never makes up a
// price.
func TestPricingReadsPlans(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	get := func(path string) string {
		rec := httptest.NewRecorder()
		e.Web.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		return rec.Body.String()
	}
	// The app wires the plans from the database (app.TestPricingPagesShowThePlans); here the page's own cases.
	e.Web.Plans = nil
	for path, want := range map[string]string{"/prijzen": "Prijzen op aanvraag", "/en/pricing": "Prices on request"} {
		if body := get(path); !strings.Contains(body, want) || !strings.Contains(body, `id="plans-on-request"`) || strings.Contains(body, "€") {
			t.Errorf("%s without plans does not say %q", path, want)
		}
	}
	e.Web.Plans = func(_ context.Context, lang string) ([]web.PlanView, error) {
		name := map[string]string{"nl": "Klein", "en": "Small"}[lang]
		return []web.PlanView{{Name: name, Price: money.Cents(4950), Period: "month", Features: []string{"50"}},
			{Name: "Groot", OnRequest: true}}, nil
	}
	body := get("/prijzen")
	for _, want := range []string{"<h2>Klein</h2>", "€ 49,50", "per maand", "<h2>Groot</h2>", "Prijzen op aanvraag", "exclusief btw"} {
		if !strings.Contains(body, want) {
			t.Errorf("/prijzen lacks %q", want)
		}
	}
	if body := get("/en/pricing"); !strings.Contains(body, "<h2>Small</h2>") || !strings.Contains(body, "€49.50") {
		t.Errorf("/en/pricing does not show the English plan")
	}
	e.Web.Plans = func(context.Context, string) ([]web.PlanView, error) { return nil, errors.New("down") }
	if body := get("/prijzen"); !strings.Contains(body, "Prijzen op aanvraag") {
		t.Error("a failing plan source does not fall back to prices on request")
	}
	e.Web.Plans = nil
}

// The contact page shows HMS's contact details, the link to the subject
// request form in the page's language and the Autoriteit Persoonsgegevens.
func TestContactPage(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	c := newClient(t, e.URL())
	for path, want := range map[string][]string{
		"/contact":    {`href="mailto:support@hmsystems.nl"`, `href="/privacy/verzoek"`, "autoriteitpersoonsgegevens.nl"},
		"/en/contact": {`href="mailto:support@hmsystems.nl"`, `href="/en/privacy/request"`, "autoriteitpersoonsgegevens.nl"},
	} {
		_, body := c.do("GET", path, nil)
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %s", path, w)
			}
		}
	}
}

// The screenshots the features page shows are committed files; the page
// names each with its size.
func TestFeaturesPageShowsTheScreenshots(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	_, body := newClient(t, e.URL()).do("GET", "/functies", nil)
	for _, name := range web.SiteScreenshots() {
		src := `src="/static/site/` + name + `.png" width="1280" height="800"`
		if !strings.Contains(body, src) {
			t.Errorf("/functies does not show %s", name)
		}
		if _, err := os.Stat(filepath.Join("static", "site", name+".png")); err != nil {
			t.Errorf("screenshot %s: %v", name, err)
		}
		if resp, _ := newClient(t, e.URL()).do("GET", "/static/site/"+name+".png", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("/static/site/%s.png: %d", name, resp.StatusCode)
		}
	}
}
