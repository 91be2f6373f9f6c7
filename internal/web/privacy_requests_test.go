package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
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
	"hms/internal/relation"
)

// The subject-request process end to end in Chromium (PRIVACY.md P20,
// P21): a tenant asks on the website for access to the data their landlord
// keeps, confirms with the code from the e-mail, the landlord finds the
// request in the inbox, picks the person and sends the export, and the link
// in the tenant's mail downloads a zip with the tenant's name, once. At
// 1280 px on both engines and at 390 px.
func TestSubjectRequestBrowser(t *testing.T) {
	srRuns(t, func(t *testing.T, sr *srBrowser) {
		{
			ctx, e, b, owner := context.Background(), sr.e, sr.b, sr.owner
			narrow := func(page string) { t.Helper(); sr.narrow(t, page) }
			person, err := e.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Wilhelmina", Surname: "Wisvelt",
				Email: "wisvelt@voorbeeld.nl"})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []string{"Anna", "Bram", "Carla"} {
				if _, err := e.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: n, Surname: "Jansen"}); err != nil {
					t.Fatal(err)
				}
			}
			name := "sr-" + sr.size + "-"

			// The English form is English whatever the browser asks for.
			b.Run(t, chromedp.Navigate(e.URL()+"/en/privacy/request"), chromedp.WaitVisible(css("#sr-submit")))
			if got := b.Text(t, "main h1"); got != "Privacy request" {
				t.Fatalf("English form: %q", got)
			}
			narrow("the English form")

			// The Dutch form: errors at the fields first.
			b.Run(t, chromedp.Navigate(e.URL()+"/privacy/verzoek"), chromedp.WaitVisible(css("#sr-submit")),
				chromedp.Click(css("#sr-submit")), chromedp.WaitVisible(css("#err-kind")))
			if got := b.Text(t, "#err-email"); !strings.Contains(got, "e-mailadres") {
				t.Fatalf("e-mail error: %q", got)
			}
			narrow("the form with errors")
			shot(t, b, name+"form-errors")
			sr.ask(t, "access", "Wilhelmina Wisvelt", "wisvelt@voorbeeld.nl", name)
			if c := b.Cookies(t); len(c) != 0 {
				t.Fatalf("the anonymous requester got cookies: %v", c)
			}
			shot(t, b, name+"verified")

			// The landlord: inbox, request, the person picked, the export sent.
			sr.login(t)
			b.Run(t, chromedp.Navigate(e.URL()+"/o/vandam/relations"), chromedp.Click(css("#privacy-requests-link")),
				chromedp.WaitVisible(css("#sr-list")))
			if got := b.Text(t, "#sr-list"); !strings.Contains(got, "Wilhelmina Wisvelt") || !strings.Contains(got, "In behandeling") {
				t.Fatalf("inbox: %q", got)
			}
			narrow("the inbox")
			shot(t, b, name+"inbox")
			b.Run(t, chromedp.Click(css(".sr-link")), chromedp.WaitVisible(css("#sr-answer")))
			narrow("the request")
			shot(t, b, name+"request")
			b.Run(t, chromedp.Click(css("#sr-answer-submit")), chromedp.WaitVisible(css("#err-person")))
			b.Run(t, chromedp.Click(css(fmt.Sprintf(`input[name=person][value="%d"]`, person))),
				chromedp.Click(css("#sr-answer-submit")), chromedp.WaitVisible(css("#sr-outcome")))
			if got := b.Text(t, "#sr-state"); got != "Afgehandeld" {
				t.Fatalf("state after the export: %q", got)
			}
			if got := b.Text(t, "#sr-person-link"); !strings.Contains(got, "Wisvelt") {
				t.Fatalf("the person: %q", got)
			}
			shot(t, b, name+"done")

			// The requester's mail: the link downloads the zip once.
			link := mailtest.FirstURL(e.Mail.WaitFor(t, "wisvelt@voorbeeld.nl", 10*time.Second).Text)
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
			found := false
			for _, f := range zr.File {
				rc, _ := f.Open()
				body, _ := io.ReadAll(rc)
				rc.Close()
				found = found || bytes.Contains(body, []byte("Wisvelt"))
			}
			if !found {
				t.Fatal("the zip does not hold the person's name")
			}
			if resp, err := http.Get(link); err != nil || resp.StatusCode != http.StatusGone {
				t.Fatalf("second download: %v %v", resp.StatusCode, err)
			}
		}
	})
}

