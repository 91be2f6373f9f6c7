package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
)

// The organisation details page in Chromium at 1280 and 390 px: a bad KvK
// number comes back beside its field, a good save is kept, and the invoice
// PDF prints the details in its issuer block.
func TestOrgProfileBrowser(t *testing.T) {
	for _, mobile := range []bool{false, true} {
		width := map[bool]string{false: "1280", true: "390"}[mobile]
		t.Run(width, func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.January, 20, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			b := browsertest.New(t)
			if mobile {
				b = browsertest.NewMobile(t)
			}
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-organisation")))
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/settings/organisation"), chromedp.WaitVisible(css("#org-form")),
				chromedp.SendKeys(css("#legal_name"), "Vastgoed Alfa B.V."), chromedp.SendKeys(css("#street"), "Stationsplein"),
				chromedp.SendKeys(css("#house_number"), "1"), chromedp.SendKeys(css("#postcode"), "3511ed"),
				chromedp.SendKeys(css("#city"), "Utrecht"), chromedp.SendKeys(css("#email"), "info@alfa.example"),
				chromedp.SendKeys(css("#phone"), "030 123 45 67"), chromedp.SendKeys(css("#kvk"), "1234"),
				chromedp.SendKeys(css("#vat_id"), "NL000099998B57"), chromedp.Click(css("#org-save")),
				chromedp.WaitVisible(css("#err-kvk")))
			if got := browsertest.Get(t, b, chromedp.Evaluate[string](
				`document.getElementById('kvk').getAttribute('aria-describedby')`)); got != "err-kvk" {
				t.Fatalf("kvk field describedby %q", got)
			}
			if got := b.Text(t, "#err-kvk"); !strings.Contains(got, "8 cijfers") {
				t.Fatalf("kvk error %q", got)
			}
			shot(t, b, "org-settings-error-"+width)
			if overflow := browsertest.Get(t, b, chromedp.Evaluate[bool](
				`document.documentElement.scrollWidth > window.innerWidth + 1`)); overflow {
				t.Fatalf("the page overflows at %s px", width)
			}
			b.Run(t, chromedp.SetValue(css("#kvk"), "40536533"), chromedp.Click(css("#org-save")), chromedp.WaitVisible(css(".flash")))
			if got := browsertest.Get(t, b, chromedp.Evaluate[string](`document.getElementById('postcode').value`)); got != "3511 ED" {
				t.Fatalf("postcode kept as %q", got)
			}
			shot(t, b, "org-settings-"+width)

			ctx := context.Background()
			if _, err := e.Leases.Create(ctx, f.owner, lease.Input{UnitIDs: f.homes[:1], TenantIDs: []int64{f.tenant},
				Start: civil.New(2026, 1, 1), PaymentMethod: lease.Transfer,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Billing.PostRun(ctx, f.owner, billing.RunInput{Period: "2026-02"}, nil); err != nil {
				t.Fatal(err)
			}
			invs, err := e.Ledger.Invoices(ctx, f.owner, listing.Query{Limit: 5}, ledger.InvoiceFilter{})
			if err != nil || len(invs.Items) != 1 {
				t.Fatalf("invoices: %v %v", invs, err)
			}
			pdf, err := e.Billing.InvoiceDocument(ctx, f.owner, invs.Items[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			text := apptest.PDFText(t, pdf)
			for _, want := range []string{"Vastgoed Alfa B.V.", "Stationsplein 1", "3511 ED Utrecht", "info@alfa.example",
				"030 123 45 67", "40536533", "NL000099998B57"} {
				if !strings.Contains(text, want) {
					t.Fatalf("invoice lacks %q: %s", want, text)
				}
			}
		})
	}
}

// The organisation details over HTTP: a bookkeeper reads but cannot save,
// a logo that is no image comes back beside its field, and the warning
// before a run names what is missing.
func TestOrgProfilePage(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{})
			f := newLeaseFixture(t, e, "a")
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			resp, body := c.postFiles("/o/a/settings/organisation", url.Values{"legal_name": {"Alfa"}}, "logo", "logo.gif",
				[]byte("GIF89a not a png"))
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-logo"`) ||
				!strings.Contains(body, `aria-describedby="err-logo"`) {
				t.Fatalf("bad logo: %d %.2000s", resp.StatusCode, body)
			}
			_, body = c.do("GET", "/o/a/finance/collections", nil)
			if !strings.Contains(body, `id="org-details-missing"`) || !strings.Contains(body, "Organisatiegegevens ontbreken") ||
				!strings.Contains(body, "KvK-nummer") {
				t.Fatalf("no warning: %.3000s", body)
			}
			if resp, _ := c.do("GET", "/o/a/settings/organisation/logo", nil); resp.StatusCode != http.StatusNoContent {
				t.Fatalf("logo without one: %d", resp.StatusCode)
			}
		})
	}
}

// The moving-in import pages: a file with errors is shown back line by line
// and column by column, nothing stored; a good file is imported.
func TestMovingImportPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{})
			f := newLeaseFixture(t, e, "a")
			ctx := context.Background()
			id, err := e.Leases.Create(ctx, f.owner, lease.Input{UnitIDs: f.homes[:1], TenantIDs: []int64{f.tenant},
				Start: civil.New(2024, 1, 1), PaymentMethod: lease.Transfer,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000}}})
			if err != nil {
				t.Fatal(err)
			}
			l, err := e.Leases.Get(ctx, f.owner, id)
			if err != nil {
				t.Fatal(err)
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			if _, body := c.do("GET", "/o/a/import", nil); !strings.Contains(body, `href="/o/a/import/opening-balances"`) {
				t.Fatalf("no link to the opening balances: %.2000s", body)
			}
			head := "contractnummer;omschrijving;documentdatum;vervaldatum;bedrag\n"
			bad := head + l.Reference + ";Huur;2025-12-01;2025-11-01;100,00\n"
			resp, body := c.postFiles("/o/a/import/opening-balances", nil, "file", "open.csv", []byte(bad))
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="moving-errors"`) ||
				!strings.Contains(body, "<td>2</td><td><code>vervaldatum</code></td>") || !strings.Contains(body, "vóór de documentdatum") {
				t.Fatalf("error file: %d %.3000s", resp.StatusCode, body)
			}
			good := head + l.Reference + ";Huur december 2025;2025-12-01;2025-12-01;100,00\n"
			resp, body = c.postFiles("/o/a/import/opening-balances", nil, "file", "open.csv", []byte(good))
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="moving-done"`) || !strings.Contains(body, "1 nieuw") {
				t.Fatalf("good file: %d %.3000s", resp.StatusCode, body)
			}
			adv := "contractnummer;jaar;in_rekening_gebracht;ontvangen\n" + l.Reference + ";2025;600,00;600,00\n"
			resp, body = c.postFiles("/o/a/import/advances", nil, "file", "adv.csv", []byte(adv))
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="moving-done"`) {
				t.Fatalf("advances: %d %.3000s", resp.StatusCode, body)
			}
			resp, body = c.postFiles("/o/a/import/advances", nil, "file", "adv.csv", []byte("iets;anders\n1;2\n"))
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="moving-problem"`) {
				t.Fatalf("unreadable file: %d %.3000s", resp.StatusCode, body)
			}
		})
	}
}
