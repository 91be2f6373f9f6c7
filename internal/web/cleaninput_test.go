package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/mail/mailtest"
)

// Clean input at the web forms (hardening issue, "clean input"): a NUL in a
// complex's name (a 500 on PostgreSQL, stored on SQLite before), a
// right-to-left override in its city, bytes that are not UTF-8 and a
// newline in a one-line field are refused with a 422 page that names the
// field in words, does not show the value, and stores nothing; a search
// with a NUL is refused too. A newline in a textarea is kept.
func TestWebFormsRefuseNULBidiAndBrokenUTF8(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clocktest.Fixed()})
			_, pw := createUser(t, e, "a", "owner@a.nl", account.Owner)
			c := newClient(t, e.URL())
			c.login("owner@a.nl", pw)
			good := url.Values{"name": {"Hof"}, "street": {"Parklaan"}, "house_number": {"1"}, "postcode": {"3511aa"}, "city": {"Utrecht"}}
			for _, bad := range []struct{ field, value, words string }{
				{"name", "Ho\x00f-GEHEIM", "Naam"},
				{"city", "Utrecht\u202eGEHEIM", "city"},
				{"street", "Park\xfflaan-GEHEIM", "street"},
				{"name", "Hof\nGEHEIM", "Naam"},
			} {
				form := url.Values{}
				for k, v := range good {
					form[k] = v
				}
				form.Set(bad.field, bad.value)
				resp, body := c.do("POST", "/o/a/complexes", form)
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="error-message"`) ||
					!strings.Contains(body, "niet horen") || !strings.Contains(body, bad.words) || strings.Contains(body, "GEHEIM") {
					t.Errorf("%s = %q: %d %.1500s", bad.field, bad.value, resp.StatusCode, body)
				}
			}
			if resp, _ := c.do("GET", "/o/a/complexes?q=a%00b", nil); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("search with a NUL: %d", resp.StatusCode)
			}
			if _, body := c.do("GET", "/o/a/complexes", nil); strings.Contains(body, "Parklaan") {
				t.Fatal("a refused complex was stored")
			}
			// A textarea keeps its lines.
			settings := url.Values{"landlord_name": {"Verhuur BV"}, "landlord_address": {"Parklaan 1\r\n3511 AA Utrecht"}, "meldpunt": {"Meldpunt"},
				"deposit_return_days": {"14"}, "deposit_deduction_days": {"30"}}
			if resp, body := c.do("POST", "/o/a/leases/settings", settings); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("lease settings with a two-line address: %d %.1500s", resp.StatusCode, body)
			}
			settings.Set("landlord_address", "Parklaan 1\x00")
			if resp, _ := c.do("POST", "/o/a/leases/settings", settings); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("lease settings with a NUL: %d", resp.StatusCode)
			}
		})
	}
}

// CSV export defuses formulas without turning negative amounts into text
// (hardening issue, "clean input"): a payment of € 12,50 on a lease with
// nothing charged leaves a balance of -12,50, which the statement CSV
// writes as the number -12,50 (before: '-12,50, text a spreadsheet does
// not add up), while the payment's reference "=HYPERLINK(…)" and
// "-2+3+cmd|…" get an apostrophe.
func TestCSVExportKeepsNegativeAmountsNumbers(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	f := newLeaseFixture(t, e, "a")
	l := financeLease(t, e, f)
	for _, ref := range []string{`=HYPERLINK("http://x")`, "-2+3+cmd|' /C calc'!A0"} {
		if _, err := e.Ledger.RecordPayment(context.Background(), f.owner, ledger.PaymentInput{LeaseID: l, Date: civil.New(2026, time.March, 10),
			Amount: 625, Method: ledger.Transfer, Reference: ref}); err != nil {
			t.Fatal(err)
		}
	}
	c := newClient(t, e.URL())
	c.login(f.email, f.pw)
	resp, body := c.do("GET", fmt.Sprintf("/o/a/finance/leases/%d?from=2026-03-01&to=2026-03-31&format=csv", l), nil)
	if resp.StatusCode != 200 || !strings.Contains(body, ";-6,25\r\n") && !strings.Contains(body, ";-6,25\n") ||
		!strings.Contains(body, ";-12,50\n") || strings.Contains(body, "'-12,50") {
		t.Fatalf("negative balance in the CSV: %d %q", resp.StatusCode, body)
	}
	if !strings.Contains(body, `"'=HYPERLINK(""http://x"")"`) || !strings.Contains(body, `;'-2+3+cmd|' /C calc'!A0;`) {
		t.Fatalf("formula cells not defused: %q", body)
	}
}

// Staff reading the outbox see reset links masked (hardening issue, "clean
// input"): after a password reset is asked for, the console's outbox shows
// the mail and its /password/reset link without the token the user got, so
// staff cannot take over the account with it.
func TestOutboxMasksResetLinks(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	createUser(t, e, "a", "pim@a.nl", account.Owner)
	if resp, _ := newClient(t, e.URL()).do("POST", "/password/forgot", url.Values{"email": {"pim@a.nl"}}); resp.StatusCode >= 400 {
		t.Fatalf("forgot: %d", resp.StatusCode)
	}
	link, err := url.Parse(mailtest.FirstURL(e.Mail.WaitFor(t, "pim@a.nl", 10*time.Second).Text))
	if err != nil || link.Query().Get("token") == "" {
		t.Fatalf("reset link: %v %v", link, err)
	}
	token := link.Query().Get("token")

	ctx := context.Background()
	pw, id, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{Email: "staff@hms.example", Staff: true})
	if err != nil {
		t.Fatal(err)
	}
	setup, _ := e.Accounts.StartTOTP(ctx, id)
	code, _ := totp.GenerateCode(setup.Secret, clk.Now())
	if _, err := e.Accounts.EnableTOTP(ctx, id, setup.Secret, code); err != nil {
		t.Fatal(err)
	}
	clk.Advance(30 * time.Second)
	staff := newClient(t, e.URL())
	staff.login("staff@hms.example", pw)
	code, _ = totp.GenerateCode(setup.Secret, clk.Now())
	if resp, body := staff.do("POST", "/login/code", url.Values{"code": {code}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second factor: %d %s", resp.StatusCode, body)
	}
	resp, body := staff.do("GET", "/console/outbox", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "/password/reset?token=…") {
		t.Fatalf("outbox: %d %.3000s", resp.StatusCode, body)
	}
	if strings.Contains(body, token) || strings.Contains(body, url.QueryEscape(token)) {
		t.Fatal("the outbox shows the reset token to staff")
	}
}
