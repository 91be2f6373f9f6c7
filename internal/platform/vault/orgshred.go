package vault

import (
	"context"
	"fmt"

	"hms/internal/platform/db"
)

// ShredOrganisation destroys every key of the transaction's organisation
// (a cancelled organisation at the end of its export period): every
// subject's keyset (persons, users' sealed fields under the organisation,
// documents, the fiscal archive's years), each journaled in vault_erasures
// like Shred so a restored backup shreds them again, and the organisation
// keys themselves (the organisation-sealed columns and the blind indexes).
// It returns how many subject keys and organisation keys it destroyed.
func (v *Vault) ShredOrganisation(ctx context.Context, tx *db.Tx) (subjects, orgKeys int, err error) {
	org, err := orgOf(tx)
	if err != nil {
		return 0, 0, err
	}
	if org == 0 {
		return 0, 0, fmt.Errorf("vault: the platform is no organisation to shred")
	}
	now := v.now()
	res, err := tx.ExecContext(ctx, `UPDATE vault_subjects SET keyset_wrapped = NULL, shredded_at = $1
		WHERE org_id = $2 AND keyset_wrapped IS NOT NULL`, now, org)
	if err != nil {
		return 0, 0, fmt.Errorf("vault: shred the subjects of %d: %w", org, err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `INSERT INTO vault_erasures (org_id, subject_id, shredded_at)
		SELECT org_id, id, shredded_at FROM vault_subjects WHERE org_id = $1 AND shredded_at IS NOT NULL
		ON CONFLICT (org_id, subject_id) DO NOTHING`, org); err != nil {
		return 0, 0, fmt.Errorf("vault: journal the shred of %d: %w", org, err)
	}
	res, err = tx.ExecContext(ctx, `DELETE FROM vault_org_keys WHERE org_id = $1`, org)
	if err != nil {
		return 0, 0, fmt.Errorf("vault: destroy the keys of %d: %w", org, err)
	}
	k, _ := res.RowsAffected()
	tx.SetLocal(orgKeysKey(org), nil)
	return int(n), int(k), nil
}
