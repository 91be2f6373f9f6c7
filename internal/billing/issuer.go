package billing

import (
	"context"

	"hms/internal/platform/db"
	"hms/internal/platform/pdfdoc"
)

// IssuerTx is the organisation as its documents print it, inside the
// caller's transaction: the landlord's name and address (lease settings),
// KvK number, VAT id and IBAN (billing settings), as on an invoice. Other
// capabilities' letters use it (dunning). The caller has checked the
// actor's permission.
func (s *Service) IssuerTx(ctx context.Context, tx *db.Tx) (pdfdoc.Issuer, error) {
	ds, err := s.docSettings(ctx, tx)
	if err != nil {
		return pdfdoc.Issuer{}, err
	}
	return ds.issuer, nil
}
