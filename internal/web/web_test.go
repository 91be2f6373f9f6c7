package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/audit"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/i18n"
	"hms/internal/web"
)

// client is a browser-like HTTP client with cookies that does not follow
// redirects, so tests see where the server sends them.
type client struct {
	t    *testing.T
	base string
	hc   *http.Client
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, hc: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func (c *client) login(email, password string) {
	c.t.Helper()
	resp, body := c.do("POST", "/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d %s", email, resp.StatusCode, body)
	}
}

func createUser(t *testing.T, e *apptest.Env, slug, email string, role account.Role) (int64, string) {
	t.Helper()
	pw, id, err := e.Accounts.CreateUser(context.Background(), account.CreateUserInput{OrgSlug: slug, Email: email, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	return id, pw
}

// Every route of the web server is walked with every kind of visitor: the
// anonymous visitor, each role of organisation A, a member of organisation B
// and staff with and without a second factor. A route that lets the wrong
// visitor through, or keeps the right one out, fails the test.
func TestAuthorizationMatrix(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clocktest.Fixed()
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			ctx := context.Background()
			base := e.URL()

			type visitor struct {
				name  string
				role  account.Role // in organisation A; "" for none
				org   string       // "a", "b" or ""
				staff bool
				mfa   bool
				c     *client
			}
			visitors := []*visitor{{name: "anonymous"}}
			for _, r := range account.Roles {
				visitors = append(visitors, &visitor{name: string(r), role: r, org: "a"})
			}
			visitors = append(visitors, &visitor{name: "stranger", role: account.Owner, org: "b"},
				&visitor{name: "staff-no-mfa", staff: true}, &visitor{name: "staff", staff: true, mfa: true})
			for i, v := range visitors {
				v.c = newClient(t, base)
				if v.name == "anonymous" {
					continue
				}
				email := fmt.Sprintf("%s-%d@example.nl", v.name, i)
				var id int64
				var pw string
				if v.staff {
					pw, id, _ = e.Accounts.CreateUser(ctx, account.CreateUserInput{Email: email, Staff: true})
				} else {
					id, pw = createUser(t, e, v.org, email, v.role)
				}
				if v.mfa {
					setup, _ := e.Accounts.StartTOTP(ctx, id)
					code, _ := totp.GenerateCode(setup.Secret, clk.Now())
					if _, err := e.Accounts.EnableTOTP(ctx, id, setup.Secret, code); err != nil {
						t.Fatal(err)
					}
					clk.Advance(30 * time.Second)
					v.c.login(email, pw)
					code, _ = totp.GenerateCode(setup.Secret, clk.Now())
					if resp, body := v.c.do("POST", "/login/code", url.Values{"code": {code}}); resp.StatusCode != http.StatusSeeOther {
						t.Fatalf("second factor: %d %s", resp.StatusCode, body)
					}
					continue
				}
				v.c.login(email, pw)
			}
			victimID, _ := createUser(t, e, "a", "victim@example.nl", account.Viewer)
			ownerA, _ := e.Accounts.UserIDByEmail(ctx, "owner-1@example.nl")
			ownerActor, _ := e.Accounts.ActorFor(ctx, ownerA, "a")

			for _, rt := range e.Web.Routes() {
				if rt.Access.Kind == "api" || rt.Pattern == "/static/" {
					continue
				}
				for _, v := range visitors {
					path := strings.TrimSuffix(strings.ReplaceAll(rt.Pattern, "{$}", ""), "/{$}")
					path = strings.ReplaceAll(path, "{org}", "a")
					if strings.Contains(path, "{user}") {
						createUser(t, e, "a", "victim@example.nl", account.Viewer) // restore after a removal
						path = strings.ReplaceAll(path, "{user}", fmt.Sprint(victimID))
					}
					if strings.Contains(path, "{id}") {
						if strings.Contains(path, "/tokens/") {
							tok, err := e.Accounts.CreateAPIToken(ctx, ownerActor, "matrix", []account.Scope{account.ScopeRead})
							if err != nil {
								t.Fatal(err)
							}
							a, _ := e.Accounts.AuthenticateAPIToken(ctx, tok)
							path = strings.ReplaceAll(path, "{id}", fmt.Sprint(a.TokenID))
						}
					}
					// Any other id names a row that does not exist: the check
					// under test is who gets to ask, not what is found.
					path = regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllString(path, "999999")
					if rt.Pattern == "/o/{org}/{$}" {
						path = "/o/a/"
					}
					if rt.Pattern == "/{$}" {
						path = "/"
					}
					var form url.Values
					if rt.Method == "POST" {
						form = url.Values{"role": {"viewer"}}
					}
					if rt.Pattern == "/logout" {
						continue // ends the session; covered by the browser test
					}
					resp, body := v.c.do(rt.Method, path, form)
					loc := resp.Header.Get("Location")
					toLogin := resp.StatusCode == http.StatusSeeOther && loc == "/login"
					what := fmt.Sprintf("%s %s as %s: %d %s", rt.Method, path, v.name, resp.StatusCode, loc)
					switch rt.Access.Kind {
					case "public":
						if resp.StatusCode >= 500 || resp.StatusCode == 403 {
							t.Errorf("public route failed: %s", what)
						}
					case "user":
						if v.name == "anonymous" && !toLogin {
							t.Errorf("anonymous got through: %s", what)
						}
						if v.name != "anonymous" && (toLogin || resp.StatusCode >= 500) {
							t.Errorf("signed-in user kept out: %s", what)
						}
					case "org":
						allowed := v.org == "a" && (account.Actor{OrgID: 1, Role: v.role, Kind: "user"}).Can(rt.Access.Perm)
						switch {
						case v.name == "anonymous":
							if !toLogin {
								t.Errorf("anonymous got through: %s", what)
							}
						case v.org != "a":
							if resp.StatusCode != http.StatusNotFound {
								t.Errorf("outsider not answered 404: %s", what)
							}
						case !allowed:
							if resp.StatusCode != http.StatusForbidden {
								t.Errorf("role without %s not refused: %s", rt.Access.Perm, what)
							}
						default:
							if resp.StatusCode == 401 || resp.StatusCode == 403 || toLogin || resp.StatusCode >= 500 ||
								(resp.StatusCode == 404 && !strings.Contains(path, "999999")) {
								t.Errorf("allowed role refused: %s %.200s", what, body)
							}
						}
					case "staff":
						switch {
						case v.name == "anonymous":
							if !toLogin {
								t.Errorf("anonymous got into the console: %s", what)
							}
						case !v.staff:
							if resp.StatusCode != http.StatusNotFound {
								t.Errorf("customer got into the console: %s", what)
							}
						case !v.mfa:
							if resp.StatusCode != http.StatusSeeOther || loc != "/account/totp" {
								t.Errorf("staff without second factor got into the console: %s", what)
							}
						default:
							// As for an allowed role: a record that does not exist
							// (999999) is not found, a form without its fields is
							// refused with 422; the door is open.
							if resp.StatusCode == 401 || resp.StatusCode == 403 || toLogin || resp.StatusCode >= 500 ||
								(resp.StatusCode == 404 && !strings.Contains(path, "999999")) {
								t.Errorf("staff kept out of the console: %s", what)
							}
						}
					default:
						t.Fatalf("route %s has unknown access %q", rt.Pattern, rt.Access.Kind)
					}
				}
			}

			// Every refused look into another organisation is in the audit log.
			strangerID, _ := e.Accounts.UserIDByEmail(ctx, fmt.Sprintf("stranger-%d@example.nl", len(account.Roles)+1))
			var events []audit.Event
			if err := e.DB.ReadSystem(ctx, func(tx *db.Tx) error {
				var err error
				events, err = e.Audit.List(ctx, tx, audit.Filter{Action: "access.denied", ActorUserID: strangerID, Limit: 1000})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			orgRoutes := 0
			for _, rt := range e.Web.Routes() {
				if rt.Access.Kind == "org" && rt.Pattern != "/o/{org}/members/{user}/remove" {
					orgRoutes++
				}
			}
			if len(events) < orgRoutes {
				t.Fatalf("%d access.denied events for the stranger, want at least %d", len(events), orgRoutes)
			}
			foreign := 0
			for _, ev := range events {
				if strings.Contains(ev.TargetID, "/o/a/") && ev.Details["reason"] == "org_not_member" {
					foreign++
				}
			}
			if foreign < orgRoutes {
				t.Fatalf("%d access.denied events for organisation a, want at least %d", foreign, orgRoutes)
			}
		})
	}
}

// Security headers and the CSP are on every page; an anonymous visit sets no
// cookie at all (privacy policy: no tracking cookies).
func TestHeadersAndNoAnonymousCookies(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	c := newClient(t, e.URL())
	for _, p := range []string{"/", "/signup", "/login", "/password/forgot", "/privacy", "/does-not-exist"} {
		resp, body := c.do("GET", p, nil)
		if p == "/does-not-exist" && resp.StatusCode != 404 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
		if p == "/privacy" && (!strings.Contains(body, "<h1>Privacy beleid</h1>") ||
			!strings.Contains(body, "<li>het land, afgeleid uit het IP-adres met een tabel op onze eigen server.</li>")) {
			t.Errorf("privacy policy not rendered")
		}
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			!strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: weak CSP %q", p, csp)
		}
		for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("%s: missing %s", p, h)
			}
		}
		if len(resp.Cookies()) != 0 {
			t.Errorf("%s: anonymous visit set cookies %v", p, resp.Cookies())
		}
		if regexp.MustCompile(`<script>|\sstyle="|\son[a-z]+="`).MatchString(body) {
			t.Errorf("%s: inline script, style or handler in the page", p)
		}
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if resp, _ := c.do("GET", p, nil); resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}

