package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// riSetup gives organisation slug two social-rent leases (€ 800 and € 600
// since 2020) and a second organisation with a lease of its own.
func riSetup(t *testing.T, e *apptest.Env, slug string) (owner account.Actor, pw string, leases []int64) {
	t.Helper()
	ctx := context.Background()
	pw, uid, err := e.Accounts.CreateUser(ctx,
		account.CreateUserInput{OrgSlug: slug, OrgName: "Woonstichting " + slug, Email: "owner@" + slug + ".example", Role: account.Owner})
	if err != nil {
		t.Fatal(err)
	}
	owner, _ = e.Accounts.ActorFor(ctx, uid, slug)
	if err := e.Privacy.AcceptProcessorAgreement(ctx, owner, e.Privacy.Current().Version); err != nil {
		t.Fatal(err)
	}
	for i, rent := range []money.Cents{80000, 60000} {
		u, err := e.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(i + 1), Postcode: "3521 CD",
			City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentSociaal})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Marieke", Surname: fmt.Sprintf("Jansen-%d", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		id, err := e.Leases.Create(ctx, owner, lease.Input{Reference: fmt.Sprintf("HC-%d", i+1), UnitIDs: []int64{u}, TenantIDs: []int64{p},
			Start: civil.MustParse("2020-01-01"), Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: rent}}})
		if err != nil {
			t.Fatal(err)
		}
		leases = append(leases, id)
	}
	return owner, pw, leases
}

