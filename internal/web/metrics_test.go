package web_test

import (
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/app/apptest"
)

// /metrics is served only to a configured scraper (hardening issue, "clean
// input"): without HMS_METRICS_TOKEN or HMS_METRICS_ADDR nobody reads it;
// with a token, a request without it or with a wrong one gets the ordinary
// 404 and the right bearer token the figures; an allowed address needs no
// token, and an address outside the list is refused.
func TestMetricsRefusedWithoutTokenOrAddress(t *testing.T) {
	get := func(t *testing.T, url, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", url+"/metrics", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	open := apptest.Start(t, "sqlite")
	if st, body := get(t, open.URL(), ""); st != http.StatusNotFound || strings.Contains(body, "go_goroutines") {
		t.Fatalf("unconfigured /metrics: %d", st)
	}
	tokened := apptest.Start(t, "sqlite", apptest.Options{Configure: func(c *app.Config) {
		c.MetricsToken = "scrape-secret-0123456789"
		c.MetricsFrom = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")} // not the test's 127.0.0.1
	}})
	for _, tok := range []string{"", "wrong", "scrape-secret-012345678"} {
		if st, body := get(t, tokened.URL(), tok); st != http.StatusNotFound || strings.Contains(body, "go_goroutines") {
			t.Errorf("/metrics with token %q: %d", tok, st)
		}
	}
	if st, body := get(t, tokened.URL(), "scrape-secret-0123456789"); st != 200 || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("/metrics with the token: %d", st)
	}
	local := apptest.Start(t, "sqlite", apptest.Options{Configure: func(c *app.Config) {
		c.MetricsFrom = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	}})
	if st, body := get(t, local.URL(), ""); st != 200 || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("/metrics from an allowed address: %d", st)
	}
}

// Behind a public address the session cookie is Secure and every answer
// carries Strict-Transport-Security; on plain-http localhost neither (a
// browser would drop a Secure cookie there).
func TestSecureCookiesAndHSTSOffLocalhost(t *testing.T) {
	for _, c := range []struct {
		base   string
		secure bool
	}{{"https://hms.example.nl", true}, {"", false}} {
		e := apptest.Start(t, "sqlite", apptest.Options{Configure: func(cfg *app.Config) { cfg.BaseURL = c.base }})
		_, pw := createUser(t, e, "a", "owner@a.nl", account.Owner)
		cl := newClient(t, e.URL())
		resp, _ := cl.do("POST", "/login", url.Values{"email": {"owner@a.nl"}, "password": {pw}})
		var session *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == "hms_session" {
				session = ck
			}
		}
		if session == nil || session.Secure != c.secure || !session.HttpOnly {
			t.Errorf("base %q: session cookie %+v, want Secure=%v", c.base, session, c.secure)
		}
		if hsts := resp.Header.Get("Strict-Transport-Security"); (hsts != "") != c.secure {
			t.Errorf("base %q: HSTS %q", c.base, hsts)
		}
	}
}
