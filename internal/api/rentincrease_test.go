package api_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

func TestRentIncreaseAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			homes, _, tenant := leaseSetup(t, e, a)
			base := e.URL()
			ca, cb := call{t, base, a.tokens["admin"]}, call{t, base, b.tokens["admin"]}
			read := call{t, base, a.tokens["read"]}

			st, l := ca.do("POST", "/leases", fmt.Sprintf(`{"reference":"H-1","unit_ids":[%d],"tenant_ids":[%d],"start_date":"2020-01-01",
				"components":[{"kind":"bare_rent","amount_cents":100000}]}`, homes[0], tenant))
			if st != 201 {
				t.Fatalf("lease: %d %v", st, l)
			}
			leaseID := l["id"]

			// Bad input names the field.
			st, prob := ca.do("POST", "/rent-increases", `{}`)
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.effective_date") {
				t.Fatalf("no date: %d %v", st, prob)
			}
			st, out := ca.do("POST", "/rent-increases", `{"effective_date":"2026-07-01"}`)
			items, _ := out["items"].([]any)
			if st != 200 || len(items) != 1 {
				t.Fatalf("propose: %d %v", st, out)
			}
			p := items[0].(map[string]any)
			if p["new_cents"] != float64(104400) || p["percent"] != "4.4%" || p["status"] != "draft" || p["basis"] != "cap" ||
				p["last_delivery_date"] != "2026-04-30" {
				t.Fatalf("proposal: %v", p)
			}
			id := fmt.Sprint(p["id"])
			if st, _ := read.do("POST", "/rent-increases", `{"effective_date":"2026-07-01"}`); st != 403 {
				t.Fatalf("read token proposes: %d", st)
			}
			st, prob = ca.do("PATCH", "/rent-increases/"+id, `{"new_amount_cents":200000}`)
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.new_amount_cents") {
				t.Fatalf("above the maximum: %d %v", st, prob)
			}
			st, got := ca.do("PATCH", "/rent-increases/"+id, `{"new_amount_cents":103000}`)
			if st != 200 || got["new_cents"] != float64(103000) || got["adjusted"] != true {
				t.Fatalf("lower: %d %v", st, got)
			}
			st, got = read.do("GET", "/rent-increases?effective_date=2026-07-01", "")
			if st != 200 || len(got["items"].([]any)) != 1 {
				t.Fatalf("list: %d %v", st, got)
			}
			st, plan := read.do("GET", "/rent-increases/confirm-plan?effective_date=2026-07-01", "")
			if st != 200 || plan["proposals"] != float64(1) || plan["increase_cents"] == nil {
				t.Fatalf("confirm plan: %d %v", st, plan)
			}
			if st, _ := ca.do("POST", "/rent-increases/confirm",
				`{"effective_date":"2026-07-01","expect":{"proposals":2,"increase_cents":0}}`); st != 409 {
				t.Fatalf("confirm of another plan: %d", st)
			}
			st, got = ca.do("POST", "/rent-increases/confirm",
				fmt.Sprintf(`{"effective_date":"2026-07-01","expect":{"proposals":1,"increase_cents":%v}}`,
					plan["increase_cents"]))
			if st != 200 || got["confirmed"] != float64(1) {
				t.Fatalf("confirm: %d %v", st, got)
			}
			req, _ := http.NewRequest("GET", base+"/api/v1/rent-increases/"+id+"/letter", nil)
			req.Header.Set("Authorization", "Bearer "+a.tokens["read"])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			pdf, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf), "%PDF-") {
				t.Fatalf("letter: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			st, prob = ca.do("POST", "/rent-increases/"+id+"/delivery", `{"delivered_on":"2026-05-01","method":"paper"}`)
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.delivered_on") {
				t.Fatalf("late delivery: %d %v", st, prob)
			}
			if st, got = ca.do("POST", "/rent-increases/"+id+"/delivery", `{"delivered_on":"2026-03-14","method":"paper"}`); st != 200 ||
				got["delivered_on"] != "2026-03-14" {
				t.Fatalf("delivery: %d %v", st, got)
			}
			if st, got = ca.do("POST", "/rent-increases/"+id+"/apply", ""); st != 200 || got["status"] != "applied" {
				t.Fatalf("apply: %d %v", st, got)
			}
			if st, _ = ca.do("POST", "/rent-increases/"+id+"/apply", ""); st != 409 {
				t.Fatalf("apply twice: %d", st)
			}
			st, comps := ca.do("GET", fmt.Sprintf("/leases/%v/components", leaseID), "")
			if st != 200 || !strings.Contains(fmt.Sprint(comps["items"]), "amount_cents:103000") ||
				!strings.Contains(fmt.Sprint(comps["items"]), "amount_cents:100000") {
				t.Fatalf("rent history: %d %v", st, comps)
			}

			// Organisation B sees none of it.
			if st, _ := cb.do("GET", "/rent-increases/"+id, ""); st != 404 {
				t.Fatalf("B reads A's proposal: %d", st)
			}
			if st, got := cb.do("GET", "/rent-increases?effective_date=2026-07-01", ""); st != 200 || len(got["items"].([]any)) != 0 {
				t.Fatalf("B lists: %d %v", st, got)
			}
			if st, _ := cb.do("GET", fmt.Sprintf("/leases/%v/increase-clause", leaseID), ""); st != 404 {
				t.Fatalf("B reads A's clause: %d", st)
			}

			// Clause, caps and CPI.
			st, prob = ca.do("PUT", fmt.Sprintf("/leases/%v/increase-clause", leaseID), `{"method":"cpi","cap_percent":"x"}`)
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.series") ||
				!strings.Contains(fmt.Sprint(prob["errors"]), "body.cap_percent") {
				t.Fatalf("bad clause: %d %v", st, prob)
			}
			st, got = ca.do("PUT", fmt.Sprintf("/leases/%v/increase-clause", leaseID), `{"method":"fixed","percent":"2.5"}`)
			if st != 200 || fmt.Sprint(got["clause"]) != "map[lag_months:4 method:fixed percent:2.5%]" {
				t.Fatalf("clause: %d %v", st, got)
			}
			st, prob = ca.do("POST", "/cpi", `{"csv":"series;month;index\nCPI;2025-01;128,4\nCPI;2025-13;1\n"}`)
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.csv[3].month") {
				t.Fatalf("bad cpi: %d %v", st, prob)
			}
			if st, got = ca.do("POST", "/cpi", `{"csv":"CPI;2025-01;128,4\n"}`); st != 200 || got["added"] != float64(1) {
				t.Fatalf("cpi: %d %v", st, got)
			}
			if st, got = cb.do("GET", "/cpi", ""); st != 200 || len(got["items"].([]any)) != 0 {
				t.Fatalf("B sees A's CPI: %d %v", st, got)
			}
			st, prob = ca.do("PUT", "/rent-increase-caps/vrije_sector/2027", `{"percent":"3.5"}`)
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.source") {
				t.Fatalf("cap without source: %d %v", st, prob)
			}
			if st, got = ca.do("PUT", "/rent-increase-caps/vrije_sector/2027", `{"percent":"3.5","source":"Staatscourant"}`); st != 200 ||
				!strings.Contains(fmt.Sprint(got["items"]), "override:true percent:3.5% segment:vrije_sector source:Staatscourant") {
				t.Fatalf("cap: %d %v", st, got)
			}
			if st, got = ca.do("PUT", "/rent-increase-settings", `{"sender_name":"Woonstichting","objection_text":""}`); st != 422 {
				t.Fatalf("empty objection text: %d %v", st, got)
			}
		})
	}
}
