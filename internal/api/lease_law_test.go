package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// The API applies the deposit cap by the lease's start date (art. 7:261b
// BW, DOMAIN.md §2.5): €2,850 on €950 bare rent passes for 2019 and is
// refused for 2024. It shows the segment at the contract date (§2.2) and
// the tenant's notice that applies (art. 7:271 lid 5 BW: a quarterly payer
// gives 3 months), and sets the whole-months notice policy (§2.6).
func TestLeaseLawAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a := setupOrg(t, e, "alpha")
			homes, _, tenant := leaseSetup(t, e, a)
			ca := call{t, e.URL(), a.tokens["admin"]}
			body := func(unit int64, start string) string {
				return fmt.Sprintf(`{"unit_ids":[%d],"tenant_ids":[%d],"start_date":%q,"deposit_cents":285000,"billing_frequency":"quarterly",
					"components":[{"kind":"bare_rent","amount_cents":95000}]}`, unit, tenant, start)
			}
			st, prob := ca.do("POST", "/leases", body(homes[1], "2024-01-01"))
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.deposit_cents") {
				t.Fatalf("2024 lease: %d %v", st, prob)
			}
			st, l := ca.do("POST", "/leases", body(homes[0], "2019-03-01"))
			if st != 201 || l["deposit_cents"] != float64(285000) || l["segment"] != "vrije_sector" || l["tenant_notice_months"] != float64(3) {
				t.Fatalf("2019 lease: %d %v", st, l)
			}
			path := fmt.Sprintf("/leases/%v", l["id"])
			st, pv := ca.do("POST", path+"/notice?preview=true", `{"by":"tenant","notice_date":"2026-03-14"}`)
			if st != 200 || pv["notice_months"] != float64(3) || pv["end_date"] != "2026-06-30" {
				t.Fatalf("preview, whole months: %d %v", st, pv)
			}
			settings := `{"landlord_name":"","landlord_address":"","landlord_phone":"","landlord_email":"","meldpunt":"Meldpunt Utrecht",
				"deposit_return_days":14,"deposit_deduction_days":30,"notice_whole_months":false,"extra_information":""}`
			if st, s := ca.do("PUT", "/lease-settings", settings); st != 200 || s["notice_whole_months"] != false {
				t.Fatalf("settings: %d %v", st, s)
			}
			st, pv = ca.do("POST", path+"/notice?preview=true", `{"by":"tenant","notice_date":"2026-03-14"}`)
			if st != 200 || pv["notice_months"] != float64(3) || pv["end_date"] != "2026-06-14" {
				t.Fatalf("preview, not whole months: %d %v", st, pv)
			}
			st, prob = ca.do("PUT", "/lease-settings", strings.Replace(settings, `"deposit_return_days":14`, `"deposit_return_days":21`, 1))
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.deposit_return_days") {
				t.Fatalf("21 days: %d %v", st, prob)
			}
		})
	}
}
