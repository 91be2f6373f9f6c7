package relation

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/platform/db"
)

// Payee is what a payout needs of the party it pays: the name for the file
// and the account payments go to (the first of the relation's IBANs; ""
// when it has none).
type Payee struct {
	ID   int64
	Name string
	IBAN string
}

// PayeesTx opens the payees ids in the caller's transaction. With a purpose
// (a code such as "payout.batch": a payment file is made with their IBANs)
// it records one relation.viewed event per payee, as PartyFacts does; without
// one (a preview that shows only names and whether an account is known, as a
// list does) it records nothing, and the caller must not show the IBAN. The
// caller has checked the actor's permission. An id that is not in the
// transaction's organisation is validation.ErrNotFound.
func (s *Service) PayeesTx(ctx context.Context, tx *db.Tx, actor account.Actor, purpose string, ids ...int64) (map[int64]Payee, error) {
	if purpose != "" && !purposePattern.MatchString(purpose) {
		return nil, fmt.Errorf("relation: purpose %q is not a code", purpose)
	}
	out := make(map[int64]Payee, len(ids))
	for _, id := range ids {
		if _, done := out[id]; done {
			continue
		}
		r, err := getRow(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		rel, err := s.open(ctx, tx, r, false)
		if err != nil {
			return nil, err
		}
		p := Payee{ID: id, Name: rel.DisplayName()}
		if len(rel.IBANs) > 0 {
			p.IBAN = rel.IBANs[0]
		}
		out[id] = p
		if purpose == "" {
			continue
		}
		if err := s.record(ctx, tx, actor, "relation.viewed", id, map[string]string{"via": purpose}); err != nil {
			return nil, err
		}
	}
	return out, nil
}