// Staff see HMS's own requests in the console, overdue first, and forward
// one to the organisation that is controller; the console then says it is
// with the landlord and offers no answer of its own.
func TestSubjectRequestConsole(t *testing.T) {
	clk := clocktest.Fixed()
	e := apptest.Start(t, db.SQLite, apptest.Options{Clock: clk})
	ctx := context.Background()
	createUser(t, e, "a", "owner@a.nl", account.Owner)
	pw, id, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{Email: "staff@hms.nl", Staff: true})
	if err != nil {
		t.Fatal(err)
	}
	setup, _ := e.Accounts.StartTOTP(ctx, id)
	code, _ := totp.GenerateCode(setup.Secret, clk.Now())
	if _, err := e.Accounts.EnableTOTP(ctx, id, setup.Secret, code); err != nil {
		t.Fatal(err)
	}
	clk.Advance(30 * time.Second)
	c := newClient(t, e.URL())
	c.login("staff@hms.nl", pw)
	code, _ = totp.GenerateCode(setup.Secret, clk.Now())
	if resp, body := c.do("POST", "/login/code", url.Values{"code": {code}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second factor: %d %s", resp.StatusCode, body)
	}
	if _, err := e.Requests.Submit(ctx, requests.SubmitInput{Kind: requests.Erasure, About: requests.AboutLandlord,
		Landlord: "Onbekend Beheer", Name: "Piet Puk", Email: "piet@voorbeeld.nl"}); err != nil {
		t.Fatal(err)
	}
	list, err := e.Requests.List(ctx, requests.Staff(id), requests.Filter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("console list: %v %v", list, err)
	}
	if err := e.Requests.VerifyManually(ctx, requests.Staff(id), list[0].ID, "gebeld en adres bevestigd"); err != nil {
		t.Fatal(err)
	}
	resp, body := c.do("GET", "/console/privacy/requests", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, "Piet Puk") {
		t.Fatalf("console list page: %d", resp.StatusCode)
	}
	page := fmt.Sprintf("/console/privacy/requests/%d", list[0].ID)
	if resp, body = c.do("GET", page, nil); resp.StatusCode != 200 || !strings.Contains(body, `id="sr-forward"`) {
		t.Fatalf("console request page: %d", resp.StatusCode)
	}
	if resp, body = c.do("POST", page+"/forward", url.Values{"org": {""}}); resp.StatusCode != 422 ||
		!strings.Contains(body, `id="err-org"`) {
		t.Fatalf("forward without an organisation: %d", resp.StatusCode)
	}
	org, _ := e.Accounts.OrgBySlug(ctx, "a")
	if resp, _ = c.do("POST", page+"/forward", url.Values{"org": {fmt.Sprint(org.ID)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("forward: %d", resp.StatusCode)
	}
	if resp, body = c.do("GET", page, nil); resp.StatusCode != 200 || !strings.Contains(body, `id="sr-forwarded"`) ||
		strings.Contains(body, `id="sr-forward"`) || strings.Contains(body, `id="sr-complete"`) {
		t.Fatalf("after forwarding: %d", resp.StatusCode)
	}
}

// srBrowser is a subject-request browser test's world: the organisation
// Verhuur Van Dam with its owner, and a browser at one size.
type srBrowser struct {
	e     *apptest.Env
	b     *browsertest.Browser
	owner account.Actor
	pw    string
	size  string
}

// srRuns runs fn at 1280 px on each engine and at 390 px on SQLite.
func srRuns(t *testing.T, fn func(t *testing.T, sr *srBrowser)) {
	type run struct {
		engine db.Dialect
		mobile bool
	}
	runs := []run{}
	for _, engine := range dbtest.Engines() {
		runs = append(runs, run{engine: engine})
	}
	runs = append(runs, run{engine: db.SQLite, mobile: true})
	for _, rn := range runs {
		size := map[bool]string{false: "1280", true: "390"}[rn.mobile]
		t.Run(string(rn.engine)+"-"+size, func(t *testing.T) { fn(t, srStart(t, rn.engine, rn.mobile)) })
	}
}

// srStart starts Verhuur Van Dam on engine and a browser (390 px when mobile).
func srStart(t *testing.T, engine db.Dialect, mobile bool) *srBrowser {
	t.Helper()
	ctx := context.Background()
	e := apptest.Start(t, engine, apptest.Options{Clock: clocktest.Fixed()})
	pw, uid, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "vandam", OrgName: "Verhuur Van Dam",
		Email: "eva@vandam.example", Role: account.Owner})
	if err != nil {
		t.Fatal(err)
	}
	owner, _ := e.Accounts.ActorFor(ctx, uid, "vandam")
	if err := e.Privacy.AcceptProcessorAgreement(ctx, owner, e.Privacy.Current().Version); err != nil {
		t.Fatal(err)
	}
	sr := &srBrowser{e: e, owner: owner, pw: pw, size: map[bool]string{false: "1280", true: "390"}[mobile]}
	if mobile {
		sr.b = browsertest.NewMobile(t)
	} else {
		sr.b = browsertest.New(t)
	}
	return sr
}