// Pages speak Dutch by default, English on Accept-Language or the switch.
func TestLanguage(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	c := newClient(t, e.URL())
	_, body := c.do("GET", "/login", nil)
	if !strings.Contains(body, "Wachtwoord vergeten?") || !strings.Contains(body, `lang="nl"`) {
		t.Fatal("default page is not Dutch")
	}
	req, _ := http.NewRequest("GET", e.URL()+"/login", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "Forgot your password?") {
		t.Fatal("Accept-Language en did not give English")
	}
	c.do("POST", "/lang", url.Values{"lang": {"en"}, "next": {"/login"}})
	if _, body := c.do("GET", "/login", nil); !strings.Contains(body, "Forgot your password?") {
		t.Fatal("language switch did not stick")
	}
}

// Every message id used in a template or passed as a problem exists in both
// catalogs, so no page shows a raw id.
func TestTemplatesUseKnownMessages(t *testing.T) {
	texts, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	ids := web.TemplateMessageIDs()
	if len(ids) < 50 {
		t.Fatalf("found only %d message ids in templates; the scan is broken", len(ids))
	}
	for _, id := range ids {
		for _, lang := range i18n.Languages {
			if !texts.Has(lang, id) {
				t.Errorf("template message %q missing in %s", id, lang)
			}
		}
	}
}
