package lease

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// documentField binds a sealed lease document to its column.
const documentField = "lease_documents.content"

// GenerateTenantInformation renders the written tenant information of the
// Wet goed verhuurderschap for a residential lease (Dutch, PDF), stores it
// with the lease and returns the document id. Tenants' names and addresses
// are read from relations with purpose lease.tenant_information.
func (s *Service) GenerateTenantInformation(ctx context.Context, a account.Actor, leaseID int64) (int64, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, err := loadLease(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		if l.Kind != Residential {
			return ErrResidentialOnly
		}
		if len(l.Units) == 0 {
			return ErrLeaseWithoutUnits
		}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		if st.LandlordName == "" {
			if st.LandlordName, err = organisationName(ctx, tx); err != nil {
				return err
			}
		}
		// Only the tenants are printed: guarantors' data is not read.
		l.Parties = l.Tenants()
		if err := s.fillFacts(ctx, tx, a, PurposeTenantInformation, []*Lease{l}); err != nil {
			return err
		}
		now := s.clk.Now()
		priceDate := l.PriceDate(civil.Today(now))
		pdf, err := renderTenantInformation(infoSheet{Lease: l, Tenants: l.Tenants(), Units: l.Units,
			Components: l.ComponentsOn(priceDate), PriceDate: priceDate, Settings: st, Created: now,
			LandlordMonths: l.NoticeMonthsLandlord})
		if err != nil {
			return err
		}
		sum := sha256.Sum256(pdf)
		digest := hex.EncodeToString(sum[:])
		// Sealed under a subject of its own: erasing any of its tenants
		// shreds it (privacySource.Erase).
		subject, sealed, err := s.vault.SealDocument(ctx, tx, documentField, pdf)
		if err != nil {
			return err
		}
		if id, err = insertDocument(ctx, tx, leaseID, TenantInformation, "nl", digest, len(pdf), sealed, subject,
			db.TS(now), a.UserID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "lease.tenant_information_generated", "lease", leaseID, map[string]string{
			"document_id": fmt.Sprint(id), "sha256": digest})
	})
	return id, err
}

// RecordInformationProvided records that a document was given to the
// tenant, on which day and how.
func (s *Service) RecordInformationProvided(ctx context.Context, a account.Actor, leaseID, docID int64,
	in InformationProvided) (int64, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	fe := validation.Errors{}
	if in.ProvidedOn.IsZero() {
		fe.Add("provided_on", "field.required")
	} else if in.ProvidedOn.After(s.today()) {
		fe.Add("provided_on", "lease.provided_on.future")
	}
	if !slices.Contains(DeliveryMethods, in.Method) {
		fe.Add("method", "field.invalid")
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := documentExists(ctx, tx, leaseID, docID); err != nil {
			return err
		}
		if err := fe.Err(); err != nil {
			return err
		}
		var err error
		if id, err = insertDelivery(ctx, tx, docID, in, s.now(), a.UserID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "lease.information_provided", "lease", leaseID, map[string]string{
			"document_id": fmt.Sprint(docID), "delivery_id": fmt.Sprint(id), "method": string(in.Method), "provided_on": in.ProvidedOn.String()})
	})
	return id, err
}

// Documents lists a lease's generated documents with their deliveries,
// newest first.
func (s *Service) Documents(ctx context.Context, a account.Actor, leaseID int64) ([]Document, error) {
	if !a.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var docs []Document
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := leaseExists(ctx, tx, leaseID); err != nil {
			return err
		}
		var err error
		docs, err = listDocuments(ctx, tx, leaseID)
		return err
	})
	return docs, err
}

// Document returns a stored document exactly as it was generated. The
// document holds personal data, so each read is recorded.
func (s *Service) Document(ctx context.Context, a account.Actor, leaseID, docID int64) ([]byte, error) {
	if !a.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var content []byte
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		d, err := documentContent(ctx, tx, leaseID, docID)
		if err != nil {
			return err
		}
		content = d.content
		switch {
		case d.subject != 0:
			content, err = s.vault.Open(ctx, tx, d.subject, documentField, d.content)
		case d.sealed:
			content, err = s.vault.OpenOrg(ctx, tx, documentField, d.content)
		}
		if err != nil {
			return fmt.Errorf("lease document %d: %w", docID, err)
		}
		got := sha256.Sum256(content)
		if hex.EncodeToString(got[:]) != d.sum {
			return fmt.Errorf("lease document %d: content does not match its sha256", docID)
		}
		return s.record(ctx, tx, a, "lease.document_viewed", "lease", leaseID, map[string]string{"document_id": fmt.Sprint(docID)})
	})
	return content, err
}

// TenantDocumentTx is GetTx with the units' addresses and the tenants'
// names and addresses (read from relations with purpose, which logs the
// access), for other capabilities' documents to the tenants (the deposit
// specification). Guarantors are left out. The caller has checked the
// actor's permission.
func (s *Service) TenantDocumentTx(ctx context.Context, tx *db.Tx, a account.Actor, leaseID int64, purpose string) (*Lease, error) {
	l, err := loadLease(ctx, tx, leaseID)
	if err != nil {
		return nil, err
	}
	l.Parties = l.Tenants()
	if err := s.fillFacts(ctx, tx, a, purpose, []*Lease{l}); err != nil {
		return nil, err
	}
	return l, nil
}
