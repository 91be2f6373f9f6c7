package app_test

import (
	"context"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/deposit"
	"hms/internal/importer"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
)

// The demo fills what every page needs: the organisation's details,
// suppliers with last year's cost entries and keys, opening balances and
// advances of before HMS, meters with readings, notice given on a few leases
// and deposits held by leases that ended, and work under way (a draft
// settlement, a collection, an approved refund, draft rent increases); a
// second seed changes none of it. serve --demo's
// background fill says so while it runs.
func TestDemoFillsEveryPage(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 16, 9, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{NoServer: true, Clock: clk})
			ctx := context.Background()
			count := func(q string) int {
				var n int
				if err := e.DB.Raw().QueryRow(q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			queries := []string{
				`SELECT COUNT(*) FROM org_profiles WHERE legal_name = 'Demo Vastgoed B.V.' AND kvk <> '' AND city <> ''
					AND logo_type = 'image/png'`,
				`SELECT COUNT(*) FROM settlement_cost_entries`,
				`SELECT COUNT(*) FROM settlement_prior_advances`,
				`SELECT COUNT(*) FROM ledger_charges WHERE line LIKE 'opening|import:%'`,
				`SELECT COUNT(*) FROM meters`,
				`SELECT COUNT(*) FROM meter_readings`,
				`SELECT COUNT(*) FROM lease_terminations WHERE end_date > '2026-03-16' AND end_date <= '2026-06-16'`,
				`SELECT COUNT(*) FROM lease_deposit_entries e JOIN leases l ON l.id = e.lease_id
					WHERE e.kind = 'received' AND l.ends_on < '2026-03-16'`,
				`SELECT COUNT(*) FROM settlement_runs WHERE state = 'draft' AND year = 2025`,
				`SELECT COUNT(*) FROM dd_batches`,
				`SELECT COUNT(*) FROM dd_items`,
				`SELECT COUNT(*) FROM payouts WHERE kind = 'overpayment' AND state = 'approved'`,
				`SELECT COUNT(*) FROM rent_increase_proposals WHERE status = 'draft' AND effective_date = '2026-07-01'`,
				`SELECT COUNT(*) FROM audit_events`,
			}
			login, owner, err := e.SeedDemoOwner(ctx, "demo")
			if err != nil || login.Password == "" {
				t.Fatalf("owner: %v", err)
			}
			done := make(chan error, 1)
			e.StartDemoFill(ctx, owner, "demo", 60, func(_ *importer.Result, err error) { done <- err })
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			var first []int
			for _, q := range queries {
				n := count(q)
				if n == 0 {
					t.Fatalf("none: %s", q)
				}
				first = append(first, n)
			}
			// The deposits page lists the ended leases' deposits to return, with
			// their deadlines.
			due, err := e.Deposits.Due(ctx, owner, listing.Query{All: true}, deposit.DueFilter{})
			if err != nil {
				t.Fatal(err)
			}
			ended := 0
			for _, it := range due.Items {
				if it.Held <= 0 || it.Deadline.IsZero() {
					t.Fatalf("deposit to return without money or deadline: %+v", it)
				}
				if it.EndsOn.Before(civil.New(2026, time.March, 16)) {
					ended++
				}
			}
			if ended == 0 {
				t.Fatalf("no ended lease holds a deposit to return: %+v", due.Items)
			}
			if _, _, err := e.SeedDemo(ctx, "demo", 60); err != nil {
				t.Fatal(err)
			}
			for i, q := range queries[:len(queries)-1] {
				if n := count(q); n != first[i] {
					t.Fatalf("a second seed changed %s: %d, was %d", q, n, first[i])
				}
			}
		})
	}
}
