package billing

import (
	"context"
	"net/http"
	"strings"

	"hms/internal/orgprofile"
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

// IssuerSetting is an issuer detail a VAT invoice needs: a field of the
// organisation's details (/o/<org>/settings/organisation).
type IssuerSetting struct {
	Field string // "kvk", "vat_id", "street", "house_number", "postcode" or "city"
	Page  string // "settings/organisation": /o/<org>/<page>
}

// issuerMissing lists the details a VAT invoice needs that are not set.
func issuerMissing(p orgprofile.Profile) []IssuerSetting {
	var out []IssuerSetting
	for _, f := range []struct{ field, v string }{{"kvk", p.KvK}, {"vat_id", p.VATID}, {"street", p.Street},
		{"house_number", p.HouseNumber}, {"postcode", p.Postcode}, {"city", p.City}} {
		if strings.TrimSpace(f.v) == "" {
			out = append(out, IssuerSetting{f.field, "settings/organisation"})
		}
	}
	return out
}

// missingForVAT reads the details and lists what a VAT invoice lacks.
func (s *Service) missingForVAT(ctx context.Context, tx *db.Tx, _ Settings) ([]IssuerSetting, error) {
	p, err := orgprofile.LoadTx(ctx, tx)
	if err != nil {
		return nil, err
	}
	return issuerMissing(p), nil
}
