package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// twoLeases lets both homes of the fixture from 1 January 2026 and returns
// the second lease's reference.
func twoLeases(t *testing.T, e *apptest.Env, f *leaseFixture) string {
	t.Helper()
	financeLease(t, e, f)
	id, err := e.Leases.Create(context.Background(), f.owner, lease.Input{UnitIDs: []int64{f.homes[1]}, TenantIDs: []int64{f.tenant},
		Start: civil.New(2026, time.January, 1), PaymentMethod: lease.Transfer,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 95000}}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := e.Leases.Get(context.Background(), f.owner, id)
	if err != nil {
		t.Fatal(err)
	}
	return l.Reference
}

// The rent-run page never widens a scope: "one lease" with a reference that
// names nothing (or an id that is not a number) is an error at the scope
// field and shows no post button; the reference as shown previews exactly
// that lease, in words; a post with another preview's figures books
// nothing; the run is undone from its page.
func TestRentRunScopePage(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			ref := twoLeases(t, e, f)
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)

			for _, q := range []string{"scope=lease&scope_text=2099-0001", "scope=lease&scope_id=2027-0001", "scope=lease",
				"scope=unit&scope_text=Lindelaan"} {
				resp, body := c.do("GET", "/o/a/finance/rentrun?period=2026-04&preview=1&"+q, nil)
				if resp.StatusCode != 422 || !strings.Contains(body, `id="err-scope"`) || strings.Contains(body, `id="run-post"`) {
					t.Fatalf("%s: %d %.3000s", q, resp.StatusCode, body)
				}
			}
			// An address that matches both homes offers them to choose from.
			_, body := c.do("GET", "/o/a/finance/rentrun?period=2026-04&preview=1&scope=unit&scope_text=Lindelaan", nil)
			if strings.Count(body, `name="scope_id"`) != 3 { // the two homes and the shop
				t.Fatalf("choices for an ambiguous address: %.3000s", body)
			}
			resp, body := c.do("GET", "/o/a/finance/rentrun?period=2026-04&preview=1&scope=lease&scope_text="+url.QueryEscape(ref), nil)
			if resp.StatusCode != 200 || !strings.Contains(body, `id="preview-invoices">1<`) ||
				!strings.Contains(body, "1 contract: "+ref+", Lindelaan 2") ||
				!strings.Contains(body, "Facturen boeken: 1 (€ 950,00)") {
				t.Fatalf("preview of %s: %d %.4000s", ref, resp.StatusCode, body)
			}
			// The picker's answer: radio buttons with the lease in words.
			_, opts := c.do("GET", "/o/a/finance/scope-options?scope=lease&scope_text="+url.QueryEscape(ref), nil)
			if !strings.Contains(opts, `type="radio" name="scope_id"`) || !strings.Contains(opts, ref+" · Lindelaan 2") {
				t.Fatalf("scope options: %s", opts)
			}
			id := regexp.MustCompile(`name="scope_id" value="(\d+)"`).FindStringSubmatch(body)
			if id == nil {
				t.Fatalf("no chosen lease in the post form: %.4000s", body)
			}
			post := func(invoices, total string) (int, string) {
				resp, body := c.do("POST", "/o/a/finance/rentrun", url.Values{"period": {"2026-04"}, "scope": {"lease"}, "scope_id": {id[1]},
					"expect_invoices": {invoices}, "expect_total": {total}})
				if resp.StatusCode == 303 {
					resp, body = c.do("GET", resp.Header.Get("Location"), nil)
				}
				return resp.StatusCode, body
			}
			if st, body := post("2", "180000"); st != 409 || !strings.Contains(body, "Er is niets geboekt") {
				t.Fatalf("post with the whole organisation's figures: %d %.3000s", st, body)
			}
			if n := countInvoices(t, e); n != 0 {
				t.Fatalf("%d invoices booked", n)
			}
			if st, body := post("1", "95000"); st != 200 || !strings.Contains(body, `id="run-scope"`) ||
				!strings.Contains(body, "1 contract: "+ref) {
				t.Fatalf("post: %d %.3000s", st, body)
			}
			// The run is a job: wait for it.
			for deadline := time.Now().Add(30 * time.Second); countInvoices(t, e) != 1; time.Sleep(50 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d invoices booked, want 1", countInvoices(t, e))
				}
			}
		})
	}
}

func countInvoices(t *testing.T, e *apptest.Env) int {
	t.Helper()
	var n int
	if err := e.DB.Raw().QueryRow(`SELECT COUNT(*) FROM ledger_invoices WHERE kind = 'invoice'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The scope picker and the undo in Chromium, at 1280 and at 390 px: a
// reference typed but not found is refused at the field; found through
// the picker, the preview and the button say the scope, count and total;
// the posted run is undone with the credit notes its page listed.
func TestRentRunScopeBrowser(t *testing.T) {
	for _, mobile := range []bool{false, true} {
		t.Run(fmt.Sprint(map[bool]string{false: "1280", true: "390"}[mobile]), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			ref := twoLeases(t, e, f)
			var b *browsertest.Browser
			if mobile {
				b = browsertest.NewMobile(t)
			} else {
				b = browsertest.New(t)
			}
			size := map[bool]string{false: "1280", true: "390"}[mobile]
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/finance/rentrun"), chromedp.WaitVisible(css("#run-form")))
			b.Run(t, chromedp.SetValue(css("#run-period"), "2026-04"), chromedp.SetValue(css("#run-scope"), "lease"),
				chromedp.SendKeys(css("#scope-text"), "2099-0001"), clickAndLoad("#run-preview", "#err-scope"))
			if got := b.Text(t, "#err-scope"); !strings.Contains(got, "Geen contract gevonden") {
				t.Fatalf("message at the scope field: %q", got)
			}
			shot(t, b, "rentrun-scope-unknown-"+size)
			b.Run(t, chromedp.Clear(css("#scope-text")), chromedp.SendKeys(css("#scope-text"), ref),
				chromedp.WaitVisible(css("#scope-choices input[type=radio]")), chromedp.Click(css("#scope-choices input[type=radio]")),
				clickAndLoad("#run-preview", "#preview-scope"))
			if got := b.Text(t, "#preview-scope"); !strings.HasPrefix(got, "1 contract: "+ref+", Lindelaan 2") {
				t.Fatalf("preview scope %q", got)
			}
			if got := b.Text(t, "#run-post"); got != "Facturen boeken: 1 (€ 950,00)" {
				t.Fatalf("post button %q", got)
			}
			shot(t, b, "rentrun-scope-preview-"+size)
			b.Run(t, clickAndLoad("#run-post", "#run-done"))
			b.Run(t, clickAndLoad("#run-undo-link", "#undo-credits"))
			if got := b.Text(t, "#undo-total"); !strings.Contains(got, "950,00") || !strings.ContainsAny(got, "-−") {
				t.Fatalf("undo total %q", got)
			}
			shot(t, b, "rentrun-undo-"+size)
			b.Run(t, clickAndLoad("#undo-post", "#run-undone"))
			if n := countInvoices(t, e); n != 1 {
				t.Fatalf("%d invoices", n)
			}
			var credits int
			if err := e.DB.Raw().QueryRow(`SELECT COUNT(*) FROM ledger_invoices
				WHERE kind = 'credit_note'`).Scan(&credits); err != nil || credits != 1 {
				t.Fatalf("%d credit notes %v", credits, err)
			}
		})
	}
}
