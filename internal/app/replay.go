package app

import (
	"context"
	"fmt"

	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/db"
	"hms/internal/platform/vault"
)

// replayPersonErasure is the vault.OnReplay function for what the books
// keep about an erased person besides ciphertexts under their own key:
// the references of their leases' payments and the details of the bank
// lines booked to those leases, sealed under the organisation key, which a
// restored backup from before the erasure holds again. It empties what
// the erasure emptied (the payment references, ledger.ErasePaymentReferences
// Tx; the bank lines and learned payers, reconcile's Erase), bounded by
// the erasure's time in the journal, so a co-tenant's later payments keep
// theirs. A subject that is no relation's (a document's, a user's) has
// nothing here; running it twice changes nothing the second time.
func (a *App) replayPersonErasure(ctx context.Context, tx *db.Tx, s vault.SubjectID) error {
	person, err := a.Relations.PersonOfSubjectTx(ctx, tx, s)
	if err != nil || person == 0 {
		return err
	}
	at, err := vault.ShreddedAtTx(ctx, tx, s)
	if err != nil || at == "" {
		return err
	}
	ids, err := lease.LeaseIDsOfPartyTx(ctx, tx, person)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := ledger.ErasePaymentReferencesThroughTx(ctx, tx, id, at); err != nil {
			return fmt.Errorf("replay the erasure of person %d: %w", person, err)
		}
	}
	if err := a.Reconcile.ReplayErasureTx(ctx, tx, person, at); err != nil {
		return fmt.Errorf("replay the erasure of person %d: %w", person, err)
	}
	return nil
}
