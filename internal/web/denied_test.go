package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/audit"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// A member of another organisation trying id after id on one route writes
// one access-denied event a minute, not one per request: the audit log
// cannot be flooded, and each route and minute is still on record.
func TestAccessDeniedCountedPerMinute(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clocktest.Fixed()
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			createUser(t, e, "a", "owner@a.nl", account.Owner)
			strangerID, pw := createUser(t, e, "b", "owner@b.nl", account.Owner)
			c := newClient(t, e.URL())
			c.login("owner@b.nl", pw)
			events := func() int {
				var evs []audit.Event
				if err := e.DB.ReadSystem(context.Background(), func(tx *db.Tx) error {
					var err error
					evs, err = e.Audit.List(context.Background(), tx, audit.Filter{Action: "access.denied", ActorUserID: strangerID, Limit: 1000})
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return len(evs)
			}
			for id := 1; id <= 20; id++ {
				if resp, _ := c.do("GET", fmt.Sprintf("/o/a/leases/%d", id), nil); resp.StatusCode != http.StatusNotFound {
					t.Fatalf("lease %d of another organisation: %d", id, resp.StatusCode)
				}
			}
			if n := events(); n != 1 {
				t.Fatalf("%d access.denied events for 20 refusals on one route in a minute, want 1", n)
			}
			c.do("GET", "/o/a/units", nil)
			if n := events(); n != 2 {
				t.Fatalf("%d events after a refusal on another route, want 2", n)
			}
			clk.Advance(time.Minute)
			c.do("GET", "/o/a/leases/21", nil)
			if n := events(); n != 3 {
				t.Fatalf("%d events after a refusal in the next minute, want 3", n)
			}
		})
	}
}
