package relation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/platform/db"
	"hms/internal/platform/vault"
)

// ReplayErasureTx erases again the relation whose vault subject is s as
// Erase did, but for the shred: its sealed fields (no longer opening), the
// customer's reference, its search tokens (blind indexes of name prefixes,
// e-mail address, IBAN, postcode, phone), its rank in name order (placing a
// new relation would otherwise try to open the erased name), objections and
// company links; the row is marked erased at the journal's time. The vault
// calls it for every journaled erasure after a restore (vault.OnReplay), so
// a backup from before the erasure does not make the person findable again
// nor leave a row that looks alive but cannot be opened (the organisation's
// export would stop at it). No relation of that subject is no error, and
// running it again changes nothing.
func (s *Service) ReplayErasureTx(ctx context.Context, tx *db.Tx, subject vault.SubjectID) error {
	id, err := s.PersonOfSubjectTx(ctx, tx, subject)
	if err != nil || id == 0 {
		return err
	}
	at, err := vault.ShreddedAtTx(ctx, tx, subject)
	if err != nil {
		return err
	}
	if at == "" {
		at = db.TS(s.clk.Now()) // shredded, but not by way of the journal
	}
	if _, _, err := forgetTx(ctx, tx, id, at); err != nil {
		return fmt.Errorf("relation: replay the erasure of subject %d: %w", subject, err)
	}
	return nil
}

// PersonOfSubjectTx is the id of the relation whose vault subject is s, 0
// when there is none (the subject of a document, a user, a request): what
// is kept about a person by the relation's id is found so when an erasure
// is replayed.
func (s *Service) PersonOfSubjectTx(ctx context.Context, tx *db.Tx, subject vault.SubjectID) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM relations WHERE org_id = $1 AND subject_id = $2`, tx.OrgID(), int64(subject)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("relation: the relation of subject %d: %w", subject, err)
	}
	return id, nil
}
