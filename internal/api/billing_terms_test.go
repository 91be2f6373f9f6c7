package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/relation"
)

// The rent run and billing settings through the API, agreeing with the
// pages (DOMAIN §3.1, §3.4): a quarterly VAT lease from 10 February 2026 at
// €900 a month is €2,700 × 50/90 = €1,500.00 for Q1 with quantity and unit
// price per line; without the issuer's KvK, btw-id and address the preview
// lists them and starting the run is refused; month by month is €1,510.71;
// a late run is due issue date (15 March) + the payment term.
func TestRentRunBillingTermsAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a := setupOrg(t, e, "alpha")
			_, shop, _ := leaseSetup(t, e, a)
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			co, err := e.Relations.CreateCompany(ctx, owner, relation.CompanyInput{Name: "Bakkerij Korstmos B.V.", KvK: "69599084",
				Address: relation.Address{Street: "Vismarkt", HouseNumber: "3", Postcode: "3511 KB", City: "Utrecht"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{shop}, TenantIDs: []int64{co}, Start: civil.New(2026,
				time.February, 10),
				BillingFrequency: lease.Quarterly, PaymentMethod: lease.Transfer, VATOpted: true,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000, VAT: lease.VATStandard}}}); err != nil {
				t.Fatal(err)
			}
			ca := call{t, e.URL(), a.tokens["admin"]}

			st, pv := ca.do("POST", "/rent-runs/preview", `{"period":"2026-Q1"}`)
			blocked := fmt.Sprint(pv["vat_blocked"])
			if st != 200 || pv["net_cents"] != float64(150000) || !strings.Contains(blocked, "kvk") || !strings.Contains(blocked,
				"vat_id") ||
				!strings.Contains(blocked, "/o/alpha/settings/organisation") {
				t.Fatalf("preview: %d %v", st, pv)
			}
			// Every detail documents print is named, with where to set it.
			missing := fmt.Sprint(pv["organisation_missing"])
			for _, f := range []string{"legal_name", "street", "city", "kvk", "email", "/o/alpha/settings/organisation"} {
				if !strings.Contains(missing, f) {
					t.Errorf("organisation_missing lacks %s: %s", f, missing)
				}
			}
			line := pv["items"].([]any)[0].(map[string]any)["lines"].([]any)[0].(map[string]any)
			if fmt.Sprint(line["basis"]) != "[map[quantity:50/90 unit_price_cents:270000]]" || line["vat_cents"] != float64(31500) {
				t.Fatalf("line: %v", line)
			}
			if st, prob := ca.do("POST", "/rent-runs", `{"period":"2026-Q1","expect":{"invoices":1,"total_cents":181500}}`); st != 422 ||
				!strings.Contains(fmt.Sprint(prob), "btw") {
				t.Fatalf("blocked run started: %d %v", st, prob)
			}
			org := `{"legal_name":"Vastgoed Alfa","street":"Stationsplein","house_number":"1","postcode":"3511ed","city":"Utrecht",
				"email":"","phone":"","kvk":"40536533","vat_id":"NL000099998B57","payment_term_days":%d}`
			if st, prob := ca.do("PUT", "/organisation", fmt.Sprintf(org, 400)); st != 422 ||
				!strings.Contains(fmt.Sprint(prob["errors"]), "body.payment_term_days") {
				t.Fatalf("term 400: %d %v", st, prob)
			}
			st, set := ca.do("PUT", "/billing-settings", `{"proration":"actual","period_proration":"month","issuer_iban":"",
				"send_invoices":false}`)
			if st != 200 || set["period_proration"] != "month" {
				t.Fatalf("settings: %d %v", st, set)
			}
			st, set = ca.do("PUT", "/organisation", fmt.Sprintf(org, 30))
			if det, _ := set["details"].(map[string]any); st != 200 || det["payment_term_days"] != float64(30) ||
				det["postcode"] != "3511 ED" || fmt.Sprint(det["missing"]) != "[email]" {
				t.Fatalf("organisation: %d %v", st, set)
			}
			_, pv = ca.do("POST", "/rent-runs/preview", `{"period":"2026-Q1"}`)
			item := pv["items"].([]any)[0].(map[string]any)
			if missing := pv["organisation_missing"].([]any); len(missing) != 1 || missing[0].(map[string]any)["field"] != "email" ||
				missing[0].(map[string]any)["message"] == "" {
				t.Errorf("organisation_missing after the details were set: %v", missing)
			}
			if pv["net_cents"] != float64(151071) || fmt.Sprint(pv["vat_blocked"]) != "[]" || item["due_date"] != "2026-04-14" {
				t.Fatalf("month by month: %v", pv)
			}
			if st, run := ca.do("POST", "/rent-runs", `{"period":"2026-Q1","expect":{"invoices":1,"total_cents":182796}}`); st != 200 {
				t.Fatalf("run: %d %v", st, run)
			}
		})
	}
}

// The preview through the API lists a correction of a month already
// charged with its kind and reason, and the run posts it once (DOMAIN §3.1).
func TestRentRunCorrectionAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a := setupOrg(t, e, "alpha")
			homes, _, tenant := leaseSetup(t, e, a)
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			l, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{homes[0]}, TenantIDs: []int64{tenant}, Start: civil.New(2026,
				time.January, 1),
				PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 95000}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Billing.PostRun(ctx, owner, billing.RunInput{Period: "2026-03"}, nil); err != nil {
				t.Fatal(err)
			}
			clk.Advance(time.Hour)
			if _, err := e.Leases.SetComponent(ctx, owner, l, lease.ComponentInput{Kind: lease.BareRent, AmountCents: 92500,
				ValidFrom: civil.New(2026, time.March, 1)}); err != nil {
				t.Fatal(err)
			}
			ca := call{t, e.URL(), a.tokens["admin"]}
			st, pv := ca.do("POST", "/rent-runs/preview", `{"period":"2026-03"}`)
			items, _ := pv["items"].([]any)
			if st != 200 || len(items) != 1 || pv["total_cents"] != float64(-2500) {
				t.Fatalf("preview: %d %v", st, pv)
			}
			it := items[0].(map[string]any)
			if it["kind"] != "credit_note" || it["reason"] != "correctie kale huur maart 2026: € 950,00 → € 925,00" || it["period"] != "2026-03" {
				t.Fatalf("correction: %v", it)
			}
		})
	}
}
