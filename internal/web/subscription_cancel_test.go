package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// The owner cancels on the subscription page: the confirmation says in
// words when it takes effect and until when the export can be downloaded;
// without the tick nothing changes; undo works until the trial ends. A
// manager can neither cancel nor undo. After the end the organisation is
// read-only with a banner saying until when it can export, the page offers
// to subscribe again, and the export still downloads.
func TestCancelOnTheSubscriptionPage(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2027, time.June, 14, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			ctx := context.Background()
			_, mpw := createUser(t, e, "a", "beheerder@a.nl", account.Manager)
			if err := e.Subscriptions.ExtendTrial(ctx, 0, f.owner.OrgID, civil.New(2027, time.June, 20)); err != nil {
				t.Fatal(err)
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			m := newClient(t, e.URL())
			m.login("beheerder@a.nl", mpw)
			body := mustBody(t, c, "/o/a/settings/subscription")
			if !strings.Contains(body, `id="cancel-form"`) || !strings.Contains(body, "20 juni 2027") ||
				!strings.Contains(body, "19 augustus 2027") || !strings.Contains(body, "60 dagen") {
				t.Fatalf("the cancellation's confirmation: %.4000s", body)
			}
			// The terms in effect name the same period as the page.
			days := e.Subscriptions.ShredAfterDays()
			for path, want := range map[string]string{"/voorwaarden": fmt.Sprintf("tot en met de %de dag na de laatste dag", days),
				"/en/terms": fmt.Sprintf("up to and including the %dth day after the last day", days)} {
				if terms := mustBody(t, c, path); !strings.Contains(terms, want) || !strings.Contains(body, fmt.Sprint(days)) {
					t.Errorf("%s does not say %q: %.3000s", path, want, terms)
				}
			}
			for _, p := range []string{"/o/a/settings/subscription/cancel", "/o/a/settings/subscription/cancel/undo"} {
				if resp, _ := m.do("POST", p, url.Values{"confirm": {"1"}}); resp.StatusCode != http.StatusForbidden {
					t.Errorf("manager %s: %d", p, resp.StatusCode)
				}
			}
			resp, body := c.do("POST", "/o/a/settings/subscription/cancel", nil)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-confirm"`) {
				t.Fatalf("without the tick: %d %.3000s", resp.StatusCode, body)
			}
			if _, err := e.Subscriptions.CancellationOf(ctx, f.owner.OrgID); err == nil {
				t.Fatal("cancelled without the tick")
			}
			if resp, _ := c.do("POST", "/o/a/settings/subscription/cancel", url.Values{"confirm": {"1"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("cancel: %d", resp.StatusCode)
			}
			body = mustBody(t, c, "/o/a/settings/subscription")
			if !strings.Contains(body, `id="cancel-pending"`) || !strings.Contains(body, `id="cancel-undo"`) ||
				!strings.Contains(body, "19 augustus 2027") {
				t.Fatalf("pending: %.4000s", body)
			}
			if resp, _ := c.do("POST", "/o/a/settings/subscription/cancel/undo", nil); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("undo: %d", resp.StatusCode)
			}
			if _, err := e.Subscriptions.CancellationOf(ctx, f.owner.OrgID); err == nil {
				t.Fatal("still cancelled after undo")
			}
			if resp, _ := c.do("POST", "/o/a/settings/subscription/cancel", url.Values{"confirm": {"1"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("cancel again: %d", resp.StatusCode)
			}
			clk.Set(time.Date(2027, time.June, 21, 9, 0, 0, 0, time.UTC))
			resp, body = c.do("POST", "/o/a/complexes", url.Values{"name": {"Hof"}, "city": {"Utrecht"}})
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "19 augustus 2027") ||
				!strings.Contains(body, `id="read-only-export"`) {
				t.Fatalf("a write after the cancellation: %d %.3000s", resp.StatusCode, body)
			}
			if body := mustBody(t, c, "/o/a/units"); !strings.Contains(body, "opgezegd") || !strings.Contains(body, `id="trial-export"`) {
				t.Fatalf("the banner: %.3000s", body)
			}
			if body := mustBody(t, c, "/o/a/settings/subscription"); !strings.Contains(body, `id="cancel-effective"`) ||
				strings.Contains(body, `id="cancel-undo"`) || !strings.Contains(body, `id="resubscribe-hint"`) {
				t.Fatalf("the page after the cancellation: %.4000s", body)
			}
			if resp, _ := c.do("GET", "/o/a/settings/export/zip", nil); resp.StatusCode != 200 ||
				resp.Header.Get("Content-Type") != "application/zip" {
				t.Fatalf("export after the cancellation: %d", resp.StatusCode)
			}
		})
	}
}
