package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/dbtest"
	"hms/internal/relation"
)

var pfIDAtEnd = regexp.MustCompile(`/(\d+)(#.*)?$`)

// created returns the id in a 303 redirect to a new row's page.
func pfCreated(t *testing.T, status int, loc, body string) string {
	t.Helper()
	m := pfIDAtEnd.FindStringSubmatch(loc)
	if status != 303 || m == nil {
		t.Fatalf("not created: %d %q %.300s", status, loc, body)
	}
	return m[1]
}

func pfUnitForm(complexID string) url.Values {
	return url.Values{"complex_id": {complexID}, "street": {"Kerkstraat"}, "house_number": {"12"}, "addition": {"a"},
		"postcode": {"1234ab"}, "city": {"Utrecht"}, "type": {"zelfstandig"}, "floor_area": {"62,5"}, "rooms": {"3"},
		"segment": {"sociaal"}, "wws_points": {"140"}, "energy_label": {"A"}}
}

// The portfolio pages through HTTP: forms refuse bad input at the field and
// keep it, lists search and export, the complex shows its occupancy, meters
// take readings in order, and nobody outside the organisation gets in.
func TestPortfolioPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clocktest.Fixed()
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			_, pw := createUser(t, e, "a", "manager@a.nl", account.Manager)
			_, vpw := createUser(t, e, "a", "viewer@a.nl", account.Viewer)
			_, spw := createUser(t, e, "b", "owner@b.nl", account.Owner)
			c := newClient(t, e.URL())
			c.login("manager@a.nl", pw)

			// Complex: a refused form keeps its values, then a good one.
			resp, body := c.do("POST", "/o/a/complexes", url.Values{"name": {""}, "postcode": {"nope"}, "city": {"Utrecht"}})
			if resp.StatusCode != 422 || !strings.Contains(body, `id="err-name"`) || !strings.Contains(body, `id="err-postcode"`) ||
				!strings.Contains(body, `value="Utrecht"`) || !strings.Contains(body, `aria-invalid="true"`) {
				t.Fatalf("bad complex form: %d %.2000s", resp.StatusCode, body)
			}
			resp, body = c.do("POST", "/o/a/complexes", url.Values{"name": {"Hof"}, "street": {"Parklaan"}, "house_number": {"1"},
				"postcode": {"3511aa"}, "city": {"Utrecht"}})
			cid := pfCreated(t, resp.StatusCode, resp.Header.Get("Location"), body)
			_, body = c.do("GET", "/o/a/complexes/"+cid, nil)
			if !strings.Contains(body, "Parklaan 1, 3511 AA Utrecht") || !strings.Contains(body, `id="flash"`) {
				t.Fatalf("complex page: %.2000s", body)
			}

			// Unit: the same.
			bad := pfUnitForm(cid)
			bad.Set("postcode", "12")
			bad.Set("floor_area", "62,55")
			resp, body = c.do("POST", "/o/a/units", bad)
			if resp.StatusCode != 422 || !strings.Contains(body, `id="err-postcode"`) || !strings.Contains(body, `id="err-floor_area"`) ||
				!strings.Contains(body, `value="Kerkstraat"`) || !strings.Contains(body, fmt.Sprintf(`<option value="%s" selected>`, cid)) {
				t.Fatalf("bad unit form: %d %.3000s", resp.StatusCode, body)
			}
			resp, body = c.do("POST", "/o/a/units", pfUnitForm(cid))
			uid := pfCreated(t, resp.StatusCode, resp.Header.Get("Location"), body)
			resp, body = c.do("POST", "/o/a/units", pfUnitForm(""))
			if resp.StatusCode != 422 || !strings.Contains(body, "Er is al een eenheid op dit adres") {
				t.Fatalf("duplicate address: %d", resp.StatusCode)
			}
			_, body = c.do("GET", "/o/a/units/"+uid, nil)
			for _, want := range []string{"Kerkstraat 12-A", "62,5 m²", "Sociale huur", `data-status="vacant"`,
				`id="meter-form"`, `id="nav-portfolio"`} {
				if !strings.Contains(body, want) {
					t.Fatalf("unit page lacks %q: %.3000s", want, body)
				}
			}
			// Edit form is filled in.
			_, body = c.do("GET", "/o/a/units/"+uid+"/edit", nil)
			if !strings.Contains(body, `value="62,5"`) || !strings.Contains(body, `value="140"`) {
				t.Fatalf("edit form not filled: %.3000s", body)
			}
			upd := pfUnitForm(cid)
			upd.Set("rooms", "4")
			if resp, body := c.do("POST", "/o/a/units/"+uid, upd); resp.StatusCode != 303 {
				t.Fatalf("update unit: %d %.1000s", resp.StatusCode, body)
			}

			// Lists: search, complex filter, CSV.
			_, body = c.do("GET", "/o/a/units?q=1234ab", nil)
			if !strings.Contains(body, `id="unit-`+uid+`"`) || !strings.Contains(body, `aria-sort="ascending"`) {
				t.Fatalf("unit search: %.3000s", body)
			}
			if _, body = c.do("GET", "/o/a/units?q=nergens", nil); strings.Contains(body, `id="unit-`+uid+`"`) {
				t.Fatal("search for something else still lists the unit")
			}
			if _, body = c.do("GET", "/o/a/units?complex="+cid, nil); !strings.Contains(body, `id="complex-filter"`) ||
				!strings.Contains(body, `id="unit-`+uid+`"`) {
				t.Fatalf("complex filter: %.3000s", body)
			}
			// A search from the filtered list keeps the complex.
			if !strings.Contains(body, `<input type="hidden" name="complex" value="`+cid+`">`) {
				t.Fatal("the search form drops the complex filter")
			}
			resp, body = c.do("GET", "/o/a/units?format=csv&sort=area&dir=desc", nil)
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(body, "Kerkstraat;12;A;1234 AB;Utrecht") ||
				!strings.Contains(body, "Leeg") {
				t.Fatalf("csv: %s %q", resp.Header.Get("Content-Type"), body)
			}
			resp, body = c.do("GET", "/o/a/complexes?format=csv", nil)
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(body, "Hof;Parklaan;1;3511 AA;Utrecht;1") {
				t.Fatalf("complex csv: %q", body)
			}
			resp, body = c.do("GET", "/o/a/complexes/"+cid+"?format=csv", nil)
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.Contains(body, "Hof;Kerkstraat;12;A") {
				t.Fatalf("complex's units csv: %q", body)
			}
			_, body = c.do("GET", "/o/a/complexes/"+cid, nil)
			if !strings.Contains(body, `<dd id="count-vacant">1</dd>`) || !strings.Contains(body, "0% verhuurd") || !strings.Contains(body, "<svg") {
				t.Fatalf("occupancy: %.4000s", body)
			}

			// Meters and readings.
			resp, body = c.do("POST", "/o/a/units/"+uid+"/meters", url.Values{"kind": {"gas"}, "number": {""}})
			if resp.StatusCode != 422 || !strings.Contains(body, `id="err-number"`) {
				t.Fatalf("bad meter: %d", resp.StatusCode)
			}
			resp, _ = c.do("POST", "/o/a/units/"+uid+"/meters", url.Values{"kind": {"gas"}, "number": {"G-77"}})
			if resp.StatusCode != 303 || resp.Header.Get("Location") != "/o/a/units/"+uid+"#meters" {
				t.Fatalf("add meter: %d %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			_, body = c.do("GET", "/o/a/units/"+uid, nil)
			m := regexp.MustCompile(`id="meter-(\d+)"`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no meter on the page: %.3000s", body)
			}
			mid := m[1]
			today := civil.Today(clk.Now())
			readings := "/o/a/units/" + uid + "/meters/" + mid + "/readings"
			if resp, _ := c.do("POST", readings, url.Values{"date": {today.AddDays(-10).String()}, "value": {"1234"}}); resp.StatusCode != 303 {
				t.Fatalf("reading: %d", resp.StatusCode)
			}
			resp, body = c.do("POST", readings, url.Values{"date": {today.String()}, "value": {"1000"}})
			if resp.StatusCode != 422 || !strings.Contains(body, `id="err-value-`+mid+`"`) || !strings.Contains(body, `value="1000"`) {
				t.Fatalf("lower reading: %d %.3000s", resp.StatusCode, body)
			}
			_, body = c.do("GET", "/o/a/units/"+uid, nil)
			if !strings.Contains(body, "1.234") {
				t.Fatalf("reading not shown: %.3000s", body)
			}

			// A complex with units cannot be deleted: the page says why.
			resp, body = c.do("POST", "/o/a/complexes/"+cid+"/delete", url.Values{})
			if resp.StatusCode != 409 || !strings.Contains(body, `id="form-error"`) || !strings.Contains(body, "nog eenheden") {
				t.Fatalf("delete complex with units: %d %.2000s", resp.StatusCode, body)
			}

			// A viewer reads but has no buttons and no forms.
			v := newClient(t, e.URL())
			v.login("viewer@a.nl", vpw)
			_, body = v.do("GET", "/o/a/units/"+uid, nil)
			if !strings.Contains(body, "Kerkstraat 12-A") || strings.Contains(body, `id="meter-form"`) || strings.Contains(body, `id="edit-unit"`) {
				t.Fatalf("viewer's unit page: %.2000s", body)
			}
			if resp, _ := v.do("GET", "/o/a/units/new", nil); resp.StatusCode != 403 {
				t.Fatalf("viewer's new unit form: %d", resp.StatusCode)
			}
			// Another organisation's owner finds nothing.
			s := newClient(t, e.URL())
			s.login("owner@b.nl", spw)
			for _, p := range []string{"/o/a/units/" + uid, "/o/b/units/" + uid, "/o/b/complexes/" + cid, "/o/b/units/" + uid + "/edit"} {
				if resp, _ := s.do("GET", p, nil); resp.StatusCode != 404 {
					t.Errorf("stranger GET %s: %d", p, resp.StatusCode)
				}
			}
			for _, p := range []string{"/o/b/units/" + uid + "/delete", "/o/b/complexes/" + cid + "/delete",
				"/o/b/units/" + uid + "/meters", readings} {
				if resp, _ := s.do("POST", p, url.Values{"kind": {"gas"}, "number": {"X"}}); resp.StatusCode != 404 {
					t.Errorf("stranger POST %s: %d", p, resp.StatusCode)
				}
			}
			if _, body = s.do("GET", "/o/b/units", nil); strings.Contains(body, "Kerkstraat") {
				t.Fatal("stranger lists A's unit")
			}

			// Deleting the unit, then the complex.
			if resp, _ := c.do("POST", "/o/a/units/"+uid+"/delete", url.Values{}); resp.StatusCode != 303 {
				t.Fatalf("delete unit: %d", resp.StatusCode)
			}
			if resp, _ := c.do("GET", "/o/a/units/"+uid, nil); resp.StatusCode != 404 {
				t.Fatalf("deleted unit: %d", resp.StatusCode)
			}
			if resp, _ := c.do("POST", "/o/a/complexes/"+cid+"/delete", url.Values{}); resp.StatusCode != 303 {
				t.Fatalf("delete complex: %d", resp.StatusCode)
			}
		})
	}
}

