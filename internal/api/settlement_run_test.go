package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// errorsAt lists the locations of a problem document's errors.
func errorsAt(prob map[string]any) string {
	var locs []string
	errs, _ := prob["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			locs = append(locs, fmt.Sprint(m["location"]))
		}
	}
	return strings.Join(locs, " ")
}

// The stored settlement through the API: a cost entry refused with errors
// at body fields, entered, its PDF attached and read back; a CSV import
// refused by line and column, then imported; keys, the year's fee and
// degree days; a run of a complex whose first home changed tenant, with the
// landlord's vacancy; finalising; a run the calculator refuses (422 with
// its error and field); and another organisation that finds none of it.
func TestSettlementRunAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			e := apptest.Start(t, engine, apptest.Options{Clock: clock.NewFixed(time.Date(2026, time.January, 20, 11, 0, 0, 0, time.UTC))})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			_, _, tenant := leaseSetup(t, e, a) // accepts the processor agreement
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			cx, err := e.Portfolio.CreateComplex(ctx, owner, portfolio.ComplexInput{Name: "De Linde", City: "Utrecht"})
			if err != nil {
				t.Fatal(err)
			}
			var units []int64
			for i, area := range []string{"50", "50"} {
				u, err := e.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{ComplexID: cx, Street: "Parkweg", HouseNumber: fmt.Sprint(10 + 2*i),
					Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: area, Segment: portfolio.SegmentVrij})
				if err != nil {
					t.Fatal(err)
				}
				units = append(units, u)
			}
			mk := func(start, end civil.Date) int64 {
				id, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{units[0]}, TenantIDs: []int64{tenant}, Start: start, End: end,
					PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000}}})
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
			l1 := mk(civil.New(2024, time.January, 1), civil.New(2025, time.June, 30))
			l2 := mk(civil.New(2025, time.July, 1), civil.Date{})
			sup, err := e.Relations.CreateCompany(ctx, owner, relation.CompanyInput{Name: "Schoon BV", KvK: "12345678",
				Address: relation.Address{Street: "Industrieweg", HouseNumber: "1", Postcode: "3542 AD", City: "Utrecht"},
				IBANs:   []string{"NL91ABNA0417164300"}, Roles: relation.RolesOf(relation.RoleSupplier)})
			if err != nil {
				t.Fatal(err)
			}
			ca, cb, read := call{t, e.URL(), a.tokens["admin"]}, call{t, e.URL(), b.tokens["admin"]}, call{t, e.URL(), a.tokens["read"]}

			// Errors at body fields; nothing stored.
			bad := fmt.Sprintf(`{"complex_id":%d,"supplier_id":%d,"invoice_number":"S-1","invoice_date":"2025-12-31","period_start":"2025-12-31",
				"period_end":"2025-01-01","amount":"12,3,4","category":"schoonmaak"}`, cx, tenant)
			st, prob := ca.do("POST", "/settlement/costs", bad)
			if st != 422 {
				t.Fatalf("bad cost: %d %v", st, prob)
			}
			for _, loc := range []string{"body.amount", "body.period_end", "body.supplier_id"} {
				if !strings.Contains(errorsAt(prob), loc) {
					t.Errorf("no error at %s: %v", loc, prob)
				}
			}
			good := fmt.Sprintf(`{"complex_id":%d,"supplier_id":%d,"invoice_number":"S-1","invoice_date":"2025-12-31","period_start":"2025-01-01",
				"period_end":"2025-12-31","amount":"1.200,00","category":"Schoonmaak"}`, cx, sup)
			if st, _ := read.do("POST", "/settlement/costs", good); st != 403 {
				t.Fatalf("read token entered a cost: %d", st)
			}
			st, cost := ca.do("POST", "/settlement/costs", good)
			if st != 200 || cost["amount"] != "1200.00" || cost["category"] != "schoonmaak" || cost["scope"] != "complex" {
				t.Fatalf("cost: %d %v", st, cost)
			}
			costPath := fmt.Sprintf("/settlement/costs/%v", cost["id"])
			if st, _ := ca.do("PUT", costPath, strings.Replace(good, `"amount":"1.200,00"`, `"amount":"twaalf"`, 1)); st != 422 {
				t.Fatalf("bad update: %d", st)
			}

			// The PDF: not a PDF is refused; a PDF is kept and read back.
			put := func(c call, body string) int {
				t.Helper()
				req, _ := http.NewRequest("PUT", c.base+"/api/v1"+costPath+"/evidence?filename=factuur.pdf", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+c.token)
				req.Header.Set("Content-Type", "application/pdf")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if st := put(ca, "GIF89a"); st != 422 {
				t.Fatalf("GIF as evidence: %d", st)
			}
			if st := put(ca, "%PDF-1.4\nAPI-MARKER\n%%EOF\n"); st != 200 {
				t.Fatalf("evidence: %d", st)
			}
			if st := put(cb, "%PDF-1.4\nOTHER\n%%EOF\n"); st != 404 {
				t.Fatalf("other organisation attached evidence: %d", st)
			}
			if body, ct := raw(t, e.URL(), a.tokens["read"], costPath+"/evidence"); ct != "application/pdf" ||
				!strings.Contains(body, "API-MARKER") {
				t.Fatalf("evidence download: %s %q", ct, body)
			}

			// Import: a bad row by line and column, then the fixed file.
			csv := func(amount string) string {
				b, _ := json.Marshal(map[string]string{"csv": "supplier;invoice_number;invoice_date;period_start;period_end;amount;category;complex\n" +
					fmt.Sprintf("%d;L-1;2025-12-01;2025-01-01;2025-12-31;%s;lift;De Linde\n", sup, amount)})
				return string(b)
			}
			st, prob = ca.do("POST", "/settlement/costs/import", csv("zes"))
			if st != 422 || !strings.Contains(errorsAt(prob), "body.csv[2].amount") {
				t.Fatalf("bad import: %d %v", st, prob)
			}
			st, res := ca.do("POST", "/settlement/costs/import", csv("600.00"))
			if st != 200 || res["created"] != float64(1) {
				t.Fatalf("import: %d %v", st, res)
			}
			st, list := read.do("GET", "/settlement/costs?q=lift", "")
			if st != 200 || list["total"] != float64(1) {
				t.Fatalf("list: %d %v", st, list)
			}

			// Keys, fee and degree days; errors at body fields.
			year := fmt.Sprintf("/settlement/complexes/%d/years/2025", cx)
			if st, prob := ca.do("PUT", year+"/keys/schoonmaak", `{"key":"m2"}`); st != 422 || !strings.Contains(errorsAt(prob), "body.key") {
				t.Fatalf("bad key: %d %v", st, prob)
			}
			for _, k := range []string{`schoonmaak`, `lift`} {
				if st, r := ca.do("PUT", year+"/keys/"+k, `{"key":"equal","admin_fee":true}`); st != 200 {
					t.Fatalf("key %s: %d %v", k, st, r)
				}
			}
			if st, prob := ca.do("PUT", year, `{"admin_fee_percent":"12"}`); st != 422 ||
				!strings.Contains(errorsAt(prob), "body.admin_fee_percent") {
				t.Fatalf("fee 12%% (above the 5%% cap): %d %v", st, prob)
			}
			if st, y := ca.do("PUT", year, `{"admin_fee_percent":"3"}`); st != 200 || y["admin_fee_percent"] != "3" || len(y["keys"].([]any)) != 2 {
				t.Fatalf("year: %d %v", st, y)
			}
			if st, prob := ca.do("PUT", "/settlement/degree-days", `{"items":[{"month":"2025-13","value":"1"}]}`); st != 422 ||
				!strings.Contains(errorsAt(prob), "body.degree_days.2025-13") {
				t.Fatalf("bad degree days: %d %v", st, prob)
			}

			// KNMI days (DOMAIN.md §7.6), as the file comes: January 2025 at 2.0 °C
			// is 31 × 16.0 × 1.1 = 545.60 weighted degree days.
			knmi := "# STN,YYYYMMDD,   TG\n"
			for day := 1; day <= 31; day++ {
				knmi += fmt.Sprintf("  260,202501%02d,   20\n", day)
			}
			postKNMI := func(c call, station, body string) (int, map[string]any) {
				t.Helper()
				req, _ := http.NewRequest("POST", c.base+"/api/v1/settlement/knmi-stations/"+station+"/days", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+c.token)
				req.Header.Set("Content-Type", "text/plain")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var m map[string]any
				_ = json.NewDecoder(resp.Body).Decode(&m)
				return resp.StatusCode, m
			}
			if st, prob := postKNMI(ca, "260", strings.Replace(knmi, "20250105,   20", "20250105,  2.0", 1)); st != 422 ||
				!strings.Contains(errorsAt(prob), "body.file[6].TG") {
				t.Fatalf("bad KNMI file: %d %v", st, prob)
			}
			if st, res := postKNMI(ca, "260", knmi); st != 200 || res["days"] != float64(31) || res["last"] != "2025-01-31" {
				t.Fatalf("KNMI import: %d %v", st, res)
			}
			st, dd := ca.do("GET", "/settlement/knmi-stations/260/degree-days/2025", "")
			if st != 200 || fmt.Sprint(dd["items"]) != "[map[month:2025-01 value:545.60]]" {
				t.Fatalf("KNMI degree days: %d %v", st, dd)
			}
			if st, l := cb.do("GET", "/settlement/knmi-stations", ""); st != 200 || len(l["items"].([]any)) != 0 {
				t.Fatalf("other organisation's stations: %d %v", st, l)
			}
			st, y := ca.do("PUT", year+"/knmi-station", `{"station":260}`)
			if st != 200 || y["knmi_station"] != float64(260) || y["admin_fee_percent"] != "3" {
				t.Fatalf("station: %d %v", st, y)
			}
			if st, _ := cb.do("PUT", year+"/knmi-station", `{"station":260}`); st != 404 {
				t.Fatalf("other organisation set the station: %d", st)
			}

			// A run: the empty second home's half goes to the landlord.
			if st, prob := ca.do("POST", "/settlement/runs", `{"complex_id":0,"year":1999}`); st != 422 ||
				!strings.Contains(errorsAt(prob), "body.year") {
				t.Fatalf("bad run: %d %v", st, prob)
			}
			st, run := ca.do("POST", "/settlement/runs", fmt.Sprintf(`{"complex_id":%d,"year":2025}`, cx))
			// The station's data cover January only, so the run names the table as its degree days.
			if st != 200 || run["state"] != "draft" || run["landlord_total"] != "900.00" || len(run["occupancies"].([]any)) != 2 ||
				run["degree_days_source"] != "table" {
				t.Fatalf("run: %d %v", st, run)
			}
			var sum float64
			for _, o := range run["occupancies"].([]any) {
				var v float64
				_, _ = fmt.Sscan(fmt.Sprint(o.(map[string]any)["subtotal"]), &v)
				sum += v
			}
			if sum != 900 {
				t.Fatalf("the tenants' subtotals add to %v, want 900 (half of 1800)", sum)
			}
			runPath := fmt.Sprintf("/settlement/runs/%v", run["id"])
			if st, _ := cb.do("GET", runPath, ""); st != 404 {
				t.Fatalf("other organisation read the run: %d", st)
			}
			if st, _ := cb.do("GET", runPath+"?limit=1", ""); st != 404 {
				t.Fatalf("other organisation read a page of the run: %d", st)
			}
			// The run's occupancies page by address, one at a time here: the
			// two pages hold the run's two occupancies once each, as the
			// answer to the run gave them.
			if run["occupancies_total"] != float64(2) || run["next_cursor"] != nil {
				t.Fatalf("run's first page: total %v, next %v", run["occupancies_total"], run["next_cursor"])
			}
			st, p1 := ca.do("GET", runPath+"?limit=1", "")
			if st != 200 || len(p1["occupancies"].([]any)) != 1 || p1["occupancies_total"] != float64(2) || p1["next_cursor"] != "1" ||
				len(p1["costs"].([]any)) != len(run["costs"].([]any)) || p1["landlord_total"] != "900.00" {
				t.Fatalf("first page: %d %v", st, p1)
			}
			st, p2 := ca.do("GET", runPath+"?limit=1&cursor="+p1["next_cursor"].(string), "")
			if st != 200 || len(p2["occupancies"].([]any)) != 1 || p2["occupancies_total"] != float64(2) || p2["next_cursor"] != nil {
				t.Fatalf("second page: %d %v", st, p2)
			}
			paged := []any{p1["occupancies"].([]any)[0], p2["occupancies"].([]any)[0]}
			if fmt.Sprint(paged) != fmt.Sprint(run["occupancies"]) {
				t.Fatalf("pages %v, want the run's occupancies %v", paged, run["occupancies"])
			}
			if st, p3 := ca.do("GET", runPath+"?limit=1&cursor=2", ""); st != 200 || len(p3["occupancies"].([]any)) != 0 ||
				p3["next_cursor"] != nil {
				t.Fatalf("past the end: %d %v", st, p3)
			}
			for _, q := range []string{"?cursor=x", "?cursor=-1", "?limit=0", "?limit=201"} {
				if st, prob := ca.do("GET", runPath+q, ""); st != 422 {
					t.Fatalf("GET %s: %d %v", q, st, prob)
				}
			}
			if st, _ := cb.do("POST", runPath+"/finalise", ""); st != 404 {
				t.Fatalf("other organisation finalised the run: %d", st)
			}
			if st, r := ca.do("POST", runPath+"/finalise", ""); st != 200 || r["state"] != "final" {
				t.Fatalf("finalise: %d %v", st, r)
			}
			if st, _ := ca.do("POST", runPath+"/finalise", ""); st != 409 {
				t.Fatalf("finalise twice: %d", st)
			}
			if st, _ := ca.do("DELETE", costPath, ""); st != 409 {
				t.Fatalf("deleted an entry of a final run: %d", st)
			}

			// Two leases on the first home at once (written past the lease
			// service, which refuses it): the calculator refuses the scenario,
			// and the API answers with its error and field.
			if _, err := e.DB.Raw().Exec(`UPDATE leases SET ends_on = '2025-09-30' WHERE id = $1`, l1); err != nil {
				t.Fatal(err)
			}
			st, prob = ca.do("POST", "/settlement/runs", fmt.Sprintf(`{"complex_id":%d,"year":2025}`, cx))
			if st != 422 || !strings.HasPrefix(fmt.Sprint(prob["field"]), "occupancies[") ||
				!strings.Contains(fmt.Sprint(prob["error"]), "overlaps") ||
				!strings.Contains(fmt.Sprint(prob["detail"]), "overlaps") {
				t.Fatalf("refused scenario: %d %v", st, prob)
			}
			_ = l2

			// The other organisation sees none of it and changes nothing.
			for _, p := range []string{costPath, costPath + "/evidence", year, runPath} {
				if st, _ := cb.do("GET", p, ""); st != 404 {
					t.Errorf("GET %s: %d for another organisation", p, st)
				}
			}
			if st, _ := cb.do("PUT", costPath, good); st != 404 && st != 422 {
				t.Errorf("other organisation replaced the cost: %d", st)
			}
			if st, _ := cb.do("DELETE", costPath, ""); st != 404 {
				t.Errorf("other organisation deleted the cost: %d", st)
			}
			if st, _ := cb.do("PUT", year+"/keys/schoonmaak", `{"key":"area"}`); st != 404 {
				t.Errorf("other organisation set a key: %d", st)
			}
			if st, _ := cb.do("POST", "/settlement/runs", fmt.Sprintf(`{"complex_id":%d,"year":2025}`, cx)); st != 404 {
				t.Errorf("other organisation ran the complex: %d", st)
			}
			if st, l := cb.do("GET", "/settlement/costs", ""); st != 200 || l["total"] != float64(0) {
				t.Errorf("other organisation's cost list: %d %v", st, l)
			}
			if st, l := cb.do("GET", "/settlement/runs", ""); st != 200 || len(l["items"].([]any)) != 0 {
				t.Errorf("other organisation's run list: %d %v", st, l)
			}
			if st, c := read.do("GET", costPath, ""); st != 200 || c["amount"] != "1200.00" || c["has_evidence"] != true {
				t.Errorf("the cost after the other organisation: %d %v", st, c)
			}
		})
	}
}
