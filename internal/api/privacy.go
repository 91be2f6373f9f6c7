package api

import (
	"context"
	"net/http"

	"hms/internal/account"
	"hms/internal/privacy"
)

// The register of processing activities (GDPR art. 30; PRIVACY.md P1), as
// the organisation's back office shows it.

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodGet, "/privacy/register", "get-processing-register",
			"The register of processing activities: what HMS processes for the organisation (as processor) and for its users (as controller)",
			account.PermOrgRead, a.processingRegister)
		op(a, http.MethodGet, "/privacy/recipients", "get-privacy-recipients",
			"The register of recipients and sub-processors: who receives personal data from HMS, for what, and in which country",
			account.PermOrgRead, a.privacyRecipients)
	})
}

// ProcessingRegisterOutput is the register in the asked language.
type ProcessingRegisterOutput struct {
	Body struct {
		Controller string                  `json:"controller" doc:"The organisation: controller of the processing HMS does as processor"`
		Activities []privacy.RegisterEntry `json:"activities"`
	}
}

func (a *API) processingRegister(ctx context.Context, act account.Actor, _ *empty) (*ProcessingRegisterOutput, error) {
	o, err := a.Accounts.Organisation(ctx, act)
	if err != nil {
		return nil, err
	}
	out := &ProcessingRegisterOutput{}
	out.Body.Controller = o.Name
	out.Body.Activities = privacy.RegisterEntries(langFrom(ctx))
	return out, nil
}

// RecipientEntry is one recipient or sub-processor (PRIVACY.md P17, P18).
type RecipientEntry struct {
	Key      string           `json:"key"`
	Name     string           `json:"name"`
	Purpose  string           `json:"purpose"`
	Country  string           `json:"country" doc:"ISO 3166-1 alpha-2"`
	Location privacy.Location `json:"location" doc:"eea: no transfer; adequate: outside the EEA on an adequacy decision"`
}

// RecipientsOutput is the register in the asked language.
type RecipientsOutput struct {
	Body struct {
		Recipients []RecipientEntry `json:"recipients"`
	}
}

func (a *API) privacyRecipients(ctx context.Context, _ account.Actor, _ *empty) (*RecipientsOutput, error) {
	lang := langFrom(ctx)
	out := &RecipientsOutput{}
	out.Body.Recipients = []RecipientEntry{}
	for _, r := range a.Privacy.Recipients() {
		out.Body.Recipients = append(out.Body.Recipients, RecipientEntry{Key: r.Key, Name: r.Name.In(lang),
			Purpose: r.Purpose.In(lang), Country: r.Country, Location: r.Location()})
	}
	return out, nil
}
