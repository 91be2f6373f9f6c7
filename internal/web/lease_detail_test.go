package web_test

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

// A lease that has not started shows the components of its first day, as
// the API and the tenant information do (the page used to show none).
func TestLeasePageShowsAnUpcomingLeasesComponents(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			id, err := e.Leases.Create(context.Background(), f.owner, lease.Input{UnitIDs: []int64{f.homes[0]}, TenantIDs: []int64{f.tenant},
				Start: civil.MustParse("2026-04-01"), Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: money.Cents(90000)},
					{Kind: lease.ServiceCosts, Category: "schoonmaak", AmountCents: money.Cents(2500)}}})
			if err != nil {
				t.Fatal(err)
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			resp, body := c.do("GET", fmt.Sprintf("/o/a/leases/%d", id), nil)
			if resp.StatusCode != 200 {
				t.Fatalf("detail: %d", resp.StatusCode)
			}
			for _, want := range []string{"Geldig op 1 april 2026:", "€ 900,00", "€ 25,00", `id="components-total">€ 925,00`} {
				if !strings.Contains(body, want) {
					t.Errorf("upcoming lease's page lacks %q", want)
				}
			}
			if t.Failed() {
				t.Fatalf("detail page: %s", body)
			}
		})
	}
}
