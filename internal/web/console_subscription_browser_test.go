package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/subscription"
)

// consoleCustomersFixture: organisation a subscribed, its first invoice
// returned twice (past due), its second collected; b in its trial with a
// cancellation pending. It returns the first batch's id.
func consoleCustomersFixture(t *testing.T, e *apptest.Env, clk *clock.Fixed, a, b *leaseFixture) int64 {
	t.Helper()
	ctx := context.Background()
	in := subscription.Input{Kind: subscription.Company, Name: "Vastgoed Alfa B.V.", Street: "Stationsplein", HouseNumber: "1",
		Postcode: "3511 ED", City: "Utrecht", Email: "facturen@alfa.example", KvK: "40536533", IBAN: "NL91ABNA0417164300", Sign: true}
	if _, err := e.Subscriptions.Subscribe(ctx, a.owner, in); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2027, time.July, 1, 6, 0, 0, 0, time.UTC))
	if n, err := e.Subscriptions.IssueMonth(ctx, civil.Month{Year: 2027, Month: time.July}); n != 2 || err != nil {
		t.Fatalf("run: %d %v", n, err)
	}
	clk.Set(time.Date(2027, time.July, 14, 10, 0, 0, 0, time.UTC))
	batch, _, err := e.Subscriptions.Collect(ctx, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2027, time.July, 16, 10, 0, 0, 0, time.UTC))
	if err := e.Subscriptions.Returned(ctx, 0, "HMS0000001", "AM04"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Subscriptions.MarkCollected(ctx, 0, batch.ID); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2027, time.July, 23, 10, 0, 0, 0, time.UTC))
	if _, _, err := e.Subscriptions.Collect(ctx, 0, 1); err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2027, time.July, 28, 10, 0, 0, 0, time.UTC))
	if err := e.Subscriptions.Returned(ctx, 0, "HMS0000001", "MS02"); err != nil {
		t.Fatal(err)
	}
	if err := e.Subscriptions.ExtendTrial(ctx, 0, b.owner.OrgID, civil.New(2027, time.August, 10)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Subscriptions.Cancel(ctx, b.owner); err != nil {
		t.Fatal(err)
	}
	return batch.ID
}

// The console's customer pages in Chromium at 1280 and 390 px: the customer
// list with every state in words, the customer page with its invoices, the
// collections and a batch, and the past-due banner on the customer's own
// page; none scrolls sideways.
func TestConsoleSubscriptionPagesBrowser(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2027, time.June, 14, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			fa, fb := newLeaseFixture(t, e, "a"), newLeaseFixture(t, e, "b")
			batch := consoleCustomersFixture(t, e, clk, fa, fb)
			email, pw, secret := createStaff(t, e, clk)
			for _, width := range []struct {
				name string
				new  func(testing.TB) *browsertest.Browser
			}{{"1280px", browsertest.New}, {"390px", browsertest.NewMobile}} {
				t.Run(width.name, func(t *testing.T) {
					check := func(b *browsertest.Browser, name string, want ...string) {
						t.Helper()
						got := browsertest.Get(t, b, chromedp.Evaluate[pageFacts](pageFactsJS))
						if got.Over {
							t.Errorf("%s scrolls sideways at %s: %d px wide in %d; widest: %s", name, width.name, got.ScrollWidth,
								got.ClientWidth, got.Widest)
						}
						for _, w := range want {
							if !strings.Contains(got.Text, w) {
								t.Errorf("%s at %s lacks %q: %.2000s", name, width.name, w, got.Text)
							}
						}
						shot(t, b, "console-"+name+"-"+width.name)
					}
					b := width.new(t)
					clk.Advance(30 * time.Second)
					code, _ := totp.GenerateCode(secret, clk.Now())
					b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
						chromedp.Click(css(`.lang-switch button[value="nl"]`)), chromedp.WaitVisible(css(`html[lang="nl"] body`)))
					b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
						chromedp.SendKeys(css("input[name=email]"), email), chromedp.SendKeys(css("input[name=password]"), pw),
						chromedp.Submit(css("input[name=password]")), chromedp.WaitVisible(css("input[name=code]")),
						chromedp.SendKeys(css("input[name=code]"), code), chromedp.Submit(css("input[name=code]")),
						chromedp.WaitReady(css("#nav-account")))
					b.Run(t, chromedp.Navigate(e.URL()+"/console/customers"), chromedp.WaitVisible(css("#customers")))
					check(b, "customers", "betaling achterstallig (alleen lezen)", "opgezegd, gaat in op 11 augustus 2027")
					b.Run(t, chromedp.SetValue(css("#state-filter"), "past_due"), chromedp.Click(css("#customers-filter-submit")),
						chromedp.WaitReady(css(`#state-filter option[value="past_due"][selected]`)))
					if got := b.Text(t, "#customers tbody"); strings.Contains(got, "opgezegd") || !strings.Contains(got, "achterstallig") {
						t.Errorf("filtered on past due: %q", got)
					}
					b.Run(t, chromedp.Navigate(e.URL()+fmt.Sprintf("/console/customers/%d", fa.owner.OrgID)),
						chromedp.WaitVisible(css("#invoices")))
					check(b, "customer", "HMS0000001", "Geweigerd door de klant", "facturen@alfa.example")
					b.Run(t, chromedp.Navigate(e.URL()+"/console/collections"), chromedp.WaitVisible(css("main h1")))
					check(b, "collections")
					if got := b.Text(t, "#returned tbody"); strings.Count(got, "HMS0000001") != 1 {
						t.Errorf("the returned invoice is listed once: %q", got)
					}
					b.Run(t, chromedp.Navigate(e.URL()+fmt.Sprintf("/console/collections/%d", batch)), chromedp.WaitVisible(css("main h1")))
					check(b, "batch", "HMS0000001", "HMS0000002")

					o := width.new(t)
					browserLogin(t, o, e.URL(), fa.email, fa.pw)
					o.Run(t, chromedp.Navigate(e.URL()+"/o/a/units"), chromedp.WaitVisible(css("#trial-banner")))
					check(o, "past-due-banner", "niet betaald", "Naar uw facturen")
				})
			}
		})
	}
}
