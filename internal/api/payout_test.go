package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/relation"
)

// Payouts through the API: four eyes turned on by the owner; an
// overpayment proposed by one user is refused approval by the same user
// and approved by a second; a batch is previewed (a payee without an IBAN
// left out, with the reason in words), made with the preview's counts and
// downloaded byte-identical as pain.001; the old deposit-payout endpoints
// still list and pay the same refunds; the other organisation sees none.
func TestPayoutsAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			homes, _, _ := leaseSetup(t, e, a)
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			_, mid, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "alpha", Email: "second@alpha.nl", Name: "S",
				Role: account.Owner})
			if err != nil {
				t.Fatal(err)
			}
			manager, _ := e.Accounts.ActorFor(ctx, mid, "alpha")
			mtok, err := e.Accounts.CreateAPIToken(ctx, manager, "m", []account.Scope{account.ScopeRead, account.ScopeWrite})
			if err != nil {
				t.Fatal(err)
			}
			mk := func(unit int64, surname, iban string) int64 {
				in := relation.PersonInput{FirstNames: "Anna", Surname: surname}
				if iban != "" {
					in.IBANs = []string{iban}
				}
				p, err := e.Relations.CreatePerson(ctx, owner, in)
				if err != nil {
					t.Fatal(err)
				}
				id, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{unit}, TenantIDs: []int64{p}, Start: civil.New(2025, 1, 1),
					End: civil.New(2026, 2, 28), PaymentMethod: lease.Transfer, DepositCents: 180000,
					Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000}}})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := e.Leases.AddDepositEntry(ctx, owner, id, lease.DepositEntryInput{Kind: lease.DepositReceived, Date: civil.New(2025, 1, 1),
					AmountCents: 180000}); err != nil {
					t.Fatal(err)
				}
				return id
			}
			l1, l2 := mk(homes[0], "Visser", "NL91ABNA0417164300"), mk(homes[1], "Smit", "")
			base := e.URL()
			ca, cm, cb, read := call{t, base, a.tokens["admin"]}, call{t, base, mtok}, call{t, base, b.tokens["admin"]}, call{t, base,
				a.tokens["read"]}
			if st, _ := read.do("PUT", "/payout-settings", `{"four_eyes":true}`); st != 403 {
				t.Fatalf("a read token turns four eyes on: %d", st)
			}
			if st, s := ca.do("PUT", "/payout-settings", `{"four_eyes":true}`); st != 200 || s["four_eyes"] != true {
				t.Fatalf("four eyes: %d %v", st, s)
			}
			if st, s := cb.do("GET", "/payout-settings", ""); st != 200 || s["four_eyes"] != false {
				t.Fatalf("beta's settings: %d %v", st, s)
			}
			// Both deposits settled by the owner wait for approval.
			st, dep := ca.do("POST", fmt.Sprintf("/leases/%d/deposit-settlement", l1), "")
			if st != 200 || dep["state"] != "open" {
				t.Fatalf("settle: %d %v", st, dep)
			}
			if st, _ := ca.do("POST", fmt.Sprintf("/leases/%d/deposit-settlement", l2), ""); st != 200 {
				t.Fatalf("settle 2: %d", st)
			}
			if _, err := e.Ledger.RecordPayment(ctx, owner, ledger.PaymentInput{LeaseID: l1, Date: civil.New(2026, 3, 2), Amount: 2500,
				Method: ledger.Transfer}); err != nil {
				t.Fatal(err)
			}
			if st, prob := ca.do("POST", "/payouts/overpayments", fmt.Sprintf(`{"lease_id":%d,"amount_cents":2501}`, l1)); st != 422 ||
				!strings.Contains(fmt.Sprint(prob["errors"]), "body.amount_cents") {
				t.Fatalf("more than the credit: %d %v", st, prob)
			}
			st, over := ca.do("POST", "/payouts/overpayments", fmt.Sprintf(`{"lease_id":%d,"note":"dubbel"}`, l1))
			if st != 201 || over["state"] != "open" || over["kind"] != "overpayment" || over["amount_cents"] != float64(2500) ||
				over["payee_name"] != "A. Visser" {
				t.Fatalf("overpayment: %d %v", st, over)
			}
			op := fmt.Sprintf("/payouts/%v", over["id"])
			if st, prob := ca.do("POST", op+"/approve", ""); st != 409 || !strings.Contains(fmt.Sprint(prob["detail"], prob["title"]), "zelf") {
				t.Fatalf("the same user approves: %d %v", st, prob)
			}
			if st, p := cm.do("POST", op+"/approve", ""); st != 200 || p["state"] != "approved" || p["approved_by"] != float64(mid) {
				t.Fatalf("a second user approves: %d %v", st, p)
			}
			if st, _ := cb.do("POST", op+"/approve", ""); st != 404 {
				t.Fatalf("beta approves: %d", st)
			}
			_, list := read.do("GET", "/payouts?state=open", "")
			if items := list["items"].([]any); len(items) != 2 {
				t.Fatalf("open payouts: %v", list)
			}
			if st, _ := read.do("GET", "/payouts?kind=rent", ""); st != 422 {
				t.Fatalf("an unknown kind: %d", st)
			}
			if _, list := read.do("GET", "/payouts?kind=overpayment&limit=1", ""); len(list["items"].([]any)) != 1 || list["next_cursor"] != nil {
				t.Fatalf("overpayments: %v", list)
			}
			for _, it := range list["items"].([]any) {
				if st, _ := cm.do("POST", fmt.Sprintf("/payouts/%v/approve", it.(map[string]any)["id"]), ""); st != 200 {
					t.Fatalf("approve the deposits: %d", st)
				}
			}
			if st, _ := ca.do("POST", "/bank-accounts", `{"iban":"NL44RABO0123456789","name":"Alpha Vastgoed","purpose":"general","bic":"",
				"transfer_version":"pain.001.001.09"}`); st != 201 {
				t.Fatalf("account: %d", st)
			}
			st, plan := read.do("POST", "/payout-batches/preview", `{"due_until":"2026-03-31"}`)
			left, _ := plan["left_out"].([]any)
			if st != 200 || plan["count"] != float64(2) || plan["total_cents"] != float64(182500) || len(left) != 1 ||
				left[0].(map[string]any)["reason"] != "payout.left.no_iban" || plan["scope"].(map[string]any)["kind"] != "due" {
				t.Fatalf("preview: %d %v", st, plan)
			}
			if st, _ := ca.do("POST", "/payout-batches", `{"due_until":"2026-03-31","expect_count":1,"expect_total_cents":182500}`); st != 409 {
				t.Fatalf("a changed preview: %d", st)
			}
			st, made := ca.do("POST", "/payout-batches", `{"due_until":"2026-03-31","expect_count":2,"expect_total_cents":182500}`)
			batches, _ := made["batches"].([]any)
			if st != 201 || len(batches) != 1 {
				t.Fatalf("batch: %d %v", st, made)
			}
			bj := batches[0].(map[string]any)
			if bj["version"] != "pain.001.001.09" || bj["count"] != float64(2) || bj["account_iban"] != "NL44RABO0123456789" {
				t.Fatalf("batch: %v", bj)
			}
			bp := fmt.Sprintf("/payout-batches/%v", bj["id"])
			file, ct := raw(t, base, a.tokens["read"], bp+"/file")
			again, _ := raw(t, base, a.tokens["read"], bp+"/file")
			if ct != "application/xml" || file != again || !strings.Contains(file, "pain.001.001.09") || strings.Count(file, "<CdtTrfTxInf>") != 2 ||
				!strings.Contains(file, "Terugbetaling waarborgsom") {
				t.Fatalf("file (%s): %.600s", ct, file)
			}
			if _, got := read.do("GET", bp, ""); len(got["payouts"].([]any)) != 2 {
				t.Fatalf("batch detail: %v", got)
			}
			if _, got := read.do("GET", "/payout-batches", ""); len(got["items"].([]any)) != 1 {
				t.Fatalf("batches: %v", got)
			}
			if st, _ := cb.do("GET", bp+"/file", ""); st != 404 {
				t.Fatalf("beta downloads alpha's file: %d", st)
			}
			if _, got := cb.do("GET", "/payouts", ""); len(got["items"].([]any)) != 0 {
				t.Fatalf("beta's payouts: %v", got)
			}
			// The deposit refund in the batch through the old endpoints.
			_, old := read.do("GET", "/deposit-payouts", "")
			if items := old["items"].([]any); len(items) != 2 {
				t.Fatalf("old list: %v", old)
			}
			if st, p := ca.do("POST", fmt.Sprintf("/deposit-payouts/%v/paid", dep["id"]),
				`{"date":"2026-03-10"}`); st != 200 || p["state"] != "paid" {
				t.Fatalf("old mark paid: %d %v", st, p)
			}
			if _, p := read.do("GET", fmt.Sprintf("/payouts/%v", dep["id"]), ""); p["state"] != "paid" || p["paid_on"] != "2026-03-10" {
				t.Fatalf("after the old mark paid: %v", p)
			}
			if st, _ := ca.do("POST", op+"/cancel", ""); st != 409 {
				t.Fatalf("cancel in a batch: %d", st)
			}
		})
	}
}
