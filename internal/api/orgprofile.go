package api

import (
	"context"
	"net/http"

	"hms/internal/account"
	"hms/internal/orgprofile"
)

// The organisation's details every document prints (orgprofile): read with
// GET /organisation (details), replaced with PUT /organisation.

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodPut, "/organisation", "update-organisation",
			"Replace the organisation's details printed on every document (KvK number, VAT id and postcode are checked)",
			account.PermPortfolioWrite, a.updateOrganisation)
	})
}

// OrgDetailsJSON are the organisation's details.
type OrgDetailsJSON struct {
	LegalName       string `json:"legal_name" maxLength:"120" doc:"Empty: the organisation's name"`
	Street          string `json:"street" maxLength:"120"`
	HouseNumber     string `json:"house_number" maxLength:"20"`
	Postcode        string `json:"postcode" maxLength:"10" doc:"1234 AB"`
	City            string `json:"city" maxLength:"80"`
	Email           string `json:"email" maxLength:"254"`
	Phone           string `json:"phone" maxLength:"40"`
	KvK             string `json:"kvk" maxLength:"20" doc:"KvK number: 8 digits"`
	VATID           string `json:"vat_id" maxLength:"20" doc:"btw-id, e.g. NL000099998B57"`
	PaymentTermDays int    `json:"payment_term_days,omitempty" minimum:"0" maximum:"365" doc:"Late rent run: days to pay (0: 14)"`
	LogoType        string `json:"logo_type,omitempty" readOnly:"true" doc:"image/png or image/jpeg when a logo is set"`
	// Logo replaces the logo (PNG or JPEG, base64); absent keeps it.
	Logo       []byte   `json:"logo,omitempty" writeOnly:"true" doc:"New logo, PNG or JPEG (base64, at most 512 kB); absent keeps it"`
	RemoveLogo bool     `json:"remove_logo,omitempty" writeOnly:"true" doc:"Remove the logo"`
	Missing    []string `json:"missing,omitempty" readOnly:"true" doc:"Details documents should carry that are not set"`
}

func orgDetailsJSON(p orgprofile.Profile) OrgDetailsJSON {
	return OrgDetailsJSON{LegalName: p.LegalName, Street: p.Street, HouseNumber: p.HouseNumber, Postcode: p.Postcode, City: p.City,
		Email: p.Email, Phone: p.Phone, KvK: p.KvK, VATID: p.VATID, PaymentTermDays: p.PaymentTermDays, LogoType: p.LogoType,
		Missing: p.Missing()}
}

// UpdateOrganisationInput replaces the details.
type UpdateOrganisationInput struct {
	Body OrgDetailsJSON
}

func (a *API) updateOrganisation(ctx context.Context, act account.Actor, in *UpdateOrganisationInput) (*OrganisationOutput, error) {
	b := in.Body
	if err := a.OrgProfile.Save(ctx, act, orgprofile.Input{LegalName: b.LegalName, Street: b.Street, HouseNumber: b.HouseNumber,
		Postcode: b.Postcode, City: b.City, Email: b.Email, Phone: b.Phone, KvK: b.KvK, VATID: b.VATID,
		PaymentTermDays: b.PaymentTermDays, Logo: b.Logo, RemoveLogo: b.RemoveLogo}); err != nil {
		return nil, err
	}
	return a.getOrganisation(ctx, act, nil)
}

func (a *API) getOrganisation(ctx context.Context, act account.Actor, _ *empty) (*OrganisationOutput, error) {
	o, err := a.Accounts.Organisation(ctx, act)
	if err != nil {
		return nil, err
	}
	p, err := a.OrgProfile.Get(ctx, act)
	if err != nil {
		return nil, err
	}
	out := &OrganisationOutput{}
	out.Body.Slug, out.Body.Name, out.Body.CreatedAt, out.Body.TrialEndsAt = o.Slug, o.Name, o.CreatedAt, o.TrialEndsAt
	out.Body.Details = orgDetailsJSON(p)
	return out, nil
}

// OrgMissingJSON is a detail of the organisation that documents print but
// that is not set: previews and send plans list them as a warning.
type OrgMissingJSON struct {
	Field        string `json:"field" doc:"The field of PUT /organisation"`
	Message      string `json:"message" doc:"The field's name in the asked language"`
	SettingsPage string `json:"settings_page" doc:"The page where a person sets it"`
}

// orgMissing is the warning before a run or a send when the details every
// document prints are incomplete (empty when they are complete).
func (a *API) orgMissing(ctx context.Context, act account.Actor) ([]OrgMissingJSON, error) {
	missing, err := a.OrgProfile.Missing(ctx, act)
	if err != nil {
		return nil, err
	}
	lang := langFrom(ctx)
	out := make([]OrgMissingJSON, 0, len(missing))
	for _, f := range missing {
		out = append(out, OrgMissingJSON{Field: f, Message: a.Texts.T(lang, "orgprofile.field."+f, nil),
			SettingsPage: "/o/" + act.OrgSlug + "/settings/organisation"})
	}
	return out, nil
}
