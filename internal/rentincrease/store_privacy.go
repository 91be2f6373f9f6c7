package rentincrease

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/vault"
	"hms/internal/privacy"
)

// PrivacySource is the rent increases of the person's leases and their
// letters, for subject requests.
func (s *Service) PrivacySource() privacy.Source { return privacySource{s} }

type privacySource struct{ s *Service }

func (privacySource) Name() string { return "rentincrease" }

const personProposals = `FROM rent_increase_proposals r WHERE r.org_id = $1 AND r.lease_id IN (SELECT lp.lease_id FROM lease_parties lp
	WHERE lp.org_id = $1 AND lp.party_id = $2)`

func (p privacySource) Export(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) ([]privacy.Section, error) {
	sec := privacy.Section{Key: "rentincrease.proposals", Title: "privacy.src.rent_increases", Purpose: "privacy.purpose.rent_increases",
		Basis: "privacy.basis.contract", Retention: "privacy.retention.lease", Recipients: "privacy.recipients.tenant",
		Origin: "privacy.origin.generated",
		Columns: []string{"privacy.col.reference", "privacy.col.effective", "privacy.col.old_rent", "privacy.col.new_rent",
			"privacy.col.status", "privacy.col.letter"}}
	rows, err := tx.QueryContext(ctx, `SELECT r.lease_reference, r.effective_date, r.old_cents, r.new_cents, r.status, r.letter IS NOT NULL `+
		personProposals+` ORDER BY r.effective_date, r.id`, tx.OrgID(), person)
	if err != nil {
		return nil, fmt.Errorf("rent increases of person: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ref, eff, status string
		var old, nw money.Cents
		var letter bool
		if err := rows.Scan(&ref, &eff, &old, &nw, &status, &letter); err != nil {
			return nil, err
		}
		d, _ := civil.Parse(eff)
		yes := "privacy.no"
		if letter {
			yes = "privacy.yes"
		}
		sec.Records = append(sec.Records, []privacy.Value{privacy.Text(ref), privacy.Day(d), privacy.Amount(old), privacy.Amount(nw),
			privacy.Word("privacy.increase." + status), privacy.Word(yes)})
	}
	return []privacy.Section{sec}, rows.Err()
}

// Erase shreds the letters' subjects (they print the tenants' names and
// address; no copy opens any more, an old backup's neither) and deletes
// them; the proposals' dates and amounts stay with the lease's rent history.
func (p privacySource) Erase(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) (privacy.Outcome, error) {
	var o privacy.Outcome
	rows, err := tx.QueryContext(ctx, `SELECT r.letter_subject_id `+personProposals+` AND r.letter_subject_id IS NOT NULL ORDER BY r.id`,
		tx.OrgID(), person)
	if err != nil {
		return o, fmt.Errorf("rent increase letters of person: %w", err)
	}
	var subjects []vault.SubjectID
	for rows.Next() {
		var s int64
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return o, fmt.Errorf("rent increase letters of person: %w", err)
		}
		subjects = append(subjects, vault.SubjectID(s))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return o, fmt.Errorf("rent increase letters of person: %w", err)
	}
	for _, s := range subjects {
		if err := p.s.vault.Shred(ctx, tx, s); err != nil {
			return o, fmt.Errorf("erase rent increase letters: %w", err)
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE rent_increase_proposals SET letter = NULL, letter_sha256 = '', letter_subject_id = NULL
		WHERE org_id = $1 AND letter IS NOT NULL
		AND lease_id IN (SELECT lp.lease_id FROM lease_parties lp WHERE lp.org_id = $1 AND lp.party_id = $2)`, tx.OrgID(), person)
	if err != nil {
		return o, fmt.Errorf("erase rent increase letters: %w", err)
	}
	n, _ := res.RowsAffected()
	var all int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) `+personProposals, tx.OrgID(), person).Scan(&all); err != nil {
		return o, fmt.Errorf("rent increases of person: %w", err)
	}
	o.Erased = []privacy.Erased{{What: "privacy.what.rent_increase_letters", Count: int(n)}}
	o.Kept = []privacy.Kept{{What: "privacy.what.rent_increases", Count: all, Why: "privacy.why.leases"}}
	return o, nil
}

// SealLegacyLetters seals the letters written before migration 00040
// (stored plain) under subjects of their own, as new ones are, so that no
// letter sits in a plaintext blob and erasure reaches them alike. app.Open
// runs it at every start; once done it only looks. It returns how many
// letters it sealed.
func (s *Service) SealLegacyLetters(ctx context.Context) (int, error) {
	const legacy = `SELECT id FROM rent_increase_proposals WHERE org_id = $1 AND letter IS NOT NULL AND letter_subject_id IS NULL
		ORDER BY id`
	orgs, err := db.OrgsWith(ctx, s.db, legacy)
	if err != nil {
		return 0, fmt.Errorf("rent increase letters to seal: %w", err)
	}
	n := 0
	for _, org := range orgs {
		err := s.db.InOrg(ctx, org, func(tx *db.Tx) error {
			ids, err := tx.Int64s(ctx, legacy, tx.OrgID())
			if err != nil {
				return err
			}
			for _, id := range ids {
				var letter []byte
				if err := tx.QueryRowContext(ctx, `SELECT letter FROM rent_increase_proposals WHERE id = $1 AND org_id = $2`,
					id, tx.OrgID()).Scan(&letter); err != nil {
					return err
				}
				subject, sealed, err := s.vault.SealDocument(ctx, tx, fieldLetter, letter)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE rent_increase_proposals SET letter = $1, letter_subject_id = $2
					WHERE id = $3 AND org_id = $4`, sealed, int64(subject), id, tx.OrgID()); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("seal the rent increase letters of organisation %d: %w", org, err)
		}
	}
	return n, nil
}
