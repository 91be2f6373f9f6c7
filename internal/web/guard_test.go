package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
)

// guardLease is a lease with a deposit to receive, on the fixture's first home.
func guardLease(t *testing.T, e *apptest.Env, f *leaseFixture) int64 {
	t.Helper()
	id, err := e.Leases.Create(context.Background(), f.owner, lease.Input{UnitIDs: f.homes[:1], TenantIDs: []int64{f.tenant},
		Start: civil.New(2026, 1, 1), DepositCents: 150000,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 75000, VAT: lease.VATExempt}}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// A note the privacy guard warns about comes back with the message beside
// the field and a reason field; sent again with a reason it is stored. In
// the refuse mode (set on the privacy settings page) no reason helps.
func TestGuardFormRoundTrip(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{})
			f := newLeaseFixture(t, e, "a")
			id := guardLease(t, e, f)
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			detail := fmt.Sprintf("/o/a/leases/%d", id)
			form := url.Values{"deposit.kind": {"received"}, "deposit.date": {"2026-01-05"}, "deposit.amount": {"100,00"},
				"deposit.note": {"Huurder is ziek, rest volgt"}}
			resp, body := c.do("POST", detail+"/deposit", form)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-deposit-note"`) ||
				!strings.Contains(body, "gevoelige gegevens te bevatten (gezondheid)") ||
				!strings.Contains(body, `name="deposit.note_guard_reason"`) || !strings.Contains(body, `value="Huurder is ziek, rest volgt"`) {
				t.Fatalf("warned: %d %.4000s", resp.StatusCode, body)
			}
			if strings.Contains(mustBody(t, c, detail), "rest volgt") {
				t.Fatal("a warned note was stored")
			}
			form.Set("deposit.note_guard_reason", "Afspraak over betaling in delen")
			if resp, body = c.do("POST", detail+"/deposit", form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("with a reason: %d %.3000s", resp.StatusCode, body)
			}
			if !strings.Contains(mustBody(t, c, detail), "Huurder is ziek, rest volgt") {
				t.Fatal("the note with a reason is not stored")
			}

			// The owner chooses refuse on the privacy settings page.
			if body := mustBody(t, c, "/o/a/privacy/settings"); !strings.Contains(body, `id="guard-mode-warn" checked`) {
				t.Fatalf("settings page: %.3000s", body)
			}
			if resp, _ = c.do("POST", "/o/a/privacy/settings", url.Values{"guard_mode": {"refuse"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("set refuse: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, "/o/a/privacy/settings"); !strings.Contains(body, `id="guard-mode-refuse" checked`) {
				t.Fatal("refuse not shown as chosen")
			}
			form.Set("deposit.note", "BSN van de huurder: 123456782")
			resp, body = c.do("POST", detail+"/deposit", form)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Uw organisatie staat dat niet toe") ||
				!strings.Contains(body, "burgerservicenummer") {
				t.Fatalf("refused: %d %.4000s", resp.StatusCode, body)
			}
			if strings.Contains(mustBody(t, c, detail), "123456782") {
				t.Fatal("a refused note was stored")
			}
		})
	}
}

// The round trip in Chromium at 1280 and 390 px: the reason field appears
// below the note, fits the phone, and the form goes through with a reason.
func TestGuardBrowser(t *testing.T) {
	for _, mobile := range []bool{false, true} {
		size := map[bool]string{false: "1280", true: "390"}[mobile]
		t.Run(size, func(t *testing.T) {
			e := apptest.Start(t, "sqlite", apptest.Options{})
			f := newLeaseFixture(t, e, "a")
			id := guardLease(t, e, f)
			b := browsertest.New(t)
			if mobile {
				b = browsertest.NewMobile(t)
			}
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-leases")))
			reason := css(`[id="f-deposit.note_guard_reason"]`)
			b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/o/a/leases/%d", e.URL(), id)), chromedp.WaitVisible(css("#deposit-form")),
				chromedp.SetValue(css("#deposit-date"), "2026-01-05"), chromedp.SendKeys(css("#deposit-amount"), "100,00"),
				chromedp.SendKeys(css("#deposit-note"), "Huurster is zwanger, betaalt later"),
				chromedp.Click(css("#deposit-submit")), chromedp.WaitVisible(reason))
			if got := b.Text(t, "#err-deposit-note"); !strings.Contains(got, "gezondheid") {
				t.Fatalf("message %q", got)
			}
			if browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
				t.Fatalf("the page scrolls sideways at %s px", size)
			}
			shot(t, b, "guard-"+size)
			b.Run(t, chromedp.SendKeys(reason, "Afspraak met de huurster"), chromedp.Click(css("#deposit-submit")),
				chromedp.WaitVisible(css(".flash")))
			if got := b.Text(t, "#deposit-entries"); !strings.Contains(got, "zwanger") {
				t.Fatalf("entries after the reason: %q", got)
			}
		})
	}
}
