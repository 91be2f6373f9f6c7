package web_test

import (
	"context"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
)

// A back-office list counts its matches up to listing.CountCap: with 1,003
// units the units list says "more than 1,000 results", shows no number of
// pages, and offers a next page while its pages are full; the last page
// (21, three rows) has none; a search of three matches counts them.
func TestListCountStopsAtTheCap(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{})
			f := newLeaseFixture(t, e, "a")
			ctx := context.Background()
			now := db.TS(e.Clock.Now())
			err := e.DB.InOrg(ctx, f.owner.OrgID, func(tx *db.Tx) error {
				for start := 0; start < listing.CountCap; start += 250 {
					var sb strings.Builder
					var args []any
					sb.WriteString(`INSERT INTO units (org_id, street, house_number, postcode, city, type, floor_area_tenths, segment,
						created_at, updated_at) VALUES `)
					for i := range 250 {
						if i > 0 {
							sb.WriteString(", ")
						}
						sb.WriteString(tx.Tuple(len(args)+1, 10))
						args = append(args, tx.OrgID(), "Beukenlaan", start+i+1, "3522 AB", "Utrecht", "zelfstandig", 600, "vrije_sector", now, now)
					}
					if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			_, body := c.do("GET", "/o/a/units", nil)
			if !strings.Contains(body, "meer dan 1.000 resultaten") || !strings.Contains(body, `id="list-next"`) || strings.Contains(body, "1 / ") {
				t.Errorf("first page of 1,003 units: %s", pagerOf(body))
			}
			_, body = c.do("GET", "/o/a/units?page=21", nil)
			if !strings.Contains(body, "meer dan 1.000 resultaten") || strings.Contains(body, `id="list-next"`) ||
				!strings.Contains(body, `id="list-prev"`) {
				t.Errorf("last page: %s", pagerOf(body))
			}
			_, body = c.do("GET", "/o/a/units?q=Lindelaan", nil)
			if !strings.Contains(body, "3 resultaten") || !strings.Contains(body, "1 / 1") {
				t.Errorf("a search of three: %s", pagerOf(body))
			}
		})
	}
}

// pagerOf is the pager's HTML in body, for a failure's message.
func pagerOf(body string) string {
	if i := strings.Index(body, `<nav class="pager"`); i >= 0 {
		return body[i:min(len(body), i+600)]
	}
	return "no pager"
}
