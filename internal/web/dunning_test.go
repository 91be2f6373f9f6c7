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

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/dunning"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/relation"
)

// dunningFixture: two leases with a rent of €850 due on 1 January 2026,
// unpaid on the 8th, when the daily run proposed a reminder for each.
type dunningFixture struct {
	*leaseFixture
	leases [2]int64
	refs   [2]string
}

func newDunningFixture(t *testing.T, e *apptest.Env) *dunningFixture {
	t.Helper()
	ctx := context.Background()
	f := &dunningFixture{leaseFixture: newLeaseFixture(t, e, "a")}
	other, err := e.Relations.CreatePerson(ctx, f.owner, relation.PersonInput{FirstNames: "Bram", Surname: "de Wit",
		Address: relation.Address{Street: "Oudegracht", HouseNumber: "14", Postcode: "3511 AB", City: "Utrecht"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, tenant := range []int64{f.tenant, other} {
		id, err := e.Leases.Create(ctx, f.owner, lease.Input{UnitIDs: []int64{f.homes[i]}, TenantIDs: []int64{tenant},
			Start: civil.New(2025, time.June, 1), PaymentMethod: lease.Transfer,
			Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 85000}}})
		if err != nil {
			t.Fatal(err)
		}
		l, _ := e.Leases.Get(ctx, f.owner, id)
		f.leases[i], f.refs[i] = id, l.Reference
		if err := e.DB.InOrg(ctx, f.owner.OrgID, func(tx *db.Tx) error {
			_, err := ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: id, IssueDate: civil.New(2025, 12, 20), DueDate: civil.New(2026, 1, 1),
				Period: "2026-01", Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: civil.New(2026, 1, 1),
					To: civil.New(2026, 1, 31), Net: 85000}}}}, db.TS(e.Clock.Now()), f.owner.UserID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Dunning.Propose(ctx, dunning.SystemActor(f.owner.OrgID), civil.New(2026, 1, 8)); err != nil {
		t.Fatal(err)
	}
	return f
}

var proposalIDs = regexp.MustCompile(`name="proposal" value="(\d+)"`)

