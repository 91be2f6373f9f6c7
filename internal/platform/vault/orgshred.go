package vault

import (
	"context"
	"database/sql"
	"fmt"

	"hms/internal/platform/db"
)

// ShredOrganisation destroys every key of the transaction's organisation
// (a cancelled organisation at the end of its export period): every
// subject's keyset (persons, users' sealed fields under the organisation,
// documents, the fiscal archive's years), each journaled in vault_erasures
// like Shred so a restored backup shreds them again, and the organisation
// keys themselves (the organisation-sealed columns and the blind indexes),
// the organisation's shred journaled in vault_org_erasures so a restore
// destroys them and its rows again (ReplayOrganisations). It returns how
// many subject keys and organisation keys it destroyed.
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO vault_org_erasures (org_id, shredded_at) VALUES ($1, $2)
		ON CONFLICT (org_id) DO NOTHING`, org, now); err != nil {
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

// OrgErasure is one line of the journal of shredded organisations
// (vault_org_erasures).
type OrgErasure struct {
	Org        int64
	ShreddedAt string
}

// OrgReplayFunc deletes what a shredded organisation had besides its keys
// when the shred is replayed after a restore: the subscription's wiring
// deletes its rows again and marks it shredded. It runs after the
// organisation's keys are destroyed again, opens its own transactions and
// must be idempotent (a restore may be run again).
type OrgReplayFunc func(ctx context.Context, org int64, shreddedAt string) error

// OnOrgReplay registers fn to run for every journaled organisation when
// ReplayOrganisations runs.
func (v *Vault) OnOrgReplay(fn OrgReplayFunc) {
	v.hooksMu.Lock()
	defer v.hooksMu.Unlock()
	v.orgHooks = append(v.orgHooks, fn)
}

// OrgErasures reads the journal of shredded organisations, in order.
func OrgErasures(ctx context.Context, d *db.DB) ([]OrgErasure, error) {
	var out []OrgErasure
	err := d.ReadSystem(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT org_id, shredded_at FROM vault_org_erasures ORDER BY org_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e OrgErasure
			if err := rows.Scan(&e.Org, &e.ShreddedAt); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("vault: read the journal of shredded organisations: %w", err)
	}
	return out, nil
}

// ReplayOrganisations shreds every journaled organisation again after a
// restore: its keys are destroyed (again; ShredJournaled did so in the
// restore's transaction) and the OnOrgReplay functions delete the rest.
// Its subjects are in the erasure journal, which Replay handles. It returns
// the number of journaled organisations.
func (v *Vault) ReplayOrganisations(ctx context.Context, d *db.DB) (int, error) {
	es, err := OrgErasures(ctx, d)
	if err != nil {
		return 0, err
	}
	v.hooksMu.Lock()
	hooks := append([]OrgReplayFunc(nil), v.orgHooks...)
	v.hooksMu.Unlock()
	for _, e := range es {
		err := d.InOrg(ctx, e.Org, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `DELETE FROM vault_org_keys WHERE org_id = $1`, e.Org); err != nil {
				return err
			}
			tx.SetLocal(orgKeysKey(e.Org), nil)
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("vault: replay the shred of organisation %d: %w", e.Org, err)
		}
		for _, h := range hooks {
			if err := h(ctx, e.Org, e.ShreddedAt); err != nil {
				return 0, fmt.Errorf("vault: replay the shred of organisation %d: %w", e.Org, err)
			}
		}
	}
	return len(es), nil
}

// shredJournaledOrgs destroys the keys of every journaled organisation in
// the restore's transaction (see ShredJournaled).
func shredJournaledOrgs(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM vault_org_keys WHERE org_id IN (SELECT org_id FROM vault_org_erasures)`); err != nil {
		return fmt.Errorf("vault: destroy the keys of the shredded organisations: %w", err)
	}
	return nil
}
