package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/mail/mailtest"
)

// signedIn tells whether c's session still opens the account page.
func signedIn(c *client) bool {
	resp, _ := c.do("GET", "/account", nil)
	return resp.StatusCode == http.StatusOK
}

// An old session does not outlive what should end it: a password change,
// turning two-factor login on or off end the user's other sessions (the
// browser that made the change stays signed in); a password reset ends
// them all; removing a member ends theirs; an owner sees a member's
// sessions and can end them, a manager cannot, nor can another
// organisation's owner.
func TestSessionsEnd(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clocktest.Fixed()
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			uid, pw := createUser(t, e, "a", "pim@a.nl", account.Manager)
			_, ownerPW := createUser(t, e, "a", "owner@a.nl", account.Owner)
			_, otherPW := createUser(t, e, "b", "owner@b.nl", account.Owner)
			both := func() (*client, *client) {
				clk.Advance(16 * time.Minute) // past the login rate limit's window
				c1, c2 := newClient(t, e.URL()), newClient(t, e.URL())
				c1.login("pim@a.nl", pw)
				c2.login("pim@a.nl", pw)
				return c1, c2
			}

			// A password change.
			c1, c2 := both()
			next := "een-heel-nieuw-wachtwoord-42"
			if resp, body := c1.do("POST", "/account/password",
				url.Values{"current_password": {pw}, "new_password": {next}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("change password: %d %.2000s", resp.StatusCode, body)
			}
			pw = next
			if !signedIn(c1) || signedIn(c2) {
				t.Fatalf("after a password change: this browser %v, the other %v", signedIn(c1), signedIn(c2))
			}

			// Two-factor login on, then off.
			c1, c2 = both()
			_, page := c1.do("GET", "/account/totp", nil)
			m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no secret: %.2000s", page)
			}
			code, _ := totp.GenerateCode(m[1], clk.Now())
			if resp, body := c1.do("POST", "/account/totp", url.Values{"code": {code}}); resp.StatusCode != http.StatusOK {
				t.Fatalf("enable TOTP: %d %.2000s", resp.StatusCode, body)
			}
			if !signedIn(c1) || signedIn(c2) {
				t.Fatalf("after turning TOTP on: this browser %v, the other %v", signedIn(c1), signedIn(c2))
			}
			c2 = newClient(t, e.URL())
			c2.login("pim@a.nl", pw)
			clk.Advance(time.Minute)
			code, _ = totp.GenerateCode(m[1], clk.Now())
			if resp, body := c2.do("POST", "/login/code", url.Values{"code": {code}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("second factor: %d %.2000s", resp.StatusCode, body)
			}
			if !signedIn(c2) {
				t.Fatal("the second browser did not sign in with a code")
			}
			if resp, body := c1.do("POST", "/account/totp/disable", url.Values{"password": {pw}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("disable TOTP: %d %.2000s", resp.StatusCode, body)
			}
			if !signedIn(c1) || signedIn(c2) {
				t.Fatalf("after turning TOTP off: this browser %v, the other %v", signedIn(c1), signedIn(c2))
			}

			// A password reset ends every session.
			c1, c2 = both()
			anon := newClient(t, e.URL())
			anon.do("POST", "/password/forgot", url.Values{"email": {"pim@a.nl"}})
			link, _ := url.Parse(mailtest.FirstURL(e.Mail.WaitFor(t, "pim@a.nl", 10*time.Second).Text))
			pw = "nog-een-ander-wachtwoord-7"
			if resp, body := anon.do("POST", "/password/reset",
				url.Values{"token": {link.Query().Get("token")}, "password": {pw}}); resp.StatusCode >= 400 {
				t.Fatalf("reset: %d %.2000s", resp.StatusCode, body)
			}
			if signedIn(c1) || signedIn(c2) {
				t.Fatal("a session outlived a password reset")
			}

			// The owner sees the member's sessions and ends them.
			c1, c2 = both()
			owner := newClient(t, e.URL())
			owner.login("owner@a.nl", ownerPW)
			_, members := owner.do("GET", "/o/a/members", nil)
			if !strings.Contains(members, "2 actief") {
				t.Fatalf("members page without the sessions: %.3000s", members)
			}
			end := fmt.Sprintf("/o/a/members/%d/sessions/end", uid)
			if resp, _ := c1.do("POST", end, nil); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("a manager ended sessions: %d", resp.StatusCode)
			}
			other := newClient(t, e.URL())
			other.login("owner@b.nl", otherPW)
			if resp, _ := other.do("POST", fmt.Sprintf("/o/b/members/%d/sessions/end", uid), nil); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("another organisation's owner ended sessions: %d", resp.StatusCode)
			}
			if !signedIn(c1) || !signedIn(c2) {
				t.Fatal("refused requests ended sessions")
			}
			if resp, _ := owner.do("POST", end, nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("owner ends sessions: %d", resp.StatusCode)
			}
			if signedIn(c1) || signedIn(c2) || !signedIn(owner) {
				t.Fatal("the owner's sign-out everywhere did not end the member's sessions (or ended the owner's)")
			}

			// Removing the member ends theirs.
			c1, _ = both()
			if resp, _ := owner.do("POST", fmt.Sprintf("/o/a/members/%d/remove", uid), nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("remove: %d", resp.StatusCode)
			}
			if signedIn(c1) {
				t.Fatal("a removed member is still signed in")
			}
		})
	}
}

