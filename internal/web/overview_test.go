package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
	"hms/internal/portfolio"
)

// overviewFixture: Anna Visser rents Lindelaan 1 with €850 overdue since
// 1 February; Lindelaan 2 was let at €900 until the end of February and is
// empty since; Dam 1 in the complex Zonnehof and the shop Lindelaan 3 were never let. Today is 15
// March 2026.
type overviewFixture struct {
	*leaseFixture
	complex, dam, lease int64
	kenmerk, number     string
}

var overviewNow = time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC)

func newOverviewFixture(t *testing.T, e *apptest.Env) *overviewFixture {
	t.Helper()
	ctx := context.Background()
	f := &overviewFixture{leaseFixture: newLeaseFixture(t, e, "a")}
	var err error
	if f.complex, err = e.Portfolio.CreateComplex(ctx, f.owner, portfolio.ComplexInput{Name: "Zonnehof", City: "Amsterdam"}); err != nil {
		t.Fatal(err)
	}
	if f.dam, err = e.Portfolio.CreateUnit(ctx, f.owner, portfolio.UnitInput{ComplexID: f.complex, Street: "Dam", HouseNumber: "1",
		Postcode: "1011 AB", City: "Amsterdam", Type: portfolio.TypeZelfstandig, FloorArea: "50", Segment: portfolio.SegmentVrij}); err != nil {
		t.Fatal(err)
	}
	if f.lease, err = e.Leases.Create(ctx, f.owner, lease.Input{UnitIDs: []int64{f.homes[0]}, TenantIDs: []int64{f.tenant},
		Start: civil.New(2025, time.June, 1), PaymentMethod: lease.Transfer,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 85000}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Leases.Create(ctx, f.owner, lease.Input{UnitIDs: []int64{f.homes[1]}, TenantIDs: []int64{f.tenant},
		Start: civil.New(2025, time.January, 1), End: civil.New(2026, time.February, 28), PaymentMethod: lease.Transfer,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000}}}); err != nil {
		t.Fatal(err)
	}
	var posted []ledger.Posted
	if err := e.DB.InOrg(ctx, f.owner.OrgID, func(tx *db.Tx) error {
		posted, err = ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: f.lease, IssueDate: civil.New(2026, 1, 20), DueDate: civil.New(2026, 2, 1),
			Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: civil.New(2026, 2, 1), To: civil.New(2026, 2, 28),
				Net: 85000}}}}, db.TS(overviewNow), f.owner.UserID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	inv, err := e.Ledger.Invoice(ctx, f.owner, posted[0].InvoiceID)
	if err != nil {
		t.Fatal(err)
	}
	f.kenmerk, f.number = inv.Kenmerk, inv.Number
	return f
}

