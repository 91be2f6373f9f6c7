package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// settlementNow is 20 January 2026: the year to settle is 2025.
var settlementNow = time.Date(2026, time.January, 20, 11, 0, 0, 0, time.UTC)

// stFixture is a complex "De Linde" of three homes: A (50 m²) changes
// tenant on 1 August 2025 (the fixture's tenant leaves), B (70 m²) is let
// from 1 March 2025, C (100 m²) stands empty; and a supplier.
type stFixture struct {
	*leaseFixture
	complex, ua, ub, uc int64
	l1, l2, l3          int64
	ref3                string
	supplier            int64
}

func newSettlementFixture(t *testing.T, e *apptest.Env, slug string) *stFixture {
	t.Helper()
	ctx := context.Background()
	f := &stFixture{leaseFixture: newLeaseFixture(t, e, slug)}
	var err error
	if f.complex, err = e.Portfolio.CreateComplex(ctx, f.owner, portfolio.ComplexInput{Name: "De Linde", City: "Utrecht"}); err != nil {
		t.Fatal(err)
	}
	for i, area := range []string{"50", "70", "100"} {
		u, err := e.Portfolio.CreateUnit(ctx, f.owner,
			portfolio.UnitInput{ComplexID: f.complex, Street: "Parkweg", HouseNumber: fmt.Sprint(10 + 2*i),
				Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: area, Segment: portfolio.SegmentVrij})
		if err != nil {
			t.Fatal(err)
		}
		*[]*int64{&f.ua, &f.ub, &f.uc}[i] = u
	}
	person := func(surname string) int64 {
		p, err := e.Relations.CreatePerson(ctx, f.owner, relation.PersonInput{FirstNames: "Bram", Surname: surname,
			Address: relation.Address{Street: "Oudegracht", HouseNumber: "14", Postcode: "3511 AB", City: "Utrecht"}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	mk := func(unit, tenant int64, start, end civil.Date) int64 {
		id, err := e.Leases.Create(ctx, f.owner, lease.Input{UnitIDs: []int64{unit}, TenantIDs: []int64{tenant}, Start: start, End: end,
			PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000},
				{Kind: lease.ServiceCosts, Category: "Schoonmaak", AmountCents: 5000}}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.l1 = mk(f.ua, f.tenant, civil.New(2024, time.January, 1), civil.New(2025, time.July, 31))
	f.l2 = mk(f.ua, person("Jansen"), civil.New(2025, time.August, 1), civil.Date{})
	f.l3 = mk(f.ub, person("Bakker"), civil.New(2025, time.March, 1), civil.Date{})
	l, err := e.Leases.Get(ctx, f.owner, f.l3)
	if err != nil {
		t.Fatal(err)
	}
	f.ref3 = l.Reference
	if f.supplier, err = e.Relations.CreateCompany(ctx, f.owner, relation.CompanyInput{Name: "Schoon BV", KvK: "12345678",
		Address: relation.Address{Street: "Industrieweg", HouseNumber: "1", Postcode: "3542 AD", City: "Utrecht"},
		IBANs:   []string{"NL91ABNA0417164300"}, Roles: relation.RolesOf(relation.RoleSupplier)}); err != nil {
		t.Fatal(err)
	}
	return f
}

// invoicePDF is the smallest file the content sniffer takes for a PDF.
var invoicePDF = []byte("%PDF-1.4\n% factuur S-1 SETTLEMENT-WEB-MARKER\n%%EOF\n")

func countRows(t *testing.T, e *apptest.Env, table string) int {
	t.Helper()
	var n int
	if err := e.DB.Raw().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The settlement pages over HTTP: a cost entry refused with errors at the
// fields, an evidence file that is not a PDF refused, the entry with its
// PDF and the download; a CSV import refused with line and column, then
// fixed; the CSV export (formula cells defused) imported again unchanged;
// keys per year, copied to the next year; degree days; a run of the complex
// with the tenants' lines (paged and searched) and the landlord's vacancy;
// finalising; and another organisation that gets 404 on every id route.
func TestSettlementPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clock.NewFixed(settlementNow)})
			f := newSettlementFixture(t, e, "a")
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			base := "/o/a/settlement"

			body := mustBody(t, c, base)
			if !strings.Contains(body, `id="tab-costs" aria-current="page"`) || !strings.Contains(body, `id="cost-new"`) {
				t.Fatalf("cost list: %.3000s", body)
			}
			body = mustBody(t, c, base+"/costs/new")
			if !strings.Contains(body, fmt.Sprintf(`<option value="%d" >Schoon BV</option>`, f.supplier)) {
				t.Fatalf("new cost form has no supplier: %.3000s", body)
			}

			// Bad amount, a period that ends before it starts and a relation
			// that is no supplier: each error at its field, nothing stored.
			form := url.Values{"complex_id": {fmt.Sprint(f.complex)}, "supplier_id": {fmt.Sprint(f.tenant)}, "invoice_number": {"S-1"},
				"invoice_date": {"2025-12-31"}, "period_start": {"2025-12-31"}, "period_end": {"2025-01-01"},
				"amount": {"12,3,4"}, "category": {"Schoonmaak"}}
			resp, body := c.postFiles(base+"/costs", form, "evidence", "factuur.pdf", invoicePDF)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad cost: %d", resp.StatusCode)
			}
			for _, field := range []string{"amount", "period_end", "supplier_id"} {
				if !strings.Contains(body, `id="err-`+field+`"`) || !strings.Contains(body, `aria-describedby="err-`+field+`"`) {
					t.Errorf("no error at %s: %.5000s", field, body)
				}
			}
			if !strings.Contains(body, `value="12,3,4"`) {
				t.Error("the form lost what was typed")
			}
			// A good entry with a file that is not a PDF: refused at the file.
			form.Set("supplier_id", fmt.Sprint(f.supplier))
			form.Set("period_start", "2025-01-01")
			form.Set("period_end", "2025-12-31")
			form.Set("amount", "1.200,00")
			resp, body = c.postFiles(base+"/costs", form, "evidence", "factuur.pdf", []byte("GIF89a not an invoice"))
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-evidence"`) {
				t.Fatalf("non-PDF evidence: %d %.3000s", resp.StatusCode, body)
			}
			if n := countRows(t, e, "settlement_cost_entries"); n != 0 {
				t.Fatalf("refused forms stored %d entries", n)
			}
			resp, _ = c.postFiles(base+"/costs", form, "evidence", "factuur S-1.pdf", invoicePDF)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("cost: %d", resp.StatusCode)
			}
			body = mustBody(t, c, resp.Header.Get("Location"))
			m := regexp.MustCompile(`/settlement/costs/(\d+)">S-1<`).FindStringSubmatch(body)
			if m == nil || !strings.Contains(body, "€ 1.200,00") || !strings.Contains(body, "evidence-download") {
				t.Fatalf("list after create: %.4000s", body)
			}
			cost := base + "/costs/" + m[1]
			resp, body = c.do("GET", cost+"/evidence", nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || body != string(invoicePDF) ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), "factuur S-1.pdf") {
				t.Fatalf("evidence download: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
			}
			resp, body = c.postFiles(cost+"/evidence", nil, "evidence", "foto.png", depositPhoto)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-evidence"`) {
				t.Fatalf("PNG as evidence: %d", resp.StatusCode)
			}
			if _, body := c.do("GET", cost+"/evidence", nil); body != string(invoicePDF) {
				t.Fatal("a refused upload replaced the evidence")
			}
			// Editing: a bad date at its field, then a good change.
			form.Set("invoice_date", "31-13-2025")
			resp, body = c.do("POST", cost, form)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-invoice_date"`) {
				t.Fatalf("bad edit: %d", resp.StatusCode)
			}
			form.Set("invoice_date", "31-12-2025")
			form.Set("description", "=HYPERLINK(\"http://x\")")
			if resp, _ := c.do("POST", cost, form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("edit: %d", resp.StatusCode)
			}

			// CSV import: a bad date on line 3 is reported with its column,
			// and nothing is imported; the fixed file imports both rows.
			csvFile := func(gasEnd string) string {
				return "supplier;invoice_number;invoice_date;period_start;period_end;amount;category;complex;units\n" +
					fmt.Sprintf("%d;L-1;2025-12-01;2025-01-01;2025-12-31;600.00;lift;De Linde;%d %d\n", f.supplier, f.ua, f.ub) +
					fmt.Sprintf("12345678;G-1;2026-01-10;2025-01-01;%s;3000,00;gas;%d;\n", gasEnd, f.complex)
			}
			resp, body = c.postFiles(base+"/import", nil, "file", "kosten.csv", []byte(csvFile("2025-31-12")))
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="import-errors"`) ||
				!regexp.MustCompile(`<tr><td>3</td><td>period_end</td>`).MatchString(body) {
				t.Fatalf("bad import: %d %.6000s", resp.StatusCode, body)
			}
			if n := countRows(t, e, "settlement_cost_entries"); n != 1 {
				t.Fatalf("a refused import stored entries: %d", n)
			}
			resp, body = c.postFiles(base+"/import", nil, "file", "kosten.csv", []byte(csvFile("2025-12-31")))
			if resp.StatusCode != 200 || !strings.Contains(body, `id="flash"`) || countRows(t, e, "settlement_cost_entries") != 3 {
				t.Fatalf("fixed import: %d %.3000s", resp.StatusCode, body)
			}

			// The export: every entry in the import format, the formula cell
			// defused; importing it again changes nothing.
			resp, export := c.do("GET", base+"?format=csv&sort=invoice_number", nil)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
				!strings.Contains(export, "supplier;invoice_number;invoice_date") ||
				!strings.Contains(export, ";S-1;2025-12-31;2025-01-01;2025-12-31;1200.00;") ||
				!strings.Contains(export, fmt.Sprintf(";lift;%d;%d %d;", f.complex, f.ua, f.ub)) {
				t.Fatalf("export: %d %q", resp.StatusCode, export)
			}
			if !strings.Contains(export, `"'=HYPERLINK(""http://x"")"`) {
				t.Fatalf("formula cell not defused: %q", export)
			}
			resp, body = c.postFiles(base+"/import", nil, "file", "export.csv", []byte(export))
			if resp.StatusCode != 200 || !strings.Contains(body, "0 nieuw, 0 gewijzigd, 3 ongewijzigd") {
				t.Fatalf("export imported again: %d %.3000s", resp.StatusCode, body)
			}
			var desc string
			if err := e.DB.Raw().QueryRow(`SELECT description FROM settlement_cost_entries WHERE invoice_number = 'S-1'`).Scan(&desc); err != nil ||
				desc != `=HYPERLINK("http://x")` {
				t.Fatalf("description after the round trip: %q %v", desc, err)
			}
			if n := countRows(t, e, "settlement_cost_entries"); n != 3 {
				t.Fatalf("export imported again made %d entries", n)
			}
			// Search and filters.
			if body := mustBody(t, c, base+"?q=lift"); !strings.Contains(body, ">L-1<") || strings.Contains(body, ">S-1<") {
				t.Fatal("search for lift")
			}

			// Keys for 2025: a bad key at its field; then one per category.
			keys := fmt.Sprintf("%s/keys?complex=%d&year=2025", base, f.complex)
			key := func(category, k string, extra ...string) (*http.Response, string) {
				v := url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "category": {category}, "key": {k}}
				for _, x := range extra {
					v.Set(x, "1")
				}
				return c.do("POST", base+"/keys", v)
			}
			if resp, body := key("schoonmaak", "m2"); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-key"`) {
				t.Fatalf("bad key: %d", resp.StatusCode)
			}
			for _, k := range [][]string{{"Schoonmaak", "equal", "admin_fee"}, {"lift", "area", "admin_fee"}, {"gas", "gas_35_65"}} {
				if resp, body := key(k[0], k[1], k[2:]...); resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("key %v: %d %.2000s", k, resp.StatusCode, body)
				}
			}
			body = mustBody(t, c, keys)
			if !strings.Contains(body, `id="key-schoonmaak"`) || !strings.Contains(body, `id="key-gas"`) ||
				!strings.Contains(body, `id="key-lift"`) {
				t.Fatalf("keys: %.5000s", body)
			}
			if body := mustBody(t, c, fmt.Sprintf("%s/keys?complex=%d&year=2026", base, f.complex)); strings.Contains(body, `id="key-gas"`) {
				t.Fatal("2025's keys show for 2026")
			}
			if resp, _ := c.do("POST", base+"/keys/copy",
				url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2026"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("copy keys: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, fmt.Sprintf("%s/keys?complex=%d&year=2026", base, f.complex)); !strings.Contains(body, `id="key-gas"`) {
				t.Fatal("keys not copied to 2026")
			}
			// Above 5% is refused beside the field with the reason (DOMAIN.md §7.5).
			yearForm := url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "admin_fee_percent": {"12"}}
			if resp, body := c.do("POST", base+"/year", yearForm); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, `id="year-admin_fee_percent" inputmode="decimal" value="12" aria-invalid="true"`) ||
				!strings.Contains(body, "hoogstens 5%") {
				t.Fatalf("fee of 12%%: %d", resp.StatusCode)
			}

			// KNMI days (DOMAIN.md §7.6): a bad TG is named beside the file field; a good file lists the station.
			knmi := "# STN,YYYYMMDD,   TG\n"
			for day := 1; day <= 31; day++ {
				knmi += fmt.Sprintf("  260,202501%02d,   20\n", day)
			}
			knmiForm := url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "station": {"260"}}
			bad := []byte(strings.Replace(knmi, "20250105,   20", "20250105,  2.0", 1))
			resp, body = c.postFiles(base+"/knmi", knmiForm, "knmi_file", "etmgeg_260.txt", bad)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-knmi_file"`) ||
				!strings.Contains(body, "tienden van een graad") {
				t.Fatalf("bad KNMI file: %d", resp.StatusCode)
			}
			if resp, _ := c.postFiles(base+"/knmi", knmiForm, "knmi_file", "etmgeg_260.txt", []byte(knmi)); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("KNMI import: %d", resp.StatusCode)
			}
			keysPage := fmt.Sprintf("%s/keys?complex=%d&year=2025", base, f.complex)
			if body := mustBody(t, c, keysPage); !strings.Contains(body, `<tr class="knmi-station"><td>260</td>`) {
				t.Fatal("the imported station is not listed")
			}
			stationForm := url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "knmi_station": {"260"}}
			if resp, _ := c.do("POST", base+"/station", stationForm); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("station: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, keysPage); !strings.Contains(body, `id="year-knmi_station" inputmode="numeric" value="260"`) {
				t.Fatal("the chosen station is not shown")
			}

			// Degree days: a bad line is named; the year's months are kept.
			dd := "maand;graaddagen\n2025-01;400\n2025-02;veel\n"
			resp, body = c.do("POST", base+"/degree-days", url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "degree_days": {dd}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="err-degree_days"`) ||
				!strings.Contains(body, " 3<") {
				t.Fatalf("bad degree days: %d %.3000s", resp.StatusCode, body)
			}
			var lines []string
			for m, v := range []string{"400", "350", "300", "180", "90", "40", "30", "35", "80", "200", "300", "380,5"} {
				lines = append(lines, fmt.Sprintf("2025-%02d;%s", m+1, v))
			}
			resp, _ = c.do("POST", base+"/degree-days",
				url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "degree_days": {strings.Join(lines, "\n")}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("degree days: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, keys); !strings.Contains(body, "<td>2025-12</td><td>380.5</td>") {
				t.Fatalf("degree days not shown: %.6000s", body)
			}

			// Run the complex for 2025 and review it.
			if resp, body := c.do("POST", base+"/runs",
				url.Values{"complex": {""}, "year": {"2025"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(body, "aria-invalid") {
				t.Fatalf("run without complex: %d", resp.StatusCode)
			}
			resp, _ = c.do("POST", base+"/runs", url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("run: %d", resp.StatusCode)
			}
			run := resp.Header.Get("Location")
			body = mustBody(t, c, run)
			occ := func(l, u int64) string { return fmt.Sprintf(`id="occ-L%d-U%d"`, l, u) }
			for _, o := range []string{occ(f.l1, f.ua), occ(f.l2, f.ua), occ(f.l3, f.ub)} {
				if !strings.Contains(body, o) {
					t.Errorf("review lacks %s", o)
				}
			}
			if !strings.Contains(body, "A. Visser") || !strings.Contains(body, "B. Jansen") || !strings.Contains(body, "B. Bakker") {
				t.Errorf("review lacks tenants' names: %.8000s", body)
			}
			// Unit C is empty all year: its third of the cleaning (400.00)
			// is the landlord's, and A was never empty.
			if !regexp.MustCompile(`<tr class="landlord-line"><td>Parkweg 14</td><td>schoonmaak</td><td>€ 400,00</td></tr>`).MatchString(body) ||
				strings.Contains(body, `<tr class="landlord-line"><td>Parkweg 10</td>`) || strings.Contains(body, "run-warning") {
				t.Fatalf("landlord lines: %.10000s", body)
			}
			if strings.Count(body, `class="run-cost"`) != 3 || !strings.Contains(body, `id="list-total">3 `) {
				t.Fatalf("costs or total: %.4000s", body)
			}
			// Station 260 has January only, so the months entered by hand serve, and the run says so (DOMAIN.md §7.6).
			if !strings.Contains(body, `id="run-dd-source">ingevoerde graaddagen<`) {
				t.Fatalf("degree-day source: %.4000s", body)
			}
			// A page of one, and a search by lease reference.
			body = mustBody(t, c, run+"?per=1")
			if strings.Count(body, `class="run-occupancy"`) != 1 || !strings.Contains(body, `id="list-next"`) ||
				!strings.Contains(body, `id="landlord-total"`) {
				t.Fatalf("page of one: %.6000s", body)
			}
			body = mustBody(t, c, run+"?q="+url.QueryEscape(f.ref3))
			if strings.Count(body, `class="run-occupancy"`) != 1 || !strings.Contains(body, occ(f.l3, f.ub)) {
				t.Fatalf("search %s: %.6000s", f.ref3, body)
			}
			if body := mustBody(t, c, run+"?q=geen-huurcontract"); strings.Contains(body, `class="run-occupancy"`) ||
				!strings.Contains(body, `id="no-occupancies"`) {
				t.Fatal("a search for nothing shows occupancies")
			}
			resp, body = c.do("GET", run+"?format=csv", nil)
			if resp.StatusCode != 200 || strings.Count(body, "\n") != 4 || !strings.Contains(body, f.ref3+";Parkweg 12;2025-03-01;") {
				t.Fatalf("run CSV: %d %q", resp.StatusCode, body)
			}

			// Finalise; a second time is refused.
			if resp, _ := c.do("POST", run+"/finalise", url.Values{}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("finalise: %d", resp.StatusCode)
			}
			if body := mustBody(t, c, run); !strings.Contains(body, `id="run-state">Definitief<`) || strings.Contains(body, `id="run-finalise"`) {
				t.Fatalf("final run: %.3000s", body)
			}
			if resp, body := c.do("POST", run+"/finalise", url.Values{}); resp.StatusCode != http.StatusConflict ||
				!strings.Contains(body, `id="run-error"`) {
				t.Fatalf("finalise again: %d", resp.StatusCode)
			}
			// An entry a final run used cannot be deleted.
			if resp, _ := c.do("POST", cost+"/delete", url.Values{}); resp.StatusCode != http.StatusConflict {
				t.Fatalf("delete an entry of a final run: %d", resp.StatusCode)
			}

			// Another organisation: 404 on every id route, nothing changed.
			g := newLeaseFixture(t, e, "b")
			cb := newClient(t, e.URL())
			cb.login(g.email, g.pw)
			ob := "/o/b/settlement"
			runID := run[strings.LastIndex(run, "/")+1:]
			for _, r := range []struct {
				method, path string
				form         url.Values
			}{
				{"GET", ob + "/costs/" + m[1], nil},
				{"POST", ob + "/costs/" + m[1], form},
				{"POST", ob + "/costs/" + m[1] + "/delete", url.Values{}},
				{"GET", ob + "/costs/" + m[1] + "/evidence", nil},
				{"POST", ob + "/costs/" + m[1] + "/evidence", url.Values{}},
				{"GET", ob + "/runs/" + runID, nil},
				{"GET", ob + "/runs/" + runID + "?format=csv", nil},
				{"POST", ob + "/runs/" + runID + "/finalise", url.Values{}},
				{"GET", fmt.Sprintf("%s/keys?complex=%d&year=2025", ob, f.complex), nil},
				{"POST", ob + "/keys", url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "category": {"x"}, "key": {"equal"}}},
				{"POST", ob + "/keys/delete", url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "category": {"gas"}}},
				{"POST", ob + "/year", url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}, "admin_fee_percent": {"3"}}},
				{"POST", ob + "/runs", url.Values{"complex": {fmt.Sprint(f.complex)}, "year": {"2025"}}},
			} {
				if resp, _ := cb.do(r.method, r.path, r.form); resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s %s: %d for another organisation", r.method, r.path, resp.StatusCode)
				}
			}
			if resp, _ := cb.postFiles(ob+"/costs/"+m[1]+"/evidence", nil, "evidence", "x.pdf", invoicePDF); resp.StatusCode != http.StatusNotFound {
				t.Errorf("upload to another organisation's entry: %d", resp.StatusCode)
			}
			if body := mustBody(t, cb, ob); strings.Contains(body, "S-1") {
				t.Error("another organisation lists the entries")
			}
			if body := mustBody(t, cb, ob+"?format=csv"); strings.Contains(body, "S-1") {
				t.Error("another organisation exports the entries")
			}
			if _, body := c.do("GET", cost+"/evidence", nil); body != string(invoicePDF) {
				t.Error("the evidence changed")
			}
			if body := mustBody(t, c, keys); !strings.Contains(body, `id="key-gas"`) {
				t.Error("another organisation deleted a key")
			}
		})
	}
}

// In Chromium: enter a supplier invoice with its PDF through the form, set
// the key, run the settlement of a complex where a tenant left and another
// came, and review it. Screenshots with HMS_TEST_ARTIFACTS.
func TestSettlementBrowser(t *testing.T) {
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clock.NewFixed(settlementNow)})
	f := newSettlementFixture(t, e, "a")
	pdf := t.TempDir() + "/factuur-S-1.pdf"
	if err := os.WriteFile(pdf, invoicePDF, 0o600); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	b.Run(t, chromedp.Navigate(e.URL()+"/login"), chromedp.WaitVisible(css("input[name=email]")),
		chromedp.SendKeys(css("input[name=email]"), f.email), chromedp.SendKeys(css("input[name=password]"), f.pw),
		chromedp.Submit(css("input[name=password]")), chromedp.WaitReady(css("#nav-settlement")))
	b.Run(t, chromedp.Click(css("#nav-settlement")), chromedp.WaitVisible(css("#cost-list")))
	b.Run(t, chromedp.Click(css("#cost-new")), chromedp.WaitVisible(css("#cost-form")))
	b.Run(t, chromedp.SetValue(css("#cost-complex"), fmt.Sprint(f.complex)), chromedp.SetValue(css("#cost-supplier"), fmt.Sprint(f.supplier)),
		chromedp.SendKeys(css("#cost-invoice_number"), "S-1"), chromedp.SetValue(css("#cost-invoice_date"), "2025-12-31"),
		chromedp.SendKeys(css("#cost-category"), "Schoonmaak"), chromedp.SetValue(css("#cost-period_start"), "2025-01-01"),
		chromedp.SetValue(css("#cost-period_end"), "2024-12-31"), chromedp.SendKeys(css("#cost-amount"), "1.200,00"),
		chromedp.SetUploadFiles(css("#cost-evidence"), []string{pdf}))
	shot(t, b, "settlement-cost-form")
	// The period ends before it starts: the error is at the field.
	b.Run(t, chromedp.Click(css("#cost-save")), chromedp.WaitVisible(css("#err-period_end")))
	shot(t, b, "settlement-cost-error")
	b.Run(t, chromedp.SetValue(css("#cost-period_end"), "2025-12-31"), chromedp.SetUploadFiles(css("#cost-evidence"), []string{pdf}),
		chromedp.Click(css("#cost-save")), chromedp.WaitVisible(css(".evidence-download")))
	if got := b.Text(t, ".cost-amount"); got != "€ 1.200,00" {
		t.Fatalf("amount in the list %q", got)
	}
	shot(t, b, "settlement-costs")
	b.Run(t, chromedp.Click(css("#tab-keys")), chromedp.WaitVisible(css("#key-form")))
	b.Run(t, chromedp.SetValue(css("#keys-year"), "2025"), clickAndLoad("#keys-filter button", "#key-form"))
	b.Run(t, chromedp.SendKeys(css("#key-category"), "schoonmaak"), chromedp.SetValue(css("#key-key"), "equal"),
		chromedp.Click(css("#key-admin_fee")), chromedp.Click(css("#key-save")), chromedp.WaitVisible(css("#key-schoonmaak")))
	shot(t, b, "settlement-keys")
	b.Run(t, chromedp.Click(css("#tab-runs")), chromedp.WaitVisible(css("#run-form")))
	b.Run(t, chromedp.SetValue(css("#run-complex"), fmt.Sprint(f.complex)), chromedp.Click(css("#run-submit")),
		chromedp.WaitVisible(css("#run-tenants")))
	// 1200 over three units: 400 each, A's split by days between the two
	// tenants; C's and B's January and February (59 days: 64.66) on the
	// landlord.
	if got := b.Text(t, "#landlord-total"); got != "€ 464,66" {
		t.Fatalf("vacancy %q", got)
	}
	if got := b.Text(t, fmt.Sprintf("#occ-L%d-U%d .occ-subtotal", f.l1, f.ua)); got != "€ 232,33" {
		t.Fatalf("leaving tenant's cleaning %q", got)
	}
	if got := b.Text(t, fmt.Sprintf("#occ-L%d-U%d header", f.l2, f.ua)); !strings.Contains(got, "B. Jansen") {
		t.Fatalf("new tenant %q", got)
	}
	shot(t, b, "settlement-review")
	b.Run(t, chromedp.Click(css("#run-finalise button")), chromedp.WaitVisible(css("#flash")))
	shot(t, b, "settlement-final")
}
