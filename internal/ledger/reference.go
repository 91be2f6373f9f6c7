package ledger

import (
	"context"
	"fmt"

	"hms/internal/platform/db"
)

// referenceField is the vault field a payment's reference is sealed under.
// The reference is what the payer wrote on a transfer (copied from the bank
// line) or what a person typed: it may name the payer, so it is sealed as
// the bank line's details are, under the organisation key. Not per person:
// a payment belongs to a lease (often of two tenants) and is paid by anyone,
// and the bank import seals thousands in one transaction with the key it
// already holds. Erasure empties it (ErasePaymentReferencesTx), and a
// restore empties it again (ReplayErasureTx).
const referenceField = "ledger_payments.reference"

// sealReference seals a payment's reference; nil when there is none.
func (s *Service) sealReference(ctx context.Context, tx *db.Tx, ref string) ([]byte, error) {
	if ref == "" {
		return nil, nil
	}
	b, err := s.vault.SealOrg(ctx, tx, referenceField, []byte(ref))
	if err != nil {
		return nil, fmt.Errorf("ledger: seal a payment reference: %w", err)
	}
	return b, nil
}

// openReference is the text of a sealed reference; a row without one keeps
// plain (a row written before migration 00048 that no start has sealed yet).
func (s *Service) openReference(ctx context.Context, tx *db.Tx, sealed []byte, plain string) (string, error) {
	if sealed == nil {
		return plain, nil
	}
	b, err := s.vault.OpenOrg(ctx, tx, referenceField, sealed)
	if err != nil {
		return "", fmt.Errorf("ledger: open a payment reference: %w", err)
	}
	return string(b), nil
}

// openReferences fills in the references of payments read by payments.
func (s *Service) openReferences(ctx context.Context, tx *db.Tx, ps []Payment) error {
	for i := range ps {
		ref, err := s.openReference(ctx, tx, ps[i].sealedRef, ps[i].Reference)
		if err != nil {
			return fmt.Errorf("payment %d: %w", ps[i].ID, err)
		}
		ps[i].Reference, ps[i].sealedRef = ref, nil
	}
	return nil
}
