package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

func TestFinanceAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			homes, _, tenant := leaseSetup(t, e, a)
			owner, _ := e.Accounts.ActorFor(context.Background(), a.ownerID, a.slug)
			leaseID, err := e.Leases.Create(context.Background(), owner, lease.Input{UnitIDs: []int64{homes[0]}, TenantIDs: []int64{tenant},
				Start: civil.New(2026, time.March, 16), PaymentMethod: lease.Transfer,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 93000}}})
			if err != nil {
				t.Fatal(err)
			}
			base := e.URL()
			ca, cb, read := call{t, base, a.tokens["admin"]}, call{t, base, b.tokens["admin"]}, call{t, base, a.tokens["read"]}

			st, pv := read.do("POST", "/rent-runs/preview", `{"period":"2026-03"}`)
			// 16 of 31 days: 930 × 16/31 = 480.00
			if st != 200 || pv["invoices"] != float64(1) || pv["total_cents"] != float64(48000) {
				t.Fatalf("preview: %d %v", st, pv)
			}
			if st, prob := ca.do("POST", "/rent-runs/preview", `{"period":"March"}`); st != 422 ||
				!strings.Contains(fmt.Sprint(prob["errors"]), "body.period") {
				t.Fatalf("bad period: %d %v", st, prob)
			}
			if st, _ := read.do("POST", "/rent-runs", `{"period":"2026-03"}`); st != 403 {
				t.Fatalf("read token started a run: %d", st)
			}
			st, run := ca.do("POST", "/rent-runs", `{"period":"2026-03","expect":{"invoices":1,"total_cents":48000}}`)
			if st != 200 {
				t.Fatalf("start run: %d %v", st, run)
			}
			runPath := fmt.Sprintf("/rent-runs/%v", run["id"])
			for i := 0; run["state"] != "done"; i++ {
				if i > 100 || run["state"] == "failed" {
					t.Fatalf("run: %v", run)
				}
				time.Sleep(100 * time.Millisecond)
				_, run = read.do("GET", runPath, "")
			}
			st, invs := read.do("GET", "/invoices", "")
			items, _ := invs["items"].([]any)
			if st != 200 || len(items) != 1 {
				t.Fatalf("invoices: %d %v", st, invs)
			}
			inv := items[0].(map[string]any)
			if inv["number"] != "20260000001" || len(fmt.Sprint(inv["kenmerk"])) != 16 || inv["open_cents"] != float64(48000) {
				t.Fatalf("invoice: %v", inv)
			}
			invPath := fmt.Sprintf("/invoices/%v", inv["id"])
			if st, _ := cb.do("GET", invPath, ""); st != 404 {
				t.Fatalf("other organisation read the invoice: %d", st)
			}
			if st, _ := read.do("GET", invPath+"/pdf", ""); st != 200 {
				t.Fatalf("invoice PDF: %d", st)
			}
			if st, _ := cb.do("GET", invPath+"/pdf", ""); st != 404 {
				t.Fatalf("other organisation read the PDF: %d", st)
			}
			acct := fmt.Sprintf("/leases/%d", leaseID)
			if st, prob := ca.do("POST", acct+"/payments", `{"date":"2026-03-15","amount_cents":0,"method":"transfer"}`); st != 422 ||
				!strings.Contains(fmt.Sprint(prob["errors"]), "body.amount_cents") {
				t.Fatalf("zero payment: %d %v", st, prob)
			}
			if st, _ := cb.do("POST", acct+"/payments", `{"date":"2026-03-15","amount_cents":100,"method":"transfer"}`); st != 404 && st != 422 {
				t.Fatalf("other organisation paid: %d", st)
			}
			st, pay := ca.do("POST", acct+"/payments", `{"date":"2026-03-15","amount_cents":50000,"method":"transfer","reference":"huur maart"}`)
			if st != 200 || pay["allocated_cents"] != float64(48000) || pay["unallocated_cents"] != float64(2000) {
				t.Fatalf("payment: %d %v", st, pay)
			}
			st, account := read.do("GET", acct+"/account?on=2026-03-15", "")
			if st != 200 || account["balance_cents"] != float64(-2000) {
				t.Fatalf("account: %d %v", st, account)
			}
			st, stmt := read.do("GET", acct+"/statement?from=2026-03-01&to=2026-03-31", "")
			if st != 200 || stmt["closing_cents"] != float64(-2000) || len(stmt["lines"].([]any)) != 2 {
				t.Fatalf("statement: %d %v", st, stmt)
			}
			st, rev := ca.do("POST", fmt.Sprintf("/payments/%v/reversal", pay["id"]), `{"reason":"storno"}`)
			if st != 200 || rev["reversal_id"] == nil {
				t.Fatalf("reversal: %d %v", st, rev)
			}
			st, open := read.do("GET", fmt.Sprintf("/relations/%d/open-items", tenant), "")
			if st != 200 || open["total_cents"] != float64(48000) {
				t.Fatalf("open items: %d %v", st, open)
			}
			if st, _ := cb.do("GET", fmt.Sprintf("/relations/%d/open-items", tenant), ""); st != 404 {
				t.Fatalf("other organisation read open items: %d", st)
			}
			st, debtors := read.do("GET", "/debtors", "")
			if st != 200 || debtors["total"] != float64(1) {
				t.Fatalf("debtors: %d %v", st, debtors)
			}
			// After the reversal the whole invoice is open again; the
			// tenant and the unit are named, the oldest due date given.
			debtor := debtors["items"].([]any)[0].(map[string]any)
			if debtor["open_cents"] != float64(48000) || debtor["balance_cents"] != float64(48000) ||
				fmt.Sprint(debtor["tenant_ids"]) != fmt.Sprintf("[%d]", tenant) || len(debtor["tenants"].([]any)) != 1 ||
				debtor["tenants"].([]any)[0] == "" || debtor["address"] == "" || debtor["oldest_due"] == nil ||
				len(debtor["ageing_cents"].([]any)) != 4 {
				t.Fatalf("debtor: %v", debtor)
			}
			if st, _ := read.do("GET", "/debtors?sort=days&desc=true", ""); st != 200 {
				t.Fatalf("debtors by days: %d", st)
			}
			st, cn := ca.do("POST", invPath+"/credit-notes", `{"reason":"start later"}`)
			if st != 200 || cn["kind"] != "credit_note" || cn["total_cents"] != float64(-48000) {
				t.Fatalf("credit note: %d %v", st, cn)
			}
			if st, _ := ca.do("PUT", "/billing-settings",
				`{"proration":"days30","issuer_iban":"NL00BANK1234","send_invoices":false}`); st != 422 {
				t.Fatalf("bad IBAN accepted: %d", st)
			}
			st, set := ca.do("PUT", "/billing-settings",
				`{"proration":"days30","issuer_iban":"","send_invoices":false}`)
			if st != 200 || set["proration"] != "days30" {
				t.Fatalf("settings: %d %v", st, set)
			}
		})
	}
}

