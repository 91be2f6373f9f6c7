package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/web"
)

// everyPageNow is the day the demo is made and the pages are read.
var everyPageNow = time.Date(2026, time.October, 14, 10, 0, 0, 0, time.UTC)

// Every back-office page of the route table, with the demo's data, on a
// phone (390 px) and a desktop (1280 px), in Dutch: no page scrolls
// sideways, and none shows English from a catalog gap, a raw message id,
// an internal code (snake_case, a.b.c, "(lease:12)") or common English
// words. The pages are found from the route table, not from a list: a
// route with ids gets the first link to it that the walk finds on the
// pages before it, so a new page is walked as soon as some page links to
// it (htmx fragments, such as a picker's options, by their hx-get); a page
// no link leads to fails the test, so the demo must hold what shows it.
// File downloads (routes marked File, or answers not text/html) are left out.
func TestEveryPageOnPhoneAndDesktopInDutch(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clock.NewFixed(everyPageNow)})
			login, _, err := e.SeedDemo(context.Background(), "demo", 24)
			if err != nil {
				t.Fatal(err)
			}
			uploadOneOfEach(t, e.URL(), login.Email, login.Password)
			gaps := watchCatalog(e)
			pages, unreached := discoverPages(t, e.URL(), login.Email, login.Password, e.Web.Routes())
			files := map[string]bool{}
			for _, rt := range e.Web.Routes() {
				files[rt.Pattern] = rt.File
			}
			var downloads []string
			for _, p := range unreached {
				if files[p] {
					downloads = append(downloads, p)
				} else {
					t.Errorf("no link in the demo leads to the page %s: it is not walked", p)
				}
			}
			if len(downloads) > 0 {
				t.Logf("downloads no link in the demo leads to: %s", strings.Join(downloads, ", "))
			}
			for _, width := range []struct {
				name string
				new  func(testing.TB) *browsertest.Browser
			}{{"390px", browsertest.NewMobile}, {"1280px", browsertest.New}} {
				t.Run(width.name, func(t *testing.T) {
					b := width.new(t)
					browserLogin(t, b, e.URL(), login.Email, login.Password)
					for _, pg := range pages {
						gaps.take() // what earlier requests left
						b.Run(t, chromedp.Navigate(e.URL()+pg.url))
						got := browsertest.Get(t, b, chromedp.Evaluate[pageFacts](pageFactsJS))
						if got.Over {
							t.Errorf("%s (%s) scrolls sideways at %s: %d px wide in %d; widest: %s",
								pg.pattern, pg.url, width.name, got.ScrollWidth, got.ClientWidth, got.Widest)
						}
						if got.Full && got.Lang != "nl" {
							t.Errorf("%s (%s) is not in Dutch: lang=%q", pg.pattern, pg.url, got.Lang)
						}
						for _, p := range notDutch(got.Text) {
							t.Errorf("%s (%s) shows %s", pg.pattern, pg.url, p)
						}
						for _, id := range gaps.take() {
							t.Errorf("%s (%s) asks the catalog for %s, which has no Dutch text", pg.pattern, pg.url, id)
						}
						shot(t, b, "every-"+width.name+strings.ReplaceAll(pg.url, "/", "_"))
					}
				})
			}
		})
	}
}

// uploadOneOfEach uploads a rent roll and a bank statement as a person
// would, so the pages that show what became of an upload are walked too
// (the demo imports its own files without the upload pages).
func uploadOneOfEach(t *testing.T, base, email, password string) {
	t.Helper()
	c := newClient(t, base)
	c.login(email, password)
	statement, err := os.ReadFile("../bankfile/testdata/camt053/abnamro-camt053.001.02-oca-test1.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, up := range []struct {
		path, name string
		data       []byte
	}{
		{"/o/demo/import", "huurlijst.csv", []byte("complex;adres\n")},
		{"/o/demo/finance/statements", "afschrift.xml", statement},
	} {
		if res, body := c.postFiles(up.path, nil, "file", up.name, up.data); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload to %s: status %d: %.300s", up.path, res.StatusCode, body)
		}
	}
}

