package relation

import (
	"context"
	"fmt"

	"hms/internal/platform/db"
	"hms/internal/platform/vault"
)

// ReplayErasureTx deletes what the relation whose vault subject is s keeps
// derived from the person's data besides its ciphertexts: its search tokens
// (blind indexes of name prefixes, e-mail address, IBAN, postcode, phone)
// and its rank in name order (placing a new relation would otherwise try to
// open the erased name). The vault calls it for every journaled erasure
// after a restore (vault.OnReplay), so a backup from before the erasure
// does not make the person findable again. No relation of that subject, or
// one already without them, is no error.
func (s *Service) ReplayErasureTx(ctx context.Context, tx *db.Tx, subject vault.SubjectID) error {
	for _, table := range []string{"relation_search", "relation_order"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE org_id = $1
			AND relation_id IN (SELECT id FROM relations WHERE org_id = $1 AND subject_id = $2)`, tx.OrgID(), int64(subject)); err != nil {
			return fmt.Errorf("relation: forget the %s rows of subject %d: %w", table, subject, err)
		}
	}
	return nil
}
