package relation

import (
	"context"

	"hms/internal/platform/db"
)

// DisplayNames gives the names ("J. de Vries", a company's name) of ids
// for another capability's list, inside the caller's transaction. Like this
// package's own List, it is not logged per row: a list shows names only,
// and opening a record (PartyFacts, the detail page, the API) is what the
// access log records. The caller has checked the actor's permission.
func (s *Service) DisplayNames(ctx context.Context, tx *db.Tx, ids ...int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
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
		out[id] = rel.DisplayName()
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
