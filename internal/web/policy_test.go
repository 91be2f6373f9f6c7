package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/privacy"
)

func policyVersionFile(version, effective, announced string, material bool, summary, body string) *fstest.MapFile {
	m := "false"
	if material {
		m = "true"
	}
	return &fstest.MapFile{Data: []byte("---\nversion: " + version + "\neffective: " + effective + "\nannounced: " + announced +
		"\nmaterial: " + m + "\nsummary: " + summary + "\n---\n\n# " + body + "\n")}
}

// policyEnv runs HMS on 1 April 2026 with a material policy change in
// effect since 1 March, new terms announced on 20 March for 1 May, and
// terms announced only on 1 July (not yet published).
func policyEnv(t *testing.T, engine db.Dialect) (*apptest.Env, *clock.Fixed) {
	t.Helper()
	pol, err := privacy.LoadPolicies(fstest.MapFS{
		"privacy-2021-10.nl.md": policyVersionFile("2021-10", "2021-10-12", "2021-10-12", false, "Eerste versie.", "Privacy oud"),
		"privacy-2021-10.en.md": policyVersionFile("2021-10", "2021-10-12", "2021-10-12", false, "First version.", "Privacy old"),
		"privacy-2026-03.nl.md": policyVersionFile("2026-03", "2026-03-01", "2026-02-01", true, "Nieuwe bewaartermijnen.", "Privacy nieuw"),
		"privacy-2026-03.en.md": policyVersionFile("2026-03", "2026-03-01", "2026-02-01", true, "New retention periods.", "Privacy new"),
		"terms-2026-01.nl.md":   policyVersionFile("2026-01", "2026-01-01", "2025-12-01", false, "Eerste versie.", "Voorwaarden oud"),
		"terms-2026-01.en.md":   policyVersionFile("2026-01", "2026-01-01", "2025-12-01", false, "First version.", "Terms old"),
		"terms-2026-05.nl.md":   policyVersionFile("2026-05", "2026-05-01", "2026-03-20", false, "Nieuwe opzegtermijn.", "Voorwaarden nieuw"),
		"terms-2026-05.en.md":   policyVersionFile("2026-05", "2026-05-01", "2026-03-20", false, "New notice period.", "Terms new"),
		"terms-2026-09.nl.md":   policyVersionFile("2026-09", "2026-09-01", "2026-07-01", false, "Later.", "Voorwaarden later"),
		"terms-2026-09.en.md":   policyVersionFile("2026-09", "2026-09-01", "2026-07-01", false, "Later.", "Terms later"),
	})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, time.April, 1, 10, 0, 0, 0, time.UTC))
	return apptest.Start(t, engine, apptest.Options{Clock: clk, Configure: func(c *app.Config) { c.Policies = pol }}), clk
}

// The public pages, for an anonymous visitor who gets no cookie: the
// policy in effect with its version and date, the earlier version
// readable, the terms with the announced new version named, that version
// on its own page as upcoming, English by ?lang=en, and no page for a
// version not yet announced.
func TestPolicyPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e, _ := policyEnv(t, engine)
			c := newClient(t, e.URL())
			for _, p := range []struct {
				path string
				want []string
				not  []string
			}{
				{"/privacy", []string{"<h1>Privacy nieuw</h1>", "Versie 2026-03, geldig vanaf 1 maart 2026", "de geldende versie",
					`href="/privacy/versies/2021-10"`, "Eerste versie.", "Nieuwe bewaartermijnen."}, []string{"Privacy oud</h1>", `id="policy-upcoming"`}},
				{"/privacy/versies/2021-10", []string{"<h1>Privacy oud</h1>", "een eerdere versie", "Naar de geldende versie (2026-03)"}, nil},
				{"/privacy?lang=en", []string{"<h1>Privacy new</h1>", `lang="en" id="policy"`}, nil},
				{"/en/privacy", []string{`<html lang="en">`, "<h1>Privacy new</h1>", `id="policy-translation"`, "the Dutch text is authoritative",
					`href="/en/privacy/versions/2021-10"`, `hreflang="nl" href="` + e.URL() + `/privacy"`}, []string{"Privacy nieuw"}},
				{"/en/privacy/versions/2021-10", []string{"<h1>Privacy old</h1>", `hreflang="nl" href="` + e.URL() + `/privacy/versies/2021-10"`},
					nil},
				{"/en/terms", []string{"<h1>Terms old</h1>", `href="/en/terms/versions/2026-05"`}, nil},
				{"/voorwaarden", []string{"<h1>Voorwaarden oud</h1>", "Versie 2026-01", `id="policy-upcoming"`,
					"Vanaf 1 mei 2026 geldt een nieuwe versie.", `href="/voorwaarden/versies/2026-05"`}, []string{"2026-09"}},
				{"/voorwaarden/versies/2026-05", []string{"<h1>Voorwaarden nieuw</h1>", "aangekondigd, nog niet van kracht",
					"geldig vanaf 1 mei 2026"}, nil},
			} {
				resp, body := c.do("GET", p.path, nil)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", p.path, resp.StatusCode)
				}
				if len(resp.Cookies()) > 0 {
					t.Errorf("%s set a cookie: %v", p.path, resp.Cookies())
				}
				for _, w := range p.want {
					if !strings.Contains(body, w) {
						t.Errorf("%s lacks %q", p.path, w)
					}
				}
				for _, n := range p.not {
					if strings.Contains(body, n) {
						t.Errorf("%s has %q", p.path, n)
					}
				}
			}
			for _, path := range []string{"/voorwaarden/versies/2026-09", "/privacy/versies/1999-01", "/privacy/versies/2026-05",
				"/en/terms/versions/2026-09"} {
				if resp, _ := c.do("GET", path, nil); resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d, want 404", path, resp.StatusCode)
				}
			}
		})
	}
}

