package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/dbtest"
	"hms/internal/privacy"
)

// The breach register's pages (P16): a member of an organisation, even
// its owner, is refused every breach route; staff see a breach recorded
// through the service in the list with its clock, and the public privacy
// page and the console show the register of recipients.
func TestBreachPagesAreStaffOnly(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clocktest.Fixed()
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			id, err := e.Privacy.RecordBreach(context.Background(), 1, privacy.BreachInput{DiscoveredAt: clk.Now().Add(-80 * time.Hour),
				Description: "Verloren usb-stick"})
			if err != nil {
				t.Fatal(err)
			}
			_, pw := createUser(t, e, "a", "owner@a.nl", account.Owner)
			owner := newClient(t, e.URL())
			owner.login("owner@a.nl", pw)
			for _, rt := range e.Web.Routes() {
				if !strings.HasPrefix(rt.Pattern, "/console/privacy/breaches") {
					continue
				}
				path := strings.ReplaceAll(rt.Pattern, "{id}", "1")
				var form url.Values
				if rt.Method == "POST" {
					form = url.Values{"risk": {"low"}, "reason": {"x"}, "description": {"x"}}
				}
				if resp, _ := owner.do(rt.Method, path, form); resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusSeeOther {
					t.Errorf("%s %s as an owner: %d", rt.Method, path, resp.StatusCode)
				}
			}
			if b, _ := e.Privacy.Breach(context.Background(), id); b.State != privacy.BreachOpen {
				t.Errorf("an owner changed the breach: %+v", b)
			}
			staff := staffClient(t, e, clk)
			body := mustBody(t, staff, "/console/privacy/breaches")
			if !strings.Contains(body, "Verloren usb-stick") || !strings.Contains(body, `class="overdue"`) {
				t.Errorf("the list lacks the overdue breach: %.3000s", body)
			}
			if body := mustBody(t, staff, "/console"); !strings.Contains(body, `id="recipients-table"`) || !strings.Contains(body, "Nederland") {
				t.Errorf("the console lacks the recipients: %.3000s", body)
			}
			public := newClient(t, e.URL())
			if body := mustBody(t, public, "/privacy"); !strings.Contains(body, `id="recipients-table"`) ||
				!strings.Contains(body, "Binnen de Europese Economische Ruimte") {
				t.Errorf("the privacy page lacks the recipients: %.3000s", body)
			}
		})
	}
}

// Recording and assessing a breach in Chromium, on a desktop and a phone:
// the form's errors are shown at the fields, the breach page shows the
// 72-hour deadline, and a low risk without a reason is refused.
func TestBreachBrowser(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clocktest.Fixed()
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			email, pw, secret := createStaff(t, e, clk)
			for _, width := range []struct {
				name string
				new  func(testing.TB) *browsertest.Browser
			}{{"1280px", browsertest.New}, {"390px", browsertest.NewMobile}} {
				t.Run(width.name, func(t *testing.T) {
					b := width.new(t)
					clk.Advance(30 * time.Second)
					code, _ := totp.GenerateCode(secret, clk.Now())
					b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
						chromedp.Click(css(`.lang-switch button[value="nl"]`)), chromedp.WaitVisible(css(`html[lang="nl"] body`)))
					b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
						chromedp.SendKeys(css("input[name=email]"), email), chromedp.SendKeys(css("input[name=password]"), pw),
						chromedp.Submit(css("input[name=password]")), chromedp.WaitVisible(css("input[name=code]")),
						chromedp.SendKeys(css("input[name=code]"), code), chromedp.Submit(css("input[name=code]")),
						chromedp.WaitReady(css("#nav-account")))
					b.Run(t, chromedp.Navigate(e.URL()+"/console"), chromedp.Click(css("#console-breaches")),
						chromedp.WaitVisible(css("#breach-new")), chromedp.Click(css("#breach-new")),
						chromedp.WaitVisible(css("#breach-form")), chromedp.Click(css("#breach-save")),
						chromedp.WaitVisible(css("#err-description")))
					if msg := b.Text(t, "#err-discovered_at"); !strings.Contains(msg, "ontdekt") {
						t.Errorf("discovery error: %q", msg)
					}
					found := clk.Now().Add(-2 * time.Hour).In(clock.Amsterdam).Format("2006-01-02T15:04")
					desc := "Mail met huurlijst verkeerd verstuurd " + width.name
					b.Run(t, chromedp.SetValue(css("#f-discovered_at"), found),
						chromedp.SendKeys(css("#f-description"), desc), chromedp.SendKeys(css("#f-categories"), "namen, adressen"),
						chromedp.SendKeys(css("#f-subjects"), "12"), chromedp.Click(css("#breach-save")),
						chromedp.WaitVisible(css("#breach-assess")))
					if st := b.Text(t, "#breach-state"); st != "Open" {
						t.Errorf("state %q", st)
					}
					if c := b.Text(t, "#breach-clock"); !strings.Contains(c, "Melden vóór") {
						t.Errorf("clock %q", c)
					}
					b.Run(t, chromedp.Click(css("#risk-low")), chromedp.Click(css("#breach-assess-save")),
						chromedp.WaitVisible(css("#err-reason")))
					b.Run(t, chromedp.Click(css("#risk-risk")), chromedp.Click(css("#breach-assess-save")),
						chromedp.WaitVisible(css("#breach-ap")))
					if st := b.Text(t, "#breach-state"); st != "Beoordeeld" {
						t.Errorf("state after the assessment %q", st)
					}
					if browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
						t.Errorf("the breach page scrolls sideways at %s", width.name)
					}
					b.Run(t, chromedp.Click(css("#breaches-back")), chromedp.WaitVisible(css("#breaches")))
					if list := b.Text(t, "#breaches"); !strings.Contains(list, desc) || !strings.Contains(list, "Risico") {
						t.Errorf("list: %q", list)
					}
					// The refused form answers 422; anything refused by the
					// content security policy is a fault of the pages.
					for _, msg := range b.ConsoleErrors() {
						if strings.Contains(msg, "Content Security Policy") {
							t.Errorf("browser console: %s", msg)
						}
					}
				})
			}
		})
	}
}

// createStaff makes a staff member with a second factor; it returns the
// e-mail, password and TOTP secret.
func createStaff(t *testing.T, e *apptest.Env, clk *clock.Fixed) (string, string, string) {
	t.Helper()
	ctx := context.Background()
	const email = "staff-browser@hms.example"
	pw, id, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{Email: email, Staff: true})
	if err != nil {
		t.Fatal(err)
	}
	setup, _ := e.Accounts.StartTOTP(ctx, id)
	code, _ := totp.GenerateCode(setup.Secret, clk.Now())
	if _, err := e.Accounts.EnableTOTP(ctx, id, setup.Secret, code); err != nil {
		t.Fatal(err)
	}
	return email, pw, setup.Secret
}