// narrow fails when the page scrolls sideways.
func (sr *srBrowser) narrow(t *testing.T, page string) {
	t.Helper()
	if browsertest.Get(t, sr.b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
		t.Fatalf("%s is wider than the screen at %s px", page, sr.size)
	}
}

// ask sends a request of kind about Verhuur Van Dam on the Dutch website
// (more fills further fields before it is sent) and confirms it with the
// mailed code; shotName prefixes the code form's screenshot.
func (sr *srBrowser) ask(t *testing.T, kind, name, email, shotName string, more ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	b := sr.b
	b.Run(t, chromedp.Navigate(sr.e.URL()+"/privacy/verzoek"), chromedp.WaitVisible(css("#sr-submit")))
	fill := []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(css("#f-kind"), kind),
		chromedp.Click(css("#about-landlord")),
		chromedp.SendKeys(css("#f-landlord"), "verhuur van dam"),
		chromedp.SendKeys(css("#f-name"), name),
		chromedp.SendKeys(css("#f-email"), email),
	}
	fill = append(append(fill, more...), chromedp.Click(css("#sr-submit")), chromedp.WaitVisible(css("#sr-code-form")))
	b.Run(t, fill...)
	sr.narrow(t, "the code form")
	shot(t, b, shotName+"code")
	m := sr.e.Mail.WaitFor(t, email, 10*time.Second)
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(m.Text)
	if code == "" {
		t.Fatalf("no code in %q", m.Text)
	}
	b.Run(t, chromedp.SendKeys(css("#f-code"), code), chromedp.Click(css("#sr-code-submit")),
		chromedp.WaitVisible(css("#sr-verified")))
}

// login signs the owner in.
func (sr *srBrowser) login(t *testing.T) {
	t.Helper()
	sr.b.Run(t, chromedp.Navigate(sr.e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
		chromedp.SendKeys(css("input[name=email]"), "eva@vandam.example"), chromedp.SendKeys(css("input[name=password]"), sr.pw),
		chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))
}

