package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// Staff reach an organisation only under a grant (PRIVACY.md P14), over
// HTTP on both engines: staff ask in the console (a reason too short comes
// back at the field); before an owner allows it the organisation's pages
// are not found for staff; once allowed they read them, cannot change
// anything, and the owner's access page lists what they opened; when the
// owner ends the grant staff are out again.
func TestStaffAccessUnderAGrant(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			_, pw := createUser(t, e, "a", "eigenaar@a.nl", account.Owner)
			owner := newClient(t, e.URL())
			owner.login("eigenaar@a.nl", pw)
			staff := staffClient(t, e, clk)
			short := url.Values{"org": {"a"}, "reason": {"kort"}, "hours": {"4"}}
			if resp, body := staff.do("POST", "/console/access", short); resp.StatusCode != 422 ||
				!strings.Contains(body, `id="err-reason"`) {
				t.Fatalf("short reason: %d", resp.StatusCode)
			}
			if resp, _ := staff.do("POST", "/console/access", url.Values{"org": {"a"}, "reason": {"De huurrun van maart bekijken"},
				"hours": {"4"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("ask: %d", resp.StatusCode)
			}
			if resp, _ := staff.do("GET", "/o/a/relations", nil); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("staff read before approval: %d", resp.StatusCode)
			}
			body := mustBody(t, owner, "/o/a/settings/access")
			id := strings.TrimPrefix(between(body, `<tr class="grant" id="grant-`, `">`), `<tr class="grant" id="grant-`)
			if id == "" || !strings.Contains(body, "De huurrun van maart bekijken") {
				t.Fatalf("access page: %.3000s", body)
			}
			if resp, _ := owner.do("POST", "/o/a/settings/access/"+id, url.Values{"decision": {"approve"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("approve: %d", resp.StatusCode)
			}
			if resp, _ := staff.do("GET", "/o/a/relations", nil); resp.StatusCode != 200 {
				t.Fatalf("staff under the grant: %d", resp.StatusCode)
			}
			if resp, _ := staff.do("POST", "/o/a/complexes", url.Values{"name": {"Nieuw"}}); resp.StatusCode == http.StatusSeeOther ||
				resp.StatusCode == 200 {
				t.Fatalf("staff changed something: %d", resp.StatusCode)
			}
			body = mustBody(t, owner, "/o/a/settings/access")
			if !strings.Contains(body, "<code>GET /o/a/relations</code>") {
				t.Fatalf("the owner does not see what staff opened: %.3000s", body)
			}
			if resp, _ := owner.do("POST", "/o/a/settings/access/"+id, url.Values{"decision": {"end"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("end: %d", resp.StatusCode)
			}
			if resp, _ := staff.do("GET", "/o/a/relations", nil); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("staff read after the end: %d", resp.StatusCode)
			}
		})
	}
}

// An owner allows a request in Chromium, at 1280 and 390 px.
func TestGrantApprovalBrowser(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	_, pw := createUser(t, e, "a", "eigenaar@a.nl", account.Owner)
	staff := staffClient(t, e, clk)
	for _, width := range []struct {
		name string
		new  func(testing.TB) *browsertest.Browser
	}{{"1280px", browsertest.New}, {"390px", browsertest.NewMobile}} {
		t.Run(width.name, func(t *testing.T) {
			if resp, _ := staff.do("POST", "/console/access", url.Values{"org": {"a"}, "reason": {"Een vraag over de incasso"},
				"hours": {"2"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("ask: %d", resp.StatusCode)
			}
			b := width.new(t)
			browserLogin(t, b, e.URL(), "eigenaar@a.nl", pw)
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/members"), chromedp.Click(css("#grants-link")),
				chromedp.WaitVisible(css(".grant-approve")), chromedp.Click(css(".grant-approve")),
				chromedp.WaitNotPresent(css(".grant-approve")), chromedp.WaitVisible(css(".grant-end")))
			state := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector(".grant .grant-state").innerText`))
			over := browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`))
			if !strings.HasPrefix(state, "Toegestaan · tot 15 maart 2026") || over {
				t.Errorf("state %q, scrolls sideways: %v", state, over)
			}
			shot(t, b, "grants-"+width.name)
			// Ended: no grant is left to end (the next width starts clean).
			b.Run(t, chromedp.Click(css(".grant-end")), chromedp.WaitNotPresent(css(".grant-end")))
		})
	}
}
