package deposit

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/privacy"
)

// PrivacySource is the deposits of the person's leases (entries, evidence
// of deductions, the written specification), for subject requests.
func (s *Service) PrivacySource() privacy.Source { return privacySource{s} }

type privacySource struct{ s *Service }

func (privacySource) Name() string { return "deposit" }

func (p privacySource) Export(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) ([]privacy.Section, error) {
	sec := privacy.Section{Key: "deposit.entries", Title: "privacy.src.deposits", Purpose: "privacy.purpose.deposits",
		Basis: "privacy.basis.contract_legal", Retention: "privacy.retention.fiscal", Recipients: "privacy.recipients.books",
		Origin:  "privacy.origin.lease",
		Columns: []string{"privacy.col.reference", "privacy.col.date", "privacy.col.kind", "privacy.col.amount", "privacy.col.evidence"}}
	docs := privacy.Section{Key: "deposit.specifications", Title: "privacy.src.deposit_specifications",
		Purpose: "privacy.purpose.deposit_specifications", Basis: "privacy.basis.legal", Retention: "privacy.retention.lease",
		Recipients: "privacy.recipients.tenant", Origin: "privacy.origin.generated",
		Columns: []string{"privacy.col.reference", "privacy.col.created"}}
	ids, err := lease.LeaseIDsOfPartyTx(ctx, tx, person)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		l, err := p.s.leases.GetTx(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		for _, e := range l.Deposit {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM deposit_evidence WHERE org_id = $1 AND entry_id = $2`, tx.OrgID(),
				e.ID).Scan(&n); err != nil {
				return nil, fmt.Errorf("deposit evidence: %w", err)
			}
			sec.Records = append(sec.Records, []privacy.Value{privacy.Text(l.Reference), privacy.Day(e.Date),
				privacy.Word("privacy.deposit." + string(e.Kind)), privacy.Amount(e.AmountCents), privacy.Text(fmt.Sprint(n))})
		}
		rows, err := tx.QueryContext(ctx, `SELECT created_at FROM deposit_specifications WHERE org_id = $1 AND lease_id = $2 ORDER BY id`,
			tx.OrgID(), id)
		if err != nil {
			return nil, fmt.Errorf("deposit specifications: %w", err)
		}
		for rows.Next() {
			var at string
			if err := rows.Scan(&at); err != nil {
				rows.Close()
				return nil, err
			}
			t, _ := db.ParseTS(at)
			docs.Records = append(docs.Records, []privacy.Value{privacy.Text(l.Reference), privacy.At(t)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return []privacy.Section{sec, docs}, nil
}

// Erase deletes the evidence of deductions (photos, invoices: sealed per
// organisation, they may show the person and their home) and the written
// specifications (they print the tenant's name and address). The entries
// (dates, amounts, reasons) stay with the books.
func (p privacySource) Erase(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) (privacy.Outcome, error) {
	var o privacy.Outcome
	ids, err := lease.LeaseIDsOfPartyTx(ctx, tx, person)
	if err != nil {
		return o, err
	}
	evidence, specs, entries := 0, 0, 0
	var last civil.Date
	for _, id := range ids {
		// Evidence and specifications are sealed under subjects of their
		// own: shredded, no copy of them opens any more (old backups
		// included); then the rows go.
		subjects, err := documentSubjectsTx(ctx, tx, id)
		if err != nil {
			return o, err
		}
		for _, subject := range subjects {
			if err := p.s.vault.Shred(ctx, tx, subject); err != nil {
				return o, fmt.Errorf("erase deposit documents: %w", err)
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM deposit_evidence WHERE org_id = $1 AND lease_id = $2`, tx.OrgID(), id)
		if err != nil {
			return o, fmt.Errorf("erase deposit evidence: %w", err)
		}
		n, _ := res.RowsAffected()
		evidence += int(n)
		if res, err = tx.ExecContext(ctx, `DELETE FROM deposit_specifications WHERE org_id = $1 AND lease_id = $2`, tx.OrgID(), id); err != nil {
			return o, fmt.Errorf("erase deposit specifications: %w", err)
		}
		n, _ = res.RowsAffected()
		specs += int(n)
		l, err := p.s.leases.GetTx(ctx, tx, id)
		if err != nil {
			return o, err
		}
		for _, e := range l.Deposit {
			entries++
			if e.Date.After(last) {
				last = e.Date
			}
		}
	}
	var until civil.Date
	if !last.IsZero() {
		until = ledger.RetainedUntil(last.Year)
	}
	o.Erased = []privacy.Erased{{What: "privacy.what.deposit_evidence", Count: evidence},
		{What: "privacy.what.deposit_specifications", Count: specs}}
	o.Kept = []privacy.Kept{{What: "privacy.what.deposit_entries", Count: entries, Until: until, Why: "privacy.why.fiscal"}}
	return o, nil
}

