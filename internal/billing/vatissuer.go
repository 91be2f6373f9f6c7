package billing

import (
	"context"
	"net/http"
	"strings"

	"hms/internal/lease"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// A VAT invoice must name the supplier's address, VAT id and KvK number
// (art. 35a Wet OB 1968, DOMAIN §3.4). HMS prints them from the
// organisation's settings, so a run that would post lines with VAT is
// refused until they are set (Service.confirm, from the preview that every
// run computes first); the preview names what is missing.

// ErrVATIssuerMissing refuses posting VAT lines without the issuer's details.
var ErrVATIssuerMissing = &validation.Problem{Status: http.StatusUnprocessableEntity, Code: "billing.vat.issuer_missing"}

// IssuerSetting is an issuer detail a VAT invoice needs, with the settings
// page it is entered on.
type IssuerSetting struct {
	Field string // "issuer_kvk", "issuer_vat_id" (billing settings) or "landlord_address" (lease settings)
	Page  string // "finance" or "leases": /o/<org>/<page>/settings
}

// issuerMissing lists the details a VAT invoice needs that are not set.
func issuerMissing(st Settings, ls lease.Settings) []IssuerSetting {
	var out []IssuerSetting
	if strings.TrimSpace(st.IssuerKvK) == "" {
		out = append(out, IssuerSetting{"issuer_kvk", "finance"})
	}
	if strings.TrimSpace(st.IssuerVATID) == "" {
		out = append(out, IssuerSetting{"issuer_vat_id", "finance"})
	}
	if strings.TrimSpace(ls.LandlordAddress) == "" {
		out = append(out, IssuerSetting{"landlord_address", "leases"})
	}
	return out
}

// missingForVAT reads the settings and lists what a VAT invoice lacks.
func (s *Service) missingForVAT(ctx context.Context, tx *db.Tx, st Settings) ([]IssuerSetting, error) {
	ls, err := s.leases.DocumentSettingsTx(ctx, tx)
	if err != nil {
		return nil, err
	}
	return issuerMissing(st, ls), nil
}