// The portfolio in Chromium: no console errors (CSP) on any page, and
// screenshots to look at with HMS_TEST_ARTIFACTS.
func TestBrowserPortfolio(t *testing.T) {
	e := apptest.Start(t, "sqlite")
	_, pw := createUser(t, e, "a", "manager@a.nl", account.Manager)
	c := newClient(t, e.URL())
	c.login("manager@a.nl", pw)
	resp, body := c.do("POST", "/o/a/complexes",
		url.Values{"name": {"Parkzicht"}, "street": {"Parklaan"}, "house_number": {"1"}, "postcode": {"3511AA"}, "city": {"Utrecht"}})
	cid := pfCreated(t, resp.StatusCode, resp.Header.Get("Location"), body)
	var units []int64
	for i := 1; i <= 4; i++ {
		f := pfUnitForm(cid)
		f.Set("house_number", fmt.Sprint(i*2))
		f.Set("addition", "")
		resp, body := c.do("POST", "/o/a/units", f)
		id, _ := strconv.ParseInt(pfCreated(t, resp.StatusCode, resp.Header.Get("Location"), body), 10, 64)
		units = append(units, id)
	}
	pfLeases(t, e, units[:2], units[2:3]) // two let, one under notice, one vacant
	b := browsertest.New(t)
	base := e.URL()
	b.Run(t, chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(css("input[name=email]"), "manager@a.nl"),
		chromedp.SendKeys(css("input[name=password]"), pw),
		chromedp.Click(css("#login-submit")), chromedp.WaitVisible(css("#my-role")))
	b.Run(t, chromedp.Click(css("#nav-portfolio")), chromedp.WaitVisible(css("#units")))
	shot(t, b, "portfolio-units")
	b.Run(t, chromedp.Click(css("#sort-area")), chromedp.WaitVisible(css(`th[aria-sort="ascending"] #sort-area`)))
	b.Run(t, chromedp.Click(css("#tab-complexes")), chromedp.WaitVisible(css("#complexes")))
	shot(t, b, "portfolio-complexes")
	b.Run(t, chromedp.Navigate(base+"/o/a/complexes/"+cid), chromedp.WaitVisible(css("#occupancy")))
	if got := b.Text(t, "#occupancy-let"); !strings.HasPrefix(got, "75% verhuurd") {
		t.Fatalf("occupancy: %q", got)
	}
	if got := b.Text(t, "#count-notice"); got != "1" {
		t.Fatalf("notice count: %q", got)
	}
	shot(t, b, "portfolio-complex")
	b.Run(t, chromedp.Click(css("#new-unit")), chromedp.WaitVisible(css("#unit-form")),
		chromedp.SendKeys(css("#street"), "Kerkstraat"), chromedp.SendKeys(css("#house_number"), "20"),
		chromedp.SendKeys(css("#postcode"), "1234 ab"), chromedp.Click(css("#unit-submit")), chromedp.WaitVisible(css("#err-city")))
	shot(t, b, "portfolio-unit-form-errors")
	b.Run(t, chromedp.SendKeys(css("#city"), "Utrecht"), chromedp.SetValue(css("#type"), "zelfstandig"),
		chromedp.SetValue(css("#segment"), "middenhuur"), chromedp.SendKeys(css("#floor_area"), "75,5"),
		chromedp.Click(css("#unit-submit")), chromedp.WaitVisible(css("#unit-address")))
	if got := b.Text(t, "#unit-area"); got != "75,5 m²" {
		t.Fatalf("area on the unit page: %q", got)
	}
	b.Run(t, chromedp.SendKeys(css("#meter-number"), "E-123"), chromedp.Click(css("#meter-submit")),
		chromedp.WaitVisible(css(".reading-form")), chromedp.SendKeys(css(".reading-form input[name=value]"), "4321"),
		chromedp.Click(css(".reading-form button")), chromedp.WaitVisible(css(".readings tr.reading")))
	if got := b.Text(t, ".readings"); !strings.Contains(got, "4.321") {
		t.Fatalf("readings: %q", got)
	}
	shot(t, b, "portfolio-unit")
	for _, msg := range b.ConsoleErrors() {
		if !strings.Contains(msg, "status of 422") {
			t.Errorf("browser console: %s", msg)
		}
	}
}

// pfLeases gives the units in let running leases and those in notice leases
// whose tenant has given notice today, so their status comes from real leases.
func pfLeases(t *testing.T, e *apptest.Env, let, notice []int64) {
	t.Helper()
	ctx := context.Background()
	id, _ := createUser(t, e, "a", "owner@a.nl", account.Owner)
	owner, err := e.Accounts.ActorFor(ctx, id, "a")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Privacy.AcceptProcessorAgreement(ctx, owner, e.Privacy.Current().Version); err != nil {
		t.Fatal(err)
	}
	tenant, err := e.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Anna", Surname: "Visser", BirthDate: "1990-01-01",
		Address: relation.Address{Street: "Oudegracht", HouseNumber: "12", Postcode: "3511 AB", City: "Utrecht"}})
	if err != nil {
		t.Fatal(err)
	}
	today := civil.Today(e.Clock.Now())
	start := civil.New(today.Year-1, today.Month, 1)
	for _, u := range append(slices.Clone(let), notice...) {
		l, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{tenant}, Start: start,
			PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 85000}}})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(notice, u) {
			if _, err := e.Leases.GiveNotice(ctx, owner, l, lease.NoticeInput{By: lease.ByTenant, NoticeDate: today}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
