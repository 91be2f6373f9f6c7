package relation

import (
	"context"

	"hms/internal/platform/db"
)

// KindsTx gives, inside the caller's transaction, whether each of ids is a
// person or a company, for another capability's rule that depends on it
// (dunning: the 14-day letter of art. 6:96 lid 6 BW protects consumers, so
// only a person gets it). It opens nothing sealed and is not logged: the
// kind is not personal data. Ids of another organisation are left out. The
// caller has checked the actor's permission.
func (s *Service) KindsTx(ctx context.Context, tx *db.Tx, ids ...int64) (map[int64]Kind, error) {
	rs, err := getRows(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Kind, len(rs))
	for _, r := range rs {
		out[r.id] = r.kind
	}
	return out, nil
}
