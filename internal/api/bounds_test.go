package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// Amounts have bounds: a payment of 2⁶³−1 cents, a component of 9·10¹⁸
// cents, a deposit or a deduction beyond €100 million are refused at their
// field and change nothing; the debtors list, the lease account and the
// rent run keep working afterwards. (Before: the payment answered 200 and
// every page that added up the ledger answered 500.)
func TestAmountsHaveBoundsAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a := setupOrg(t, e, "alpha")
			homes, _, tenant := leaseSetup(t, e, a)
			owner, _ := e.Accounts.ActorFor(context.Background(), a.ownerID, a.slug)
			leaseID, err := e.Leases.Create(context.Background(), owner, lease.Input{UnitIDs: []int64{homes[0]}, TenantIDs: []int64{tenant},
				Start: civil.New(2026, time.January, 1), PaymentMethod: lease.Transfer,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 93000}}})
			if err != nil {
				t.Fatal(err)
			}
			ca := call{t, e.URL(), a.tokens["admin"]}
			acct := fmt.Sprintf("/leases/%d", leaseID)
			for _, c := range []struct{ path, body, field string }{
				{acct + "/payments", `{"date":"2026-03-15","amount_cents":9223372036854775807,"method":"transfer"}`, "body.amount_cents"},
				{acct + "/payments", `{"date":"2026-03-15","amount_cents":10000000001,"method":"transfer"}`, "body.amount_cents"},
				{acct + "/components", `{"kind":"parking","amount_cents":9000000000000000000,"valid_from":"2026-04-01"}`, "body.amount_cents"},
				{"/leases", fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-01-01","deposit_cents":9000000000000000000,
					"components":[{"kind":"bare_rent","amount_cents":100000}]}`, homes[1], tenant), "body.deposit_cents"},
				{"/leases", fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":"2026-01-01",
					"components":[{"kind":"bare_rent","amount_cents":10000000001}]}`, homes[1], tenant), "body.components[0].amount_cents"},
			} {
				st, prob := ca.do("POST", c.path, c.body)
				if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), c.field) {
					t.Fatalf("POST %s %s: %d %v, want 422 at %s", c.path, c.body, st, prob, c.field)
				}
			}
			// At the bound itself the payment is taken.
			if st, pay := ca.do("POST", acct+"/payments", `{"date":"2026-03-15","amount_cents":10000000000,"method":"transfer"}`); st != 200 {
				t.Fatalf("a payment of €100 million: %d %v", st, pay)
			}
			for _, path := range []string{"/debtors", acct + "/account", acct + "/payments", acct + "/statement?from=2026-01-01&to=2026-12-31"} {
				if st, body := ca.do("GET", path, ""); st != 200 {
					t.Fatalf("GET %s after the refused amounts: %d %v", path, st, body)
				}
			}
			if st, pv := ca.do("POST", "/rent-runs/preview", `{"period":"2026-04"}`); st != 200 || pv["total_cents"] != float64(93000) {
				t.Fatalf("rent run after the refused component: %d %v", st, pv)
			}
		})
	}
}
