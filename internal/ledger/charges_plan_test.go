package ledger_test

import (
	"context"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/ledger"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/listing"
)

// SQLite reads an invoice's charges by the invoice, not by walking every
// charge of the organisation in due order (which the ORDER BY tempts it to):
// one invoice's page and each chunk of a bank import read only their own.
func TestChargesOfAnInvoiceAreReadByTheInvoice(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		if e.DB.Dialect != db.SQLite {
			return // PostgreSQL plans by its statistics
		}
		for _, cond := range []string{"c.invoice_id = $2", "i.kind = 'invoice' AND c.invoice_id IN ($2, $3, $4)", "c.id = $2"} {
			plan := explain(t, e, ledger.ChargesQuery("+c.org_id", cond))
			if strings.Contains(plan, "ledger_charges_due") || !strings.Contains(plan, "SEARCH c USING") {
				t.Errorf("%s: plan %s", cond, plan)
			}
		}
		// The premise: with the organisation's term indexable, SQLite walks
		// the organisation's charges.
		if plan := explain(t, e, ledger.ChargesQuery("c.org_id", "c.invoice_id = $2")); !strings.Contains(plan, "ledger_charges_due") {
			t.Errorf("premise: plan without the hint %s", plan)
		}
		// A tenant's charges (a person's page, the portal) are found through
		// the leases' charges; ordered by the due index, SQLite walked them all.
		if plan := explain(t, e, ledger.ChargesOfTenantQuery("+c.due_date")); strings.Contains(plan, "ledger_charges_due") ||
			!strings.Contains(plan, "SEARCH c USING INDEX ledger_charges_lease") {
			t.Errorf("a tenant's charges: plan %s", plan)
		}
		if plan := explain(t, e, ledger.ChargesOfTenantQuery("c.due_date")); !strings.Contains(plan, "ledger_charges_due") {
			t.Errorf("premise: a tenant's charges without the hint: plan %s", plan)
		}
	})
}

func explain(t *testing.T, e *apptest.Org, query string) string {
	t.Helper()
	return dbtest.SQLitePlan(t, e.DB.Raw(), query, 1, 2, 3, 4)
}

// A lease's and a tenant's invoices (their pages list the latest) are found
// through ledger_invoices_lease and sorted; in number order SQLite walked
// every invoice of the organisation testing its lease.
func TestInvoicesOfALeaseAreReadByTheLease(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		if e.DB.Dialect != db.SQLite {
			return // PostgreSQL plans by its statistics
		}
		for _, f := range []ledger.InvoiceFilter{{LeaseID: 1}, {PartyID: 1}} {
			for _, sort := range ledger.InvoiceSorts {
				var query string
				if err := e.DB.ReadOrg(context.Background(), e.Owner.OrgID, func(tx *db.Tx) error {
					query = ledger.InvoiceListSQL(tx, listing.Query{Sort: sort, Desc: true, Limit: 10}, f)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if plan := explain(t, e, query); !strings.Contains(plan, "SEARCH i USING INDEX ledger_invoices_lease") {
					t.Errorf("%+v sorted by %s: plan %s", f, sort, plan)
				}
			}
		}
	})
}
