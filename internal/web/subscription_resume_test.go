package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// Subscribing while the cancellation is pending is refused on the page
// with a message that says to undo the cancellation; after it took effect
// the page offers to subscribe again, which makes the organisation active
// and withdraws the cancellation. The console words each phase with its
// date and filters by it.
func TestSubscriptionAgainAfterCancellationWeb(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2027, time.June, 14, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			ctx := context.Background()
			if err := e.Subscriptions.ExtendTrial(ctx, 0, f.owner.OrgID, civil.New(2027, time.June, 20)); err != nil {
				t.Fatal(err)
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			sc := staffClient(t, e, clk)
			if resp, _ := c.do("POST", "/o/a/settings/subscription/cancel", map[string][]string{"confirm": {"1"}}); resp.StatusCode !=
				http.StatusSeeOther {
				t.Fatalf("cancel: %d", resp.StatusCode)
			}
			resp, body := c.do("POST", "/o/a/settings/subscription", subscribeForm("40536533", "NL91ABNA0417164300"))
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Maak dan eerst de opzegging ongedaan") ||
				!strings.Contains(body, `id="cancel-undo"`) {
				t.Fatalf("subscribing while the cancellation is pending: %d %.4000s", resp.StatusCode, body)
			}
			body = mustBody(t, sc, "/console/customers")
			if !strings.Contains(body, "opgezegd, gaat in op 21 juni 2027") {
				t.Fatalf("console, pending: %.4000s", body)
			}
			body = mustBody(t, sc, "/console/customers?state=cancel_pending")
			if !strings.Contains(body, `href="/console/customers/`) || !strings.Contains(body, `<option value="cancel_pending" selected>`) {
				t.Fatalf("console, filtered on pending: %.4000s", body)
			}
			if body := mustBody(t, sc, "/console/customers?state=active"); strings.Contains(body, `class="customer-row`) {
				t.Fatalf("console, filtered on active: %.4000s", body)
			}

			clk.Set(time.Date(2027, time.June, 22, 9, 0, 0, 0, time.UTC))
			body = mustBody(t, sc, "/console/customers")
			if !strings.Contains(body, "opgezegd (alleen lezen), vernietiging op 20 augustus 2027") {
				t.Fatalf("console, cancelled: %.4000s", body)
			}
			body = mustBody(t, c, "/o/a/settings/subscription")
			if !strings.Contains(body, `id="resubscribe-hint"`) || !strings.Contains(body, `id="subscription-form"`) ||
				!strings.Contains(body, "19 augustus 2027") {
				t.Fatalf("the page after the cancellation: %.4000s", body)
			}
			if resp, body := c.do("POST", "/o/a/settings/subscription", subscribeForm("40536533", "NL91ABNA0417164300")); resp.StatusCode !=
				http.StatusSeeOther {
				t.Fatalf("subscribing again: %d %.3000s", resp.StatusCode, body)
			}
			body = mustBody(t, c, "/o/a/settings/subscription")
			if !strings.Contains(body, `id="subscription-active"`) || strings.Contains(body, `id="subscription-cancelled"`) {
				t.Fatalf("after subscribing again: %.4000s", body)
			}
			if resp, _ := c.do("POST", "/o/a/complexes", map[string][]string{"name": {"Hof"}, "city": {"Utrecht"}}); resp.StatusCode !=
				http.StatusSeeOther {
				t.Fatalf("a write after subscribing again: %d", resp.StatusCode)
			}
			if body := mustBody(t, sc, "/console/customers?state=active"); !strings.Contains(body, `class="customer-row`) {
				t.Fatalf("console, active again: %.4000s", body)
			}
		})
	}
}
