package relation

import (
	"context"

	"hms/internal/account"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// DisplayNames gives the names ("J. de Vries", a company's name) of ids
// for another capability's list, inside the caller's transaction. Like this
// package's own List, it is not logged per row: a list shows names only,
// and opening a record (PartyFacts, the detail page, the API) is what the
// access log records. The caller has checked the actor's permission.
func (s *Service) DisplayNames(ctx context.Context, tx *db.Tx, ids ...int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	uniq := make([]int64, 0, len(ids))
	for _, id := range ids {
		if _, dup := out[id]; !dup {
			out[id] = ""
			uniq = append(uniq, id)
		}
	}
	if len(uniq) == 0 {
		return out, nil
	}
	// One read of the rows and one of their keysets for the whole list, and
	// only the name opened: a list of 50 leases was 50 reads of a relation
	// and 50 of a keyset, and five fields decrypted for each name.
	rs, err := getRows(ctx, tx, uniq)
	if err != nil {
		return nil, err
	}
	if len(rs) != len(uniq) {
		return nil, validation.ErrNotFound
	}
	subjects := make([]vault.SubjectID, 0, len(rs))
	for _, r := range rs {
		if r.kind == Person && !r.erasedAt.Valid {
			subjects = append(subjects, r.subject)
		}
	}
	if err := s.vault.Preload(ctx, tx, subjects); err != nil {
		return nil, err
	}
	for _, r := range rs {
		switch {
		case r.erasedAt.Valid:
			out[r.id] = ErasedName
		case r.kind == Company:
			out[r.id] = r.company.String
		default:
			n, err := s.openName(ctx, tx, r)
			if err != nil {
				return nil, err
			}
			out[r.id] = n.display()
		}
	}
	return out, nil
}

// ExistsTx reports validation.ErrNotFound unless id is a relation of tx's
// organisation; it opens nothing (another capability checking an id before
// it lists that person's open items, say).
func (s *Service) ExistsTx(ctx context.Context, tx *db.Tx, id int64) error {
	_, err := getRow(ctx, tx, id)
	return err
}

// mayReadNames reports whether a can see relations' names as a list shows
// them: who reads the portfolio, and who keeps the books (a bookkeeper sees
// the debtor's name on a tenant's open items and on a deposit's payout).
func mayReadNames(a account.Actor) bool {
	return a.Can(account.PermPortfolioRead) || a.Can(account.PermFinanceRead)
}

// Names gives the display names of ids for a page that shows them as a
// list does (a picker, the head of a tenant's open items): not logged per
// row, like List. Any id that is not a relation of a's organisation is
// validation.ErrNotFound.
func (s *Service) Names(ctx context.Context, a account.Actor, ids ...int64) (map[int64]string, error) {
	if !mayReadNames(a) {
		return nil, validation.ErrForbidden
	}
	var out map[int64]string
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = s.DisplayNames(ctx, tx, ids...)
		return err
	})
	return out, err
}

// Exists is validation.ErrNotFound unless id is a relation of a's
// organisation; it opens nothing (the API checks a path id before it lists
// that person's open items).
func (s *Service) Exists(ctx context.Context, a account.Actor, id int64) error {
	if !mayReadNames(a) {
		return validation.ErrForbidden
	}
	return s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error { return s.ExistsTx(ctx, tx, id) })
}
