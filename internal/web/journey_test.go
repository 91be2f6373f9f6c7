package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/mail/mailtest"
)

// The whole way of a customer, in Chromium on both engines: the home page
// sets no cookie; a landlord signs up, confirms, uses the trial; the trial
// ends and the organisation may only read; the owner subscribes with a SEPA
// mandate and writes again, receives the month's invoice by mail, cancels
// and downloads the export.
func TestCustomerJourneyBrowser(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clocktest.Fixed()
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			site := e.URL()
			b := browsertest.New(t)

			b.Run(t, chromedp.Navigate(site+"/"), chromedp.WaitVisible(css("#cta-signup")))
			if c := b.Cookies(t); len(c) != 0 {
				t.Fatalf("the home page set cookies: %v", c)
			}
			b.Run(t, chromedp.Click(css("#cta-signup")), chromedp.WaitVisible(css("#signup-submit")),
				chromedp.SendKeys(css("input[name=org_name]"), "Verhuur Berg"),
				chromedp.SendKeys(css("input[name=name]"), "Jan Berg"),
				chromedp.SendKeys(css("input[name=email]"), "jan@berg.example"),
				chromedp.SendKeys(css("input[name=password]"), "een lang en sterk wachtwoord"),
				chromedp.Click(css("input[name=accept_terms]")),
				chromedp.Click(css("#signup-submit")), chromedp.WaitVisible(css("#message")))
			confirm := mailtest.FirstURL(e.Mail.WaitFor(t, "jan@berg.example", 10*time.Second).Text)
			b.Run(t, chromedp.Navigate(confirm), chromedp.WaitVisible(css("#message")))
			login := func() {
				b.Run(t, chromedp.Navigate(site+"/login"),
					chromedp.SendKeys(css("input[name=email]"), "jan@berg.example"),
					chromedp.SendKeys(css("input[name=password]"), "een lang en sterk wachtwoord"),
					chromedp.Click(css("#login-submit")), chromedp.WaitVisible(css("#my-role")))
			}
			login()
			if got := b.Text(t, "#trial-banner"); !strings.Contains(got, "14 dagen") {
				t.Fatalf("the trial banner after sign-up: %q", got)
			}
			// On a desktop the sections stand in a row: no menu button.
			if shown := browsertest.Get(t, b, chromedp.Evaluate[string](
				`getComputedStyle(document.querySelector("#menu-button")).display`)); shown != "none" {
				t.Fatalf("the phone's menu button shows at 1280 px (display %s)", shown)
			}
			u, err := url.Parse(b.URL(t))
			if err != nil || !strings.HasPrefix(u.Path, "/o/") {
				t.Fatalf("after login at %v (%v)", u, err)
			}
			org := site + "/o/" + strings.Split(u.Path, "/")[2]

			// The trial is the full product: a complex.
			newComplex := func(name string) {
				b.Run(t, chromedp.Navigate(org+"/complexes/new"), chromedp.WaitVisible(css("#complex-submit")),
					chromedp.SendKeys(css("#name"), name), chromedp.SendKeys(css("#street"), "Bergweg"),
					chromedp.SendKeys(css("#house_number"), "1"), chromedp.SendKeys(css("#postcode"), "3511ab"),
					chromedp.SendKeys(css("#city"), "Utrecht"), chromedp.Click(css("#complex-submit")))
			}
			newComplex("Bergflat")
			b.Run(t, chromedp.WaitNotPresent(css("#complex-submit")))
			shot(t, b, "journey-trial")

			// Fifteen days on: read-only, with the way out.
			clk.Advance(15 * 24 * time.Hour)
			login()
			if got := b.Text(t, "#trial-banner"); !strings.Contains(got, "proefperiode is voorbij") {
				t.Fatalf("the banner after the trial: %q", got)
			}
			newComplex("Tweede flat")
			b.Run(t, chromedp.WaitVisible(css("#read-only-message")))
			shot(t, b, "journey-read-only")

			// Subscribe with the mandate.
			b.Run(t, chromedp.Navigate(org+"/settings/subscription"), chromedp.WaitVisible(css("#subscription-form")),
				chromedp.Click(css("#kind-company")),
				chromedp.SendKeys(css("#name"), "Verhuur Berg B.V."), chromedp.SendKeys(css("#street"), "Bergweg"),
				chromedp.SendKeys(css("#house_number"), "1"), chromedp.SendKeys(css("#postcode"), "3511ab"),
				chromedp.SendKeys(css("#city"), "Utrecht"), chromedp.SendKeys(css("#email"), "facturen@berg.example"),
				chromedp.SendKeys(css("#kvk"), "40536533"), chromedp.SendKeys(css("#iban"), "NL91 ABNA 0417 1643 00"),
				chromedp.Click(css("#sign")), chromedp.Click(css("#subscription-submit")),
				chromedp.WaitVisible(css("#subscription-active")))
			shot(t, b, "journey-subscribed")
			newComplex("Tweede flat")
			b.Run(t, chromedp.WaitNotPresent(css("#complex-submit")))
			if got := b.Text(t, "main"); !strings.Contains(got, "Tweede flat") {
				t.Fatalf("a write after subscribing: %q", got)
			}

			// The month's invoice: on the page, and mailed with its PDF.
			ctx := context.Background()
			if n, err := e.Subscriptions.IssueMonth(ctx, civil.MonthOf(civil.Today(clk.Now()))); n != 1 || err != nil {
				t.Fatalf("the month's invoices: %d %v", n, err)
			}
			m := e.Mail.WaitFor(t, "facturen@berg.example", 10*time.Second)
			if len(m.Attachments) != 1 || m.Attachments[0].ContentType != "application/pdf" ||
				!bytes.HasPrefix(m.Attachments[0].Data, []byte("%PDF-")) {
				t.Fatalf("the invoice mail %q has attachments %v", m.Subject, m.Attachments)
			}
			b.Run(t, chromedp.Navigate(org+"/settings/subscription"), chromedp.WaitVisible(css("#invoices .invoice-row")))
			if got := b.Text(t, "#invoices"); !strings.Contains(got, "HMS") || !strings.Contains(got, "€") {
				t.Fatalf("the invoices on the subscription page: %q", got)
			}

			// Cancel: it takes effect at the end of the paid month; the
			// export is there to download.
			b.Run(t, chromedp.Click(css("#cancel-confirm")), chromedp.Click(css("#cancel-submit")),
				chromedp.WaitVisible(css("#cancel-pending")))
			shot(t, b, "journey-cancelled")
			b.Run(t, chromedp.Navigate(org+"/settings/export"), chromedp.WaitVisible(css("#org-export-download")))
			href := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector("#org-export-download").href`))
			req, _ := http.NewRequest("GET", href, nil)
			for _, c := range b.Cookies(t) {
				req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			zipped, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("the export: %d %v", resp.StatusCode, err)
			}
			zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
			if err != nil {
				t.Fatalf("the export is no zip: %v", err)
			}
			var complexes string
			for _, f := range zr.File {
				if strings.HasSuffix(f.Name, "complexes.json") {
					rc, _ := f.Open()
					raw, _ := io.ReadAll(rc)
					rc.Close()
					complexes = string(raw)
				}
			}
			if !strings.Contains(complexes, "Bergflat") || !strings.Contains(complexes, "Tweede flat") {
				t.Fatalf("the export's complexes: %.500s", complexes)
			}
		})
	}
}
