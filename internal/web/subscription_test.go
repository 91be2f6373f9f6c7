package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

func subscribeForm(kvk, iban string) url.Values {
	return url.Values{"kind": {"company"}, "name": {"Vastgoed Alfa B.V."}, "street": {"Stationsplein"}, "house_number": {"1"},
		"postcode": {"3511 ED"}, "city": {"Utrecht"}, "email": {"facturen@alfa.example"}, "kvk": {kvk}, "iban": {iban},
		"sign": {"1"}}
}

// After the trial an owner reads on (pages and exports) but every write is
// refused with a page that links to the subscription; bad billing details
// come back at their fields and change nothing; subscribing lifts it. Staff
// see the customer in the console with plan, units and invoice e-mail.
func TestSubscriptionReadOnlyWeb(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2027, time.June, 14, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			ctx := context.Background()
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			if err := e.Subscriptions.ExtendTrial(ctx, 0, f.owner.OrgID, civil.New(2027, time.June, 20)); err != nil {
				t.Fatal(err)
			}
			if body := mustBody(t, c, "/o/a/units"); !strings.Contains(body, `id="trial-banner"`) ||
				!strings.Contains(body, "nog 6 dagen") || !strings.Contains(body, "/o/a/settings/subscription") {
				t.Fatalf("the trial banner: %.3000s", body)
			}
			if err := e.Subscriptions.ExtendTrial(ctx, 0, f.owner.OrgID, civil.New(2027, time.June, 13)); err != nil {
				t.Fatal(err)
			}
			complex := url.Values{"name": {"Hof"}, "city": {"Utrecht"}}
			resp, body := c.do("POST", "/o/a/complexes", complex)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `id="read-only-message"`) ||
				!strings.Contains(body, `href="/o/a/settings/subscription"`) {
				t.Fatalf("a write after the trial: %d %.3000s", resp.StatusCode, body)
			}
			// The law's duties go on: restricting a person is not refused.
			restrict := fmt.Sprintf("/o/a/relations/%d/restriction", f.tenant)
			if resp, body := c.do("POST", restrict, url.Values{"ground": {"accuracy"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("a restriction after the trial: %d %.2000s", resp.StatusCode, body)
			}
			if body := mustBody(t, c, "/o/a/units"); !strings.Contains(body, "Lindelaan") || !strings.Contains(body, "proefperiode is voorbij") {
				t.Fatalf("reading after the trial: %.3000s", body)
			}
			if resp, body := c.do("GET", "/o/a/units?format=csv", nil); resp.StatusCode != 200 || !strings.Contains(body, "Lindelaan") {
				t.Fatalf("the export after the trial: %d", resp.StatusCode)
			}
			body = mustBody(t, c, "/o/a/settings/subscription")
			if !strings.Contains(body, `id="mandate-text"`) || !strings.Contains(body, "NL51ZZZ405365330000") ||
				!strings.Contains(body, "8 weken") || !strings.Contains(body, `id="subscription-quote"`) {
				t.Fatalf("the subscription page: %.4000s", body)
			}
			resp, body = c.do("POST", "/o/a/settings/subscription", subscribeForm("123", "NL91ABNA0417164301"))
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-kvk"`) ||
				!strings.Contains(body, `id="err-iban"`) || !strings.Contains(body, `value="Stationsplein"`) {
				t.Fatalf("bad details: %d %.3000s", resp.StatusCode, body)
			}
			if resp, _ := c.do("POST", "/o/a/complexes", complex); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("bad details lifted read-only: %d", resp.StatusCode)
			}
			if resp, body := c.do("POST", "/o/a/settings/subscription", subscribeForm("40536533", "NL91ABNA0417164300")); resp.StatusCode !=
				http.StatusSeeOther {
				t.Fatalf("subscribe: %d %.3000s", resp.StatusCode, body)
			}
			if body := mustBody(t, c, "/o/a/settings/subscription"); !strings.Contains(body, `id="subscription-active"`) ||
				strings.Contains(body, `id="trial-banner"`) {
				t.Fatalf("after subscribing: %.3000s", body)
			}
			if resp, body := c.do("GET", "/o/a/settings/subscription/mandate.pdf", nil); resp.StatusCode != 200 ||
				!strings.HasPrefix(body, "%PDF-") {
				t.Fatalf("mandate PDF: %d", resp.StatusCode)
			}
			if resp, _ := c.do("POST", "/o/a/complexes", complex); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("a write after subscribing: %d", resp.StatusCode)
			}

			sc := staffClient(t, e, clk)
			body = mustBody(t, sc, "/console/customers")
			if !strings.Contains(body, "facturen@alfa.example") || !strings.Contains(body, "Start") || strings.Contains(body, "Lindelaan") {
				t.Fatalf("console customers: %.3000s", body)
			}
			if body := mustBody(t, sc, "/console"); !strings.Contains(body, `href="/console/customers"`) {
				t.Fatal("the console does not link its customers")
			}
			plan := url.Values{"name_nl": {"Groot"}, "name_en": {"Large"}, "units_from": {"1000"}, "units_to": {"10"}, "base": {"99,00"},
				"active": {"1"}}
			if resp, body := sc.do("POST", "/console/plans", plan); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, `id="err-units_to"`) {
				t.Fatalf("a bad plan: %d %.2000s", resp.StatusCode, body)
			}
			plan.Set("units_to", "")
			if resp, _ := sc.do("POST", "/console/plans", plan); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("a plan: %d", resp.StatusCode)
			}
			plans, err := e.Subscriptions.PublicPlans(ctx)
			if err != nil || len(plans) != 5 || plans[4].NameNL != "Groot" || plans[4].Base != 9900 {
				t.Fatalf("public plans %+v %v", plans, err)
			}
		})
	}
}

