package ledger

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
)

// WholeDebtors is the debtors list as it was computed before issue 16's
// change: every open invoice read and summed in Go for every debtor, then
// sorted and paged. Debtors must answer the same, row for row.
func (s *Service) WholeDebtors(ctx context.Context, a account.Actor, q listing.Query) (listing.Page[LeaseBalance], error) {
	var page listing.Page[LeaseBalance]
	if q.Sort == "" {
		q.Sort, q.Desc = DebtorSorts[0], true
	}
	q = q.Normalize(DebtorSorts...)
	if q.All {
		q.Offset, q.Limit = 0, exportCap
	}
	today := s.today()
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		rows, err := debtorBalances(ctx, tx)
		if err != nil {
			return err
		}
		open, err := openInvoicesOn(ctx, tx, today)
		if err != nil {
			return err
		}
		at := make(map[int64]int, len(rows))
		for i, r := range rows {
			at[r.LeaseID] = i
		}
		for _, o := range open {
			i, ok := at[o.LeaseID]
			if !ok {
				continue
			}
			r := &rows[i]
			r.Open += o.Open
			if r.OldestDue.IsZero() || o.DueDate.Before(r.OldestDue) {
				r.OldestDue = o.DueDate
			}
			if o.DueDate.Before(today) {
				r.Buckets[ageBucket(o.DueDate.DaysUntil(today))] += o.Open
			}
		}
		for i := range rows {
			if d := rows[i].OldestDue; !d.IsZero() && d.Before(today) {
				rows[i].DaysOverdue = d.DaysUntil(today)
			}
		}
		if err := s.nameAccounts(ctx, tx, rows); err != nil {
			return err
		}
		rows = searchDebtors(rows, q.Search)
		sortDebtors(rows, q.Sort, q.Desc)
		page.Total = len(rows)
		start := min(q.Offset, len(rows))
		page.Items = rows[start:min(start+q.Limit, len(rows))]
		return nil
	})
	return page, err
}

// openInvoice is an invoice's open amount and due date.
type openInvoice struct {
	LeaseID int64
	DueDate civil.Date
	Open    money.Cents
}

// openInvoicesOn reads the invoices issued on or before on with an open
// amount, by the amount kept with each.
func openInvoicesOn(ctx context.Context, tx *db.Tx, on civil.Date) ([]openInvoice, error) {
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, due_date, open_cents FROM ledger_invoices
		WHERE org_id = $1 AND kind = 'invoice' AND open_cents > 0 AND issue_date <= $2`, tx.OrgID(), on)
	if err != nil {
		return nil, fmt.Errorf("ledger: open invoices on %s: %w", on, err)
	}
	defer rows.Close()
	var out []openInvoice
	for rows.Next() {
		var o openInvoice
		var open int64
		if err := rows.Scan(&o.LeaseID, &o.DueDate, &open); err != nil {
			return nil, fmt.Errorf("ledger: open invoices on %s: %w", on, err)
		}
		o.Open = money.Cents(open)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: open invoices on %s: %w", on, err)
	}
	return out, nil
}

// ChargesQuery is the statement charges and chargesByKey run.
func ChargesQuery(org, cond string) string { return chargesQuery(org, cond) }

// ChargesOfTenantQuery is the statement of a party's charges, ordered by due.
func ChargesOfTenantQuery(due string) string {
	return chargesQueryOrdered("c.org_id", chargesOfTenant, due)
}

// InvoiceListSQL is the statement of a page of the invoice list.
func InvoiceListSQL(tx *db.Tx, q listing.Query, f InvoiceFilter) string {
	_, _, list := invoiceListQuery(tx, q.Normalize(InvoiceSorts...), f)
	return list
}
