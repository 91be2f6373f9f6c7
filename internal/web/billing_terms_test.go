package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/relation"
)

// shopLease lets the fixture's shop to a company, quarterly from 10
// February 2026 at €900 a month, opted into 21% VAT.
func shopLease(t *testing.T, e *apptest.Env, f *leaseFixture) int64 {
	t.Helper()
	ctx := context.Background()
	co, err := e.Relations.CreateCompany(ctx, f.owner, relation.CompanyInput{Name: "Bakkerij Korstmos B.V.", KvK: "69599084",
		Address: relation.Address{Street: "Vismarkt", HouseNumber: "3", Postcode: "3511 KB", City: "Utrecht"}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.Leases.Create(ctx, f.owner, lease.Input{UnitIDs: []int64{f.shop}, TenantIDs: []int64{co}, Start: civil.New(2026,
		time.February, 10),
		BillingFrequency: lease.Quarterly, PaymentMethod: lease.Transfer, VATOpted: true,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000, VAT: lease.VATStandard}}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The rent-run page and the billing settings (DOMAIN §3.1, §3.4): a VAT
// lease without the issuer's KvK number, btw-id and address blocks posting
// with links to the settings where they are entered; the quarter is
// charged €2,700 × 50/90 = €1,500.00 by default, €1,510.71 month by month;
// a late run is due the payment term after the issue date (15 March + 30
// days = 14 April); bad settings are shown at their fields.
func TestRentRunBillingTermsPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			shopLease(t, e, f)
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)

			preview := "/o/a/finance/rentrun?period=2026-02&quarter=1&preview=1"
			resp, body := c.do("GET", preview, nil)
			if resp.StatusCode != 200 || !strings.Contains(body, `id="preview-vat-blocked"`) ||
				!strings.Contains(body, `href="/o/a/settings/organisation"`) || !strings.Contains(body, "KvK-nummer") ||
				!strings.Contains(body, "Straat") || !strings.Contains(body, `id="org-details-missing"`) ||
				strings.Contains(body, `id="run-post"`) {
				t.Fatalf("blocked preview: %d %.4000s", resp.StatusCode, body)
			}
			if !strings.Contains(body, "€ 1.500,00") || !strings.Contains(body, "50/90 × € 2.700,00") {
				t.Fatalf("quarter not prorated over the period: %.4000s", body)
			}
			resp, body = c.do("POST", "/o/a/finance/rentrun", url.Values{"period": {"2026-Q1"}, "expect_invoices": {"1"},
				"expect_total": {"181500"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Facturen met btw kunnen pas worden geboekt") {
				t.Fatalf("posting a blocked run: %d %.3000s", resp.StatusCode, body)
			}

			form := url.Values{"proration": {"actual"}, "period_proration": {"month"}}
			if resp, _ = c.do("POST", "/o/a/finance/settings", form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save settings: %d", resp.StatusCode)
			}
			body = mustBody(t, c, "/o/a/finance/settings")
			if !strings.Contains(body, `value="month" selected`) {
				t.Fatalf("settings not kept: %.3000s", body)
			}
			org := url.Values{"legal_name": {"Vastgoed Alfa"}, "street": {"Stationsplein"}, "house_number": {"1"},
				"postcode": {"3511 ED"}, "city": {"Utrecht"}, "email": {"info@alfa.example"}, "kvk": {"40536533"},
				"vat_id": {"NL000099998B57"}, "payment_term_days": {"dertig"}}
			resp, body = c.do("POST", "/o/a/settings/organisation", org)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-payment_term_days"`) {
				t.Fatalf("bad payment term: %d", resp.StatusCode)
			}
			org.Set("payment_term_days", "30")
			if resp, _ = c.do("POST", "/o/a/settings/organisation", org); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save details: %d", resp.StatusCode)
			}
			_, body = c.do("GET", preview, nil)
			if strings.Contains(body, `id="preview-vat-blocked"`) || !strings.Contains(body, `id="run-post"`) ||
				strings.Contains(body, `id="org-details-missing"`) ||
				!strings.Contains(body, "€ 1.510,71") || !strings.Contains(body, "19/28 × € 900,00 + 1 × € 900,00") {
				t.Fatalf("month by month: %.4000s", body)
			}
			if !strings.Contains(body, "<td>14 april 2026</td>") {
				t.Fatalf("due date not issue date + 30 days: %.4000s", body)
			}
		})
	}
}

// A rent set back into a month already charged shows in the next run's
// preview as a correction with its reason before it is posted (DOMAIN §3.1:
// posted charges are immutable, differences are new documents).
func TestRentRunCorrectionInPreview(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			l := financeLease(t, e, f)
			if _, err := e.Billing.PostRun(context.Background(), f.owner, billing.RunInput{Period: "2026-03"}, nil); err != nil {
				t.Fatal(err)
			}
			clk.Advance(time.Hour)
			if _, err := e.Leases.SetComponent(context.Background(), f.owner, l, lease.ComponentInput{Kind: lease.BareRent, AmountCents: 87500,
				ValidFrom: civil.New(2026, time.March, 1)}); err != nil {
				t.Fatal(err)
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			body := mustBody(t, c, "/o/a/finance/rentrun?period=2026-04&preview=1")
			if !strings.Contains(body, `id="preview-invoices">2<`) || !strings.Contains(body, `class="correction"`) ||
				!strings.Contains(body, "correctie kale huur maart 2026: € 850,00 → € 875,00") || !strings.Contains(body,
				"Kale huur (correctie): € 25,00") {
				t.Fatalf("preview: %.6000s", body)
			}
		})
	}
}
