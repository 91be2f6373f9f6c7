package browsertest

import (
	"bytes"
	"fmt"
	"html"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/platform/dbtest"
)

const (
	csp = "default-src 'self'"
	// cspViolation is in the message of a CSP violation, in the wording of
	// Chromium 156 ("Executing inline script violates the following …") as
	// in the older one ("Refused to execute inline script because it
	// violates the following …").
	cspViolation = "violates the following Content Security Policy directive"
)

// testServer serves a tiny site under a strict CSP: a form whose page has
// an inline script the CSP must block, the page the form posts to, and a
// page that sets a cookie.
func testServer(t *testing.T) *httptest.Server {
	t.Helper()
	page := func(w http.ResponseWriter, title, body string) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>%s</title></head>
<body>%s</body></html>`, title, body)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Form", `
<main>
  <h1>Hello  browser</h1>
  <form method="post" action="/greet">
    <label for="name">Name</label> <input id="name" name="name" autocomplete="off">
    <button id="send" type="submit">Send</button>
  </form>
  <p id="hidden" hidden>not shown</p>
</main>
<script>document.title = "inline script ran";</script>`)
	})
	mux.HandleFunc("POST /greet", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Greeting", `<main><p id="greeting">Hello, `+html.EscapeString(r.FormValue("name"))+`!</p></main>`)
	})
	mux.HandleFunc("GET /cookie", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cret", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		page(w, "Cookie", `<main><p id="done">cookie set</p></main>`)
	})
	mux.HandleFunc("GET /lang", func(w http.ResponseWriter, r *http.Request) {
		page(w, "Lang", `<main><p id="lang">`+html.EscapeString(r.Header.Get("Accept-Language"))+`</p></main>`)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestBrowser(t *testing.T) {
	srv := testServer(t)
	b := New(t)

	b.Run(t, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#name")))
	if got, want := b.Text(t, "h1"), "Hello browser"; got != want {
		t.Errorf("Text(h1) = %q, want %q", got, want)
	}
	if got := Get(t, b, chromedp.Title()); got != "Form" {
		t.Errorf("title = %q: the CSP did not block the inline script", got)
	}
	if got := Get(t, b, chromedp.Evaluate[int]("window.innerWidth")); got != DesktopWidth {
		t.Errorf("innerWidth = %d, want %d", got, DesktopWidth)
	}
	if c := b.Cookies(t); len(c) != 0 {
		t.Errorf("cookies after a page that sets none: %+v", c)
	}

	// The CSP violation shows up in the console errors.
	waitFor(t, func() bool { return contains(b.ConsoleErrors(), cspViolation) },
		func() string { return fmt.Sprintf("no CSP violation in the console errors: %q", b.ConsoleErrors()) })
	for _, e := range b.ConsoleErrors() {
		t.Logf("console error: %s", e)
	}

	// Fill in and submit the form, as a user does.
	b.Run(t,
		chromedp.SendKeys(chromedp.CSS("#name"), "Ada <Lovelace>"),
		chromedp.Click(chromedp.CSS("#send")),
		chromedp.WaitVisible(chromedp.CSS("#greeting")),
	)
	if got, want := b.Text(t, "#greeting"), "Hello, Ada <Lovelace>!"; got != want {
		t.Errorf("greeting = %q, want %q", got, want)
	}
	if got, want := b.URL(t), srv.URL+"/greet"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}

	b.Run(t, chromedp.Navigate(srv.URL+"/cookie"), chromedp.WaitVisible(chromedp.CSS("#done")))
	cookies := b.Cookies(t)
	if len(cookies) != 1 || cookies[0].Name != "session" || cookies[0].Value != "s3cret" || !cookies[0].HTTPOnly {
		t.Errorf("cookies after a page that sets one: %+v", cookies)
	}

	b.Run(t, chromedp.Navigate(srv.URL+"/lang"))
	if got := b.Text(t, "#lang"); !strings.HasPrefix(got, "en-US") {
		t.Errorf("Accept-Language = %q, want en-US first", got)
	}

	shot := filepath.Join(t.TempDir(), "page.png")
	b.Screenshot(t, shot)
	checkPNG(t, shot, DesktopWidth)

	b.ClearConsoleErrors()
	b.Run(t, chromedp.Evaluate[chromedp.Void](`console.error("boom", 42); setTimeout(() => { throw new Error("kaput") })`))
	waitFor(t, func() bool { return len(b.ConsoleErrors()) >= 2 },
		func() string {
			return fmt.Sprintf("console errors = %q, want console.error and the exception", b.ConsoleErrors())
		})
	if errs := b.ConsoleErrors(); !contains(errs, "console.error: boom 42") || !contains(errs, "Uncaught Error: kaput") {
		t.Errorf("console errors = %q", errs)
	}
}

func TestMobile(t *testing.T) {
	srv := testServer(t)
	b := NewMobile(t)
	b.Run(t, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#name")))
	if got := Get(t, b, chromedp.Evaluate[int]("window.innerWidth")); got != MobileWidth {
		t.Errorf("innerWidth = %d, want %d", got, MobileWidth)
	}
	if !Get(t, b, chromedp.Evaluate[bool]("matchMedia('(pointer: coarse)').matches")) {
		t.Error("no touch emulation: (pointer: coarse) does not match")
	}
	shot := filepath.Join(t.TempDir(), "mobile.png")
	b.Screenshot(t, shot)
	checkPNG(t, shot, MobileWidth*mobileScale)
}

// fakeTB records a Fatal instead of stopping the test, to check the report
// of a failed action.
type fakeTB struct {
	testing.TB
	fatal string
}

func (f *fakeTB) Fatal(args ...any) { f.fatal = fmt.Sprint(args...) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
}

func TestFailureReport(t *testing.T) {
	srv := testServer(t)
	artifacts := filepath.Join(t.TempDir(), "artifacts")
	t.Setenv("HMS_TEST_ARTIFACTS", artifacts)
	b := New(t)
	b.Run(t, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#name")))

	b.Timeout = time.Second
	f := &fakeTB{TB: t}
	b.Run(f, chromedp.WaitVisible(chromedp.CSS("#hidden")))
	t.Logf("report:\n%s", f.fatal)
	for _, want := range []string{
		"context deadline exceeded",
		"url: " + srv.URL + "/",
		"<main>: Hello browser",
		cspViolation,
		"screenshot: " + artifacts + "/TestFailureReport-1.png",
	} {
		if !strings.Contains(f.fatal, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	checkPNG(t, filepath.Join(artifacts, "TestFailureReport-1.png"), DesktopWidth)

	// The browser still works after a timed-out action.
	b.Timeout = DefaultTimeout
	if got := b.Text(t, "h1"); got != "Hello browser" {
		t.Errorf("after a failure: Text(h1) = %q", got)
	}
}

func TestCleanupKillsBrowser(t *testing.T) {
	var pid int
	var dir string
	t.Run("browser", func(t *testing.T) {
		b := New(t)
		pid = chromedp.FromContext(b.Ctx).Browser.Process().Pid
		dir = b.root
		if n := len(processesUsing(dir, false)); n < 2 {
			t.Errorf("%d processes use the profile, want Chromium and its helpers", n)
		}
	})
	if pid == 0 {
		t.Fatal("no browser process")
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("Chromium (pid %d) still runs after the test", pid)
	}
	if pids := processesUsing(dir, false); len(pids) > 0 {
		t.Errorf("processes %v still use the profile after the test", pids)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("profile directory %s not removed: %v", dir, err)
	}
}

func TestPath(t *testing.T) {
	t.Setenv("HMS_CHROMIUM", filepath.Join(t.TempDir(), "no-such-browser"))
	if p, err := Path(); err == nil {
		t.Errorf("Path() = %q with a missing $HMS_CHROMIUM, want an error", p)
	}
	t.Setenv("HMS_CHROMIUM", "")
	p, err := Path()
	if err != nil {
		if dbtest.Require("chromium") {
			t.Fatalf("Path: %v", err)
		}
		t.Skip(err)
	}
	if !filepath.IsAbs(p) {
		t.Errorf("Path() = %q, want an absolute path", p)
	}
}

func checkPNG(t *testing.T, path string, width int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("%s is not a PNG", path)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if cfg.Width != width || cfg.Height == 0 {
		t.Errorf("%s is %dx%d, want a width of %d", path, cfg.Width, cfg.Height, width)
	}
}

func contains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// waitFor polls ok for a few seconds, since console messages arrive
// asynchronously.
func waitFor(t *testing.T, ok func() bool, msg func() string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal(msg())
		}
	}
}