// The dunning pages over HTTP: the proposals with name, address, lease,
// amount, oldest due date, days overdue and stage; the bulk send's confirm
// step repeating the scope in counts and totals; a send refused when the
// books changed since; the letters sent and their PDF; the arrears list and
// its CSV; a payment plan on the lease page; the settings with errors at
// their fields; a viewer who may look but not send.
func TestDunningPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.January, 8, 9, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newDunningFixture(t, e)
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)

			body := mustBody(t, c, "/o/a/dunning")
			for _, want := range []string{f.refs[0], f.refs[1], "A. Visser", "B. de Wit", "Lindelaan 1", "€ 850,00", "1 januari 2026",
				`<td class="proposal-days">7</td>`, "Herinnering", `id="tab-dunning" aria-current="page"`} {
				if !strings.Contains(body, want) {
					t.Errorf("proposals page lacks %q", want)
				}
			}
			ids := proposalIDs.FindAllStringSubmatch(body, -1)
			if len(ids) != 2 {
				t.Fatalf("proposal checkboxes: %v", ids)
			}
			chosen := url.Values{"proposal": {ids[0][1], ids[1][1]}}

			// Nothing chosen: the error beside the list.
			resp, body := c.do("POST", "/o/a/dunning/send/confirm", url.Values{})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-proposal"`) {
				t.Fatalf("confirm without a choice: %d", resp.StatusCode)
			}
			// The confirm step says what will happen, in counts and totals.
			resp, body = c.do("POST", "/o/a/dunning/send/confirm", chosen)
			if resp.StatusCode != 200 {
				t.Fatalf("confirm: %d %.2000s", resp.StatusCode, body)
			}
			for _, want := range []string{"Te versturen brieven: 2, samen over € 1.700,00 achterstallige huur", "2 × Herinnering, samen € 1.700,00",
				`name="expect_letters" value="2"`, `name="expect_total" value="170000"`, "Ja, versturen: 2 × brief, € 1.700,00"} {
				if !strings.Contains(body, want) {
					t.Errorf("confirm page lacks %q:\n%.3000s", want, body)
				}
			}
			if n := countRows(t, e, "dunning_letters"); n != 0 {
				t.Fatalf("the confirm step sent %d letters", n)
			}
			// A payment since the confirmation: nothing is sent, the new
			// scope is shown.
			if _, err := e.Ledger.RecordPayment(context.Background(), f.owner, ledger.PaymentInput{LeaseID: f.leases[1],
				Date: civil.New(2026, 1, 8), Amount: 85000, Method: ledger.Transfer}); err != nil {
				t.Fatal(err)
			}
			send := url.Values{"proposal": chosen["proposal"], "expect_letters": {"2"}, "expect_total": {"170000"}, "expect_costs": {"0"}}
			resp, body = c.do("POST", "/o/a/dunning/send", send)
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Te versturen brieven: 1,") ||
				!strings.Contains(body, `id="scope-stale"`) {
				t.Fatalf("send after a payment: %d %.3000s", resp.StatusCode, body)
			}
			if n := countRows(t, e, "dunning_letters"); n != 0 {
				t.Fatalf("a changed send sent %d letters", n)
			}
			send.Set("expect_letters", "1")
			send.Set("expect_total", "85000")
			resp, _ = c.do("POST", "/o/a/dunning/send", send)
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/o/a/dunning/letters?") {
				t.Fatalf("send: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			body = mustBody(t, c, resp.Header.Get("Location"))
			if !strings.Contains(body, "Verstuurd: 1 · e-mails in de wachtrij: 0 · af te drukken: 1.") ||
				strings.Count(body, `class="letter"`) != 1 || !strings.Contains(body, f.refs[0]) || !strings.Contains(body, "afdrukken") {
				t.Fatalf("letters page: %.3000s", body)
			}
			pdf := regexp.MustCompile(`/o/a/dunning/letters/(\d+)/pdf`).FindString(body)
			resp, body = c.do("GET", pdf, nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
				t.Fatalf("letter PDF: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			// The letter is on the lease's dunning page too.
			body = mustBody(t, c, fmt.Sprintf("/o/a/dunning/leases/%d", f.leases[0]))
			if !strings.Contains(body, pdf) || !strings.Contains(body, "verstuurd") {
				t.Fatalf("lease page lacks the letter: %.2000s", body)
			}
			if body := mustBody(t, c, fmt.Sprintf("/o/a/leases/%d", f.leases[0])); !strings.Contains(body, `id="lease-dunning"`) {
				t.Fatal("the lease page does not link its dunning")
			}

			// A payment plan on the lease page: terms that do not add up stay
			// on the form with the error; then one that does.
			charge := regexp.MustCompile(`name="plan.charge" value="(\d+)"`).FindStringSubmatch(body)
			plan := url.Values{"plan.charge": {charge[1]}, "plan.term1.date": {"2026-02-01"}, "plan.term1.amount": {"400,00"},
				"plan.term2.date": {"2026-03-01"}, "plan.term2.amount": {"400,00"}}
			resp, body = c.do("POST", fmt.Sprintf("/o/a/dunning/leases/%d/plans", f.leases[0]), plan)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-plan-terms"`) ||
				!strings.Contains(body, `value="400,00"`) {
				t.Fatalf("plan short of the total: %d", resp.StatusCode)
			}
			plan.Set("plan.term2.amount", "450,00")
			resp, _ = c.do("POST", fmt.Sprintf("/o/a/dunning/leases/%d/plans", f.leases[0]), plan)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("plan: %d", resp.StatusCode)
			}
			body = mustBody(t, c, "/o/a/dunning/plans")
			if !strings.Contains(body, f.refs[0]) || !strings.Contains(body, "€ 850,00") {
				t.Fatalf("plans page: %.2000s", body)
			}

			// The arrears on 1 February: 31 days overdue, the 31–60 bucket.
			clk.Set(time.Date(2026, time.February, 1, 9, 0, 0, 0, time.UTC))
			body = mustBody(t, c, "/o/a/dunning/arrears?on=2026-02-01")
			if !strings.Contains(body, f.refs[0]) || strings.Contains(body, f.refs[1]) || strings.Count(body, `class="arrears-row"`) != 1 {
				t.Fatalf("arrears: %.3000s", body)
			}
			resp, body = c.do("GET", "/o/a/dunning/arrears?on=2026-02-01&format=csv", nil)
			row := f.refs[0] + ";850,00;850,00;2026-01-01;31;0,00;850,00;0,00;0,00"
			if resp.StatusCode != 200 || !strings.Contains(body, "Naam;Adres;") || !strings.Contains(body, row) {
				t.Fatalf("arrears CSV: %d %q", resp.StatusCode, body)
			}
			if resp, _ := c.do("GET", "/o/a/dunning/arrears?on=2026-13-01", nil); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("a bad date: %d", resp.StatusCode)
			}

			// Settings: a 10-day term is refused at its field.
			body = mustBody(t, c, "/o/a/dunning/settings")
			if !strings.Contains(body, `name="term_days" inputmode="numeric" value="14"`) {
				t.Fatalf("settings page: %.2000s", body)
			}
			set := url.Values{"reminder_days": {"5"}, "notice_days": {"19"}, "final_days": {"33"}, "term_days": {"10"}, "receipt_days": {"1"},
				"handover_days": {"10"}, "plan_grace_days": {"3"}, "costs_vat": {"1"}}
			resp, body = c.do("POST", "/o/a/dunning/settings", set)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "De termijn is minstens 14") {
				t.Fatalf("a 10-day term: %d", resp.StatusCode)
			}
			set.Set("term_days", "21")
			if resp, _ := c.do("POST", "/o/a/dunning/settings", set); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("settings: %d", resp.StatusCode)
			}
			if st, _ := e.Dunning.Settings(context.Background(), f.owner); st.TermDays != 21 || !st.CostsVAT || st.ReminderDays != 5 {
				t.Fatalf("settings saved %+v", st)
			}

			// A viewer sees the proposals but no send button.
			_, vpw := createUser(t, e, "a", "viewer@a.nl", account.Viewer)
			v := newClient(t, e.URL())
			v.login("viewer@a.nl", vpw)
			if body := mustBody(t, v, "/o/a/dunning"); strings.Contains(body, `id="send-chosen"`) || strings.Contains(body, `id="propose-now"`) {
				t.Fatal("a viewer may send")
			}
		})
	}
}

