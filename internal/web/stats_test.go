package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"hms/internal/app"
	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/stats"
)

// lockedBuffer is a log the server and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// The visitors of the statistics test: distinctive addresses (behind a
// trusted proxy, as in production) and user agents with a token of their own.
var statsVisitors = []struct{ addr, ua string }{
	{"145.97.201.77", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
		"Version/17.4 Mobile/15E148 Safari/604.1 ProbeAgentAlpha"},
	{"81.2.69.177", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 " +
		"Safari/537.36 ProbeAgentBravo"},
	{"2001:4860:4860::8844", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0 ProbeAgentCharlie"},
}

// ipForms are the ways an address is commonly written.
func ipForms(s string) []string {
	a := netip.MustParseAddr(s)
	forms := []string{a.String(), a.StringExpanded()}
	if a.Is4() {
		b := a.As4()
		forms = append(forms, "::ffff:"+a.String(), fmt.Sprintf("%d.%d.%d.%d", b[3], b[2], b[1], b[0]),
			fmt.Sprintf("%02x%02x%02x%02x", b[0], b[1], b[2], b[3]))
	} else {
		forms = append(forms, strings.ReplaceAll(a.StringExpanded(), ":0000", ":0"))
	}
	return forms
}

// Public pages are counted without cookies and without keeping who: a burst
// of visits from several addresses, devices and browsers, with query
// strings, referrers (the site's own among them), DNT, GPC and a robot, and
// requests that are no public page. The server stops before a minute's flush:
// Close keeps the counts. Then no table's column on either engine, no file
// of the SQLite database and no line of the log holds an address (in its
// common forms), a user agent or a query string.
func TestStatsCountPublicPagesAndKeepNoAddress(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC))
			logs := &lockedBuffer{}
			configure := func(c *app.Config) {
				c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
				c.Log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			}
			e := apptest.Start(t, engine, apptest.Options{Clock: clk, Configure: configure})
			hc := &http.Client{Timeout: 20 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			get := func(path, addr, ua string, header ...string) int {
				t.Helper()
				req, _ := http.NewRequest("GET", e.URL()+path, nil)
				req.Header.Set("X-Forwarded-For", addr)
				req.Header.Set("User-Agent", ua)
				for i := 0; i+1 < len(header); i += 2 {
					req.Header.Set(header[i], header[i+1])
				}
				resp, err := hc.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK && len(resp.Cookies()) != 0 {
					t.Errorf("%s set a cookie: %v", path, resp.Cookies())
				}
				return resp.StatusCode
			}
			phone, desktop, linux := statsVisitors[0], statsVisitors[1], statsVisitors[2]
			// Counted: 7 page views by 3 visitors.
			get("/?utm_source=ProbeQuerySecret&email=x", phone.addr, phone.ua, "Referer", "https://www.news.example.org/a?ProbeQuerySecret")
			get("/", phone.addr, phone.ua, "Referer", e.URL()+"/privacy")
			get("/privacy", phone.addr, phone.ua, "Sec-CH-Viewport-Width", "390")
			get("/aanmelden", desktop.addr, desktop.ua, "Sec-CH-UA-Platform", `"Windows"`, "Sec-CH-Viewport-Width", "1440")
			get("/login", desktop.addr, desktop.ua)
			get("/", linux.addr, linux.ua)
			get("/voorwaarden", linux.addr, linux.ua)
			// Not counted: DNT, GPC, a robot, no page, not public, a file.
			get("/", "145.97.201.78", desktop.ua, "DNT", "1")
			get("/", "145.97.201.79", desktop.ua, "Sec-GPC", "1")
			get("/", "66.249.66.177", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) ProbeAgentBot")
			if code := get("/does-not-exist", phone.addr, phone.ua); code != http.StatusNotFound {
				t.Errorf("no page: %d", code)
			}
			get("/console", phone.addr, phone.ua)
			get("/static/app.css", phone.addr, phone.ua)
			get("/healthz", phone.addr, phone.ua)
			e.Log.Info("stats test: the server's log is captured")
			if err := e.Close(); err != nil { // well within the minute: only Close flushes
				t.Fatal(err)
			}

			e2 := e.Reopen(t, apptest.Options{Clock: clk, NoServer: true, Configure: configure})
			today := civil.Today(clk.Now())
			r, err := e2.Stats.Report(context.Background(), today, today)
			if err != nil {
				t.Fatal(err)
			}
			if r.PageViews != 7 || r.Visitors != 3 {
				t.Fatalf("page views %d, visitors %d; want 7 and 3", r.PageViews, r.Visitors)
			}
			got := map[string]string{}
			for _, x := range r.Paths {
				got[x.Name] = fmt.Sprintf("%d/%d", x.PageViews, x.Visitors)
			}
			want := map[string]string{"/": "3/2", "/privacy": "1/1", "/aanmelden": "1/1", "/login": "1/1", "/voorwaarden": "1/1"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("paths %v, want %v", got, want)
			}
			if len(r.Referrers) != 1 || r.Referrers[0].Name != "news.example.org" || r.Referrers[0].PageViews != 1 {
				t.Errorf("referrers %+v: want news.example.org once, not the site itself", r.Referrers)
			}
			countries := map[string]int64{}
			for _, x := range r.Countries {
				countries[x.Name] = x.PageViews
			}
			if countries["NL"] != 3 || countries["GB"] != 2 || countries["US"] != 2 {
				t.Errorf("countries %+v", r.Countries)
			}
			screens := map[string]int64{}
			for _, x := range r.Screens {
				screens[x.Name] = x.PageViews
			}
			if screens[stats.ScreenSmall] != 1 || screens[stats.ScreenLarge] != 1 || screens[stats.ScreenUnknown] != 5 {
				t.Errorf("screens %+v", r.Screens)
			}

			// Nothing of who they were anywhere.
			var needles []string
			for _, v := range append(statsVisitors, struct{ addr, ua string }{"145.97.201.78", ""},
				struct{ addr, ua string }{"145.97.201.79", ""}, struct{ addr, ua string }{"66.249.66.177", ""}) {
				needles = append(needles, ipForms(v.addr)...)
				if v.ua != "" {
					needles = append(needles, v.ua)
				}
			}
			needles = append(needles, "ProbeAgent", "ProbeQuerySecret", "utm_source", "Googlebot")
			if hits := apptest.FindPlaintext(t, e2.DB, needles...); len(hits) > 0 {
				t.Errorf("the database keeps who visited: %v", hits)
			}
			if e2.DatabaseURL == "" {
				if _, err := e2.DB.Raw().ExecContext(context.Background(), `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
					t.Fatal(err)
				}
			}
			files := 0
			dir := e2.DataDir
			if e2.DatabaseURL != "" {
				dir = t.TempDir() // PostgreSQL: no database files here; its rows were scanned above
			}
			err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				files++
				for _, n := range needles {
					if bytes.Contains(bytes.ToLower(b), bytes.ToLower([]byte(n))) {
						t.Errorf("%s holds %q", path, n)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if e2.DatabaseURL == "" && files == 0 {
				t.Fatal("no SQLite file found to scan")
			}
			log := logs.String()
			if !strings.Contains(log, "the server's log is captured") {
				t.Fatal("the log caught nothing; the scan would prove nothing")
			}
			for _, n := range needles {
				if strings.Contains(strings.ToLower(log), strings.ToLower(n)) {
					t.Errorf("the log holds %q", n)
				}
			}
		})
	}
}

// The dashboard in Chromium at 1280 and 390 px with a week of visits: the
// console links to it, the figures and the tables show, a preset and a
// chosen period change what is shown, and nothing scrolls sideways.
func TestStatsDashboardBrowser(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			start := clk.Now()
			agents := []string{statsVisitors[0].ua, statsVisitors[1].ua, statsVisitors[2].ua}
			for day := range 7 {
				clk.Set(start.Add(-time.Duration(day) * 24 * time.Hour))
				for i := range 3 + day {
					v := stats.Visit{Path: []string{"/", "/privacy", "/signup", "/voorwaarden"}[i%4], Host: "hms.example",
						Addr:      netip.MustParseAddr([]string{"145.97.1.1", "81.2.69.142", "2a02:a440::1"}[i%3]),
						UserAgent: agents[i%3], Referrer: []string{"", "https://www.google.com/", "https://duckduckgo.com/x"}[i%3],
						ViewportWidth: []int{390, 1440, 0}[i%3]}
					if !e.Stats.Count(v) {
						t.Fatal("not counted")
					}
				}
				if err := e.Stats.Flush(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			clk.Set(start)
			email, pw, secret := createStaff(t, e, clk)
			for _, width := range []struct {
				name string
				new  func(testing.TB) *browsertest.Browser
			}{{"1280px", browsertest.New}, {"390px", browsertest.NewMobile}} {
				t.Run(width.name, func(t *testing.T) {
					b := width.new(t)
					clk.Advance(30 * time.Second)
					code, _ := totp.GenerateCode(secret, clk.Now())
					b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
						chromedp.SendKeys(css("input[name=email]"), email), chromedp.SendKeys(css("input[name=password]"), pw),
						chromedp.Submit(css("input[name=password]")), chromedp.WaitVisible(css("input[name=code]")),
						chromedp.SendKeys(css("input[name=code]"), code), chromedp.Submit(css("input[name=code]")),
						chromedp.WaitReady(css("#nav-account")))
					b.Run(t, chromedp.Navigate(e.URL()+"/console"), chromedp.Click(css("#console-stats")),
						chromedp.WaitVisible(css("#stats-figures")))
					// 3+4+…+9 page views over the last 7 days (of the default 30).
					if got := b.Text(t, "#stats-pageviews"); got != "42" {
						t.Errorf("page views %q, want 42", got)
					}
					if paths := b.Text(t, "#stats-paths"); !strings.Contains(paths, "/privacy") {
						t.Errorf("pages: %q", paths)
					}
					if c := b.Text(t, "#stats-countries"); !strings.Contains(c, "Nederland") || !strings.Contains(c, "Verenigd Koninkrijk") {
						t.Errorf("countries: %q", c)
					}
					if d := b.Text(t, "#stats-devices"); !strings.Contains(d, "Telefoon") || !strings.Contains(d, "Computer") {
						t.Errorf("devices: %q", d)
					}
					if r := b.Text(t, "#stats-referrers"); !strings.Contains(r, "google.com") {
						t.Errorf("referrers: %q", r)
					}
					if a := b.Text(t, "#stats-attribution"); !strings.Contains(a, "MaxMind") {
						t.Errorf("attribution: %q", a)
					}
					shot(t, b, "stats-"+string(engine)+"-"+width.name)
					if browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
						t.Errorf("the statistics scroll sideways at %s", width.name)
					}
					// The 7-day preset, then only yesterday and the day before (7+8 views… of days 1 and 2 back: 4+5).
					b.Run(t, chromedp.Click(css("#stats-days-7")), chromedp.WaitVisible(css(`#stats-days-7[aria-current="page"]`)))
					if got := b.Text(t, "#stats-pageviews"); got != "42" {
						t.Errorf("7 days: page views %q", got)
					}
					b.Run(t, chromedp.SetValue(css("#stats-from"), "2026-03-08"), chromedp.SetValue(css("#stats-to"), "2026-03-09"),
						chromedp.Click(css("#stats-show")), chromedp.WaitNotPresent(css(`#stats-days-7[aria-current="page"]`)))
					if got := b.Text(t, "#stats-pageviews"); got != "9" {
						t.Errorf("two days: page views %q, want 9", got)
					}
					if p := b.Text(t, "#stats-period-words"); !strings.Contains(p, "8 maart 2026") {
						t.Errorf("period: %q", p)
					}
					for _, msg := range b.ConsoleErrors() {
						if strings.Contains(msg, "Content Security Policy") {
							t.Errorf("browser console: %s", msg)
						}
					}
				})
			}
		})
	}
}
