package ledger

import (
	"context"
	"fmt"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// Arrears: what dunning and the ageing list read of the ledger. A charge is
// open on a day when its invoice was issued by then and the allocations made
// by then leave part of it unpaid; a payment that is reversed later (a
// returned direct debit) adds negative allocations dated on its reversal, so
// the charge is open again from that day and shows up as overdue.

// CollectionCostsKind is the line kind of collection costs charged after a
// 14-day letter (buitengerechtelijke incassokosten, art. 6:96 BW), e.g.
// "collection_costs||<letter>".
const CollectionCostsKind = "collection_costs"

// OpenOnTx reads, in tx, every charge of tx's organisation that was open on
// day on: positive charges of invoices issued on or before on, with Allocated
// the allocations made on or before on, oldest due date first (by lease
// within a day). The caller has checked the actor's permission.
func OpenOnTx(ctx context.Context, tx *db.Tx, on civil.Date) ([]Charge, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.invoice_id, i.number, c.lease_id, c.period, c.line, c.from_date, c.to_date,
		c.net_cents, c.vat_rate, c.vat_cents, c.total_cents, c.due_date, COALESCE(a.paid, 0)
		FROM ledger_charges c
		JOIN ledger_invoices i ON i.id = c.invoice_id AND i.org_id = c.org_id
		LEFT JOIN (SELECT charge_id, SUM(amount_cents) AS paid FROM ledger_allocations WHERE org_id = $1 AND allocated_on <= $2
			GROUP BY charge_id) a ON a.charge_id = c.id
		WHERE c.org_id = $1 AND c.total_cents > 0 AND i.issue_date <= $2 AND c.total_cents > COALESCE(a.paid, 0)
		ORDER BY c.due_date, c.lease_id, c.id`, tx.OrgID(), on)
	if err != nil {
		return nil, fmt.Errorf("ledger: open charges on %s: %w", on, err)
	}
	defer rows.Close()
	var out []Charge
	for rows.Next() {
		var c Charge
		var net, rate, vat, total, alloc int64
		if err := rows.Scan(&c.ID, &c.InvoiceID, &c.InvoiceNumber, &c.LeaseID, &c.Period, &c.Line, &c.From, &c.To,
			&net, &rate, &vat, &total, &c.DueDate, &alloc); err != nil {
			return nil, fmt.Errorf("ledger: open charges on %s: %w", on, err)
		}
		c.Net, c.VATRate, c.VAT = money.Cents(net), money.Rate(rate), money.Cents(vat)
		c.Total, c.Allocated = money.Cents(total), money.Cents(alloc)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger: open charges on %s: %w", on, err)
	}
	return out, nil
}

// ChargesTx reads every charge of a lease (paid or not, credit-note lines
// included) with what is allocated to it, by due date, inside the caller's
// transaction, for other capabilities that name charges they keep the ids of
// (a payment plan's). The caller has checked the actor's permission.
func (s *Service) ChargesTx(ctx context.Context, tx *db.Tx, leaseID int64) ([]Charge, error) {
	return charges(ctx, tx, "c.lease_id = $2", leaseID)
}