type pageFacts struct {
	Over        bool   `json:"over"`
	ScrollWidth int    `json:"sw"`
	ClientWidth int    `json:"cw"`
	Widest      string `json:"widest"`
	Text        string `json:"text"`
	Lang        string `json:"lang"`
	Full        bool   `json:"full"` // a whole page, not a fragment htmx puts into one
}

// pageFactsJS measures the page; the widest element is the innermost one
// that reaches furthest right past the viewport.
const pageFactsJS = `(() => {
  const de = document.documentElement, cw = de.clientWidth;
  const r = {over: de.scrollWidth > cw + 1, sw: de.scrollWidth, cw: cw, widest: "",
    text: "", lang: de.lang, full: !!document.querySelector("main")};
  // What a person types as it stands (CSV headers, file formats) is shown
  // as code and is not read for codes.
  const copy = document.body.cloneNode(true);
  for (const el of copy.querySelectorAll("code, kbd, samp")) el.remove();
  copy.style.position = "absolute"; copy.style.left = "-10000px";
  document.documentElement.appendChild(copy);
  r.text = copy.innerText;
  copy.remove();
  if (r.over) {
    let best = null, right = cw;
    for (const el of document.body.querySelectorAll("*")) {
      const b = el.getBoundingClientRect().right;
      if (b >= right) { right = b; best = el; }
    }
    if (best) {
      let d = best.tagName.toLowerCase();
      if (best.id) d += "#" + best.id;
      if (best.className && typeof best.className === "string") d += "." + best.className.trim().split(/\s+/).join(".");
      d += " (right edge " + Math.round(right) + " px): " + JSON.stringify((best.innerText || "").slice(0, 60));
      r.widest = d;
    }
  }
  return r;
})()`

// catalogGaps collects the ids the web's catalog could not answer in the
// language asked.
type catalogGaps struct {
	mu  sync.Mutex
	ids []string
}

func watchCatalog(e *apptest.Env) *catalogGaps {
	g := &catalogGaps{}
	e.Texts.Watch(func(lang, id string) {
		g.mu.Lock()
		defer g.mu.Unlock()
		g.ids = append(g.ids, fmt.Sprintf("%q (%s)", id, lang))
	})
	return g
}

func (g *catalogGaps) take() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	ids := g.ids
	g.ids = nil
	slices.Sort(ids)
	return slices.Compact(ids)
}

var (
	// What is not text a person reads: addresses, links and file names.
	notWords  = regexp.MustCompile(`\S+@\S+|https?://\S+|\b[\w-]+\.(csv|pdf|xml|txt|sta|json)\b|\b[\w-]+(\.[\w-]+)*\.(nl|com|org|eu)\b`)
	snakeCode = regexp.MustCompile(`\b[a-z]+_[a-z_]+\b`)
	dotCode   = regexp.MustCompile(`\b[a-z]{2,}(\.[a-z_]{2,})+\b`)
	recordRef = regexp.MustCompile(`\(\w+:\d+\)`)
	isoDate   = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	// Words that are English and never Dutch.
	english = regexp.MustCompile(`(?i)\b(the|and|your|you|please|with|which|should|been|this|that|there|none|yes|save|cancel|` +
		`search|invoice|payment|tenant|amount|due|date)\b`)
)

// notDutch names what text shows that a Dutch reader should not see.
func notDutch(text string) []string {
	text = notWords.ReplaceAllString(text, " ")
	var out []string
	for _, re := range []struct {
		what string
		re   *regexp.Regexp
	}{{"the code", snakeCode}, {"the message id", dotCode}, {"the record reference", recordRef}, {"the English word", english},
		{"the date as a machine writes it", isoDate}} {
		seen := map[string]bool{}
		for _, m := range re.re.FindAllString(text, -1) {
			if !seen[m] {
				seen[m] = true
				out = append(out, fmt.Sprintf("%s %q in %q", re.what, m, around(text, m)))
			}
		}
	}
	return out
}

// around is the line of text that holds m, cut to a readable length.
func around(text, m string) string {
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, m) {
			if len(line) > 120 {
				i := strings.Index(line, m)
				line = line[max(0, i-50):min(len(line), i+len(m)+50)]
			}
			return strings.TrimSpace(line)
		}
	}
	return m
}

