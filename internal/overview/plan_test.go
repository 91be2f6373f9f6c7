package overview_test

import (
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/overview"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// The arrears read each candidate invoice's charges by the invoice: by the
// organisation's due-date index SQLite searched every charge due before the
// day for each candidate (the overview timed out at 10,000 units).
func TestArrearsReadChargesByInvoice(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		if e.DB.Dialect != db.SQLite {
			return // PostgreSQL plans by its statistics
		}
		args := []any{1, "2026-12-08", "2026-11-08", "2026-10-09", "2026-09-09", 1}
		for _, complexOnly := range []bool{false, true} {
			n := 5
			if complexOnly {
				n = 6
			}
			plan := dbtest.SQLitePlan(t, e.DB.Raw(), overview.OverdueQuery(db.SQLite, complexOnly), args[:n]...)
			if !strings.Contains(plan, "SEARCH c USING INDEX ledger_charges_invoice (invoice_id=?)") {
				t.Errorf("complex only %v: plan %s", complexOnly, plan)
			}
		}
		// The premise: with the organisation's term indexable (as written
		// for PostgreSQL), SQLite takes the due-date index.
		if plan := dbtest.SQLitePlan(t, e.DB.Raw(), overview.OverdueQuery(db.Postgres, false), args[:5]...); !strings.Contains(plan,
			"SEARCH c USING INDEX ledger_charges_due") {
			t.Errorf("premise: plan %s", plan)
		}
	})
}
