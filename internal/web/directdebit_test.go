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
	"hms/internal/bank"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/relation"
)

// ddFixture is an organisation with the creditor settings, an account and
// one lease paying by direct debit whose tenant has an IBAN and e-mail
// address, with March 2026 charged; today is Tuesday 10 March 2026.
func ddFixture(t *testing.T, e *apptest.Env, slug string) (*leaseFixture, int64) {
	t.Helper()
	ctx := context.Background()
	f := newLeaseFixture(t, e, slug)
	if err := e.Bank.SaveSettings(ctx, f.owner, bank.Settings{CreditorID: "NL51ZZZ405365330000", CreditorName: "Alpha Vastgoed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Bank.AddAccount(ctx, f.owner, bank.AccountInput{IBAN: "NL91ABNA0417164300", Name: "Alpha Vastgoed"}); err != nil {
		t.Fatal(err)
	}
	tenant, err := e.Relations.CreatePerson(ctx, f.owner, relation.PersonInput{FirstNames: "Bram", Surname: "de Boer",
		Email: "bram@example.nl", IBANs: []string{"NL20INGB0001234567"}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.Leases.Create(ctx, f.owner, lease.Input{Reference: "2025-0007", UnitIDs: []int64{f.homes[0]}, TenantIDs: []int64{tenant},
		Start: civil.New(2025, 1, 1), PaymentMethod: lease.DirectDebit,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 95000}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Billing.PostRun(ctx, f.owner, billing.RunInput{Period: "2026-03"}, nil); err != nil {
		t.Fatal(err)
	}
	return f, id
}

var batchPath = regexp.MustCompile(`/o/a/finance/collections/(\d+)$`)

// The pages: a mandate on the lease's account page (a bad IBAN at its
// field), its form as PDF; the Incasso tab refuses a day TARGET2 is closed
// at the field, previews, makes the collection only as previewed, and the
// batch page downloads the same file twice; another organisation finds
// nothing.
func TestDirectDebitPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f, id := ddFixture(t, e, "a")
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			account := fmt.Sprintf("/o/a/finance/leases/%d", id)
			if body := mustBody(t, c, account); !strings.Contains(body, `id="mandate-form"`) || !strings.Contains(body, `id="no-mandate"`) {
				t.Fatalf("account page: %.3000s", body)
			}
			resp, body := c.do("POST", account+"/mandates", url.Values{"mandate.signed_on": {"2024-12-01"}, "mandate.signed_place": {"Zwolle"},
				"mandate.kind": {"recurrent"}, "mandate.iban": {"NL20INGB0001234568"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-mandate-iban"`) {
				t.Fatalf("bad IBAN: %d %.3000s", resp.StatusCode, body)
			}
			resp, _ = c.do("POST", account+"/mandates", url.Values{"mandate.signed_on": {"2024-12-01"}, "mandate.signed_place": {"Zwolle"},
				"mandate.kind": {"recurrent"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("add mandate: %d", resp.StatusCode)
			}
			body = mustBody(t, c, account)
			for _, want := range []string{"HMS-2025-0007-1", "NL20 INGB 0001 2345 67", "B. de Boer", "1 december 2024, Zwolle", "eerste (FRST)"} {
				if !strings.Contains(body, want) {
					t.Fatalf("mandate on the page lacks %q: %.5000s", want, body)
				}
			}
			form := regexp.MustCompile(`href="(/o/a/finance/leases/\d+/mandates/\d+/form)"`).FindStringSubmatch(body)
			if form == nil {
				t.Fatal("no form link")
			}
			resp, pdf := c.do("GET", form[1], nil)
			if resp.StatusCode != 200 || !strings.Contains(apptest.PDFText(t, []byte(pdf)), "Doorlopende SEPA-machtiging") {
				t.Fatalf("form: %d", resp.StatusCode)
			}

			body = mustBody(t, c, "/o/a/finance/collections")
			if !strings.Contains(body, `value="2026-03-24"`) || !strings.Contains(body, "12 maart 2026") {
				t.Fatalf("collections page: %.4000s", body)
			}
			resp, body = c.do("GET", "/o/a/finance/collections?preview=1&collection_date=2026-04-06", nil)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-collection-date"`) ||
				!strings.Contains(body, "TARGET2") {
				t.Fatalf("Easter Monday: %d %.3000s", resp.StatusCode, body)
			}
			body = mustBody(t, c, "/o/a/finance/collections?preview=1&collection_date=2026-03-24&due_until=2026-03-31")
			if !strings.Contains(body, `id="preview-count">1<`) || !strings.Contains(body, "€ 950,00") || !strings.Contains(body, "B. de Boer") ||
				!strings.Contains(body, "Lindelaan 1") || !strings.Contains(body, `name="expect_total" value="95000"`) {
				t.Fatalf("preview: %.6000s", body)
			}
			confirm := url.Values{"collection_date": {"2026-03-24"}, "due_until": {"2026-03-31"}, "expect_count": {"1"}, "expect_total": {"90000"}}
			if resp, body := c.do("POST", "/o/a/finance/collections", confirm); resp.StatusCode != http.StatusConflict ||
				!strings.Contains(body, `id="collection-problem"`) {
				t.Fatalf("changed total: %d %.3000s", resp.StatusCode, body)
			}
			confirm.Set("expect_total", "95000")
			resp, _ = c.do("POST", "/o/a/finance/collections", confirm)
			m := batchPath.FindStringSubmatch(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusSeeOther || m == nil {
				t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			body = mustBody(t, c, m[0])
			if !strings.Contains(body, `id="collection-download"`) || !strings.Contains(body, "2025-0007") ||
				!strings.Contains(body, "eerste (FRST)") {
				t.Fatalf("batch page: %.4000s", body)
			}
			resp1, file1 := c.do("GET", m[0]+"/file", nil)
			_, file2 := c.do("GET", m[0]+"/file", nil)
			if resp1.StatusCode != 200 || resp1.Header.Get("Content-Type") != "application/xml" || file1 != file2 ||
				!strings.Contains(file1, "<Cd>SCOR</Cd>") {
				t.Fatalf("file: %d %s", resp1.StatusCode, file1)
			}
			// Another organisation finds nothing.
			g := newLeaseFixture(t, e, "b")
			cb := newClient(t, e.URL())
			cb.login(g.email, g.pw)
			for _, path := range []string{strings.Replace(m[0], "/o/a/", "/o/b/", 1), strings.Replace(m[0], "/o/a/", "/o/b/", 1) + "/file",
				strings.Replace(form[1], "/o/a/", "/o/b/", 1)} {
				if resp, _ := cb.do("GET", path, nil); resp.StatusCode != http.StatusNotFound {
					t.Fatalf("%s from another organisation: %d", path, resp.StatusCode)
				}
			}
		})
	}
}

// In Chromium at 1280 and 390 px: a mandate added on the lease's account
// page, the collection previewed, confirmed, and its file downloaded; no
// page is wider than the screen.
func TestDirectDebitBrowser(t *testing.T) {
	for _, mobile := range []bool{false, true} {
		size := map[bool]string{false: "1280", true: "390"}[mobile]
		t.Run(size, func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
			f, id := ddFixture(t, e, "a")
			var b *browsertest.Browser
			if mobile {
				b = browsertest.NewMobile(t)
			} else {
				b = browsertest.New(t)
			}
			narrow := func(page string) {
				t.Helper()
				if browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
					t.Fatalf("%s is wider than the screen at %s px", page, size)
				}
			}
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))
			b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/o/a/finance/leases/%d", e.URL(), id)), chromedp.WaitVisible(css("#mandate-form")))
			b.Run(t, chromedp.SetValue(css("#mandate-signed-on"), "2024-12-01"), chromedp.SendKeys(css("#mandate-signed-place"), "Zwolle"),
				clickAndLoad("#mandate-submit", "article.mandate"))
			if got := b.Text(t, "article.mandate .mandate-iban"); got != "NL20 INGB 0001 2345 67" {
				t.Fatalf("mandate IBAN %q", got)
			}
			narrow("the account page")
			shot(t, b, "directdebit-mandate-"+size)

			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/finance"), chromedp.WaitVisible(css("#tab-collections")),
				clickAndLoad("#tab-collections", "#collection-form"))
			b.Run(t, chromedp.SetValue(css("#collection-date"), "2026-03-24"), chromedp.SetValue(css("#collection-due-until"), "2026-03-31"),
				clickAndLoad("#collection-preview", "#preview-lines"))
			if got := b.Text(t, "#preview-count"); got != "1" {
				t.Fatalf("preview count %q", got)
			}
			if got := b.Text(t, "#collection-confirm"); got != "Incasso maken: 1 (€ 950,00)" {
				t.Fatalf("confirm button %q", got)
			}
			narrow("the preview")
			shot(t, b, "directdebit-preview-"+size)
			b.Run(t, clickAndLoad("#collection-confirm", "#collection-download"))
			if got := b.Text(t, "#collection-total"); got != "€ 950,00" {
				t.Fatalf("batch total %q", got)
			}
			narrow("the batch page")
			shot(t, b, "directdebit-batch-"+size)
			status := browsertest.Get(t, b, chromedp.Evaluate[string](`(async () => {
				const r = await fetch(document.querySelector("#collection-download").href);
				const text = await r.text();
				return r.status + " " + r.headers.get("Content-Type") + " " + text.includes("<SeqTp>FRST</SeqTp>");
			})()`, chromedp.EvalAwaitPromise))
			if status != "200 application/xml true" {
				t.Fatalf("download: %s", status)
			}
		})
	}
}