// Erasure, rectification and restriction end to end in Chromium: each
// requester asks on the website and confirms with the code; the owner
// erases the first (a person without leases or open items) and the
// requester gets the receipt, approves the second's proposed e-mail and
// phone (the person's page shows them, the requester is mailed what
// changed) and restricts the third from the request (the person's page
// shows the restriction).
func TestSubjectRightsBrowser(t *testing.T) {
	srRuns(t, func(t *testing.T, sr *srBrowser) {
		ctx, e, b := context.Background(), sr.e, sr.b
		people := map[string]int64{}
		for _, p := range []relation.PersonInput{{FirstNames: "Eef", Surname: "Wissel"}, {FirstNames: "Rik", Surname: "Recht",
			Email: "rik@oud.nl"}, {FirstNames: "Bea", Surname: "Beperkt"}} {
			id, err := e.Relations.CreatePerson(ctx, sr.owner, p)
			if err != nil {
				t.Fatal(err)
			}
			people[p.Surname] = id
		}
		name := "rect-" + sr.size + "-"
		sr.ask(t, "erasure", "Eef Wissel", "eef@voorbeeld.nl", name+"erasure-")
		sr.ask(t, "rectification", "Rik Recht", "rik@voorbeeld.nl", name+"rectification-",
			chromedp.SendKeys(css("#f-proposed_email"), "rik@nieuw.nl"), chromedp.SendKeys(css("#f-proposed_phone"), "0612345678"))
		sr.ask(t, "restriction", "Bea Beperkt", "bea@voorbeeld.nl", name+"restriction-")
		list, err := e.Requests.List(ctx, sr.owner, requests.Filter{})
		if err != nil || len(list) != 3 {
			t.Fatalf("inbox: %d %v", len(list), err)
		}
		req := map[requests.Kind]string{}
		for _, r := range list {
			req[r.Kind] = fmt.Sprintf("%s/o/vandam/privacy/requests/%d", e.URL(), r.ID)
		}
		pick := func(surname string) chromedp.Action[chromedp.Void] {
			return chromedp.Click(css(fmt.Sprintf(`input[name=person][value="%d"]`, people[surname])))
		}
		sr.login(t)

		// Erasure: the person erased, the requester gets the receipt.
		b.Run(t, chromedp.Navigate(req[requests.Erasure]), chromedp.WaitVisible(css("#sr-answer")), pick("Wissel"),
			chromedp.Click(css("#sr-answer-submit")), chromedp.WaitVisible(css("#sr-outcome")))
		if got := b.Text(t, "#sr-state"); got != "Afgehandeld" {
			t.Fatalf("state after the erasure: %q", got)
		}
		if m := e.Mail.WaitFor(t, "eef@voorbeeld.nl", 10*time.Second); !strings.Contains(m.Text, "uitgevoerd") {
			t.Fatalf("erasure receipt: %q", m.Text)
		}

		// Rectification: compared, approved, on the person's page, mailed.
		b.Run(t, chromedp.Navigate(req[requests.Rectification]), chromedp.WaitVisible(css("#sr-compare")), pick("Recht"),
			chromedp.Click(css("#sr-compare-submit")), chromedp.WaitVisible(css("#sr-rectify-submit")))
		if old, new := b.Text(t, "#sr-change-email .sr-old"), b.Text(t, "#sr-change-email .sr-new"); old != "rik@oud.nl" ||
			new != "rik@nieuw.nl" {
			t.Fatalf("e-mail now %q, proposed %q", old, new)
		}
		sr.narrow(t, "the proposed change")
		shot(t, b, name+"compare")
		b.Run(t, chromedp.Click(css("#sr-rectify-submit")), chromedp.WaitVisible(css("#sr-outcome")))
		b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/o/vandam/relations/%d", e.URL(), people["Recht"])),
			chromedp.WaitVisible(css("main h1")))
		if got := b.Text(t, "main"); !strings.Contains(got, "rik@nieuw.nl") || !strings.Contains(got, "06") {
			t.Fatalf("the person's page after the approval: %q", got)
		}
		if m := e.Mail.WaitFor(t, "rik@voorbeeld.nl", 10*time.Second); !strings.Contains(m.Text, "rik@nieuw.nl") {
			t.Fatalf("rectification mail: %q", m.Text)
		}

		// Restriction: set from the request, shown on the person's page.
		b.Run(t, chromedp.Navigate(req[requests.Restriction]), chromedp.WaitVisible(css("#sr-person")), pick("Beperkt"))
		sr.narrow(t, "the restriction request")
		shot(t, b, name+"restrict")
		b.Run(t, chromedp.Click(css("#sr-person-submit")), chromedp.WaitVisible(css("#sr-outcome")))
		b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/o/vandam/relations/%d", e.URL(), people["Beperkt"])),
			chromedp.WaitVisible(css("#restricted-flag")))
		if m := e.Mail.WaitFor(t, "bea@voorbeeld.nl", 10*time.Second); !strings.Contains(m.Text, "beperkt") {
			t.Fatalf("restriction mail: %q", m.Text)
		}
	})
}

