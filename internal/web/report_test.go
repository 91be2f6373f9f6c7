package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
)

// reportFixture: the lease fixture's two homes and shop (in no complex,
// vacant) and, in complex De Linden, Kerkstraat 5 let to A. Visser from
// 2025-01-01 at €900 with a deposit of €1,800 received; January's rent,
// due on 1 January 2026, unpaid. Today is 1 March 2026.
type reportFixture struct {
	*leaseFixture
	complex int64
	ref     string
}

func newReportFixture(t *testing.T, e *apptest.Env) *reportFixture {
	t.Helper()
	ctx := context.Background()
	f := &reportFixture{leaseFixture: newLeaseFixture(t, e, "a")}
	var err error
	if f.complex, err = e.Portfolio.CreateComplex(ctx, f.owner, portfolio.ComplexInput{Name: "De Linden", City: "Utrecht"}); err != nil {
		t.Fatal(err)
	}
	u, err := e.Portfolio.CreateUnit(ctx, f.owner, portfolio.UnitInput{ComplexID: f.complex, Street: "Kerkstraat", HouseNumber: "5",
		Postcode: "3511 AA", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "70", Segment: portfolio.SegmentVrij})
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.Leases.Create(ctx, f.owner, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{f.tenant}, Start: civil.New(2025, 1, 1),
		PaymentMethod: lease.Transfer, DepositCents: 180000, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Leases.AddDepositEntry(ctx, f.owner, id, lease.DepositEntryInput{Kind: lease.DepositReceived, Date: civil.New(2025, 1, 1),
		AmountCents: 180000}); err != nil {
		t.Fatal(err)
	}
	l, _ := e.Leases.Get(ctx, f.owner, id)
	f.ref = l.Reference
	if err := e.DB.InOrg(ctx, f.owner.OrgID, func(tx *db.Tx) error {
		_, err := ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: id, IssueDate: civil.New(2025, 12, 20), DueDate: civil.New(2026, 1, 1),
			Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: civil.New(2026, 1, 1), To: civil.New(2026, 1, 31),
				Net: 90000}}}}, db.TS(e.Clock.Now()), f.owner.UserID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return f
}

// The reports over HTTP: the list of five; the rent roll on today and on a
// chosen day, narrowed to a complex, as CSV and as PDF; every report's page;
// bad input back at its field with 422; an unknown report is not found.
func TestReportPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 1, 9, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newReportFixture(t, e)
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)

			body := mustBody(t, c, "/o/a/reports")
			for _, n := range []string{"rent-roll", "arrears", "vacancy", "income", "deposits"} {
				if !strings.Contains(body, `href="/o/a/reports/`+n+`"`) {
					t.Errorf("reports page lacks %s: %.1500s", n, body)
				}
			}
			if !strings.Contains(body, `id="nav-reports" >Rapportages`) && !strings.Contains(body, `aria-current="page" id="nav-reports"`) {
				t.Errorf("the nav link is not current: %.1500s", body)
			}

			body = mustBody(t, c, "/o/a/reports/rent-roll")
			for _, want := range []string{"Huurlijst", "Op 1 maart 2026 · alle complexen", "Kerkstraat 5, 3511 AA Utrecht", "A. Visser", f.ref,
				"1 januari 2025", "€ 900,00", "€ 1.800,00", "Lindelaan 1", "Leegstand", "4 eenheden, 3 leeg", `value="2026-03-01"`} {
				if !strings.Contains(body, want) {
					t.Errorf("rent roll lacks %q", want)
				}
			}
			body = mustBody(t, c, "/o/a/reports/rent-roll?date=2024-12-31")
			if strings.Contains(body, "€ 900,00") || !strings.Contains(body, "4 eenheden, 4 leeg") {
				t.Errorf("rent roll before the lease: %.3000s", body)
			}
			body = mustBody(t, c, fmt.Sprintf("/o/a/reports/rent-roll?complex=%d", f.complex))
			if strings.Contains(body, "Lindelaan") || !strings.Contains(body, "complex De Linden") || !strings.Contains(body, "1 eenheden, 0 leeg") {
				t.Errorf("rent roll of De Linden: %.3000s", body)
			}

			resp, csv := c.do("GET", fmt.Sprintf("/o/a/reports/rent-roll?complex=%d&format=csv", f.complex), nil)
			row := "Kerkstraat 5, 3511 AA Utrecht;De Linden;A. Visser;" + f.ref + ";2025-01-01;900,00;0,00;0,00;900,00;1.800,00"
			if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "huurlijst-2026-03-01.csv") ||
				!strings.Contains(csv, "Adres;Complex;Huurder(s)") || !strings.Contains(csv, row) {
				t.Fatalf("CSV: %d %v %q", resp.StatusCode, resp.Header, csv)
			}
			resp, pdf := c.do("GET", "/o/a/reports/deposits?format=pdf", nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "waarborgsommen-2026-03-01.pdf") {
				t.Fatalf("PDF: %d %v", resp.StatusCode, resp.Header)
			}

			pages := map[string][]string{
				"arrears":  {"Ouderdom achterstanden", "A. Visser", "€ 900,00", "31–60 dagen"},
				"vacancy":  {"Leegstand", "1 januari 2026 tot en met 1 maart 2026", "Lindelaan 2", "100%"},
				"income":   {"Opbrengsten per complex per maand", "december 2026", "Totaal De Linden", `type="month"`},
				"deposits": {"Waarborgsommen in bezit", "€ 1.800,00", f.ref},
			}
			for n, wants := range pages {
				body := mustBody(t, c, "/o/a/reports/"+n)
				if n == "income" {
					body = mustBody(t, c, "/o/a/reports/income?from=2026-01&to=2026-12")
				}
				for _, want := range wants {
					if !strings.Contains(body, want) {
						t.Errorf("%s lacks %q", n, want)
					}
				}
			}

			resp, body = c.do("GET", "/o/a/reports/rent-roll?date=2026-13-01", nil)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-date"`) ||
				!strings.Contains(body, `aria-describedby="err-date"`) || strings.Contains(body, `id="report-table"`) {
				t.Fatalf("a bad date: %d %.2000s", resp.StatusCode, body)
			}
			resp, body = c.do("GET", "/o/a/reports/vacancy?from=2026-03-01&to=2026-02-01", nil)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-to"`) {
				t.Fatalf("a period backwards: %d %.2000s", resp.StatusCode, body)
			}
			resp, body = c.do("GET", "/o/a/reports/arrears?complex=999999", nil)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-complex"`) {
				t.Fatalf("an unknown complex: %d %.2000s", resp.StatusCode, body)
			}
			if resp, _ := c.do("GET", "/o/a/reports/nonsense", nil); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("an unknown report: %d", resp.StatusCode)
			}
		})
	}
}

