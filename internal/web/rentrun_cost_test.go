package web_test

import (
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// rentRunStartTransactions is what starting a rent run from its page
// costs in transactions (db.DB.Transactions): the session, the user, the
// actor with the memberships, the subscription's standing (may the
// organisation write), the preview that checks what the person confirmed,
// and one that writes the run and its job and reads the run back. It was
// 8: the run was read back in a transaction of its own, and the page's
// banner read the standing again for a page a started run never shows
// (docs/PERFORMANCE.md, "One request, fewer transactions").
const rentRunStartTransactions = 6

// Starting a rent run writes the run and reads it back in one transaction,
// and reads no page it does not show.
func TestRentRunStartTransactions(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			// No workers: the queued run stays queued and adds nothing to the count.
			e := apptest.Start(t, engine, apptest.Options{Clock: clk, NoServer: true})
			srv := httptest.NewServer(e.Web)
			t.Cleanup(srv.Close)
			f := newLeaseFixture(t, e, "a")
			financeLease(t, e, f)
			c := newClient(t, srv.URL)
			c.login(f.email, f.pw)
			// The form's token and the session settle on a first request.
			c.do("GET", "/o/a/finance/rentrun?period=2026-04&preview=1", nil)
			before := e.DB.Transactions()
			resp, body := c.do("POST", "/o/a/finance/rentrun", url.Values{"period": {"2026-04"}, "scope": {""},
				"expect_invoices": {"1"}, "expect_total": {"88500"}})
			n := e.DB.Transactions() - before
			if resp.StatusCode != 303 {
				t.Fatalf("start: %d %.3000s", resp.StatusCode, body)
			}
			if n != rentRunStartTransactions {
				t.Fatalf("starting a rent run ran %d transactions, want %d", n, rentRunStartTransactions)
			}
		})
	}
}