// A signed-in user sees a banner for the policy change and the coming
// terms on every back-office page until they press "Gelezen" on each; a
// version the banner does not show cannot be dismissed.
func TestPolicyBanner(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e, _ := policyEnv(t, engine)
			_, pw := createUser(t, e, "a", "kijker@a.nl", account.Viewer)
			c := newClient(t, e.URL())
			c.login("kijker@a.nl", pw)
			for _, path := range []string{"/o/a/members", "/o/a/", "/account"} {
				body := mustBody(t, c, path)
				if !strings.Contains(body, `id="policy-notice-privacy"`) || !strings.Contains(body, `id="policy-notice-terms"`) {
					t.Fatalf("%s has no banners: %.3000s", path, body)
				}
			}
			resp, _ := c.do("POST", "/account/policy-notice", url.Values{"document": {"terms"}, "version": {"2026-01"}, "next": {"/o/a/"}})
			if resp.StatusCode != http.StatusConflict {
				t.Errorf("dismissing a version not shown: %d", resp.StatusCode)
			}
			resp, _ = c.do("POST", "/account/policy-notice", url.Values{"document": {"privacy"}, "version": {"2026-03"}, "next": {"/o/a/"}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/o/a/" {
				t.Fatalf("dismiss: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			body := mustBody(t, c, "/o/a/")
			if strings.Contains(body, `id="policy-notice-privacy"`) || !strings.Contains(body, `id="policy-notice-terms"`) {
				t.Errorf("after dismissing the policy: %.3000s", body)
			}
			// Another user still sees both.
			_, pw2 := createUser(t, e, "a", "boekhouder@a.nl", account.Bookkeeper)
			c2 := newClient(t, e.URL())
			c2.login("boekhouder@a.nl", pw2)
			if body := mustBody(t, c2, "/account"); !strings.Contains(body, `id="policy-notice-privacy"`) {
				t.Error("one user's dismissal hid another's banner")
			}
		})
	}
}

// The banner in Chromium at 1280 and 390 px: shown with a link to the
// text, gone after "Gelezen" on each, with no console or CSP errors.
func TestPolicyBannerBrowser(t *testing.T) {
	e, _ := policyEnv(t, db.SQLite)
	for _, width := range []struct {
		name string
		new  func(testing.TB) *browsertest.Browser
	}{{"1280px", browsertest.New}, {"390px", browsertest.NewMobile}} {
		t.Run(width.name, func(t *testing.T) {
			email := "eigenaar-" + width.name + "@a.nl"
			_, pw := createUser(t, e, "a", email, account.Owner)
			b := width.new(t)
			browserLogin(t, b, e.URL(), email, pw)
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/"), chromedp.WaitVisible(css("#policy-notice-privacy")),
				chromedp.WaitVisible(css("#policy-notice-terms")))
			shot(t, b, "policy-banner-"+width.name)
			over := browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`))
			if over {
				t.Error("the page scrolls sideways with the banner")
			}
			href := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector("#policy-notice-terms a").getAttribute("href")`))
			if href != "/voorwaarden/versies/2026-05" {
				t.Errorf("banner link %q", href)
			}
			b.Run(t, chromedp.Click(css("#policy-notice-privacy button")), chromedp.WaitNotPresent(css("#policy-notice-privacy")),
				chromedp.WaitVisible(css("#policy-notice-terms")))
			b.Run(t, chromedp.Click(css("#policy-notice-terms button")), chromedp.WaitNotPresent(css("#policy-notice-terms")),
				chromedp.WaitReady(css("#nav-account")))
			if url := b.URL(t); !strings.HasSuffix(url, "/o/a/") {
				t.Errorf("after Gelezen at %s", url)
			}
			n := browsertest.Get(t, b, chromedp.Evaluate[int](`document.querySelectorAll(".policy-notice").length`))
			if n != 0 {
				t.Errorf("%d banners after reading both", n)
			}
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/members"), chromedp.WaitReady(css("#nav-account")))
			if n := browsertest.Get(t, b, chromedp.Evaluate[int](`document.querySelectorAll(".policy-notice").length`)); n != 0 {
				t.Errorf("%d banners on the next page", n)
			}
			if errs := b.ConsoleErrors(); len(errs) > 0 {
				t.Errorf("console: %v", errs)
			}
		})
	}
}
