package api

import (
	"context"
	"net/http"

	"hms/internal/account"
	"hms/internal/privacy"
	"hms/internal/privacy/guard"
)

// The organisation's privacy settings: optional personal-data fields (P5)
// and the guard mode of free text (P10). Changing them is for owners.

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodGet, "/privacy/settings", "get-privacy-settings", "The organisation's privacy settings",
			account.PermOrgRead, a.privacySettings)
		op(a, http.MethodPut, "/privacy/settings", "update-privacy-settings", "Replace the organisation's privacy settings (owners)",
			account.PermMembersManage, a.privacySettingsUpdate)
	})
}

// OptionalFieldBody is one optional personal-data field.
type OptionalFieldBody struct {
	Enabled bool   `json:"enabled"`
	Purpose string `json:"purpose,omitempty" doc:"Why the organisation needs it; required (10–500 characters) when enabled"`
}

// PrivacySettingsBody is the organisation's privacy settings.
type PrivacySettingsBody struct {
	GuardMode      guard.Mode                   `json:"guard_mode" doc:"On a BSN or special data in free text: warn (ask a reason) or refuse"`
	OptionalFields map[string]OptionalFieldBody `json:"optional_fields" doc:"By field: birth_place, nationality; a field left out is off"`
}

// PrivacySettingsOutput answers with the settings.
type PrivacySettingsOutput struct {
	Body PrivacySettingsBody
}

func (a *API) privacySettings(ctx context.Context, act account.Actor, _ *struct{}) (*PrivacySettingsOutput, error) {
	st, err := a.Privacy.Settings(ctx, act)
	if err != nil {
		return nil, err
	}
	out := &PrivacySettingsOutput{Body: PrivacySettingsBody{GuardMode: st.GuardMode, OptionalFields: map[string]OptionalFieldBody{}}}
	for _, f := range privacy.OptionalFields {
		of := st.Fields[f]
		out.Body.OptionalFields[f] = OptionalFieldBody{Enabled: of.Enabled, Purpose: of.Purpose}
	}
	return out, nil
}

// PrivacySettingsInput replaces the settings.
type PrivacySettingsInput struct {
	Body PrivacySettingsBody
}

func (a *API) privacySettingsUpdate(ctx context.Context, act account.Actor, in *PrivacySettingsInput) (*NoContent, error) {
	st := privacy.SettingsInput{Enabled: map[string]bool{}, Purposes: map[string]string{}, GuardMode: in.Body.GuardMode}
	for f, of := range in.Body.OptionalFields {
		st.Enabled[f], st.Purposes[f] = of.Enabled, of.Purpose
	}
	if err := a.Privacy.UpdateSettings(ctx, act, st); err != nil {
		return nil, err
	}
	return &NoContent{Status: http.StatusNoContent}, nil
}
