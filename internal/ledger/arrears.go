package ledger

import (
	"context"

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
	return openCharges(ctx, tx, on)
}

// ChargesTx reads every charge of a lease (paid or not, credit-note lines
// included) with what is allocated to it, by due date, inside the caller's
// transaction, for other capabilities that name charges they keep the ids of
// (a payment plan's). The caller has checked the actor's permission.
func (s *Service) ChargesTx(ctx context.Context, tx *db.Tx, leaseID int64) ([]Charge, error) {
	return charges(ctx, tx, "c.lease_id = $2", leaseID)
}