// The rent run's scope over the API: a scope that does not resolve is a
// problem at body.scope and books nothing; a start must repeat the
// preview's count and total; a run is undone with the credit notes its plan
// showed, by a writer of its own organisation only.
func TestRentRunScopeAndUndoAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			homes, _, tenant := leaseSetup(t, e, a)
			owner, _ := e.Accounts.ActorFor(context.Background(), a.ownerID, a.slug)
			var refs []string
			for i, rent := range []int64{93000, 80000} {
				id, err := e.Leases.Create(context.Background(), owner, lease.Input{UnitIDs: []int64{homes[i]}, TenantIDs: []int64{tenant},
					Start: civil.New(2026, time.January, 1), PaymentMethod: lease.Transfer,
					Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: money.Cents(rent)}}})
				if err != nil {
					t.Fatal(err)
				}
				l, _ := e.Leases.Get(context.Background(), owner, id)
				refs = append(refs, l.Reference)
			}
			base := e.URL()
			ca, cb, read := call{t, base, a.tokens["admin"]}, call{t, base, b.tokens["admin"]}, call{t, base, a.tokens["read"]}
			for _, scope := range []string{`{"kind":"lease"}`, `{"kind":"lease","text":"2027-0001"}`, `{"kind":"lease","id":999999}`, `{"id":1}`} {
				body := `{"period":"2026-03","scope":` + scope + `}`
				if st, prob := read.do("POST", "/rent-runs/preview", body); st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.scope") {
					t.Fatalf("preview with scope %s: %d %v", scope, st, prob)
				}
				body = `{"period":"2026-03","scope":` + scope + `,"expect":{"invoices":2,"total_cents":173000}}`
				if st, prob := ca.do("POST", "/rent-runs", body); st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.scope") {
					t.Fatalf("start with scope %s: %d %v", scope, st, prob)
				}
			}
			st, pv := read.do("POST", "/rent-runs/preview", `{"period":"2026-03","scope":{"kind":"lease","text":"`+refs[1]+`"}}`)
			sc, _ := pv["scope"].(map[string]any)
			if st != 200 || pv["invoices"] != float64(1) || pv["total_cents"] != float64(80000) || sc["leases"] != float64(1) ||
				!strings.HasPrefix(fmt.Sprint(sc["name"]), refs[1]+", ") {
				t.Fatalf("preview of %s: %d %v", refs[1], st, pv)
			}
			if st, prob := ca.do("POST", "/rent-runs", `{"period":"2026-03","expect":{"invoices":1,"total_cents":80000}}`); st != 409 ||
				!strings.Contains(fmt.Sprint(prob), "voorbeeld") {
				t.Fatalf("start of everything with one lease's figures: %d %v", st, prob)
			}
			st, run := ca.do("POST", "/rent-runs", `{"period":"2026-03","expect":{"invoices":2,"total_cents":173000}}`)
			if st != 200 || run["scope_name"] != nil {
				t.Fatalf("start run: %d %v", st, run)
			}
			runPath := fmt.Sprintf("/rent-runs/%v", run["id"])
			for i := 0; run["state"] != "done"; i++ {
				if i > 100 || run["state"] == "failed" {
					t.Fatalf("run: %v", run)
				}
				time.Sleep(100 * time.Millisecond)
				_, run = read.do("GET", runPath, "")
			}
			st, plan := read.do("GET", runPath+"/undo", "")
			if credits, _ := plan["credit_notes"].([]any); st != 200 || plan["can_undo"] != true || len(credits) != 2 ||
				plan["total_cents"] != float64(-173000) {
				t.Fatalf("undo plan: %d %v", st, plan)
			}
			if st, _ := cb.do("GET", runPath+"/undo", ""); st != 404 {
				t.Fatalf("another organisation read the plan: %d", st)
			}
			undo := `{"expect":{"invoices":2,"total_cents":-173000}}`
			if st, _ := read.do("POST", runPath+"/undo", undo); st != 403 {
				t.Fatalf("read token undid: %d", st)
			}
			if st, _ := cb.do("POST", runPath+"/undo", undo); st != 404 {
				t.Fatalf("another organisation undid: %d", st)
			}
			if st, prob := ca.do("POST", runPath+"/undo", `{"expect":{"invoices":2,"total_cents":-1}}`); st != 409 {
				t.Fatalf("undo with another total: %d %v", st, prob)
			}
			st, done := ca.do("POST", runPath+"/undo", undo)
			if r, _ := done["run"].(map[string]any); st != 200 || r["undone_at"] == nil ||
				r["undo_credit_notes"] != float64(2) || done["can_undo"] != false {
				t.Fatalf("undo: %d %v", st, done)
			}
			st, invs := read.do("GET", "/invoices", "")
			if items, _ := invs["items"].([]any); st != 200 || len(items) != 4 {
				t.Fatalf("invoices and credit notes after the undo: %d %v", st, invs)
			}
		})
	}
}
