package ledger_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/ledger"
	"hms/internal/platform/listing"
)

// The debtors list that sums the open invoices per lease in the database,
// for the page shown unless the order needs every debtor's, answers what
// the whole computation (every open invoice summed in Go, every debtor
// named) answered, row for row and to the cent: on a 60-unit demo
// portfolio (a year of rent runs, payments, reminders), in every order both
// ways, on the first pages, with a search and as the export, today and on later days.
func TestDebtorsEqualTheWholeComputation(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: time.Date(2026, time.May, 20, 10, 0, 0, 0, time.UTC)}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		if _, err := e.FillDemo(ctx, e.Owner, "alpha", 60); err != nil {
			t.Fatal(err)
		}
		start := e.Clock.Now()
		aged := 0 // rows seen overdue in the oldest bucket: the fixture ages
		for _, step := range []time.Duration{0, 45 * 24 * time.Hour, 200 * 24 * time.Hour} {
			e.Clock.Set(start.Add(step))
			for _, sort := range ledger.DebtorSorts {
				for _, desc := range []bool{false, true} {
					for _, q := range []listing.Query{{Limit: 7}, {Limit: 7, Offset: 7}, {Limit: 50}, {Search: "a", Limit: 5}, {All: true}} {
						q.Sort, q.Desc = sort, desc
						got, err := e.Ledger.Debtors(ctx, e.Owner, q)
						if err != nil {
							t.Fatal(err)
						}
						want, err := e.Ledger.WholeDebtors(ctx, e.Owner, q)
						if err != nil {
							t.Fatal(err)
						}
						name := fmt.Sprintf("%s, %s desc %v offset %d search %q", e.Clock.Now().Format("2006-01-02"), sort, desc, q.Offset, q.Search)
						if want.Total < 3 || len(want.Items) == 0 {
							t.Fatalf("%s: a fixture with %d debtors", name, want.Total)
						}
						for _, it := range want.Items {
							if it.Buckets[3] > 0 && it.Open > 0 {
								aged++
							}
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
						}
					}
				}
			}
		}
		if aged == 0 {
			t.Error("no debtor was more than 90 days overdue on any day")
		}
	})
}
