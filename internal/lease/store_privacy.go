package lease

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
)

// ErrRunningLease refuses to erase a tenant or guarantor of a lease that
// has not ended: the running contract needs them. The law keeps the books
// after an erasure, not the tenancy.
var ErrRunningLease = &validation.Problem{Status: 409, Code: "privacy.erase_running_lease"}

// purposePrivacy is the access-log purpose of reading party facts for a
// subject request.
const purposePrivacy = "privacy.export"

// LeaseIDsOfPartyTx are the leases on which person is a tenant or
// guarantor, in id order (the other capabilities' privacy sources find the
// person's records through them).
func LeaseIDsOfPartyTx(ctx context.Context, tx *db.Tx, person int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT lease_id FROM lease_parties WHERE org_id = $1 AND party_id = $2 ORDER BY lease_id`,
		tx.OrgID(), person)
	if err != nil {
		return nil, fmt.Errorf("leases of party %d: %w", person, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// PrivacySource is the person's leases and their documents for subject
// requests.
func (s *Service) PrivacySource() privacy.Source { return privacySource{s} }

type privacySource struct{ s *Service }

func (privacySource) Name() string { return "lease" }

func (p privacySource) leases(ctx context.Context, tx *db.Tx, a account.Actor, person int64) ([]*Lease, error) {
	ids, err := LeaseIDsOfPartyTx(ctx, tx, person)
	if err != nil {
		return nil, err
	}
	var ls []*Lease
	for _, id := range ids {
		l, err := loadLease(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
	}
	if len(ls) == 0 {
		return nil, nil
	}
	return ls, p.s.fillFacts(ctx, tx, a, purposePrivacy, ls)
}

func (p privacySource) Export(ctx context.Context, tx *db.Tx, a account.Actor, person int64) ([]privacy.Section, error) {
	leases := privacy.Section{Key: "lease.leases", Title: "privacy.src.leases", Purpose: "privacy.purpose.lease",
		Basis: "privacy.basis.contract", Retention: "privacy.retention.lease", Recipients: "privacy.recipients.organisation",
		Origin: "privacy.origin.lease",
		Columns: []string{"privacy.col.reference", "privacy.col.role", "privacy.col.address", "privacy.col.start", "privacy.col.end",
			"privacy.col.status", "privacy.col.rent", "privacy.col.parties"}}
	docs := privacy.Section{Key: "lease.documents", Title: "privacy.src.lease_documents", Purpose: "privacy.purpose.lease_documents",
		Basis: "privacy.basis.legal", Retention: "privacy.retention.lease", Recipients: "privacy.recipients.tenant",
		Origin:  "privacy.origin.generated",
		Columns: []string{"privacy.col.reference", "privacy.col.document", "privacy.col.created", "privacy.col.provided"}}
	ls, err := p.leases(ctx, tx, a, person)
	if err != nil {
		return nil, err
	}
	today := p.s.today()
	for _, l := range ls {
		role, addr, names := "", "", ""
		for _, pt := range l.Parties {
			if pt.ID == person {
				role = "privacy.role." + string(pt.Role)
			} else if pt.Name != "" {
				names = join(names, pt.Name)
			}
		}
		for _, u := range l.Units {
			addr = join(addr, u.Address)
		}
		leases.Records = append(leases.Records, []privacy.Value{privacy.Text(l.Reference), privacy.Word(role), privacy.Text(addr),
			privacy.Day(l.Start), privacy.Day(l.EndsOn), privacy.Word("privacy.status." + string(l.StatusOn(today))),
			privacy.Amount(l.TotalOn(today)), privacy.Text(names)})
		ds, err := listDocuments(ctx, tx, l.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			provided := ""
			for _, dl := range d.Deliveries {
				provided = join(provided, dl.ProvidedOn.String())
			}
			docs.Records = append(docs.Records, []privacy.Value{privacy.Text(l.Reference), privacy.Word("privacy.doc." + string(d.Kind)),
				privacy.At(d.CreatedAt), privacy.Text(provided)})
		}
	}
	return []privacy.Section{leases, docs}, nil
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

// Erase refuses while the person is a party to a lease that has not ended;
// otherwise it shreds the subjects of the leases' tenant-information
// documents (they print the tenants' names and addresses; sealed under a
// subject of their own, so no copy can be opened any more, an old backup's
// neither) and deletes them with their delivery records; a co-tenant's
// copy goes too, it is the same document. The leases stay: the books refer to them, and
// they hold only references to the person.
func (p privacySource) Erase(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) (privacy.Outcome, error) {
	var o privacy.Outcome
	ids, err := LeaseIDsOfPartyTx(ctx, tx, person)
	if err != nil {
		return o, err
	}
	today := p.s.today()
	docs := 0
	for _, id := range ids {
		l, err := loadLease(ctx, tx, id)
		if err != nil {
			return o, err
		}
		if l.StatusOn(today) != StatusEnded {
			return o, ErrRunningLease
		}
		subjects, err := documentSubjectsTx(ctx, tx, id)
		if err != nil {
			return o, err
		}
		for _, subject := range subjects {
			if err := p.s.vault.Shred(ctx, tx, subject); err != nil {
				return o, fmt.Errorf("erase lease %d documents: %w", id, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM lease_document_deliveries WHERE org_id = $1
			AND document_id IN (SELECT id FROM lease_documents WHERE org_id = $1 AND lease_id = $2)`, tx.OrgID(), id); err != nil {
			return o, fmt.Errorf("erase lease %d deliveries: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM lease_documents WHERE org_id = $1 AND lease_id = $2`, tx.OrgID(), id)
		if err != nil {
			return o, fmt.Errorf("erase lease %d documents: %w", id, err)
		}
		n, _ := res.RowsAffected()
		docs += int(n)
	}
	o.Erased = []privacy.Erased{{What: "privacy.what.lease_documents", Count: docs}}
	o.Kept = []privacy.Kept{{What: "privacy.what.leases", Count: len(ids), Why: "privacy.why.leases"}}
	return o, nil
}

