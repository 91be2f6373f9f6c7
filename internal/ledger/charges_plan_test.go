package ledger_test

import (
	"context"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/ledger"
	"hms/internal/platform/db"
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
	})
}

func explain(t *testing.T, e *apptest.Org, query string) string {
	t.Helper()
	rows, err := e.DB.Raw().QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+query, 1, 2, 3, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(steps, "; ")
}