// The overview page: the figures with their links, three charts with their
// text, the complex filter, the list behind "leases ending"; the search page
// ranks and links its results; a bookkeeper sees the money, not the units;
// another organisation's complex is not found.
func TestOverviewPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clock.NewFixed(overviewNow)})
			f := newOverviewFixture(t, e)
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			body := mustBody(t, c, "/o/a/")
			for _, want := range []string{
				`<a href="/o/a/dunning/arrears" id="fig-arrears-link">€ 850,00</a>`,
				`Bij 1 huurcontract(en) achterstallig.`,
				`<a href="/o/a/reports/vacancy" id="fig-vacancy-link">3 van 4 leeg</a>`,
				`<a href="/o/a/finance/deposits" id="fig-deposits-link">`,
				`<a href="/o/a/leases?ends_by=2026-06-15">0</a>`,
				`<a href="/o/a/leases?status=notice">0</a>`,
				`Stand op 15 maart 2026.`,
				`<svg class="chart"`, `id="chart-money-desc"`, `id="chart-occupancy-title"`,
				`februari 2026`, // the table under the chart
				// Lindelaan 2: empty 1–15 March, 15/31 of €900.
				fmt.Sprintf(`<a href="/o/a/units/%d">Lindelaan 2, 3521 CD Utrecht</a>`, f.homes[1]), `€ 435,48`,
				`id="searchbox-q"`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("overview lacks %q", want)
				}
			}
			if n := strings.Count(body, `<svg class="chart"`); n != 3 {
				t.Errorf("%d charts", n)
			}
			if strings.Contains(body, "style=") {
				t.Error("an inline style on the overview")
			}
			// Zonnehof: one unit, empty; no arrears.
			body = mustBody(t, c, fmt.Sprintf("/o/a/?complex=%d", f.complex))
			// Each figure links to its list narrowed to Zonnehof.
			for _, want := range []string{
				fmt.Sprintf(`<a href="/o/a/reports/vacancy?complex=%d" id="fig-vacancy-link">1 van 1 leeg</a>`, f.complex),
				fmt.Sprintf(`<a href="/o/a/reports/arrears?complex=%d" id="fig-arrears-link">€ 0,00</a>`, f.complex),
				fmt.Sprintf(`<a href="/o/a/reports/income?complex=%d" id="fig-charged-link">`, f.complex),
				fmt.Sprintf(`<a href="/o/a/finance/deposits?complex=%d" id="fig-deposits-link">`, f.complex),
				fmt.Sprintf(`<option value="%d" selected>Zonnehof</option>`, f.complex),
			} {
				if !strings.Contains(body, want) {
					t.Errorf("Zonnehof's overview lacks %q", want)
				}
			}
			if body := mustBody(t, c, fmt.Sprintf("/o/a/reports/vacancy?complex=%d", f.complex)); !strings.Contains(body, "Dam 1") ||
				strings.Contains(body, "Lindelaan") {
				t.Errorf("Zonnehof's vacancy report: %.3000s", body)
			}
			if body := mustBody(t, c, fmt.Sprintf("/o/a/finance/deposits?complex=%d", f.complex)); !strings.Contains(body,
				"Alleen de huurcontracten in Zonnehof.") {
				t.Errorf("Zonnehof's deposits to return: %.3000s", body)
			}
			_, bpw := createUser(t, e, "b", "owner@b.nl", account.Owner)
			cb := newClient(t, e.URL())
			cb.login("owner@b.nl", bpw)
			if resp, _ := cb.do("GET", fmt.Sprintf("/o/b/?complex=%d", f.complex), nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("another organisation's complex: %d", resp.StatusCode)
			}
			// The lease list behind "ending": only the leases ending by then.
			body = mustBody(t, c, "/o/a/leases?ends_by=2026-03-31")
			if strings.Contains(body, "/o/a/leases/"+fmt.Sprint(f.lease)+`"`) || !strings.Contains(body, "tot en met 31 maart 2026") {
				t.Errorf("the list of leases ending: %.3000s", body)
			}

			// Search: the tenant by name, a unit by postcode, the invoice by
			// its betalingskenmerk; each links to its page.
			body = mustBody(t, c, "/o/a/search?q=visser")
			if !strings.Contains(body, fmt.Sprintf(`<a href="/o/a/relations/%d">Visser, A.</a>`, f.tenant)) || !strings.Contains(body, "Persoon") {
				t.Errorf("search visser: %.3000s", body)
			}
			body = mustBody(t, c, "/o/a/search?q="+url.QueryEscape("1011 ab"))
			if !strings.Contains(body, fmt.Sprintf(`<a href="/o/a/units/%d">Dam 1, 1011 AB Amsterdam</a>`, f.dam)) ||
				!strings.Contains(body, "Zonnehof") {
				t.Errorf("search postcode: %.3000s", body)
			}
			body = mustBody(t, c, "/o/a/search?q="+f.kenmerk)
			if !strings.Contains(body, fmt.Sprintf(`href="/o/a/finance/invoices/%d">%s</a>`, posted(t, e, f), f.number)) ||
				!strings.Contains(body, "open "+money.Format(85000, "nl")) {
				t.Errorf("search kenmerk: %.3000s", body)
			}
			if resp, body := c.do("GET", "/o/a/search?q="+strings.Repeat("a", 101), nil); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, `id="err-q"`) {
				t.Errorf("a query too long: %d", resp.StatusCode)
			}

			_, kpw := createUser(t, e, "a", "boekhouder@a.nl", account.Bookkeeper)
			k := newClient(t, e.URL())
			k.login("boekhouder@a.nl", kpw)
			body = mustBody(t, k, "/o/a/")
			if !strings.Contains(body, `id="fig-arrears"`) || strings.Contains(body, `id="fig-vacancy"`) ||
				strings.Count(body, `<svg class="chart"`) != 2 || !strings.Contains(body, `id="searchbox"`) {
				t.Errorf("bookkeeper overview: %.3000s", body)
			}
			if body := mustBody(t, k, "/o/a/search?q=visser"); strings.Contains(body, "/relations/") {
				t.Error("a bookkeeper finds persons")
			}
		})
	}
}

