package ledger

import (
	"context"
	"fmt"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
)

// InvoicesOfLeaseTx are a lease's invoices and credit notes in id order,
// with what is still open (subject requests read every one).
func InvoicesOfLeaseTx(ctx context.Context, tx *db.Tx, leaseID int64) ([]Invoice, error) {
	page, err := listInvoices(ctx, tx, listing.Query{Sort: "id", All: true}.Normalize(InvoiceSorts...), InvoiceFilter{LeaseID: leaseID})
	return page.Items, err
}

// PaymentsOfLeaseTx are a lease's payments, oldest first.
func PaymentsOfLeaseTx(ctx context.Context, tx *db.Tx, leaseID int64) ([]Payment, error) {
	return payments(ctx, tx, "p.lease_id = $2", leaseID)
}

// RetainedUntil is the last day the records of fiscal year year must be
// kept: 31 December, RetentionYears after the year.
func RetainedUntil(year int) civil.Date { return civil.New(year+RetentionYears, 12, 31) }

// ErasePaymentReferencesTx empties the free text of a lease's payments
// (what the payer wrote on a transfer, copied from the bank statement, or
// what a person typed): it may name the payer. Amounts, dates and methods
// stay. It returns how many payments it changed.
func ErasePaymentReferencesTx(ctx context.Context, tx *db.Tx, leaseID int64) (int, error) {
	res, err := tx.ExecContext(ctx, `UPDATE ledger_payments SET reference = '' WHERE org_id = $1 AND lease_id = $2 AND reference <> ''`,
		tx.OrgID(), leaseID)
	if err != nil {
		return 0, fmt.Errorf("erase payment references of lease %d: %w", leaseID, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
