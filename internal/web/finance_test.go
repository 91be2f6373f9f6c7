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

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// financeLease gives the fixture's tenant a lease of the first home from
// 1 January 2026 with rent and a service-cost advance.
func financeLease(t *testing.T, e *apptest.Env, f *leaseFixture) int64 {
	t.Helper()
	id, err := e.Leases.Create(context.Background(), f.owner, lease.Input{UnitIDs: []int64{f.homes[0]}, TenantIDs: []int64{f.tenant},
		Start: civil.New(2026, time.January, 1), PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{
			{Kind: lease.BareRent, AmountCents: 85000}, {Kind: lease.ServiceCosts, Category: "Schoonmaak", AmountCents: 3500}}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The finance pages over HTTP: the rent-run preview, a posted run, the
// invoice list and its CSV, a payment with errors at the fields, the lease
// account and its statement CSV, a tenant's open items, and another
// organisation that finds nothing.
func TestFinancePages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			l := financeLease(t, e, f)
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)

			resp, body := c.do("GET", "/o/a/finance/rentrun?period=2026-03&preview=1", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, `id="preview-invoices">1<`) || !strings.Contains(body, "€ 885,00") {
				t.Fatalf("preview: %d %.3000s", resp.StatusCode, body)
			}
			// The whole quarter: January to March (the lease starts 1 January).
			resp, body = c.do("GET", "/o/a/finance/rentrun?period=2026-02&quarter=1&preview=1", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, `id="preview-invoices">3<`) ||
				!strings.Contains(body, `name="period" value="2026-Q1"`) {
				t.Fatalf("quarter preview: %d %.3000s", resp.StatusCode, body)
			}
			resp, body = c.do("GET", "/o/a/finance/rentrun?period=2026-3x&preview=1", nil)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-period"`) {
				t.Fatalf("bad period: %d", resp.StatusCode)
			}
			// Post through the service as the job would; the browser test
			// covers the job and its progress page.
			if _, err := e.Billing.PostRun(context.Background(), f.owner, billing.RunInput{Period: "2026-03"}, nil); err != nil {
				t.Fatal(err)
			}
			resp, body = c.do("GET", "/o/a/finance/invoices", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, "20260000001") {
				t.Fatalf("invoices: %d", resp.StatusCode)
			}
			resp, body = c.do("GET", "/o/a/finance/invoices?format=csv", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, "20260000001;") || !strings.Contains(body, "885,00") {
				t.Fatalf("invoice CSV: %d %q", resp.StatusCode, body)
			}
			id := regexp.MustCompile(`/finance/invoices/(\d+)"`).FindStringSubmatch(mustBody(t, c, "/o/a/finance/invoices"))
			resp, body = c.do("GET", "/o/a/finance/invoices/"+id[1], nil)
			if resp.StatusCode != 200 || !strings.Contains(body, "Kale huur") || !strings.Contains(body, `id="invoice-open"><strong>€ 885,00`) {
				t.Fatalf("invoice: %d %.2000s", resp.StatusCode, body)
			}
			resp, body = c.do("GET", "/o/a/finance/invoices/"+id[1]+"/pdf", nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
				t.Fatalf("invoice PDF: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			acct := fmt.Sprintf("/o/a/finance/leases/%d", l)
			// Bad payments: errors at the fields, nothing booked.
			resp, body = c.do("POST", acct+"/payments",
				url.Values{"payment.date": {"2026-03-10"}, "payment.amount": {"12,3,4"}, "payment.method": {"transfer"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-payment-amount"`) {
				t.Fatalf("bad amount: %d", resp.StatusCode)
			}
			// An amount beyond what HMS takes (€100 million) is refused at the field.
			resp, body = c.do("POST", acct+"/payments", url.Values{"payment.date": {"2026-03-10"}, "payment.amount": {"92.233.720.368.547.758,07"},
				"payment.method": {"transfer"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-payment-amount"`) ||
				!strings.Contains(body, "100 miljoen") {
				t.Fatalf("an overflowing amount: %d %.3000s", resp.StatusCode, body)
			}
			resp, body = c.do("POST", acct+"/payments",
				url.Values{"payment.date": {"2026-04-10"}, "payment.amount": {"100"}, "payment.method": {"transfer"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-payment-date"`) {
				t.Fatalf("future date: %d", resp.StatusCode)
			}
			var n int
			if err := e.DB.Raw().QueryRow(`SELECT COUNT(*) FROM ledger_payments`).Scan(&n); err != nil || n != 0 {
				t.Fatalf("refused payments booked: %d", n)
			}
			resp, _ = c.do("POST", acct+"/payments",
				url.Values{"payment.date": {"2026-03-10"}, "payment.amount": {"500,00"}, "payment.method": {"transfer"},
					"payment.reference": {"maart"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("payment: %d", resp.StatusCode)
			}
			body = mustBody(t, c, acct)
			if !strings.Contains(body, `id="balance"><strong>€ 385,00`) || !strings.Contains(body, "maart") {
				t.Fatalf("account after payment: %.4000s", body)
			}
			resp, body = c.do("GET", acct+"?from=2026-03-01&to=2026-03-31&format=csv", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, "885,00") || !strings.Contains(body, "385,00") {
				t.Fatalf("statement CSV: %q", body)
			}
			body = mustBody(t, c, fmt.Sprintf("/o/a/finance/tenants/%d", f.tenant))
			if !strings.Contains(body, `id="tenant-total">€ 385,00`) || !strings.Contains(body, "A. Visser") && !strings.Contains(body, "Visser") {
				t.Fatalf("tenant open items: %.3000s", body)
			}
			body = mustBody(t, c, "/o/a/finance")
			if !strings.Contains(body, "debtor-lease") {
				t.Fatalf("debtors: %.2000s", body)
			}
			// Credit the invoice: a credit note, and the open amount is gone.
			resp, _ = c.do("POST", "/o/a/finance/invoices/"+id[1]+"/credit", url.Values{"reason": {""}})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("credit without reason: %d", resp.StatusCode)
			}
			resp, _ = c.do("POST", "/o/a/finance/invoices/"+id[1]+"/credit", url.Values{"reason": {"dubbel"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("credit: %d", resp.StatusCode)
			}
			// Settings: a bad IBAN is shown at its field.
			resp, body = c.do("POST", "/o/a/finance/settings", url.Values{"proration": {"actual"}, "issuer_iban": {"NL00BANK0123456789"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-iban"`) {
				t.Fatalf("settings: %d", resp.StatusCode)
			}

			// Another organisation finds nothing of this.
			g := newLeaseFixture(t, e, "b")
			cb := newClient(t, e.URL())
			cb.login(g.email, g.pw)
			for _, p := range []string{"/o/b/finance/invoices/" + id[1], "/o/b/finance/invoices/" + id[1] + "/pdf",
				fmt.Sprintf("/o/b/finance/leases/%d", l), fmt.Sprintf("/o/b/finance/tenants/%d", f.tenant)} {
				if resp, _ := cb.do("GET", p, nil); resp.StatusCode != http.StatusNotFound {
					t.Fatalf("%s: %d for another organisation", p, resp.StatusCode)
				}
			}
			if resp, body := cb.do("GET", "/o/b/finance/invoices", nil); resp.StatusCode != 200 || strings.Contains(body, "20260000001") {
				t.Fatalf("other organisation's invoice list: %d", resp.StatusCode)
			}
		})
	}
}

func mustBody(t *testing.T, c *client, path string) string {
	t.Helper()
	resp, body := c.do("GET", path, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return body
}

// The rent run in Chromium: preview a month, post it as a job and watch it
// finish, open an invoice, then see the tenant's open items.
func TestFinanceBrowser(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	f := newLeaseFixture(t, e, "a")
	financeLease(t, e, f)
	b := browsertest.New(t)
	b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
		chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
		chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))
	b.Run(t, chromedp.Click(css("#nav-finance")), chromedp.WaitVisible(css("#debtors")))
	b.Run(t, chromedp.Click(css("#tab-rentrun")), chromedp.WaitVisible(css("#run-form")))
	b.Run(t, chromedp.SetValue(css("#run-period"), "2026-04"), chromedp.Click(css("#run-preview")), chromedp.WaitVisible(css("#preview")))
	if got := b.Text(t, "#preview-total"); got != money.Format(88500, "nl") {
		t.Fatalf("preview total %q", got)
	}
	shot(t, b, "finance-preview")
	b.Run(t, chromedp.Click(css("#run-post")), chromedp.WaitVisible(css("#run-done")))
	if got := b.Text(t, "#run-invoices"); got != "1" {
		t.Fatalf("run posted %q invoices", got)
	}
	shot(t, b, "finance-run")
	b.Run(t, chromedp.Click(css("#run-invoices-link")), chromedp.WaitVisible(css(".invoice-number")))
	b.Run(t, chromedp.Click(css(".invoice-number")), chromedp.WaitVisible(css("#invoice-lines")))
	if got := b.Text(t, "#invoice-total"); got != money.Format(88500, "nl") {
		t.Fatalf("invoice total %q", got)
	}
	shot(t, b, "finance-invoice")
	b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/o/a/relations/%d", e.URL(), f.tenant)), chromedp.WaitVisible(css("#relation-open-items")))
	b.Run(t, chromedp.Click(css("#relation-open-items")), chromedp.WaitVisible(css("#tenant-open")))
	if got := b.Text(t, "#tenant-total"); got != money.Format(88500, "nl") {
		t.Fatalf("tenant open %q", got)
	}
	shot(t, b, "finance-tenant")
	b.Run(t, chromedp.Click(css(".open-item a")), chromedp.WaitVisible(css("#invoice-lines")))
	b.Run(t, chromedp.Click(css("#invoice-account")), chromedp.WaitVisible(css("#payment-form")))
	b.Run(t, chromedp.SendKeys(css("#payment-amount"), "885,00"), chromedp.Click(css("#payment-submit")),
		chromedp.WaitVisible(css("#no-open")))
	shot(t, b, "finance-account")
}
