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
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// leaseFixture is an organisation with an owner who accepted the processor
// agreement, two homes and a tenant.
type leaseFixture struct {
	owner     account.Actor
	email, pw string
	homes     []int64
	shop      int64
	tenant    int64
}

func newLeaseFixture(t *testing.T, e *apptest.Env, slug string) *leaseFixture {
	t.Helper()
	ctx := context.Background()
	f := &leaseFixture{email: "owner@" + slug + ".nl"}
	var id int64
	id, f.pw = createUser(t, e, slug, f.email, account.Owner)
	f.owner, _ = e.Accounts.ActorFor(ctx, id, slug)
	if err := e.Privacy.AcceptProcessorAgreement(ctx, f.owner, e.Privacy.Current().Version); err != nil {
		t.Fatal(err)
	}
	for i, typ := range []portfolio.UnitType{portfolio.TypeZelfstandig, portfolio.TypeZelfstandig, portfolio.TypeBedrijfsruimte} {
		seg := portfolio.SegmentVrij
		if typ == portfolio.TypeBedrijfsruimte {
			seg = portfolio.SegmentCommercieel
		}
		u, err := e.Portfolio.CreateUnit(ctx, f.owner,
			portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(i + 1), Postcode: "3521 CD",
				City: "Utrecht", Type: typ, FloorArea: "70", Segment: seg})
		if err != nil {
			t.Fatal(err)
		}
		if typ == portfolio.TypeBedrijfsruimte {
			f.shop = u
		} else {
			f.homes = append(f.homes, u)
		}
	}
	var err error
	f.tenant, err = e.Relations.CreatePerson(ctx, f.owner, relation.PersonInput{FirstNames: "Anna", Surname: "Visser", BirthDate: "1990-01-01",
		Address: relation.Address{Street: "Oudegracht", HouseNumber: "12", Postcode: "3511 AB", City: "Utrecht"}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

var leaseIDInPath = regexp.MustCompile(`/leases/(\d+)`)

// The lease pages: create with errors at the fields, the detail page with
// money in the page language, a component change, a deposit entry, notice
// previewed then confirmed, the tenant information PDF, the list with its
// CSV, and another organisation that finds nothing.
func TestLeasePages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)

			resp, body := c.do("GET", "/o/a/leases", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, `id="leases"`) || !strings.Contains(body, `id="nav-leases"`) {
				t.Fatalf("empty list: %d", resp.StatusCode)
			}
			resp, body = c.do("GET", "/o/a/leases/new", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, fmt.Sprintf(`name="unit_ids" value="%d"`, f.homes[0])) ||
				!strings.Contains(body, fmt.Sprintf(`name="tenant_ids" value="%d"`, f.tenant)) {
				t.Fatalf("new form: %d %s", resp.StatusCode, body)
			}

			form := url.Values{
				"unit_ids": {fmt.Sprint(f.homes[0])}, "tenant_ids": {fmt.Sprint(f.tenant)}, "start_date": {"2026-01-01"},
				"end_date": {"2025-12-31"}, "deposit": {"1.234,56"}, "due_day": {"1"}, "notice_months_tenant": {"1"},
				"billing_frequency": {"monthly"}, "payment_method": {"transfer"},
				"components[0].kind": {"bare_rent"}, "components[0].amount": {"617,28"},
				"components[1].kind": {"service_costs"}, "components[1].amount": {"25"}, "components[1].category": {""},
			}
			resp, body = c.do("POST", "/o/a/leases/new", form)
			if resp.StatusCode != 422 || !strings.Contains(body, "De einddatum ligt vóór de ingangsdatum.") ||
				!strings.Contains(body, `name="end_date" id="end_date" type="date" value="2025-12-31" aria-invalid="true"`) ||
				!strings.Contains(body, "Kies de kostencategorie van deze servicekosten.") || !strings.Contains(body, `value="1.234,56"`) {
				t.Fatalf("bad form: %d %s", resp.StatusCode, body)
			}
			form.Set("end_date", "")
			form.Set("components[1].category", "schoonmaak")
			form.Set("deposit", "1.234,57") // one cent above twice the bare rent
			resp, body = c.do("POST", "/o/a/leases/new", form)
			if resp.StatusCode != 422 || !strings.Contains(body, "twee keer de kale huur") {
				t.Fatalf("deposit above the cap: %d", resp.StatusCode)
			}
			form.Set("deposit", "1.234,56")
			resp, _ = c.do("POST", "/o/a/leases/new", form)
			m := leaseIDInPath.FindStringSubmatch(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusSeeOther || m == nil {
				t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			detail := "/o/a/leases/" + m[1]
			_, body = c.do("GET", detail, nil)
			for _, want := range []string{"Het contract is aangemaakt.", "€ 1.234,56", "€ 617,28", "€ 642,28", "1 januari 2026",
				fmt.Sprintf(`href="/o/a/relations/%d"`, f.tenant), fmt.Sprintf(`href="/o/a/units/%d"`, f.homes[0]), `id="generate-information"`} {
				if !strings.Contains(body, want) {
					t.Errorf("detail lacks %q", want)
				}
			}
			if t.Failed() {
				t.Fatalf("detail page: %s", body)
			}

			// A rent increase from July: a new row; the current amount stays until then.
			resp, body = c.do("POST", detail+"/components",
				url.Values{"component.kind": {"bare_rent"}, "component.amount": {"abc"}, "component.valid_from": {"2026-07-01"}})
			if resp.StatusCode != 422 ||
				!strings.Contains(body, `id="component-amount" inputmode="decimal" placeholder="0,00" value="abc" aria-invalid="true"`) {
				t.Fatalf("bad component: %d", resp.StatusCode)
			}
			resp, _ = c.do("POST", detail+"/components", url.Values{"component.kind": {"bare_rent"}, "component.amount": {"640,00"},
				"component.vat": {"exempt"}, "component.valid_from": {"2026-07-01"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("component: %d", resp.StatusCode)
			}
			_, body = c.do("GET", detail, nil)
			if !strings.Contains(body, "€ 640,00") || !strings.Contains(body, "1 juli 2026") ||
				!strings.Contains(body, `id="components-total">€ 642,28`) {
				t.Fatalf("component history: %s", body)
			}
			resp, _ = c.do("POST", detail+"/deposit",
				url.Values{"deposit.kind": {"received"}, "deposit.date": {"2026-01-01"}, "deposit.amount": {"1234,56"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("deposit entry: %d", resp.StatusCode)
			}
			resp, body = c.do("POST", detail+"/deposit",
				url.Values{"deposit.kind": {"returned"}, "deposit.date": {"2026-03-01"}, "deposit.amount": {"2000"}})
			if resp.StatusCode != 422 || !strings.Contains(body, "Dit is meer dan er aan waarborgsom in bewaring is.") {
				t.Fatalf("deposit return above held: %d", resp.StatusCode)
			}

			// Notice: the preview shows the end date and writes nothing; confirming records it.
			resp, body = c.do("POST", detail+"/notice/preview", url.Values{"notice.by": {"tenant"}, "notice.notice_date": {"14-3-2026"}})
			if resp.StatusCode != 200 || !strings.Contains(body, `id="preview-end">Het contract eindigt op 30 april 2026.`) ||
				!strings.Contains(body, `id="notice-confirm"`) {
				t.Fatalf("preview: %d %s", resp.StatusCode, body)
			}
			if l, _ := e.Leases.Get(context.Background(), f.owner, mustID(t, m[1])); l.Termination != nil {
				t.Fatal("the preview gave notice")
			}
			resp, _ = c.do("POST", detail+"/notice", url.Values{"notice.by": {"tenant"}, "notice.notice_date": {"2026-03-14"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("confirm notice: %d", resp.StatusCode)
			}
			_, body = c.do("GET", detail, nil)
			if !strings.Contains(body, `id="termination-end">Het contract eindigt op 30 april 2026.`) ||
				!strings.Contains(body, `id="notice-withdraw"`) ||
				!strings.Contains(body, "<mark>Opgezegd</mark>") {
				t.Fatalf("after notice: %s", body)
			}
			resp, body = c.do("POST", detail+"/notice/preview", url.Values{"notice.by": {"tenant"}, "notice.notice_date": {"2026-03-15"}})
			if resp.StatusCode != 409 || !strings.Contains(body, "Op dit contract is al opgezegd.") {
				t.Fatalf("second notice: %d", resp.StatusCode)
			}

			// The tenant information: generated, listed, downloaded as PDF, delivery recorded.
			resp, _ = c.do("POST", detail+"/documents", url.Values{})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("generate: %d", resp.StatusCode)
			}
			_, body = c.do("GET", detail, nil)
			dm := regexp.MustCompile(`href="(/o/a/leases/\d+/documents/(\d+))" class="document-download"`).FindStringSubmatch(body)
			if dm == nil {
				t.Fatalf("no document link: %s", body)
			}
			resp, pdf := c.do("GET", dm[1], nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
				t.Fatalf("download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			resp, body = c.do("POST", dm[1]+"/provided", url.Values{"provided.provided_on": {"2026-04-01"}, "provided.method": {"paper"}})
			if resp.StatusCode != 422 || !strings.Contains(body, "Deze datum ligt in de toekomst.") {
				t.Fatalf("delivery in the future: %d", resp.StatusCode)
			}
			resp, _ = c.do("POST", dm[1]+"/provided", url.Values{"provided.provided_on": {"2026-03-15"}, "provided.method": {"paper"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("delivery: %d", resp.StatusCode)
			}
			_, body = c.do("GET", detail, nil)
			if !strings.Contains(body, "15 maart 2026 · Op papier") {
				t.Fatalf("delivery not shown: %s", body)
			}

			// English: money and dates in English notation.
			c.do("POST", "/lang", url.Values{"lang": {"en"}, "next": {detail}})
			if _, body = c.do("GET", detail, nil); !strings.Contains(body, "€1,234.56") || !strings.Contains(body, "30 April 2026") {
				t.Fatalf("English detail: %s", body)
			}
			c.do("POST", "/lang", url.Values{"lang": {"nl"}, "next": {detail}})

			// The list: search, status filter, CSV.
			_, body = c.do("GET", "/o/a/leases?q=2026&status=notice", nil)
			if !strings.Contains(body, `class="lease-ref">2026-0001`) || !strings.Contains(body, "A. Visser") {
				t.Fatalf("list: %s", body)
			}
			_, body = c.do("GET", "/o/a/leases?status=ended", nil)
			if strings.Contains(body, `class="lease-ref"`) {
				t.Fatal("status filter ignored")
			}
			resp, body = c.do("GET", "/o/a/leases?format=csv", nil)
			if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "text/csv") ||
				!strings.Contains(body, "2026-0001;Woonruimte;2026-01-01;2026-04-30;Opgezegd") {
				t.Fatalf("csv: %d %s", resp.StatusCode, body)
			}

			// Edit.
			resp, body = c.do("GET", detail+"/edit", nil)
			if resp.StatusCode != 200 || !strings.Contains(body, `value="2026-0001"`) || !strings.Contains(body, `value="1.234,56"`) {
				t.Fatalf("edit form: %d", resp.StatusCode)
			}
			edit := url.Values{"reference": {"HC-1"}, "unit_ids": {fmt.Sprint(f.homes[0])}, "tenant_ids": {fmt.Sprint(f.tenant)},
				"start_date": {"2026-01-01"}, "deposit": {"1000"}, "due_day": {"3"}, "notice_months_tenant": {"1"}, "billing_frequency": {"monthly"},
				"payment_method": {"direct_debit"}}
			resp, _ = c.do("POST", detail+"/edit", edit)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("update: %d", resp.StatusCode)
			}
			edit.Set("unit_ids", fmt.Sprint(f.shop))
			edit.Add("unit_ids", fmt.Sprint(f.homes[1]))
			resp, body = c.do("POST", detail+"/edit", edit)
			if resp.StatusCode != 422 || !strings.Contains(body, "Woonruimte en bedrijfsruimte kunnen niet in één contract.") {
				t.Fatalf("mixed units: %d", resp.StatusCode)
			}

			// Settings.
			resp, _ = c.do("POST", "/o/a/leases/settings",
				url.Values{"meldpunt": {""}, "deposit_return_days": {"14"}, "deposit_deduction_days": {"30"}})
			if resp.StatusCode != 422 {
				t.Fatalf("empty meldpunt: %d", resp.StatusCode)
			}
			resp, _ = c.do("POST", "/o/a/leases/settings",
				url.Values{"meldpunt": {"Meldpunt Utrecht"}, "deposit_return_days": {"14"}, "deposit_deduction_days": {"30"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("settings: %d", resp.StatusCode)
			}
			if _, body = c.do("GET", "/o/a/leases/settings", nil); !strings.Contains(body, "Meldpunt Utrecht") {
				t.Fatal("settings not kept")
			}

			// Another organisation's owner: every lease page of A is 404 in B.
			fb := newLeaseFixture(t, e, "b")
			cb := newClient(t, e.URL())
			cb.login(fb.email, fb.pw)
			for _, p := range []string{detail, detail + "/edit", dm[1]} {
				if resp, _ := cb.do("GET", strings.Replace(p, "/o/a/", "/o/b/", 1), nil); resp.StatusCode != 404 {
					t.Errorf("B GET %s: %d", p, resp.StatusCode)
				}
				if resp, _ := cb.do("GET", p, nil); resp.StatusCode != 404 {
					t.Errorf("B GET A's %s: %d", p, resp.StatusCode)
				}
			}
			for _, p := range []string{"/components", "/deposit", "/notice/preview", "/notice", "/notice/withdraw", "/documents", "/edit"} {
				if resp, _ := cb.do("POST", strings.Replace(detail, "/o/a/", "/o/b/", 1)+p,
					url.Values{"notice.by": {"tenant"}, "notice.notice_date": {"2026-03-15"}}); resp.StatusCode != 404 {
					t.Errorf("B POST %s: %d", p, resp.StatusCode)
				}
			}
			if _, body := cb.do("GET", "/o/b/leases?format=csv", nil); strings.Contains(body, "HC-1") {
				t.Error("B's export holds A's lease")
			}
			// Withdraw as A, last.
			if resp, _ := c.do("POST", detail+"/notice/withdraw", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("withdraw: %d", resp.StatusCode)
			}
		})
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// The lease pages in Chromium: the new-lease form, the detail page with a
// notice preview. Screenshots go to HMS_TEST_ARTIFACTS.
func TestLeaseBrowser(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	f := newLeaseFixture(t, e, "a")
	b := browsertest.New(t)
	base := e.URL()
	b.Run(t, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("input[name=email]")),
		chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
		chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-leases")))
	b.Run(t, chromedp.Click(css("#nav-leases")), chromedp.WaitVisible(css("#leases")))
	b.Run(t, chromedp.Click(css("#lease-new")), chromedp.WaitVisible(css("#lease-form")))
	// The search above the units narrows the choice as one types (htmx).
	b.Run(t, chromedp.SendKeys(css("#unit_ids-search"), "Lindelaan 1"),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#unit_ids-options input").length === 1`,
			chromedp.WithPollingTimeout(5*time.Second)))
	b.Run(t,
		chromedp.Click(css(fmt.Sprintf(`#unit_ids-options input[value="%d"]`, f.homes[0]))),
		chromedp.Click(css(fmt.Sprintf(`#tenant_ids-options input[value="%d"]`, f.tenant))),
		chromedp.SetValue(css("#start_date"), "2026-01-01"),
		chromedp.SendKeys(css("#deposit"), "1.500,00"),
		chromedp.SendKeys(css("#component-0-amount"), "850,00"),
		chromedp.SendKeys(css("#component-1-category"), "schoonmaak"),
		chromedp.SendKeys(css("#component-1-amount"), "35,00"),
	)
	shot(t, b, "lease-new")
	b.Run(t, chromedp.Click(css("#lease-submit")), chromedp.WaitVisible(css("#lease-reference")))
	if got := b.Text(t, "#lease-deposit"); got != "€ 1.500,00" {
		t.Fatalf("deposit shown as %q", got)
	}
	b.Run(t, chromedp.SetValue(css("#notice-date"), "2026-03-14"), chromedp.Click(css("#notice-preview-submit")),
		chromedp.WaitVisible(css("#preview-end")))
	if got := b.Text(t, "#preview-end"); got != "Het contract eindigt op 30 april 2026." {
		t.Fatalf("preview: %q", got)
	}
	shot(t, b, "lease-preview")
	b.Run(t, chromedp.Click(css("#notice-confirm")), chromedp.WaitVisible(css("#termination-end")))
	b.Run(t, chromedp.Click(css("#generate-information")), chromedp.WaitVisible(css(".document-download")))
	shot(t, b, "lease-detail")
	b.Run(t, chromedp.Click(css("#nav-leases")), chromedp.WaitVisible(css(".lease-ref")))
	shot(t, b, "lease-list")
}
