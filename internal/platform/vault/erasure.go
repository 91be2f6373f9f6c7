package vault

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/platform/db"
)

// Erasure is one line of the erasure journal (vault_erasures): a subject
// that Shred destroyed, and when.
type Erasure struct {
	Org        int64
	Subject    SubjectID
	ShreddedAt string
}

// ReplayFunc removes what a capability keeps about a subject besides its
// ciphertexts (blind indexes, search tokens) when an erasure is replayed
// after a restore. It runs in a transaction of the subject's organisation
// (a System transaction for organisation 0) and must be idempotent: the
// rows may be gone already.
type ReplayFunc func(ctx context.Context, tx *db.Tx, s SubjectID) error

// OnReplay registers fn to run for every journaled subject when erasures are
// replayed. The application's wiring registers one per capability that
// keeps blind indexes of its subjects (relation: relation_search).
func (v *Vault) OnReplay(fn ReplayFunc) {
	v.hooksMu.Lock()
	defer v.hooksMu.Unlock()
	v.hooks = append(v.hooks, fn)
}

func (v *Vault) replayHooks() []ReplayFunc {
	v.hooksMu.Lock()
	defer v.hooksMu.Unlock()
	return append([]ReplayFunc(nil), v.hooks...)
}

// ShreddedAtTx is when the journal says subject s of the transaction's
// organisation was shredded (db.TS), "" when it does not list it: a replay
// function erases again what the erasure reached then, not what came after.
func ShreddedAtTx(ctx context.Context, tx *db.Tx, s SubjectID) (string, error) {
	var at string
	err := tx.QueryRowContext(ctx, `SELECT shredded_at FROM vault_erasures WHERE org_id = $1 AND subject_id = $2`,
		tx.OrgID(), int64(s)).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("vault: the erasure of subject %d: %w", s, err)
	}
	return at, nil
}

// Erasures reads the whole journal, every organisation's, in order.
func Erasures(ctx context.Context, d *db.DB) ([]Erasure, error) {
	var out []Erasure
	err := d.ReadSystem(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT org_id, subject_id, shredded_at FROM vault_erasures ORDER BY org_id, subject_id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e Erasure
			if err := rows.Scan(&e.Org, &e.Subject, &e.ShreddedAt); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("vault: read the erasure journal: %w", err)
	}
	return out, nil
}

// Replay shreds every journaled subject again and runs the OnReplay
// functions for it, in one transaction per organisation: after a restore of
// data from before an erasure, the person stays erased. A journaled subject
// missing from the data (created after the backup) is written as a shredded
// tombstone, so its id is never handed to another person. It returns the
// number of journaled subjects.
func (v *Vault) Replay(ctx context.Context, d *db.DB) (int, error) {
	es, err := Erasures(ctx, d)
	if err != nil {
		return 0, err
	}
	hooks := v.replayHooks()
	for i := 0; i < len(es); {
		j := i
		for j < len(es) && es[j].Org == es[i].Org {
			j++
		}
		org, part := es[i].Org, es[i:j]
		fn := func(tx *db.Tx) error {
			for _, e := range part {
				if err := reshred(ctx, tx, e); err != nil {
					return err
				}
				for _, h := range hooks {
					if err := h(ctx, tx, e.Subject); err != nil {
						return fmt.Errorf("vault: replay the erasure of subject %d: %w", e.Subject, err)
					}
				}
			}
			return nil
		}
		if org == 0 {
			err = d.System(ctx, fn)
		} else {
			err = d.InOrg(ctx, org, fn)
		}
		if err != nil {
			return 0, fmt.Errorf("vault: replay the erasures of organisation %d: %w", org, err)
		}
		i = j
	}
	return len(es), nil
}

// reshred destroys a journaled subject's keyset again, keeping the first
// shredded_at, or writes it as a shredded tombstone when it is missing.
func reshred(ctx context.Context, tx *db.Tx, e Erasure) error {
	res, err := tx.ExecContext(ctx, `UPDATE vault_subjects SET keyset_wrapped = NULL, shredded_at = COALESCE(shredded_at, $1)
		WHERE id = $2 AND org_id = $3`, e.ShreddedAt, int64(e.Subject), e.Org)
	if err != nil {
		return fmt.Errorf("vault: replay the erasure of subject %d: %w", e.Subject, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO vault_subjects (id, org_id, kind, keyset_wrapped, created_at, shredded_at)
		VALUES ($1, $2, 'erased', NULL, $3, $3) ON CONFLICT (id) DO NOTHING`, int64(e.Subject), e.Org, e.ShreddedAt)
	if err != nil {
		return fmt.Errorf("vault: replay the erasure of subject %d: %w", e.Subject, err)
	}
	return nil
}

// ShredJournaled shreds every journaled subject in one statement pair, for
// a transaction that sees every organisation (a restore, as the schema
// owner on PostgreSQL): the restored keysets of erased persons, and the
// keys of shredded organisations, are gone in the same transaction that
// brought them back. Replay and ReplayOrganisations then do the rest.
func ShredJournaled(ctx context.Context, tx *sql.Tx) error {
	if err := shredJournaledOrgs(ctx, tx); err != nil {
		return err
	}
	const match = `e.org_id = vault_subjects.org_id AND e.subject_id = vault_subjects.id`
	if _, err := tx.ExecContext(ctx, `UPDATE vault_subjects SET keyset_wrapped = NULL,
		shredded_at = COALESCE(shredded_at, (SELECT e.shredded_at FROM vault_erasures e WHERE `+match+`))
		WHERE EXISTS (SELECT 1 FROM vault_erasures e WHERE `+match+`)`); err != nil {
		return fmt.Errorf("vault: shred the journaled subjects: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO vault_subjects (id, org_id, kind, keyset_wrapped, created_at, shredded_at)
		SELECT e.subject_id, e.org_id, 'erased', NULL, e.shredded_at, e.shredded_at FROM vault_erasures e
		WHERE NOT EXISTS (SELECT 1 FROM vault_subjects s WHERE s.id = e.subject_id)`); err != nil {
		return fmt.Errorf("vault: shred the journaled subjects: %w", err)
	}
	return nil
}