// SealLegacyDocuments seals the evidence files and specifications written
// before migration 00040 (sealed per organisation) under subjects of their
// own, as new ones are, so that erasure reaches them alike. app.Open runs
// it at every start; once done it only looks. It returns how many rows it
// sealed.
func (s *Service) SealLegacyDocuments(ctx context.Context) (int, error) {
	const (
		legacyEvidence = `SELECT id FROM deposit_evidence WHERE org_id = $1 AND subject_id IS NULL ORDER BY id`
		legacySpecs    = `SELECT id FROM deposit_specifications WHERE org_id = $1 AND subject_id IS NULL ORDER BY id`
	)
	orgs, err := db.OrgsWith(ctx, s.db, legacyEvidence, legacySpecs)
	if err != nil {
		return 0, fmt.Errorf("deposit documents to seal: %w", err)
	}
	n := 0
	for _, org := range orgs {
		err := s.db.InOrg(ctx, org, func(tx *db.Tx) error {
			ids, err := tx.Int64s(ctx, legacyEvidence, tx.OrgID())
			if err != nil {
				return err
			}
			for _, id := range ids {
				var name, content []byte
				if err := tx.QueryRowContext(ctx, `SELECT name_sealed, content_sealed FROM deposit_evidence WHERE id = $1 AND org_id = $2`,
					id, tx.OrgID()).Scan(&name, &content); err != nil {
					return err
				}
				if name, err = s.vault.OpenOrg(ctx, tx, fieldName, name); err != nil {
					return fmt.Errorf("evidence %d: %w", id, err)
				}
				if content, err = s.vault.OpenOrg(ctx, tx, fieldContent, content); err != nil {
					return fmt.Errorf("evidence %d: %w", id, err)
				}
				subject, content, err := s.vault.SealDocument(ctx, tx, fieldContent, content)
				if err != nil {
					return err
				}
				if name, err = s.vault.Seal(ctx, tx, subject, fieldName, name); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE deposit_evidence SET name_sealed = $1, content_sealed = $2, subject_id = $3
					WHERE id = $4 AND org_id = $5`, name, content, int64(subject), id, tx.OrgID()); err != nil {
					return err
				}
				n++
			}
			if ids, err = tx.Int64s(ctx, legacySpecs, tx.OrgID()); err != nil {
				return err
			}
			for _, id := range ids {
				var content []byte
				if err := tx.QueryRowContext(ctx, `SELECT content FROM deposit_specifications WHERE id = $1 AND org_id = $2`,
					id, tx.OrgID()).Scan(&content); err != nil {
					return err
				}
				if content, err = s.vault.OpenOrg(ctx, tx, fieldSpecification, content); err != nil {
					return fmt.Errorf("specification %d: %w", id, err)
				}
				subject, content, err := s.vault.SealDocument(ctx, tx, fieldSpecification, content)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE deposit_specifications SET content = $1, subject_id = $2
					WHERE id = $3 AND org_id = $4`, content, int64(subject), id, tx.OrgID()); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("seal the deposit documents of organisation %d: %w", org, err)
		}
	}
	return n, nil
}
