package subscription

import (
	"context"
	"errors"
	"strings"

	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// Billed is what HMS holds as controller about a person as the billing
// contact or an owner of a subscribing organisation: the subscription's
// billing details (their own data, the IBAN whole) and HMS's invoices to
// the organisation. It is a section of the person's account export
// (privacy.Rights.ExportAccount); an erasure of the account keeps it
// (fiscal record keeping).
type Billed struct {
	OrgID    int64
	OrgName  string
	Contact  bool          // the billing details' or an invoice's e-mail address is the person's
	Owner    bool          // the person is one of the organisation's owners
	Sub      *Subscription // nil: no active subscription (the invoices remain)
	Invoices []Invoice     // newest first
}

// BilledTo lists the organisations whose subscription or invoices name
// email as the billing address, or of which the person owns one of owned,
// with their billing details and invoices (a System read, for staff
// answering the person's own request).
func (s *Service) BilledTo(ctx context.Context, email string, owned []int64) ([]Billed, error) {
	email = strings.TrimSpace(email)
	own := map[int64]bool{}
	for _, id := range owned {
		own[id] = true
	}
	var out []Billed
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		orgs, err := billedOrgsTx(ctx, tx)
		if err != nil {
			return err
		}
		for _, b := range orgs {
			b.Owner = own[b.OrgID]
			sub, err := s.open(ctx, tx, b.OrgID)
			switch {
			case errors.Is(err, validation.ErrNotFound), errors.Is(err, vault.ErrShredded):
			case err != nil:
				return err
			default:
				b.Sub = sub
				b.Contact = email != "" && strings.EqualFold(sub.Details.Email, email)
			}
			invs, err := s.invoicesTx(ctx, tx, b.OrgID, "")
			if errors.Is(err, vault.ErrShredded) {
				invs, err = nil, nil
			}
			if err != nil {
				return err
			}
			b.Invoices = invs
			for _, inv := range invs {
				if email != "" && strings.EqualFold(inv.Buyer.Email, email) {
					b.Contact = true
				}
			}
			if b.Owner || b.Contact {
				out = append(out, b)
			}
		}
		return nil
	})
	return out, err
}
