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

	"github.com/pquerna/otp/totp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/ledger"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
	"hms/internal/platform/mail/mailtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Clean input at the web forms (hardening issue, "clean input"): a NUL in a
// complex's name (a 500 on PostgreSQL, stored on SQLite before), a
// right-to-left override in its city, bytes that are not UTF-8 and a
// newline in a one-line field are refused with 422: the form comes back
// with the message beside that field (its error element), without the
// value, and nothing is stored; a search with a NUL is refused on a page
// that names the field. A newline in a textarea is kept.
func TestWebFormsRefuseNULBidiAndBrokenUTF8(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clocktest.Fixed()})
			_, pw := createUser(t, e, "a", "owner@a.nl", account.Owner)
			c := newClient(t, e.URL())
			c.login("owner@a.nl", pw)
			good := url.Values{"name": {"Hof"}, "street": {"Parklaan"}, "house_number": {"1"}, "postcode": {"3511aa"}, "city": {"Utrecht"}}
			for _, bad := range []struct{ field, value string }{
				{"name", "Ho\x00f-GEHEIM"},
				{"city", "Utrecht\u202eGEHEIM"},
				{"street", "Park\xfflaan-GEHEIM"},
				{"name", "Hof\nGEHEIM"},
			} {
				form := url.Values{}
				for k, v := range good {
					form[k] = v
				}
				form.Set(bad.field, bad.value)
				resp, body := c.do("POST", "/o/a/complexes", form)
				beside := regexp.MustCompile(`<small id="err-` + bad.field + `" class="field-error">[^<]*niet horen`)
				if resp.StatusCode != http.StatusUnprocessableEntity || !beside.MatchString(body) || !strings.Contains(body, `id="complex-form"`) ||
					strings.Contains(body, "GEHEIM") || strings.Contains(body, `id="error-message"`) {
					t.Errorf("%s = %q: %d %.1500s", bad.field, bad.value, resp.StatusCode, body)
				}
			}
			if resp, body := c.do("GET", "/o/a/complexes?q=a%00b", nil); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, `id="error-message"`) {
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
			if resp, body := c.do("POST", "/o/a/leases/settings", settings); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, `id="landlord_address" rows="2" aria-invalid="true"`) || !strings.Contains(body, "niet horen") {
				t.Fatalf("lease settings with a NUL: %d %.1500s", resp.StatusCode, body)
			}
		})
	}
}

// A NUL typed into the relation form or the unit form (on both engines,
// through HTTP) comes back beside that field, with the other values kept,
// and stores nothing: no relation, no unit, no audit event.
func TestRefusedTextShowsBesideTheField(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clocktest.Fixed()})
			f := newLeaseFixture(t, e, "a")
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			before := auditHeads(t, e, f.owner.OrgID)

			person := relationForm("kind", "person", "initials", "J.", "surname", "Jansen\x00", "city", "Ergens", "street", "Dorpsstraat",
				"house_number", "1", "postcode", "1234 AB", "email", "jan@jansen.example")
			resp, body := c.do("POST", "/o/a/relations", person)
			if resp.StatusCode != http.StatusUnprocessableEntity ||
				!regexp.MustCompile(`<small id="err-surname" class="field-error">[^<]*niet horen`).MatchString(body) ||
				!strings.Contains(body, `id="f-surname"`) || !strings.Contains(body, `value="Dorpsstraat"`) || strings.Contains(body, "err-city") {
				t.Fatalf("relation form with a NUL: %d %.3000s", resp.StatusCode, body)
			}
			if found, err := e.Relations.List(context.Background(), f.owner, listing.Query{Search: "Jansen"}, relation.Filter{}); err != nil ||
				found.Total != 0 {
				t.Fatalf("a refused relation was stored: %+v %v", found, err)
			}

			unit := pfUnitForm("")
			unit.Set("street", "Kerk\u202estraat")
			resp, body = c.do("POST", "/o/a/units", unit)
			if resp.StatusCode != http.StatusUnprocessableEntity ||
				!regexp.MustCompile(`<small id="err-street" class="field-error">[^<]*niet horen`).MatchString(body) ||
				!strings.Contains(body, `value="Utrecht"`) || strings.Contains(body, "Kerk") {
				t.Fatalf("unit form with a bidi override: %d %.3000s", resp.StatusCode, body)
			}
			if _, body := c.do("GET", "/o/a/units", nil); strings.Contains(body, "Kerk") {
				t.Fatal("a refused unit was stored")
			}
			if after := auditHeads(t, e, f.owner.OrgID); after != before {
				t.Fatalf("refused forms changed the books: audit %v, then %v", before, after)
			}
		})
	}
}

