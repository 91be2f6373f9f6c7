package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// leaseSetup gives org o accepted terms, two homes, a shop and a tenant.
func leaseSetup(t *testing.T, e *apptest.Env, o *org) (homes []int64, shop, tenant int64) {
	t.Helper()
	ctx := context.Background()
	owner, err := e.Accounts.ActorFor(ctx, o.ownerID, o.slug)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Privacy.AcceptProcessorAgreement(ctx, owner, e.Privacy.Current().Version); err != nil {
		t.Fatal(err)
	}
	for i, typ := range []portfolio.UnitType{portfolio.TypeZelfstandig, portfolio.TypeZelfstandig, portfolio.TypeBedrijfsruimte} {
		seg := portfolio.SegmentVrij
		if typ == portfolio.TypeBedrijfsruimte {
			seg = portfolio.SegmentCommercieel
		}
		id, err := e.Portfolio.CreateUnit(ctx, owner,
			portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(i + 1), Postcode: "3521 CD",
				City: "Utrecht", Type: typ, FloorArea: "70", Segment: seg})
		if err != nil {
			t.Fatal(err)
		}
		if typ == portfolio.TypeBedrijfsruimte {
			shop = id
		} else {
			homes = append(homes, id)
		}
	}
	tenant, err = e.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Anna", Surname: "Visser", BirthDate: "1990-01-01",
		Address: relation.Address{Street: "Oudegracht", HouseNumber: "12", Postcode: "3511 AB", City: "Utrecht"}})
	if err != nil {
		t.Fatal(err)
	}
	return homes, shop, tenant
}

// The status filter is applied, with the cursor: each status lists only its
// own leases, page by page; an unknown status is a 422 at query.status that
// names the statuses there are.
func TestLeaseListStatusFilter(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a := setupOrg(t, e, "alpha")
			homes, shop, tenant := leaseSetup(t, e, a)
			ca := call{t, e.URL(), a.tokens["admin"]}
			read := call{t, e.URL(), a.tokens["read"]}
			for _, l := range []struct{ ref, dates string }{
				{"ACTIVE", fmt.Sprintf(`"unit_ids":[%d],"start_date":"2026-01-01"`, homes[0])},
				{"ENDED-1", fmt.Sprintf(`"unit_ids":[%d],"start_date":"2024-01-01","end_date":"2024-12-31"`, homes[1])},
				{"ENDED-2", fmt.Sprintf(`"unit_ids":[%d],"start_date":"2025-01-01","end_date":"2025-12-31"`, homes[1])},
				{"UPCOMING", fmt.Sprintf(`"unit_ids":[%d],"start_date":"2026-06-01"`, shop)},
			} {
				body := fmt.Sprintf(`{"reference":%q,"tenant_ids":[%d],%s,
					"components":[{"kind":"bare_rent","amount_cents":100000}]}`, l.ref, tenant, l.dates)
				if st, got := ca.do("POST", "/leases", body); st != 201 {
					t.Fatalf("create %s: %d %v", l.ref, st, got)
				}
			}
			// refs lists the references of every page of a list, one page
			// of one lease at a time.
			refs := func(query string) []string {
				var refs []string
				cursor := ""
				for range 10 {
					st, page := read.do("GET", "/leases?limit=1&"+query+cursor, "")
					if st != 200 {
						t.Fatalf("%s: %d %v", query, st, page)
					}
					for _, it := range page["items"].([]any) {
						refs = append(refs, fmt.Sprint(it.(map[string]any)["reference"]))
					}
					next, _ := page["next_cursor"].(string)
					if next == "" {
						return refs
					}
					cursor = "&cursor=" + next
				}
				t.Fatalf("%s: no last page", query)
				return nil
			}
			for query, want := range map[string]string{
				"status=ended":    "[ENDED-1 ENDED-2]",
				"status=active":   "[ACTIVE]",
				"status=upcoming": "[UPCOMING]",
				"status=notice":   "[]",
				"q=":              "[ACTIVE ENDED-1 ENDED-2 UPCOMING]",
			} {
				if got := fmt.Sprint(refs(query)); got != want {
					t.Errorf("%s: %s, want %s", query, got, want)
				}
			}
			st, prob := read.do("GET", "/leases?status=finished", "")
			if errs := fmt.Sprint(prob["errors"]); st != 422 || !strings.Contains(errs, "query.status") ||
				!strings.Contains(errs, "active") || !strings.Contains(errs, "ended") {
				t.Fatalf("unknown status: %d %v", st, prob)
			}
		})
	}
}

func TestLeaseAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			homes, shop, tenant := leaseSetup(t, e, a)
			base := e.URL()
			ca, cb := call{t, base, a.tokens["admin"]}, call{t, base, b.tokens["admin"]}
			read := call{t, base, a.tokens["read"]}

			// Bad input names the fields and writes nothing.
			st, prob := ca.do("POST", "/leases", fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-01-01","end_date":"2025-12-31",
				"deposit_cents":200001,"components":[{"kind":"bare_rent","amount_cents":100000,"vat":"standard"}]}`, homes[0], tenant))
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.end_date") {
				t.Fatalf("bad lease: %d %v", st, prob)
			}
			st, prob = ca.do("POST", "/leases", fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-01-01",
				"components":[{"kind":"bare_rent","amount_cents":100000,"vat":"standard"}]}`, homes[0], tenant))
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.components[0].vat") {
				t.Fatalf("VAT on a residential lease: %d %v", st, prob)
			}
			st, prob = ca.do("POST", "/leases", fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-01-01","deposit_cents":200001,
				"components":[{"kind":"bare_rent","amount_cents":100000}]}`, homes[0], tenant))
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.deposit_cents") {
				t.Fatalf("deposit above cap: %d %v", st, prob)
			}
			// Exactly twice the bare rent passes.
			st, l := ca.do("POST", "/leases", fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-01-01","deposit_cents":200000,
				"components":[{"kind":"bare_rent","amount_cents":100000},{"kind":"service_costs","category":"energie",
				"amount_cents":5000}]}`, homes[0], tenant))
			if st != 201 || l["reference"] != "2026-0001" || l["kind"] != "residential" || l["status"] != "active" ||
				l["deposit_cents"] != float64(200000) {
				t.Fatalf("create: %d %v", st, l)
			}
			id := int64(l["id"].(float64))
			path := fmt.Sprintf("/leases/%d", id)
			if ts := fmt.Sprint(l["tenants"]); !strings.Contains(ts, "A. Visser") {
				t.Fatalf("tenants: %v", ts)
			}
			// Overlap with an open-ended lease is refused.
			st, prob = ca.do("POST", "/leases", fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":"2030-01-01"}`, homes[0], tenant))
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.unit_ids") {
				t.Fatalf("overlap: %d %v", st, prob)
			}
			st, l2 := ca.do("POST", "/leases",
				fmt.Sprintf(`{"reference":"W-1","unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-02-01","vat_opted":true,
				"components":[{"kind":"bare_rent","amount_cents":250000,"vat":"standard"}]}`, shop, tenant))
			if st != 201 || l2["kind"] != "commercial" {
				t.Fatalf("commercial lease: %d %v", st, l2)
			}

			// Read it back; list with cursor paging and filters.
			if st, got := read.do("GET", path, ""); st != 200 || got["reference"] != "2026-0001" || len(got["components"].([]any)) != 2 {
				t.Fatalf("get: %d %v", st, got)
			}
			st, page := read.do("GET", "/leases?limit=1", "")
			items, _ := page["items"].([]any)
			if st != 200 || len(items) != 1 || page["next_cursor"] == nil {
				t.Fatalf("first page: %d %v", st, page)
			}
			st, page = read.do("GET", fmt.Sprintf("/leases?limit=1&cursor=%v", page["next_cursor"]), "")
			if items, _ := page["items"].([]any); st != 200 || len(items) != 1 || page["next_cursor"] != nil ||
				items[0].(map[string]any)["reference"] != "W-1" {
				t.Fatalf("second page: %d %v", st, page)
			}
			if _, page = read.do("GET", fmt.Sprintf("/leases?unit_id=%d", shop), ""); len(page["items"].([]any)) != 1 {
				t.Fatalf("unit filter: %v", page)
			}
			if _, page = read.do("GET", "/leases?q=w-", ""); len(page["items"].([]any)) != 1 {
				t.Fatalf("search: %v", page)
			}
			if st, _ := read.do("GET", "/leases?status=bogus", ""); st != 422 {
				t.Fatalf("bad status: %d", st)
			}

			// Update: PUT replaces the terms; bad input is 422.
			st, got := ca.do("PUT", path,
				fmt.Sprintf(`{"reference":"HC-1","unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-01-01","deposit_cents":150000,`+
					`"due_day":5}`, homes[0], tenant))
			if st != 200 || got["reference"] != "HC-1" || got["due_day"] != float64(5) || got["deposit_cents"] != float64(150000) {
				t.Fatalf("update: %d %v", st, got)
			}
			if st, _ := ca.do("PUT", path,
				fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-01-01","due_day":29}`, homes[0], tenant)); st != 422 {
				t.Fatalf("bad update: %d", st)
			}

			// Components: a change adds a row; the history and the set on a day.
			if st, c := ca.do("POST", path+"/components",
				`{"kind":"bare_rent","amount_cents":103000,"valid_from":"2026-07-01"}`); st != 201 || c["id"] == nil {
				t.Fatalf("set component: %d %v", st, c)
			}
			if st, prob := ca.do("POST", path+"/components",
				`{"kind":"bare_rent","amount_cents":103000,"valid_from":"2026-07-01","vat":"standard"}`); st != 422 ||
				!strings.Contains(fmt.Sprint(prob["errors"]), "body.vat") {
				t.Fatalf("VAT on residential: %d %v", st, prob)
			}
			_, hist := read.do("GET", path+"/components", "")
			_, june := read.do("GET", path+"/components?on=2026-06-30", "")
			_, july := read.do("GET", path+"/components?on=2026-07-01", "")
			if len(hist["items"].([]any)) != 3 || !strings.Contains(fmt.Sprint(june["items"]), "100000") ||
				!strings.Contains(fmt.Sprint(july["items"]), "103000") {
				t.Fatalf("components: %v / %v / %v", hist, june, july)
			}

			// Deposit.
			if st, _ := ca.do("POST", path+"/deposit", `{"kind":"received","date":"2026-01-01","amount_cents":150000}`); st != 201 {
				t.Fatalf("deposit received: %d", st)
			}
			if st, prob := ca.do("POST", path+"/deposit", `{"kind":"deducted","date":"2026-01-02","amount_cents":1000}`); st != 422 ||
				!strings.Contains(fmt.Sprint(prob["errors"]), "body.kind") {
				t.Fatalf("deduction without reason: %d %v", st, prob)
			}
			if st, dep := read.do("GET", path+"/deposit", ""); st != 200 || dep["held_cents"] != float64(150000) || len(dep["items"].([]any)) != 1 {
				t.Fatalf("deposit: %d %v", st, dep)
			}

			// Notice: preview, give, refuse a second, withdraw.
			st, pv := ca.do("POST", path+"/notice?preview=true", `{"by":"tenant","notice_date":"2026-03-14"}`)
			if st != 200 || pv["end_date"] != "2026-04-30" || pv["preview"] != true {
				t.Fatalf("preview: %d %v", st, pv)
			}
			if _, got := read.do("GET", path, ""); got["termination"] != nil {
				t.Fatal("preview gave notice")
			}
			st, pv = ca.do("POST", path+"/notice", `{"by":"landlord","notice_date":"2026-03-14"}`)
			if st != 201 || pv["end_date"] != "2026-06-30" || pv["notice_months"] != float64(3) {
				t.Fatalf("give notice: %d %v", st, pv)
			}
			if _, got := read.do("GET", path, ""); got["status"] != "notice" || got["ends_on"] != "2026-06-30" {
				t.Fatalf("after notice: %v", got)
			}
			if st, _ := ca.do("POST", path+"/notice", `{"by":"tenant","notice_date":"2026-03-15"}`); st != 409 {
				t.Fatalf("second notice: %d", st)
			}
			if st, _ := ca.do("DELETE", path+"/notice", ""); st != 204 {
				t.Fatalf("withdraw: %d", st)
			}
			if st, _ := ca.do("DELETE", path+"/notice", ""); st != 409 {
				t.Fatalf("withdraw again: %d", st)
			}

			// Documents: generate, list, download as PDF, record delivery.
			st, doc := ca.do("POST", path+"/documents", "")
			if st != 201 || doc["id"] == nil {
				t.Fatalf("generate: %d %v", st, doc)
			}
			docPath := fmt.Sprintf("%s/documents/%v", path, doc["id"])
			if st, _ := ca.do("POST", fmt.Sprintf("/leases/%v/documents", l2["id"]), ""); st != 409 {
				t.Fatalf("tenant information for a commercial lease: %d", st)
			}
			req, _ := http.NewRequest("GET", base+"/api/v1"+docPath, nil)
			req.Header.Set("Authorization", "Bearer "+a.tokens["read"])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			pdf, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf), "%PDF-") {
				t.Fatalf("download: %d %s %.20q", resp.StatusCode, resp.Header.Get("Content-Type"), pdf)
			}
			if st, _ := ca.do("POST", docPath+"/deliveries", `{"provided_on":"2026-03-15","method":"email"}`); st != 201 {
				t.Fatalf("delivery: %d", st)
			}
			_, docs := read.do("GET", path+"/documents", "")
			if items := docs["items"].([]any); len(items) != 1 || !strings.Contains(fmt.Sprint(items[0]), "email") ||
				len(items[0].(map[string]any)["sha256"].(string)) != 64 {
				t.Fatalf("documents: %v", docs)
			}

			// Settings.
			if st, s := ca.do("PUT", "/lease-settings",
				`{"landlord_name":"","landlord_address":"","landlord_phone":"","landlord_email":"","meldpunt":"Meldpunt Utrecht",`+
					`"deposit_return_days":14,"deposit_deduction_days":30,"extra_information":""}`); st != 200 || s["meldpunt"] != "Meldpunt Utrecht" {
				t.Fatalf("settings: %d %v", st, s)
			}
			if st, _ := ca.do("PUT", "/lease-settings",
				`{"landlord_name":"","landlord_address":"","landlord_phone":"","landlord_email":"","meldpunt":"","deposit_return_days":14,`+
					`"deposit_deduction_days":30,"extra_information":""}`); st != 422 {
				t.Fatalf("empty meldpunt: %d", st)
			}

			// Permissions: a read token cannot write.
			if st, _ := read.do("POST", path+"/documents", ""); st != 403 {
				t.Fatalf("read token generates: %d", st)
			}
			// Organisation B: every lease path of A is 404, its list is empty.
			for _, c := range []struct{ method, path, body string }{
				{"GET", path, ""},
				{"PUT", path, fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-01-01"}`, homes[0], tenant)},
				{"GET", path + "/components", ""},
				{"POST", path + "/components", `{"kind":"bare_rent","amount_cents":1,"valid_from":"2026-08-01"}`},
				{"GET", path + "/deposit", ""},
				{"POST", path + "/deposit", `{"kind":"received","date":"2026-01-01","amount_cents":1}`},
				{"POST", path + "/notice?preview=true", `{"by":"tenant","notice_date":"2026-03-14"}`},
				{"POST", path + "/notice", `{"by":"tenant","notice_date":"2026-03-14"}`},
				{"DELETE", path + "/notice", ""},
				{"GET", path + "/documents", ""},
				{"POST", path + "/documents", ""},
				{"GET", docPath, ""},
				{"POST", docPath + "/deliveries", `{"provided_on":"2026-03-15","method":"email"}`},
			} {
				if st, _ := cb.do(c.method, c.path, c.body); st != 404 {
					t.Errorf("B %s %s: %d, want 404", c.method, c.path, st)
				}
			}
			if _, page := cb.do("GET", "/leases", ""); len(page["items"].([]any)) != 0 {
				t.Fatalf("B lists A's leases: %v", page)
			}
			// B cannot let A's unit.
			if st, _ := cb.do("POST", "/leases",
				fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-01-01"}`, homes[1], tenant)); st != 422 {
				t.Fatalf("B lets A's unit: %d", st)
			}
		})
	}
}