// In Chromium, at 1280 and at 390 pixels: the proposals page, the choice of
// letters, the confirm step, and the letter listed after sending; nothing
// wider than the phone's screen.
func TestDunningBrowser(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.January, 8, 9, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	f := newDunningFixture(t, e)
	for i, b := range []*browsertest.Browser{browsertest.New(t), browsertest.NewMobile(t)} {
		name := []string{"desktop", "phone"}[i]
		b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
			chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
			chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-finance")))
		b.Run(t, chromedp.Navigate(e.URL()+"/o/a/finance"), chromedp.WaitVisible(css("#tab-dunning")))
		b.Run(t, clickAndLoad("#tab-dunning", "#proposals"))
		wide := func(page string) {
			if browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
				t.Errorf("%s: the %s page is wider than the screen", name, page)
			}
		}
		wide("proposals")
		shot(t, b, "dunning-proposals-"+name)
		// On the desktop only the first lease's letter; on the phone the
		// other one, which is then the only one waiting.
		rows := browsertest.Get(t, b, chromedp.Evaluate[int](`document.querySelectorAll("tr.proposal").length`))
		if rows != 2-i {
			t.Fatalf("%s: %d proposals", name, rows)
		}
		if i == 0 {
			b.Run(t, chromedp.Click(css("#proposals tbody tr:nth-child(2) input[type=checkbox]")))
		}
		b.Run(t, clickAndLoad("#send-chosen", "#send-scope"))
		if got := b.Text(t, "#scope-letters"); !strings.Contains(got, "brieven: 1,") || !strings.Contains(got, money.Format(85000, "nl")) {
			t.Fatalf("%s: confirm scope %q", name, got)
		}
		if got := b.Text(t, "#scope-stages"); !strings.Contains(got, "1 × Herinnering") {
			t.Fatalf("%s: confirm stages %q", name, got)
		}
		wide("confirm")
		shot(t, b, "dunning-confirm-"+name)
		b.Run(t, clickAndLoad("#confirm-send", "#letters"))
		if got := b.Text(t, "#sent-summary"); !strings.Contains(got, "Verstuurd: 1") {
			t.Fatalf("%s: sent %q", name, got)
		}
		letters := browsertest.Get(t, b, chromedp.Evaluate[int](`document.querySelectorAll("tr.letter").length`))
		if letters != i+1 {
			t.Fatalf("%s: %d letters listed", name, letters)
		}
		if got := b.Text(t, "#letters tbody tr:first-child .letter-lease"); got != f.refs[i] {
			t.Fatalf("%s: newest letter for %q, want %q", name, got, f.refs[i])
		}
		wide("letters")
		shot(t, b, "dunning-letters-"+name)
	}
}