// A landlord proposes the 1 July 2026 increase in the browser, lowers one
// (a raise above the maximum is refused at the row), confirms, downloads a
// letter, records its delivery and applies it; another organisation sees
// nothing of it.
func TestBrowserRentIncrease(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			owner, pw, leases := riSetup(t, e, "linde")
			_, pwB, _ := riSetup(t, e, "eik")
			base := e.URL() + "/o/linde/rent-increases"

			b := browsertest.New(t)
			b.Run(t, chromedp.Navigate(e.URL()+"/login"),
				chromedp.SendKeys(css("input[name=email]"), "owner@linde.example"),
				chromedp.SendKeys(css("input[name=password]"), pw),
				chromedp.Click(css("#login-submit")), chromedp.WaitReady(css("#nav-rentincrease")))
			b.Run(t, chromedp.Click(css("#nav-rentincrease")), chromedp.WaitVisible(css("#ri-propose")))
			// The default date is the next 1 July that can still be met.
			if got := b.Text(t, "#ri-deadline"); !strings.Contains(got, "30 april 2026") {
				t.Fatalf("deadline: %q", got)
			}
			// A bad date is refused at the field.
			b.Run(t, chromedp.SetValue(css("#effective_date"), ""), chromedp.Click(css("#ri-propose-button")),
				chromedp.WaitVisible(css("#err-effective_date")))
			b.Run(t, chromedp.SetValue(css("#effective_date"), "2026-07-01"), chromedp.Click(css("#ri-propose-button")),
				chromedp.WaitVisible(css("#proposal-HC-2")))
			table := b.Text(t, "#proposals")
			for _, want := range []string{"HC-1", "€ 800,00", "€ 832,80", "4,1%", "HC-2", "€ 600,00", "€ 624,60", "Wettelijk maximum", "Concept"} {
				if !strings.Contains(table, want) {
					t.Errorf("proposal list lacks %q: %s", want, table)
				}
			}
			shot(t, b, "rentincrease-proposals")

			// Raise above the maximum: refused beside the row; then lower it.
			b.Run(t, chromedp.SetValue(css("#proposal-HC-1 input[name=new_amount]"), "900,00"),
				chromedp.Click(css("#proposal-HC-1 .ri-adjust button")), chromedp.WaitVisible(css("#row-error")))
			if got := b.Text(t, "#proposal-HC-1 .ri-new"); !strings.Contains(got, "niet hoger") {
				t.Fatalf("row error: %q", got)
			}
			b.Run(t, chromedp.SetValue(css("#proposal-HC-1 input[name=new_amount]"), "820,00"),
				chromedp.Click(css("#proposal-HC-1 .ri-adjust button")), chromedp.WaitVisible(css("#flash")))
			if got := b.Text(t, "#proposal-HC-1 .ri-percent"); !strings.Contains(got, "2,5%") {
				t.Fatalf("lowered: %q", got)
			}
			// Search, sort and export.
			// The search loads a new page: wait for its answer, not the old page's count.
			b.Run(t, chromedp.SendKeys(css("#list-q"), "HC-2"), clickAndLoad("#list-search", "#list-total"))
			if got := b.Text(t, "#list-total"); !strings.HasPrefix(got, "1 ") {
				t.Fatalf("search: %q", got)
			}
			csv := browsertest.Get(t, b,
				chromedp.Evaluate[string](`fetch(document.querySelector('#list-export').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
			if !strings.Contains(csv, "HC-2") || strings.Contains(csv, "HC-1") || !strings.Contains(csv, "624,60") {
				t.Fatalf("export: %q", csv)
			}
			b.Run(t, chromedp.Navigate(base+"?date=2026-07-01&sort=new&dir=desc"), chromedp.WaitVisible(css("#proposals")))
			if rows := b.Text(t, "#proposals tbody"); strings.Index(rows, "HC-1") > strings.Index(rows, "HC-2") {
				t.Fatalf("sorted by new rent, descending: %q", rows)
			}

			// Confirm: letters are made; download one.
			b.Run(t, chromedp.Click(css("#ri-confirm-button")), chromedp.WaitVisible(css("#proposal-HC-1 .ri-download")))
			head := browsertest.Get(t, b, chromedp.Evaluate[string](`fetch(document.querySelector('#proposal-HC-1 .ri-download').href)
				.then(r => r.arrayBuffer().then(b =>
					r.status + ' ' + r.headers.get('content-type') + ' ' + new TextDecoder().decode(b.slice(0, 5))))`,
				chromedp.EvalAwaitPromise))
			if head != "200 application/pdf %PDF-" {
				t.Fatalf("letter download: %q", head)
			}
			shot(t, b, "rentincrease-confirmed")
			// Delivery after 30 April is refused; on 20 March it is recorded.
			b.Run(t, chromedp.SetValue(css("#proposal-HC-1 input[name=delivered_on]"), "2026-05-01"),
				chromedp.Click(css("#proposal-HC-1 .ri-delivery button")), chromedp.WaitVisible(css("#row-error")))
			if got := b.Text(t, "#proposal-HC-1 .ri-letter"); !strings.Contains(got, "Te laat") && !strings.Contains(got, "toekomst") {
				t.Fatalf("late delivery: %q", got)
			}
			b.Run(t, chromedp.SetValue(css("#proposal-HC-1 input[name=delivered_on]"), "2026-03-14"),
				chromedp.Click(css("#proposal-HC-1 .ri-delivery button")), chromedp.WaitVisible(css("#proposal-HC-1 .ri-delivered")))
			b.Run(t, chromedp.Click(css("#proposal-HC-1 .ri-apply button")), chromedp.WaitNotPresent(css("#proposal-HC-1 .ri-apply")))
			if got := b.Text(t, "#proposal-HC-1 .ri-status"); !strings.Contains(got, "Verwerkt") {
				t.Fatalf("applied: %q", got)
			}
			l, err := e.Leases.Get(context.Background(), owner, leases[0])
			if err != nil || l.BareRentOn(civil.MustParse("2026-06-30")) != 80000 || l.BareRentOn(civil.MustParse("2026-07-01")) != 82000 {
				t.Fatalf("rent history after apply: %v %+v", err, l)
			}
			shot(t, b, "rentincrease-applied")

			// The clause page and the settings page render; a bad clause is refused at the field.
			b.Run(t, chromedp.Click(css("#proposal-HC-2 .ri-clause")), chromedp.WaitVisible(css("#clause-form")),
				chromedp.SetValue(css("#clause-method"), "fixed"), chromedp.SetValue(css("#clause-percent"), "abc"),
				chromedp.Click(css("#clause-save")), chromedp.WaitVisible(css("#err-percent")))
			b.Run(t, chromedp.Navigate(base+"/settings"), chromedp.WaitVisible(css("#caps-table")))
			if got := b.Text(t, "#caps-table"); !strings.Contains(got, "4,1%") || !strings.Contains(got, "Sociale huur") {
				t.Fatalf("caps: %q", got)
			}
			shot(t, b, "rentincrease-settings")
			// Refused input answers 422, which the console reports; nothing else may appear.
			for _, msg := range b.ConsoleErrors() {
				if !strings.Contains(msg, "status of 422") {
					t.Errorf("browser console: %s", msg)
				}
			}

			// Organisation eik sees none of linde's proposals.
			b2 := browsertest.New(t)
			b2.Run(t, chromedp.Navigate(e.URL()+"/login"),
				chromedp.SendKeys(css("input[name=email]"), "owner@eik.example"),
				chromedp.SendKeys(css("input[name=password]"), pwB),
				chromedp.Click(css("#login-submit")), chromedp.WaitReady(css("#nav-rentincrease")))
			b2.Run(t, chromedp.Navigate(e.URL()+"/o/eik/rent-increases?date=2026-07-01"), chromedp.WaitVisible(css("#proposals")))
			if got := b2.Text(t, "#proposals"); strings.Contains(got, "HC-") {
				t.Fatalf("other organisation sees proposals: %q", got)
			}
		})
	}
}
