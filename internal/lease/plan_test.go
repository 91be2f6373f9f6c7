package lease_test

import (
	"context"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
)

// A unit's and a tenant's leases (their pages show them) are found through
// the unit's or the party's index; SQLite walked every lease of the
// organisation testing each.
func TestLeasesOfAUnitOrTenantAreReadByIt(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		if e.DB.Dialect != db.SQLite {
			return // PostgreSQL plans by its statistics
		}
		ctx := context.Background()
		for _, f := range []lease.ListFilter{{UnitID: 1}, {TenantID: 1}} {
			for _, sort := range []string{"reference", "start_date", "id"} {
				err := e.DB.ReadOrg(ctx, e.Owner.OrgID, func(tx *db.Tx) error {
					count, page, args, err := lease.ListSQL(tx, f, listing.Query{Sort: sort, Desc: true, Limit: 50})
					if err != nil {
						return err
					}
					for _, q := range []string{count, page} {
						if plan := dbtest.SQLitePlan(t, tx, q, args...); strings.Contains(plan, "(org_id=?)") ||
							!strings.Contains(plan, "SEARCH l USING INTEGER PRIMARY KEY") {
							t.Errorf("%+v sorted by %s: plan %s", f, sort, plan)
						}
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
