package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/pdfdoc/pdfdoctest"
	"hms/internal/privacy"
)

// The register of processing activities (PRIVACY.md P1): a member of an
// organisation reads it with the organisation named as controller, as a
// page, a CSV with a row per activity and a PDF; staff read HMS's whole
// register in the console with the customers it processes for; a member of
// another organisation and a member without staff rights are kept out of
// what is not theirs.
func TestProcessingRegisterPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			_, pw := createUser(t, e, "a", "kijker@a.nl", account.Viewer)
			createUser(t, e, "b", "owner@b.nl", account.Owner)
			c := newClient(t, e.URL())
			c.login("kijker@a.nl", pw)
			body := mustBody(t, c, "/o/a/privacy/register")
			for _, a := range privacy.Register {
				if !strings.Contains(body, `id="activity-`+a.Key+`"`) || !strings.Contains(body, a.Purpose.NL) {
					t.Errorf("the register page lacks %s", a.Key)
				}
			}
			if !strings.Contains(body, "als verwerker is a de verwerkingsverantwoordelijke") {
				t.Errorf("the page does not name the organisation as controller: %.2000s", body)
			}
			resp, csv := c.do("GET", "/o/a/privacy/register?format=csv", nil)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
				strings.Count(strings.TrimSpace(csv), "\n") != len(privacy.Register) || !strings.Contains(csv, "Bewaartermijn") {
				t.Errorf("csv: %d %s", resp.StatusCode, csv)
			}
			resp, pdf := c.do("GET", "/o/a/privacy/register?format=pdf", nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("pdf: %d", resp.StatusCode)
			}
			text := pdfdoctest.Text(t, []byte(pdf))
			pdfdoctest.Legible(t, "register", []byte(pdf))
			for _, want := range []string{"Register van verwerkingsactiviteiten",
				"Verwerkingsverantwoordelijke voor de verwerkingen als verwerker: a.",
				"Huurders- en relatiebeheer", "Accounts van gebruikers", "Bewaartermijn"} {
				if !strings.Contains(strings.Join(strings.Fields(text), " "), want) {
					t.Errorf("the PDF lacks %q", want)
				}
			}
			// Organisation B's owner cannot read A's register; a member is not staff.
			b := newClient(t, e.URL())
			_, bpw := createUser(t, e, "b", "lid@b.nl", account.Owner)
			b.login("lid@b.nl", bpw)
			if resp, _ := b.do("GET", "/o/a/privacy/register", nil); resp.StatusCode == 200 {
				t.Error("another organisation's member read A's register")
			}
			if resp, _ := c.do("GET", "/console/privacy/register", nil); resp.StatusCode == 200 {
				t.Error("a member read the console's register")
			}
			staff := staffClient(t, e, clk)
			body = mustBody(t, staff, "/console/privacy/register")
			if !strings.Contains(body, `id="register-customers"`) || !strings.Contains(body, "<li>a</li>") ||
				!strings.Contains(body, "<li>b</li>") || !strings.Contains(body, `id="activity-accounts"`) {
				t.Errorf("the console's register: %.3000s", body)
			}
		})
	}
}

// The register in Chromium, from the privacy settings, at 1280 and 390 px.
func TestProcessingRegisterBrowser(t *testing.T) {
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))})
	_, pw := createUser(t, e, "a", "eigenaar@a.nl", account.Owner)
	for _, width := range []struct {
		name string
		new  func(testing.TB) *browsertest.Browser
	}{{"1280px", browsertest.New}, {"390px", browsertest.NewMobile}} {
		t.Run(width.name, func(t *testing.T) {
			b := width.new(t)
			browserLogin(t, b, e.URL(), "eigenaar@a.nl", pw)
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/privacy/settings"), chromedp.Click(css("#privacy-register-link")),
				chromedp.WaitVisible(css("#activity-tenants")))
			title := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector("h1").innerText`))
			over := browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`))
			if title != "Register van verwerkingsactiviteiten" || over {
				t.Errorf("title %q, scrolls sideways: %v", title, over)
			}
			shot(t, b, "privacy-register-"+width.name)
		})
	}
}
