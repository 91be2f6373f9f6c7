package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// The lease form applies the deposit cap by the lease's start date (art.
// 7:261b BW, DOMAIN.md §2.5): €2,850 on a bare rent of €950 is accepted for
// a lease from 2019 and refused for one from 2024. The lease page shows the
// segment at the contract date; the settings page keeps the whole-months
// notice policy (DOMAIN.md §2.6).
func TestLeaseLawPages(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			form := func(unit int64, start string) url.Values {
				return url.Values{"unit_ids": {fmt.Sprint(unit)}, "tenant_ids": {fmt.Sprint(f.tenant)}, "start_date": {start},
					"deposit": {"2.850,00"}, "due_day": {"1"}, "notice_months_tenant": {"1"}, "billing_frequency": {"monthly"},
					"payment_method": {"transfer"}, "components[0].kind": {"bare_rent"}, "components[0].amount": {"950,00"}}
			}
			resp, body := c.do("POST", "/o/a/leases/new", form(f.homes[1], "2024-01-01"))
			if resp.StatusCode != 422 || !strings.Contains(body, "op of na 1 juli 2023") || !strings.Contains(body, `value="2.850,00"`) {
				t.Fatalf("2024 lease: %d %s", resp.StatusCode, body)
			}
			resp, _ = c.do("POST", "/o/a/leases/new", form(f.homes[0], "2019-03-01"))
			m := leaseIDInPath.FindStringSubmatch(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusSeeOther || m == nil {
				t.Fatalf("2019 lease: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			_, body = c.do("GET", "/o/a/leases/"+m[1], nil)
			if !strings.Contains(body, "€ 2.850,00") || !strings.Contains(body, `id="lease-segment">Vrije sector`) {
				t.Fatalf("detail: %s", body)
			}
			// A fourth month of tenant's notice is refused at the field.
			bad := form(f.homes[1], "2025-01-01")
			bad.Set("deposit", "0")
			bad.Set("notice_months_tenant", "4")
			resp, body = c.do("POST", "/o/a/leases/new", bad)
			if resp.StatusCode != 422 || !strings.Contains(body, "ten hoogste drie maanden") {
				t.Fatalf("4 months: %d", resp.StatusCode)
			}

			_, body = c.do("GET", "/o/a/leases/settings", nil)
			if !strings.Contains(body, `id="notice_whole_months" checked`) {
				t.Fatalf("settings: whole months not checked by default: %s", body)
			}
			settings := url.Values{"meldpunt": {"Meldpunt Utrecht"}, "deposit_return_days": {"14"}, "deposit_deduction_days": {"30"}}
			resp, _ = c.do("POST", "/o/a/leases/settings", settings)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save settings: %d", resp.StatusCode)
			}
			if st, err := e.Leases.Settings(t.Context(), f.owner); err != nil || st.NoticeWholeMonths {
				t.Fatalf("whole months after unchecking: %+v %v", st, err)
			}
			settings.Set("deposit_return_days", "21")
			resp, body = c.do("POST", "/o/a/leases/settings", settings)
			if resp.StatusCode != 422 || !strings.Contains(body, "binnen 14 dagen terug") {
				t.Fatalf("21 days: %d", resp.StatusCode)
			}
		})
	}
}