// In Chromium at 1280 and 390 pixels: every report opens from the list,
// nothing is wider than the screen, the rent roll shows another day when
// the date is changed, and its CSV link downloads that day's list.
func TestReportBrowser(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 1, 9, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	f := newReportFixture(t, e)
	for i, b := range []*browsertest.Browser{browsertest.New(t), browsertest.NewMobile(t)} {
		name := []string{"desktop", "phone"}[i]
		b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
			chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
			chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-reports")))
		wide := func(page string) {
			if browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
				t.Errorf("%s: the %s page is wider than the screen", name, page)
			}
		}
		if name == "phone" { // the sections sit in the folded menu
			b.Run(t, chromedp.Click(css("#menu-button")), chromedp.WaitVisible(css("#nav-reports")))
		}
		b.Run(t, clickAndLoad("#nav-reports", "#reports"))
		wide("reports")
		shot(t, b, "reports-"+name)
		for _, n := range []string{"arrears", "vacancy", "income", "deposits", "rent-roll"} {
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/reports"), chromedp.WaitVisible(css("#reports")))
			b.Run(t, clickAndLoad("#report-"+n, "#report-table"))
			wide(n)
			shot(t, b, "report-"+n+"-"+name)
		}
		// The rent roll is open: move the date before the lease began.
		if got := b.Text(t, "#report-total"); !strings.Contains(got, "4 eenheden, 3 leeg") {
			t.Fatalf("%s: total %q", name, got)
		}
		b.Run(t, chromedp.SetValue(css("#report-date"), "2024-12-31"))
		b.Run(t, clickAndLoad("#report-show", "#report-table"))
		if got := b.Text(t, "#report-subject"); !strings.Contains(got, "31 december 2024") {
			t.Fatalf("%s: subject %q", name, got)
		}
		if got := b.Text(t, "#report-total"); !strings.Contains(got, "4 eenheden, 4 leeg") {
			t.Fatalf("%s: total after the change %q", name, got)
		}
		wide("rent-roll on another day")
		file := browsertest.Get(t, b, chromedp.Evaluate[string](`fetch(document.querySelector('#report-csv').href).then(r => r.text())`,
			chromedp.EvalAwaitPromise))
		if !strings.Contains(file, "Adres;Complex") || !strings.Contains(file, "Kerkstraat 5, 3511 AA Utrecht;De Linden;Leegstand") {
			t.Fatalf("%s: CSV %q", name, file)
		}
	}
}
