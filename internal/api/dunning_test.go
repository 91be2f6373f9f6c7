package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/dunning"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// The dunning operations: the proposals, the send plan and a send that
// must repeat its expect, the letters and their PDF, a payment plan that
// suspends dunning, the arrears on a day, the settings; another
// organisation sees none of it.
func TestDunningAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.January, 8, 9, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			homes, _, tenant := leaseSetup(t, e, a)
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			leaseID, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{homes[0]}, TenantIDs: []int64{tenant},
				Start: civil.New(2025, time.June, 1), PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent,
					AmountCents: 90000}}})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.DB.InOrg(ctx, owner.OrgID, func(tx *db.Tx) error {
				_, err := ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: leaseID, IssueDate: civil.New(2025, 12, 20), DueDate: civil.New(2026, 1, 1),
					Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: civil.New(2026, 1, 1), To: civil.New(2026, 1, 31),
						Net: 90000}}}}, db.TS(clk.Now()), owner.UserID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			base := e.URL()
			ca, cb, read := call{t, base, a.tokens["admin"]}, call{t, base, b.tokens["admin"]}, call{t, base, a.tokens["read"]}

			if st, _ := read.do("POST", "/dunning/runs", ""); st != 403 {
				t.Fatalf("a read token ran dunning: %d", st)
			}
			st, run := ca.do("POST", "/dunning/runs", "")
			if st != 200 || run["new"] != float64(1) || run["total_cents"] != float64(90000) {
				t.Fatalf("run: %d %v", st, run)
			}
			st, page := read.do("GET", "/dunning/proposals", "")
			items, _ := page["items"].([]any)
			if st != 200 || len(items) != 1 {
				t.Fatalf("proposals: %d %v", st, page)
			}
			p := items[0].(map[string]any)
			if p["stage"] != "reminder" || p["overdue_cents"] != float64(90000) || p["days_overdue"] != float64(7) ||
				p["oldest_due"] != "2026-01-01" ||
				fmt.Sprint(p["tenants"]) != "[A. Visser]" || !strings.Contains(fmt.Sprint(p["address"]), "Lindelaan 1") {
				t.Fatalf("proposal %v", p)
			}
			if st, page := cb.do("GET", "/dunning/proposals", ""); st != 200 || len(page["items"].([]any)) != 0 {
				t.Fatalf("beta sees proposals: %d %v", st, page)
			}
			id := fmt.Sprint(p["id"])
			if st, _ := ca.do("GET", "/dunning/proposals?state=nonsense", ""); st != 422 {
				t.Fatalf("a bad state: %d", st)
			}
			// The plan, then a send with another expect: 409, nothing sent.
			st, plan := ca.do("POST", "/dunning/send-plans", `{"proposal_ids":[`+id+`]}`)
			if st != 200 || plan["total_cents"] != float64(90000) ||
				fmt.Sprint(plan["stages"]) != "[map[count:1 stage:reminder total_cents:90000]]" {
				t.Fatalf("plan: %d %v", st, plan)
			}
			if _, ok := plan["organisation_missing"].([]any); !ok {
				t.Errorf("no organisation_missing: %v", plan)
			}
			if st, _ := cb.do("POST", "/dunning/send-plans", `{"proposal_ids":[`+id+`]}`); st != 422 {
				t.Fatalf("beta planned alpha's proposal: %d", st)
			}
			if st, _ := ca.do("POST", "/dunning/letters",
				`{"proposal_ids":[`+id+`],"expect":{"letters":1,"total_cents":1,"costs_cents":0}}`); st != 409 {
				t.Fatalf("send with another expect: %d", st)
			}
			st, sent := ca.do("POST", "/dunning/letters", `{"proposal_ids":[`+id+`],"expect":{"letters":1,"total_cents":90000,"costs_cents":0}}`)
			letters, _ := sent["letters"].([]any)
			if st != 201 || len(letters) != 1 || fmt.Sprint(sent["unmailed_letter_ids"]) == "[]" {
				t.Fatalf("send: %d %v", st, sent)
			}
			lt := letters[0].(map[string]any)
			st, page = read.do("GET", fmt.Sprintf("/dunning/letters?lease_id=%d", leaseID), "")
			if st != 200 || len(page["items"].([]any)) != 1 {
				t.Fatalf("letters: %d %v", st, page)
			}
			if st, _ := read.do("GET", fmt.Sprintf("/dunning/letters/%v/pdf", lt["id"]), ""); st != 200 {
				t.Fatalf("letter PDF: %d", st)
			}
			if st, _ := cb.do("GET", fmt.Sprintf("/dunning/letters/%v/pdf", lt["id"]), ""); st != 404 {
				t.Fatalf("beta read alpha's letter: %d", st)
			}

			// A payment plan; terms a cent short are refused at body.terms.
			open, _ := e.Ledger.OpenItems(ctx, owner, ledger.OpenFilter{LeaseID: leaseID})
			body := func(second int) string {
				return fmt.Sprintf(`{"lease_id":%d,"charge_ids":[%d],"terms":[{"due":"2026-02-01","amount_cents":45000},`+
					`{"due":"2026-03-01","amount_cents":%d}]}`,
					leaseID, open[0].ID, second)
			}
			if st, prob := ca.do("POST", "/payment-plans", body(44999)); st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.terms") {
				t.Fatalf("short terms: %d %v", st, prob)
			}
			if st, prob := cb.do("POST", "/payment-plans", body(45000)); st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]),
				"body.lease_id") {
				t.Fatalf("beta's plan on alpha's lease: %d %v", st, prob)
			}
			st, pl := ca.do("POST", "/payment-plans", body(45000))
			if st != 201 || pl["state"] != "active" || pl["total_cents"] != float64(90000) || len(pl["terms"].([]any)) != 2 {
				t.Fatalf("plan: %d %v", st, pl)
			}
			planPath := fmt.Sprintf("/payment-plans/%v", pl["id"])
			if st, _ := cb.do("GET", planPath, ""); st != 404 {
				t.Fatalf("beta read alpha's plan: %d", st)
			}
			if st, pl := ca.do("PUT", planPath+"/terms",
				`{"terms":[{"due":"2026-02-15","amount_cents":90000}]}`); st != 200 || len(pl["terms"].([]any)) != 1 {
				t.Fatalf("terms: %d %v", st, pl)
			}
			clk.Set(time.Date(2026, time.January, 25, 9, 0, 0, 0, time.UTC))
			if st, run := ca.do("POST", "/dunning/runs", ""); st != 200 || run["new"] != float64(0) {
				t.Fatalf("dunned under a plan: %d %v", st, run)
			}
			if st, pl := ca.do("POST", planPath+"/cancel", ""); st != 200 || pl["state"] != "cancelled" {
				t.Fatalf("cancel: %d %v", st, pl)
			}
			if st, _ := ca.do("POST", planPath+"/cancel", ""); st != 409 {
				t.Fatalf("cancelled twice: %d", st)
			}
			if st, run := ca.do("POST", "/dunning/runs", ""); st != 200 || run["new"] != float64(1) {
				t.Fatalf("the notice after the plan: %d %v", st, run)
			}

			// The arrears on a day.
			st, ag := read.do("GET", "/arrears?on=2026-02-01", "")
			rows, _ := ag["items"].([]any)
			if st != 200 || len(rows) != 1 || ag["overdue_cents"] != float64(90000) || ag["days_31_60_cents"] != float64(90000) {
				t.Fatalf("arrears: %d %v", st, ag)
			}
			if r := rows[0].(map[string]any); r["days_overdue"] != float64(31) || r["lease_id"] != float64(leaseID) {
				t.Fatalf("arrears row %v", r)
			}
			if st, _ := read.do("GET", "/arrears?on=2026-02-30", ""); st != 422 {
				t.Fatalf("a bad day: %d", st)
			}
			if st, ag := cb.do("GET", "/arrears", ""); st != 200 || len(ag["items"].([]any)) != 0 {
				t.Fatalf("beta's arrears: %d %v", st, ag)
			}

			// Settings.
			st, set := read.do("GET", "/dunning/settings", "")
			if st != 200 || set["term_days"] != float64(dunning.MinTermDays) {
				t.Fatalf("settings: %d %v", st, set)
			}
			bad := `{"reminder_days":7,"notice_days":21,"final_days":35,"term_days":7,"receipt_days":2,"handover_days":7,` +
				`"plan_grace_days":7,"costs_vat":false,"company_costs":false}`
			if st, prob := ca.do("PUT", "/dunning/settings", bad); st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.term_days") {
				t.Fatalf("a 7-day term: %d %v", st, prob)
			}
			good := strings.Replace(bad, `"term_days":7`, `"term_days":14`, 1)
			if st, set := ca.do("PUT", "/dunning/settings", good); st != 200 || set["term_days"] != float64(14) {
				t.Fatalf("settings: %d %v", st, set)
			}
		})
	}
}