// A visitor who leaves a page before it is answered (the browser cancels the
// request, a load generator's timeout) keeps their session: the request
// ends, the session does not. Requests are cut off after growing delays, so
// some are cut while the server reads the signed-in user.
func TestLeavingAPageKeepsTheSession(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine)
			_, pw := createUser(t, e, "a", "leaver@a.nl", account.Owner)
			c := newClient(t, e.URL())
			c.login("leaver@a.nl", pw)
			cut := 0
			for i := range 60 {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(100+i*100)*time.Microsecond)
				req, _ := http.NewRequestWithContext(ctx, "GET", e.URL()+"/o/a/", nil)
				if resp, err := c.hc.Do(req); err == nil {
					resp.Body.Close()
				} else {
					cut++
				}
				cancel()
			}
			if cut == 0 {
				t.Fatal("no request was cut off")
			}
			if !signedIn(c) {
				t.Fatalf("signed out after %d requests left before their answer", cut)
			}
		})
	}
}

// A page that changes nothing in the session does not write it back: its
// idle expiry is refreshed only once it is a minute or more behind (scs
// would otherwise write the session on every request).
func TestUnchangedSessionIsNotWrittenBack(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine)
			uid, pw := createUser(t, e, "a", "stil@a.nl", account.Owner)
			c := newClient(t, e.URL())
			c.login("stil@a.nl", pw)
			pool := e.DB.SystemPool()
			// The session's idle expiry, set to lag behind what a request
			// now would give it by lag.
			setLag := func(lag time.Duration) string {
				t.Helper()
				exp := db.TS(time.Now().Add(2*time.Hour - lag))
				if _, err := pool.Exec(`UPDATE sessions SET expiry = $1 WHERE user_id = $2`, exp, uid); err != nil {
					t.Fatal(err)
				}
				return exp
			}
			expiry := func() string {
				t.Helper()
				var s string
				if err := pool.QueryRow(`SELECT expiry FROM sessions WHERE user_id = $1`, uid).Scan(&s); err != nil {
					t.Fatal(err)
				}
				return s
			}
			page := func() {
				t.Helper()
				if resp, body := c.do("GET", "/o/a/", nil); resp.StatusCode != http.StatusOK {
					t.Fatalf("dashboard: %d %.500s", resp.StatusCode, body)
				}
			}
			set := setLag(20 * time.Second)
			for range 3 {
				page()
			}
			if got := expiry(); got != set {
				t.Fatalf("unchanged session written back: expiry %s, was %s", got, set)
			}
			set = setLag(5 * time.Minute)
			page()
			if got := expiry(); got <= set {
				t.Fatalf("session five minutes behind not refreshed: expiry %s, was %s", got, set)
			}
			if !signedIn(c) {
				t.Fatal("signed out")
			}
		})
	}
}