// An objection end to end in Chromium (SQLite, 1280 px): the person objects
// on the website and confirms with the code, the owner records the
// objection from the request, the person's page shows it pending in the
// requester's words, and the requester is mailed that it was recorded.
func TestSubjectRightsBrowserObjection(t *testing.T) {
	sr := srStart(t, db.SQLite, false)
	ctx, e, b := context.Background(), sr.e, sr.b
	person, err := e.Relations.CreatePerson(ctx, sr.owner, relation.PersonInput{FirstNames: "Otto", Surname: "Bezwaar"})
	if err != nil {
		t.Fatal(err)
	}
	sr.ask(t, "objection", "Otto Bezwaar", "otto@voorbeeld.nl", "object-1280-",
		chromedp.SendKeys(css("#f-details"), "Ik wil geen e-mail meer van de verhuurder"))
	list, err := e.Requests.List(ctx, sr.owner, requests.Filter{})
	if err != nil || len(list) != 1 || list[0].Kind != requests.Objection {
		t.Fatalf("inbox: %+v %v", list, err)
	}
	sr.login(t)
	b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/o/vandam/privacy/requests/%d", e.URL(), list[0].ID)),
		chromedp.WaitVisible(css("#sr-person")),
		chromedp.Click(css(fmt.Sprintf(`input[name=person][value="%d"]`, person))),
		chromedp.SetValue(css("#f-processing"), string(relation.ProcessingMail)))
	shot(t, b, "object-1280-request")
	b.Run(t, chromedp.Click(css("#sr-person-submit")), chromedp.WaitVisible(css("#sr-outcome")))
	if got := b.Text(t, "#sr-outcome"); !strings.Contains(got, "Bezwaar vastgelegd") {
		t.Fatalf("outcome: %q", got)
	}
	b.Run(t, chromedp.Navigate(fmt.Sprintf("%s/o/vandam/relations/%d", e.URL(), person)), chromedp.WaitVisible(css("#objections .objection")))
	got := b.Text(t, "#objections")
	for _, want := range []string{"e-mail van de verhuurder", "nog te beslissen", "Ik wil geen e-mail meer van de verhuurder"} {
		if !strings.Contains(got, want) {
			t.Errorf("the person's objections lack %q: %q", want, got)
		}
	}
	shot(t, b, "object-1280-person")
	if m := e.Mail.WaitFor(t, "otto@voorbeeld.nl", 10*time.Second); !strings.Contains(m.Text, "bezwaar tegen e-mail van de verhuurder") {
		t.Fatalf("objection mail: %q", m.Text)
	}
}

// The website's form lets a rectification about an HMS account propose the
// account's language (Dutch and English pages alike); the request carries
// it for staff to approve. On a request to a landlord a language is refused
// at its field, and the form keeps the choice.
func TestSubjectRequestFormProposesALanguage(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{})
			ctx := context.Background()
			_, staff, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{Email: "staff@hms.nl", Staff: true})
			if err != nil {
				t.Fatal(err)
			}
			c := newClient(t, e.URL())
			for path, words := range map[string][]string{"/privacy/verzoek": {"Taal van het account", "Engels"},
				"/en/privacy/request": {"Language of the account", "English"}} {
				resp, body := c.do("GET", path, nil)
				if resp.StatusCode != 200 || !strings.Contains(body, `id="f-proposed_language"`) {
					t.Fatalf("%s: %d, no language to propose", path, resp.StatusCode)
				}
				for _, w := range words {
					if !strings.Contains(body, w) {
						t.Errorf("%s does not say %q", path, w)
					}
				}
			}
			form := url.Values{"kind": {"rectification"}, "about": {"landlord"}, "landlord": {"Van Dam Beheer"},
				"name": {"Rik Recht"}, "email": {"rik@voorbeeld.nl"}, "proposed_language": {"en"}}
			resp, body := c.do("POST", "/en/privacy/request", form)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-proposed_language"`) ||
				!regexp.MustCompile(`<option value="en"\s+selected>`).MatchString(body) {
				t.Fatalf("a language on a request to a landlord: %d", resp.StatusCode)
			}
			form.Set("about", "account")
			form.Del("landlord")
			if resp, body = c.do("POST", "/en/privacy/request", form); resp.StatusCode != 200 {
				t.Fatalf("a rectification of the account's language: %d %s", resp.StatusCode, body)
			}
			list, err := e.Requests.List(ctx, requests.Staff(staff), requests.Filter{})
			if err != nil || len(list) != 1 {
				t.Fatalf("console: %d %v", len(list), err)
			}
			r, err := e.Requests.Get(ctx, requests.Staff(staff), list[0].ID)
			if err != nil || r.Personal.Proposed["language"] != "en" || r.Kind != requests.Rectification {
				t.Fatalf("the request: %v %+v", err, r)
			}
		})
	}
}