// SealLegacyDocuments seals the tenant-information documents written before
// migration 00040 (sealed per organisation, or plain before 00012) under
// subjects of their own, as new ones are, so that erasure reaches them
// alike. app.Open runs it at every start; once done it only looks. It
// returns how many documents it sealed.
func (s *Service) SealLegacyDocuments(ctx context.Context) (int, error) {
	const legacy = `SELECT id FROM lease_documents WHERE org_id = $1 AND subject_id IS NULL ORDER BY id`
	orgs, err := db.OrgsWith(ctx, s.db, legacy)
	if err != nil {
		return 0, fmt.Errorf("lease documents to seal: %w", err)
	}
	n := 0
	for _, org := range orgs {
		err := s.db.InOrg(ctx, org, func(tx *db.Tx) error {
			ids, err := tx.Int64s(ctx, legacy, tx.OrgID())
			if err != nil {
				return err
			}
			for _, id := range ids {
				var content []byte
				var sealed bool
				if err := tx.QueryRowContext(ctx, `SELECT content, sealed FROM lease_documents WHERE id = $1 AND org_id = $2`,
					id, tx.OrgID()).Scan(&content, &sealed); err != nil {
					return err
				}
				if sealed {
					if content, err = s.vault.OpenOrg(ctx, tx, documentField, content); err != nil {
						return fmt.Errorf("document %d: %w", id, err)
					}
				}
				subject, again, err := s.vault.SealDocument(ctx, tx, documentField, content)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, `UPDATE lease_documents SET content = $1, sealed = $2, subject_id = $3
					WHERE id = $4 AND org_id = $5`, again, true, int64(subject), id, tx.OrgID()); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("seal the lease documents of organisation %d: %w", org, err)
		}
	}
	return n, nil
}