// The browser at 1280 and 390 px: the owner of an expired trial sees the
// banner, reads the mandate, subscribes, and can write again.
func TestSubscriptionBrowser(t *testing.T) {
	for _, mobile := range []bool{false, true} {
		width := map[bool]string{false: "1280", true: "390"}[mobile]
		t.Run(width, func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2027, time.June, 14, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			if err := e.Subscriptions.ExtendTrial(context.Background(), 0, f.owner.OrgID, civil.New(2027, time.June, 10)); err != nil {
				t.Fatal(err)
			}
			b := browsertest.New(t)
			if mobile {
				b = browsertest.NewMobile(t)
			}
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitVisible(css("#trial-banner")))
			if got := b.Text(t, "#trial-banner"); !strings.Contains(got, "proefperiode is voorbij") {
				t.Fatalf("banner %q", got)
			}
			shot(t, b, "subscription-banner-"+width)
			b.Run(t, chromedp.Click(css("#trial-subscribe")), chromedp.WaitVisible(css("#subscription-form")),
				chromedp.Click(css("#kind-company")),
				chromedp.SendKeys(css("#name"), "Vastgoed Alfa B.V."), chromedp.SendKeys(css("#street"), "Stationsplein"),
				chromedp.SendKeys(css("#house_number"), "1"), chromedp.SendKeys(css("#postcode"), "3511ed"),
				chromedp.SendKeys(css("#city"), "Utrecht"), chromedp.SendKeys(css("#email"), "facturen@alfa.example"),
				chromedp.SendKeys(css("#kvk"), "4053653"), chromedp.SendKeys(css("#iban"), "NL91 ABNA 0417 1643 00"),
				chromedp.Click(css("#sign")), chromedp.Click(css("#subscription-submit")), chromedp.WaitVisible(css("#err-kvk")))
			if got := b.Text(t, "#mandate-text"); !strings.Contains(got, "HMS Huurbeheer B.V.") || !strings.Contains(got, "8 weken") {
				t.Fatalf("mandate text %q", got)
			}
			if overflow := browsertest.Get(t, b, chromedp.Evaluate[bool](
				`document.documentElement.scrollWidth > window.innerWidth + 1`)); overflow {
				t.Fatalf("the page overflows at %s px", width)
			}
			shot(t, b, "subscription-error-"+width)
			b.Run(t, chromedp.SetValue(css("#kvk"), "40536533"), chromedp.Click(css("#sign")), chromedp.Click(css("#subscription-submit")),
				chromedp.WaitVisible(css("#subscription-active")))
			if got := b.Text(t, "#mandate-reference"); !strings.HasPrefix(got, "HMS-") {
				t.Fatalf("mandate reference %q", got)
			}
			shot(t, b, "subscription-active-"+width)
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/complexes/new"), chromedp.WaitVisible(css("#complex-form input[name=name]")),
				chromedp.SendKeys(css("#complex-form input[name=name]"), "Hof van Alfa"),
				chromedp.Submit(css("#complex-form input[name=name]")), chromedp.WaitNotPresent(css("#complex-form")))
			if got := b.Text(t, "main"); strings.Contains(got, "Alleen lezen") || !strings.Contains(got, "Hof van Alfa") {
				t.Fatalf("after subscribing, a new complex: %q", got)
			}
		})
	}
}
