package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// The reason staff give for an access grant passes the privacy guard
// (PRIVACY.md P10): a reason naming a tenant's health is refused at the
// field with the reason box shown; with a reason for it, it is accepted and
// the decision audited.
func TestStaffGrantReasonIsGuarded(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			createUser(t, e, "a", "eigenaar@a.nl", account.Owner)
			staff := staffClient(t, e, clk)
			sick := url.Values{"org": {"a"}, "reason": {"De huurder is ziek en heeft een depressie"}, "hours": {"4"}}
			resp, body := staff.do("POST", "/console/access", sick)
			if resp.StatusCode != 422 || !strings.Contains(body, `id="err-reason"`) || !strings.Contains(body, `name="reason_guard_reason"`) {
				t.Fatalf("guarded reason: %d %.2000s", resp.StatusCode, body)
			}
			if n := countRows(t, e, "access_grants"); n != 0 {
				t.Fatalf("%d grants stored", n)
			}
			sick.Set("reason_guard_reason", "De eigenaar vroeg hier zelf om")
			if resp, _ := staff.do("POST", "/console/access", sick); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("with a reason: %d", resp.StatusCode)
			}
			if n := countRows(t, e, "audit_events WHERE action = 'privacy.guard.accepted'"); n != 1 {
				t.Fatalf("%d guard decisions audited", n)
			}
		})
	}
}