// posted is the id of the fixture's invoice.
func posted(t *testing.T, e *apptest.Env, f *overviewFixture) int64 {
	t.Helper()
	page, err := e.Ledger.Invoices(context.Background(), f.owner, listing.Query{}, ledger.InvoiceFilter{LeaseID: f.lease})
	if err != nil || len(page.Items) != 1 {
		t.Fatal(err, page)
	}
	return page.Items[0].ID
}

// In Chromium at 1280 and 390 pixels: the overview's figures and charts,
// a figure's link, the search box finding a person by name, a unit by
// postcode and an invoice by betalingskenmerk, and a result followed; no
// page wider than the screen.
func TestOverviewBrowser(t *testing.T) {
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clock.NewFixed(overviewNow)})
	f := newOverviewFixture(t, e)
	for i, b := range []*browsertest.Browser{browsertest.New(t), browsertest.NewMobile(t)} {
		name := []string{"desktop", "phone"}[i]
		wide := func(page string) {
			t.Helper()
			if browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`)) {
				t.Errorf("%s: the %s page is wider than the screen", name, page)
			}
		}
		b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
			chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
			chromedp.Submit(css("input[name=password]")), chromedp.WaitVisible(css("#figures")))
		if got := b.Text(t, "#fig-arrears .figure"); got != "€ 850,00" {
			t.Errorf("%s: arrears %q", name, got)
		}
		if got := b.Text(t, "#fig-vacancy .figure"); got != "3 van 4 leeg" {
			t.Errorf("%s: vacancy %q", name, got)
		}
		if n := browsertest.Get(t, b, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart rect, svg.chart polyline").length`)); n < 20 {
			t.Errorf("%s: %d bars and lines drawn", name, n)
		}
		// Each chart is drawn at the width of its box.
		width := `Math.round(document.querySelector("#chart-money-title").parentNode.getBoundingClientRect().width)`
		if w := browsertest.Get(t, b, chromedp.Evaluate[int](width)); w < 300 {
			t.Errorf("%s: the chart is %d px wide", name, w)
		}
		wide("overview")
		shot(t, b, "overview-"+name)
		b.Run(t, clickAndLoad("#fig-arrears .figure a", "#arrears"))
		if u := b.URL(t); !strings.HasSuffix(u, "/o/a/dunning/arrears") {
			t.Errorf("%s: the arrears link went to %s", name, u)
		}

		search := func(q, wait string) {
			t.Helper()
			b.Run(t, chromedp.SetValue(css("#searchbox-q"), q), clickAndLoad("#searchbox button", wait))
		}
		search("Visser", "#search-results")
		if got := b.Text(t, "#search-results li:first-child"); !strings.Contains(got, "Visser, A.") || !strings.Contains(got, "Persoon") {
			t.Errorf("%s: first result %q", name, got)
		}
		wide("search")
		shot(t, b, "search-"+name)
		search("1011 AB", "#search-results")
		if got := b.Text(t, "#search-results li:first-child"); !strings.Contains(got, "Dam 1, 1011 AB Amsterdam") {
			t.Errorf("%s: postcode %q", name, got)
		}
		search(f.kenmerk, "#search-results")
		if got := b.Text(t, "#search-results li:first-child"); !strings.Contains(got, f.number) || !strings.Contains(got, "Factuur") {
			t.Errorf("%s: kenmerk %q", name, got)
		}
		b.Run(t, clickAndLoad("#search-results li:first-child a", "main h1"))
		if u := b.URL(t); !strings.Contains(u, "/o/a/finance/invoices/") {
			t.Errorf("%s: the result went to %s", name, u)
		}
		wide("invoice")
	}
}
