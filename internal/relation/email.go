package relation

import (
	"context"
	"fmt"

	"hms/internal/platform/db"
)

// HasEmailTx reports which of ids have an e-mail address, inside the
// caller's transaction (a collection that must pre-notify a debtor by mail
// checks it can before it promises to). It reads only whether an e-mail
// search token exists, opens nothing and logs nothing: it reveals only the
// answer. Ids that are not relations of tx's organisation are false.
func (s *Service) HasEmailTx(ctx context.Context, tx *db.Tx, ids ...int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	for rest := ids; len(rest) > 0; {
		chunk := rest[:min(len(rest), 500)]
		rest = rest[len(chunk):]
		args := []any{tx.OrgID(), tokEmail}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT relation_id FROM relation_search WHERE org_id = $1 AND kind = $2
			AND relation_id IN (`+tx.Params(3, len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("relation: has e-mail: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("relation: has e-mail: %w", err)
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("relation: has e-mail: %w", err)
		}
	}
	return out, nil
}
