package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/dbtest"
)

// The bank page over HTTP: a wrong IBAN and Incassant-ID are named at their
// fields and store nothing; a Dutch IBAN gets its BIC; an account is
// changed and archived; a viewer sees the page but cannot change it.
func TestBankPage(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{})
			f := newLeaseFixture(t, e, "a")
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			resp, body := c.do("POST", "/o/a/finance/bank/accounts", url.Values{"iban": {"NL91ABNA0417164301"}, "name": {""}, "purpose": {"rent"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-iban"`) || !strings.Contains(body,
				`id="err-name"`) {
				t.Fatalf("bad account: %d %.3000s", resp.StatusCode, body)
			}
			if body := mustBody(t, c, "/o/a/finance/bank"); strings.Contains(body, `class="bank-account`) {
				t.Fatalf("a refused account is listed")
			}
			resp, _ = c.do("POST", "/o/a/finance/bank/accounts", url.Values{"iban": {"nl91abna0417164300"}, "name": {"Vastgoed A"},
				"purpose": {"rent"}, "direct_debit_version": {"pain.008.001.02"}, "transfer_version": {"pain.001.001.03"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("add: %d", resp.StatusCode)
			}
			body = mustBody(t, c, "/o/a/finance/bank")
			if !strings.Contains(body, "NL91 ABNA 0417 1643 00") || !strings.Contains(body, "ABNANL2A") || !strings.Contains(body, "Huur") {
				t.Fatalf("list: %.4000s", body)
			}
			link := regexp.MustCompile(`href="(/o/a/finance/bank/accounts/\d+)"`).FindStringSubmatch(body)
			if link == nil {
				t.Fatal("no link to the account")
			}
			resp, _ = c.do("POST", link[1], url.Values{"iban": {"NL91ABNA0417164300"}, "name": {"Vastgoed A"}, "purpose": {"deposits"},
				"direct_debit_version": {"pain.008.001.08"}, "transfer_version": {"pain.001.001.09"}, "archived": {"1"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("change: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, "/o/a/finance/bank"); !strings.Contains(body, "Waarborgsommen") || !strings.Contains(body, "Gearchiveerd") {
				t.Fatalf("after the change: %.4000s", body)
			}
			resp, body = c.do("POST", "/o/a/finance/bank/settings", url.Values{"creditor_id": {"NL52ZZZ405365330000"}, "prenotice_days": {"0"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-creditor_id"`) ||
				!strings.Contains(body, `id="err-prenotice_days"`) {
				t.Fatalf("bad settings: %d %.3000s", resp.StatusCode, body)
			}
			resp, _ = c.do("POST", "/o/a/finance/bank/settings", url.Values{"creditor_id": {"NL51ZZZ405365330000"}, "prenotice_days": {"14"},
				"lead_business_days": {"2"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("settings: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, "/o/a/finance/bank"); !strings.Contains(body, `value="NL51ZZZ405365330000"`) {
				t.Fatalf("settings not shown: %.4000s", body)
			}
			_, pw := createUser(t, e, "a", "viewer@a.nl", account.Viewer)
			v := newClient(t, e.URL())
			v.login("viewer@a.nl", pw)
			if body := mustBody(t, v, "/o/a/finance/bank"); !strings.Contains(body, "<fieldset disabled") || strings.Contains(body,
				"add-account-form") {
				t.Fatalf("viewer: %.4000s", body)
			}
			if resp, _ := v.do("POST", "/o/a/finance/bank/settings", url.Values{"creditor_id": {""}}); resp.StatusCode != http.StatusForbidden {
				t.Fatalf("viewer saves settings: %d", resp.StatusCode)
			}
		})
	}
}

// The bank page in Chromium at 1280 and 390 px: add an account (its BIC
// filled in) and save the Incassant-ID.
func TestBankBrowser(t *testing.T) {
	for _, mobile := range []bool{false, true} {
		t.Run(fmt.Sprint(map[bool]string{false: "1280", true: "390"}[mobile]), func(t *testing.T) {
			e := apptest.Start(t, "sqlite", apptest.Options{})
			f := newLeaseFixture(t, e, "a")
			b := browsertest.New(t)
			if mobile {
				b = browsertest.NewMobile(t)
			}
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/finance/bank"), chromedp.WaitVisible(css("#add-account summary")),
				chromedp.Click(css("#add-account summary")), chromedp.WaitVisible(css("#account-iban")),
				chromedp.SendKeys(css("#account-iban"), "NL86 INGB 0002 4455 88"), chromedp.SendKeys(css("#account-name"), "Vastgoed A"),
				chromedp.Click(css("#add-account-submit")), chromedp.WaitVisible(css(".bank-account")))
			if got := b.Text(t, ".bank-account td:nth-child(2)"); got != "INGBNL2A" {
				t.Fatalf("BIC %q", got)
			}
			b.Run(t, chromedp.SendKeys(css("#settings-creditor-id"), "NL51ZZZ405365330000"), chromedp.Click(css("#bank-settings-submit")),
				chromedp.WaitVisible(css(".flash")))
			shot(t, b, "bank-"+map[bool]string{false: "1280", true: "390"}[mobile])
		})
	}
}
