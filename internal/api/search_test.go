package api_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// The search operation: a postcode finds the organisation's units (exact
// match first, with the path of the unit's page), a name its tenant;
// another organisation finds nothing of it; a text too long is a 422.
func TestSearchAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.January, 8, 9, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			homes, _, tenant := leaseSetup(t, e, a)
			base := e.URL()
			read, cb := call{t, base, a.tokens["read"]}, call{t, base, b.tokens["admin"]}

			st, page := read.do("GET", "/search?q="+url.QueryEscape("3521 CD"), "")
			items, _ := page["items"].([]any)
			if st != 200 || len(items) != 3 {
				t.Fatalf("postcode: %d %v", st, page)
			}
			first := items[0].(map[string]any)
			if first["kind"] != "unit" || first["rank"] != float64(0) || first["label"] != "Lindelaan 1, 3521 CD Utrecht" ||
				first["url"] != fmt.Sprintf("/o/alpha/units/%d", homes[0]) {
				t.Fatalf("first: %v", first)
			}
			st, page = read.do("GET", "/search?q=visser", "")
			items, _ = page["items"].([]any)
			if st != 200 || len(items) != 1 || items[0].(map[string]any)["kind"] != "person" ||
				items[0].(map[string]any)["id"] != float64(tenant) {
				t.Fatalf("name: %d %v", st, page)
			}
			if st, page := cb.do("GET", "/search?q=visser", ""); st != 200 || len(page["items"].([]any)) != 0 {
				t.Fatalf("beta finds alpha's tenant: %d %v", st, page)
			}
			// Paged by the cursor of the last item seen.
			st, page = read.do("GET", "/search?q=lindelaan&limit=2", "")
			if st != 200 || len(page["items"].([]any)) != 2 || page["next_cursor"] == nil {
				t.Fatalf("page 1: %d %v", st, page)
			}
			st, page = read.do("GET", "/search?q=lindelaan&limit=2&cursor="+url.QueryEscape(fmt.Sprint(page["next_cursor"])), "")
			if st != 200 || len(page["items"].([]any)) != 1 || page["next_cursor"] != nil {
				t.Fatalf("page 2: %d %v", st, page)
			}
			long := make([]byte, 101)
			for i := range long {
				long[i] = 'a'
			}
			if st, _ := read.do("GET", "/search?q="+string(long), ""); st != 422 {
				t.Fatalf("too long: %d", st)
			}
		})
	}
}
