package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/mail/mailtest"
	"hms/internal/privacy/requests"
)

// A person asks on the website for access to the data of their own HMS
// account (HMS is controller), confirms with the mailed code, staff answer
// it in the console, and the link in the person's mail downloads a zip
// with the account's report, JSON and CSV, once (PRIVACY.md P20). At 1280 px
// on both engines and at 390 px.
func TestAccountRequestBrowser(t *testing.T) {
	type run struct {
		engine db.Dialect
		mobile bool
	}
	var runs []run
	for _, engine := range dbtest.Engines() {
		runs = append(runs, run{engine: engine})
	}
	runs = append(runs, run{engine: db.SQLite, mobile: true})
	for _, rn := range runs {
		size := map[bool]string{false: "1280", true: "390"}[rn.mobile]
		t.Run(string(rn.engine)+"-"+size, func(t *testing.T) {
			ctx := context.Background()
			clk := clocktest.Fixed()
			e := apptest.Start(t, rn.engine, apptest.Options{Clock: clk})
			if _, _, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "vandam", OrgName: "Verhuur Van Dam",
				Email: "eva@vandam.example", Name: "Eva van Dam", Role: account.Owner}); err != nil {
				t.Fatal(err)
			}
			email, pw, secret := createStaff(t, e, clk)
			b := browsertest.New(t)
			if rn.mobile {
				b = browsertest.NewMobile(t)
			}
			narrow := func(page string) {
				t.Helper()
				if browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
					t.Fatalf("%s is wider than the screen at %s px", page, size)
				}
			}

			// The person: the website's form, about their HMS account.
			b.Run(t, chromedp.Navigate(e.URL()+"/privacy/verzoek"), chromedp.WaitVisible(css("#sr-submit")),
				chromedp.SetValue(css("#f-kind"), "access"), chromedp.Click(css("#about-account")),
				chromedp.SendKeys(css("#f-name"), "Eva van Dam"), chromedp.SendKeys(css("#f-email"), "eva@vandam.example"),
				chromedp.Click(css("#sr-submit")), chromedp.WaitVisible(css("#sr-code-form")))
			m := e.Mail.WaitFor(t, "eva@vandam.example", 10*time.Second)
			code := regexp.MustCompile(`\b\d{6}\b`).FindString(m.Text)
			if code == "" {
				t.Fatalf("no code in %q", m.Text)
			}
			b.Run(t, chromedp.SendKeys(css("#f-code"), code), chromedp.Click(css("#sr-code-submit")),
				chromedp.WaitVisible(css("#sr-verified")))
			list, err := e.Requests.List(ctx, requests.Staff(1), requests.Filter{})
			if err != nil || len(list) != 1 || list[0].State != requests.InProgress {
				t.Fatalf("the console's list: %+v %v", list, err)
			}

			// Staff: signed in with the second factor, the request in the
			// console, the account's data sent.
			clk.Advance(30 * time.Second)
			totpCode, _ := totp.GenerateCode(secret, clk.Now())
			b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
				chromedp.SendKeys(css("input[name=email]"), email), chromedp.SendKeys(css("input[name=password]"), pw),
				chromedp.Submit(css("input[name=password]")), chromedp.WaitVisible(css("input[name=code]")),
				chromedp.SendKeys(css("input[name=code]"), totpCode), chromedp.Submit(css("input[name=code]")),
				chromedp.WaitReady(css("#nav-account")))
			b.Run(t, chromedp.Navigate(e.URL()+"/console/privacy/requests"), chromedp.WaitVisible(css("#sr-list")))
			if got := b.Text(t, "#sr-list"); !strings.Contains(got, "Eva van Dam") {
				t.Fatalf("console list: %q", got)
			}
			b.Run(t, chromedp.Click(css(".sr-link")), chromedp.WaitVisible(css("#sr-account")))
			narrow("the console's request")
			shot(t, b, "account-request-"+size)
			b.Run(t, chromedp.Click(css("#sr-account-submit")), chromedp.WaitVisible(css("#sr-outcome")))
			if got := b.Text(t, "#sr-state"); got != "Afgehandeld" {
				t.Fatalf("state after the export: %q", got)
			}

			// The person's mail: the link downloads the zip once.
			link := mailtest.FirstURL(e.Mail.WaitFor(t, "eva@vandam.example", 10*time.Second).Text)
			if !strings.Contains(link, "/privacy/verzoek/download?token=") {
				t.Fatalf("download link %q", link)
			}
			resp, err := http.Get(link)
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
				t.Fatalf("download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			files := map[string]string{}
			for _, f := range zr.File {
				rc, _ := f.Open()
				body, _ := io.ReadAll(rc)
				rc.Close()
				files[f.Name] = string(body)
			}
			for name, want := range map[string]string{
				"report.html":                 "Eva van Dam",
				"json/account.json":           "eva@vandam.example",
				"csv/account.memberships.csv": "Verhuur Van Dam",
				"csv/account.requests.csv":    "Inzage",
			} {
				if !strings.Contains(files[name], want) {
					t.Errorf("%s does not hold %q", name, want)
				}
			}
			if !strings.Contains(files["report.html"], "Uitvoering van de overeenkomst met de klant") {
				t.Error("the report does not give the register's legal basis")
			}
			if resp, err := http.Get(link); err != nil || resp.StatusCode != http.StatusGone {
				t.Fatalf("second download: %v %v", resp.StatusCode, err)
			}

			// A rectification proposing English: the console shows it in
			// words, preselected, and approving it switches the account.
			sub, err := e.Requests.Submit(ctx, requests.SubmitInput{Kind: requests.Rectification, About: requests.AboutAccount,
				Name: "Eva van Dam", Email: "eva@vandam.example", Proposed: map[string]string{"language": "en"}, Lang: "nl"})
			if err != nil {
				t.Fatal(err)
			}
			code = regexp.MustCompile(`\b\d{6}\b`).FindString(e.Mail.WaitFor(t, "eva@vandam.example", 10*time.Second).Text)
			if err := e.Requests.Verify(ctx, sub.Token, code); err != nil {
				t.Fatal(err)
			}
			list, err = e.Requests.List(ctx, requests.Staff(1), requests.Filter{})
			if err != nil || len(list) != 2 {
				t.Fatalf("the console's list: %+v %v", list, err)
			}
			rc := list[0]
			if rc.Kind != requests.Rectification {
				rc = list[1]
			}
			b.Run(t, chromedp.Navigate(e.URL()+"/console/privacy/requests/"+strconv.FormatInt(rc.ID, 10)),
				chromedp.WaitVisible(css("#f-language")))
			narrow("the console's rectification")
			if got := b.Text(t, "#sr-change-language"); !strings.Contains(got, "Engels") || strings.Contains(got, "en\n") {
				t.Fatalf("the proposed language: %q", got)
			}
			if got := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector("#f-language").value`)); got != "en" {
				t.Fatalf("preselected language %q", got)
			}
			b.Run(t, chromedp.Click(css("#sr-account-submit")), chromedp.WaitVisible(css("#sr-outcome")))
			uid, err := e.Accounts.UserByEmail(ctx, "eva@vandam.example")
			if err != nil {
				t.Fatal(err)
			}
			if u, err := e.Accounts.User(ctx, uid); err != nil || u.Lang != "en" {
				t.Fatalf("after the approval: %+v %v", u, err)
			}
		})
	}
}
