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