type walkPage struct{ pattern, url string }

var hrefRE = regexp.MustCompile(`(?:href|hx-get)="([^"#]+)`)

// discoverPages signs in over HTTP and finds a URL for every GET page of the
// routes open to a signed-in member (not the staff console, not the
// platform's files and API): those without ids as they are, the others from
// the links on the pages found so far, breadth first. It answers the HTML
// pages in the order found and the patterns no link led to.
func discoverPages(t *testing.T, base, email, password string, routes []web.Route) ([]walkPage, []string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(base)
	jar.SetCookies(u, []*http.Cookie{{Name: "hms_lang", Value: "nl", Path: "/"}})
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if !strings.HasSuffix(res.Request.URL.Path, "/app") && !strings.HasPrefix(res.Request.URL.Path, "/o/") {
		t.Fatalf("login ended at %s", res.Request.URL)
	}

	type pat struct {
		pattern string
		re      *regexp.Regexp
		vars    int
	}
	var pats []pat
	for _, rt := range routes {
		if rt.Method != "GET" || (rt.Access.Kind != "user" && rt.Access.Kind != "org") {
			continue
		}
		vars := strings.Count(rt.Pattern, "{") - strings.Count(rt.Pattern, "{$}")
		re := regexp.QuoteMeta(strings.ReplaceAll(rt.Pattern, "{$}", ""))
		re = regexp.MustCompile(`\\\{[^}]+\\\}`).ReplaceAllString(re, `[^/]+`)
		pats = append(pats, pat{rt.Pattern, regexp.MustCompile("^" + re + "$"), vars})
	}
	// The most specific pattern answers a path, as in the mux.
	sort.SliceStable(pats, func(i, j int) bool { return pats[i].vars < pats[j].vars })
	match := func(path string) string {
		for _, p := range pats {
			if p.re.MatchString(path) {
				return p.pattern
			}
		}
		return ""
	}

	found := map[string]string{} // pattern → url
	var queue, order []walkPage
	add := func(pattern, href string) {
		if _, ok := found[pattern]; ok {
			return
		}
		found[pattern] = href
		queue = append(queue, walkPage{pattern, href})
	}
	for _, p := range pats {
		if p.vars == 0 {
			add(p.pattern, strings.ReplaceAll(p.pattern, "{$}", ""))
		} else if strings.HasPrefix(p.pattern, "/o/{org}/") && p.vars == 1 {
			add(p.pattern, strings.ReplaceAll(strings.ReplaceAll(p.pattern, "{org}", "demo"), "{$}", ""))
		}
	}
	for len(queue) > 0 {
		pg := queue[0]
		queue = queue[1:]
		res, err := c.Get(base + pg.url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		// A page that checks its query (a preview) answers 422 and
		// shows its form with the errors: still a page to walk.
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s (%s): status %d", pg.pattern, pg.url, res.StatusCode)
			continue
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			continue // a download
		}
		order = append(order, pg)
		for _, m := range hrefRE.FindAllStringSubmatch(string(body), -1) {
			href := strings.ReplaceAll(m[1], "&amp;", "&")
			lu, err := url.Parse(href)
			if err != nil || lu.Host != "" || !strings.HasPrefix(lu.Path, "/") {
				continue
			}
			if p := match(lu.Path); p != "" {
				add(p, href)
			}
		}
	}
	var unreached []string
	for _, p := range pats {
		if _, ok := found[p.pattern]; !ok {
			unreached = append(unreached, p.pattern)
		}
	}
	return order, unreached
}

// browserLogin signs b in, in Dutch.
func browserLogin(t *testing.T, b *browsertest.Browser, base, email, password string) {
	t.Helper()
	b.Run(t, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("input[name=email]")),
		chromedp.Click(css(`.lang-switch button[value="nl"]`)), chromedp.WaitVisible(css(`html[lang="nl"] body`)))
	b.Run(t, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("input[name=email]")),
		chromedp.SendKeys(css("input[name=email]"), email), chromedp.SendKeys(css("input[name=password]"), password),
		chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-account")))
}