// auditHeads is the newest audit sequence number of an organisation's chain
// and of the platform's, not counting relation.viewed (showing a page again
// opens names, which the access log records): every change records an
// event, so equal heads before and after a request mean it changed nothing.
func auditHeads(t *testing.T, e *apptest.Env, orgID int64) [2]int64 {
	t.Helper()
	ctx := context.Background()
	var heads [2]int64
	head := func(i int) func(tx *db.Tx) error {
		return func(tx *db.Tx) error {
			evs, err := e.Audit.List(ctx, tx, audit.Filter{Limit: 1000})
			for _, ev := range evs {
				if ev.Action != "relation.viewed" {
					heads[i] = ev.Seq
					break
				}
			}
			return err
		}
	}
	if err := e.DB.ReadOrg(ctx, orgID, head(0)); err != nil {
		t.Fatal(err)
	}
	if err := e.DB.ReadSystem(ctx, head(1)); err != nil {
		t.Fatal(err)
	}
	return heads
}

// The net under the refusal: every POST route of the route list, sent a
// NUL in a field, answers 422 and changes nothing, so no handler can go on
// with a form cleanInput refused. Records named in the path exist (a
// lease, its unit, complex and tenant, a member) so the refusal, not a
// missing record, is what answers; routes of records the fixture does not
// make (invoices, runs…) may answer 404 for their unknown id instead.
func TestEveryPostRouteRefusesUncleanInput(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clocktest.Fixed()
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			ctx := context.Background()
			f := newLeaseFixture(t, e, "a")
			leaseID := financeLease(t, e, f)
			complexID, err := e.Portfolio.CreateComplex(ctx, f.owner, portfolio.ComplexInput{Name: "Hof"})
			if err != nil {
				t.Fatal(err)
			}
			memberID, _ := createUser(t, e, "a", "member@a.nl", account.Viewer)
			owner := newClient(t, e.URL())
			owner.login(f.email, f.pw)
			staff := staffClient(t, e, clk)

			ids := []struct{ prefix, id string }{
				{"/leases/{id}", fmt.Sprint(leaseID)}, {"/finance/leases/{id}", fmt.Sprint(leaseID)},
				{"/finance/deposits/{id}", fmt.Sprint(leaseID)}, {"/complexes/{id}", fmt.Sprint(complexID)},
				{"/units/{id}", fmt.Sprint(f.homes[0])}, {"/relations/{id}", fmt.Sprint(f.tenant)},
				{"{lease}", fmt.Sprint(leaseID)}, {"{user}", fmt.Sprint(memberID)}, {"{person}", fmt.Sprint(f.tenant)},
			}
			posts := 0
			for _, rt := range e.Web.Routes() {
				if rt.Method != "POST" {
					continue
				}
				posts++
				path := strings.ReplaceAll(rt.Pattern, "{org}", "a")
				for _, id := range ids {
					named := id.prefix[:strings.Index(id.prefix, "{")] + id.id // "/leases/{id}" → "/leases/7"
					path = strings.Replace(path, id.prefix, named, 1)
				}
				path = regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllString(path, "999999")
				c := owner
				switch rt.Access.Kind {
				case "public":
					if rt.Pattern != "/logout" {
						c = newClient(t, e.URL()) // signing up or in needs no session
					}
				case "staff":
					c = staff
				}
				before := auditHeads(t, e, f.owner.OrgID)
				resp, body := c.do("POST", path, url.Values{"note": {"a\x00b"}, "name": {"x\u202ey"}})
				unknown := resp.StatusCode == http.StatusNotFound && strings.Contains(path, "999999")
				if resp.StatusCode != http.StatusUnprocessableEntity && !unknown {
					t.Errorf("POST %s with a NUL: %d %s %.300s", path, resp.StatusCode, resp.Header.Get("Location"), body)
				}
				if rt.Pattern == "/lang" && len(resp.Cookies()) > 0 {
					t.Errorf("POST /lang with a NUL set a cookie")
				}
				if after := auditHeads(t, e, f.owner.OrgID); after != before {
					t.Errorf("POST %s with a NUL changed something: audit %v, then %v", path, before, after)
				}
			}
			if posts < 60 {
				t.Fatalf("only %d POST routes walked", posts)
			}
			// Still signed in (the refused logout), the member still there.
			if resp, _ := owner.do("GET", "/o/a/members", nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("owner signed out by a refused request: %d", resp.StatusCode)
			}
		})
	}
}

// staffClient signs a staff member in with the second factor.
func staffClient(t *testing.T, e *apptest.Env, clk *clock.Fixed) *client {
	t.Helper()
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
	c := newClient(t, e.URL())
	c.login("staff@hms.example", pw)
	code, _ = totp.GenerateCode(setup.Secret, clk.Now())
	if resp, body := c.do("POST", "/login/code", url.Values{"code": {code}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second factor: %d %s", resp.StatusCode, body)
	}
	return c
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
