package ledger

import (
	"context"
	"errors"
	"slices"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// Look-ups for the bank reconciliation: a payment names its invoice by
// betalingskenmerk or by number; both are unique per organisation.

// InvoiceIDsByKenmerkTx maps each of the betalingskenmerken that is an
// invoice's (not a credit note's) to that invoice, in one query a few
// hundred.
func InvoiceIDsByKenmerkTx(ctx context.Context, tx *db.Tx, kenmerken []string) (map[string]int64, error) {
	out := make(map[string]int64, len(kenmerken))
	step := lookupStep(tx, len(kenmerken))
	for start := 0; start < len(kenmerken); start += step {
		if err := invoiceIDsByKenmerk(ctx, tx, kenmerken[start:min(start+step, len(kenmerken))], out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// InvoiceIDByNumberTx is the invoice (not a credit note) with the number;
// validation.ErrNotFound when none.
func InvoiceIDByNumberTx(ctx context.Context, tx *db.Tx, number string) (int64, error) {
	return invoiceIDWhere(ctx, tx, "number", number)
}

// InvoiceNumbersTx are the numbers of the organisation's invoices (not
// credit notes) among candidates, which the caller found in free text.
func InvoiceNumbersTx(ctx context.Context, tx *db.Tx, candidates []string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, c := range candidates {
		id, err := InvoiceIDByNumberTx(ctx, tx, c)
		if errors.Is(err, validation.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[c] = id
	}
	return out, nil
}

// PaymentsOfInvoiceTx are the payments, not reversed, that settled part of
// an invoice's charges, oldest first: a returned direct debit reverses the
// one that booked its collection.
func PaymentsOfInvoiceTx(ctx context.Context, tx *db.Tx, invoiceID int64) ([]Payment, error) {
	ps, err := payments(ctx, tx, `p.id IN (SELECT a.payment_id FROM ledger_allocations a JOIN ledger_charges c
		ON c.id = a.charge_id AND c.org_id = a.org_id WHERE a.org_id = $1 AND c.invoice_id = $2 AND a.amount_cents > 0)`, invoiceID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ps, func(p Payment) bool { return p.Amount <= 0 || p.ReversedBy != 0 }), nil
}

// OpenInvoice is an invoice with what is still open on it.
type OpenInvoice struct {
	ID      int64
	Number  string
	LeaseID int64
	Open    money.Cents
	DueDate civil.Date // set by OpenInvoices
}

// OpenInvoicesWithAmountTx are up to limit invoices whose open amount is
// exactly amount, oldest due first: suggestions for a payment nobody named.
func OpenInvoicesWithAmountTx(ctx context.Context, tx *db.Tx, amount money.Cents, limit int) ([]OpenInvoice, error) {
	return openInvoicesWithAmount(ctx, tx, amount, limit)
}

// lookupStep is how many values one look-up takes: a few hundred bind
// parameters on SQLite, all of them as one array parameter on PostgreSQL.
func lookupStep(tx *db.Tx, n int) int {
	if tx.Dialect() == db.Postgres {
		return max(n, 1)
	}
	return RowsPerStatement
}
