package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/directdebit"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// The mandates page: every mandate of the organisation with when it lapses
// unused, and ?expiring=1 (where the overview's figure links) only those
// lapsing within the overview's window, soonest first; the overview counts
// the same; another organisation sees none of them.
func TestMandateListShowsThoseExpiring(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f, soon := ddFixture(t, e, "a")
			ctx := context.Background()
			later, err := e.Leases.Create(ctx, f.owner, lease.Input{Reference: "2025-0008", UnitIDs: []int64{f.homes[1]},
				TenantIDs: []int64{f.tenant}, Start: civil.New(2025, 1, 1), PaymentMethod: lease.DirectDebit,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000}}})
			if err != nil {
				t.Fatal(err)
			}
			// Signed 20 April 2023, never used: lapses 20 April 2026, within 60
			// days. Signed 1 December 2025: lapses in 2028.
			for _, m := range []directdebit.MandateInput{{LeaseID: soon, SignedOn: civil.New(2023, 4, 20), SignedPlace: "Zwolle",
				IBAN: "NL20INGB0001234567"}, {LeaseID: later, SignedOn: civil.New(2025, 12, 1), SignedPlace: "Zwolle",
				IBAN: "NL20INGB0001234567", DebtorName: "T. Huurder"}} {
				if _, err := e.DirectDebit.CreateMandate(ctx, f.owner, m); err != nil {
					t.Fatal(err)
				}
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			all := mustBody(t, c, "/o/a/finance/mandates")
			if strings.Count(all, `class="mandate-row"`) != 2 || !strings.Contains(all, "20 april 2026") {
				t.Fatalf("all mandates: %.4000s", all)
			}
			expiring := mustBody(t, c, "/o/a/finance/mandates?expiring=1")
			if strings.Count(expiring, `class="mandate-row"`) != 1 || !strings.Contains(expiring, "2025-0007") ||
				strings.Contains(expiring, "2025-0008") || !strings.Contains(expiring, "20 april 2026") {
				t.Fatalf("expiring mandates: %.4000s", expiring)
			}
			overview := mustBody(t, c, "/o/a/")
			if !strings.Contains(overview, `href="/o/a/finance/mandates?expiring=1" id="fig-mandates-link">1<`) {
				t.Fatalf("the overview's figure does not link to the one expiring mandate: %.6000s", overview)
			}
			g := newLeaseFixture(t, e, "b")
			cb := newClient(t, e.URL())
			cb.login(g.email, g.pw)
			resp, body := cb.do("GET", "/o/b/finance/mandates", nil)
			if resp.StatusCode != http.StatusOK || strings.Contains(body, `class="mandate-row"`) {
				t.Fatalf("another organisation: %d %.2000s", resp.StatusCode, body)
			}
		})
	}
}
