package lease

import (
	"context"

	"hms/internal/platform/db"
)

// DocumentSettingsTx returns the organisation's lease settings inside the
// caller's transaction, with LandlordName filled from the organisation's
// name when unset, for other capabilities' documents (invoices print the
// landlord as the issuer). The caller has checked the actor's permission.
func (s *Service) DocumentSettingsTx(ctx context.Context, tx *db.Tx) (Settings, error) {
	st, err := loadSettings(ctx, tx)
	if err != nil {
		return st, err
	}
	if st.LandlordName == "" {
		if st.LandlordName, err = organisationName(ctx, tx); err != nil {
			return st, err
		}
	}
	return st, nil
}
