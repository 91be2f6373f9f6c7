package api

import (
	"context"
	"net/http"
	"time"

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

// Access grants (PRIVACY.md P14): the organisation's owners see what HMS
// staff asked for and decide; staff ask in the console, not through the API.

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodGet, "/access-grants", "get-access-grants",
			"The access HMS staff asked for, with its state, and what staff opened under grants (owners)",
			account.PermMembersManage, a.listAccessGrants)
		for _, d := range []struct{ path, id, summary string }{
			{"approve", "approve-access-grant", "Allow a staff member's request, read-only, for the hours asked (owners)"},
			{"refuse", "refuse-access-grant", "Refuse a staff member's request (owners)"},
			{"end", "end-access-grant", "End an allowed grant before its time (owners)"},
		} {
			op(a, http.MethodPost, "/access-grants/{id}/"+d.path, d.id, d.summary, account.PermMembersManage,
				func(ctx context.Context, act account.Actor, in *idPath) (*AccessGrantsOutput, error) {
					var err error
					switch d.path {
					case "approve":
						err = a.Accounts.DecideGrant(ctx, act, in.ID, true)
					case "refuse":
						err = a.Accounts.DecideGrant(ctx, act, in.ID, false)
					default:
						err = a.Accounts.EndGrant(ctx, act, in.ID)
					}
					if err != nil {
						return nil, err
					}
					return a.listAccessGrants(ctx, act, nil)
				})
		}
	})
}

// AccessGrantJSON is a staff member's request for access.
type AccessGrantJSON struct {
	ID          int64              `json:"id"`
	Staff       string             `json:"staff" doc:"The staff member's name"`
	Reason      string             `json:"reason"`
	Hours       int                `json:"hours"`
	State       account.GrantState `json:"state"`
	RequestedAt time.Time          `json:"requested_at"`
	ExpiresAt   *time.Time         `json:"expires_at,omitempty" doc:"When an allowed grant ends by itself"`
}

// StaffRequestJSON is what a staff member opened under a grant.
type StaffRequestJSON struct {
	At      time.Time `json:"at"`
	StaffID int64     `json:"staff_user_id"`
	Request string    `json:"request" doc:"Method and path"`
}

// AccessGrantsOutput lists the grants and the staff's requests.
type AccessGrantsOutput struct {
	Body struct {
		Grants   []AccessGrantJSON  `json:"grants"`
		Requests []StaffRequestJSON `json:"requests" doc:"The latest 200, newest first"`
	}
}

func (a *API) listAccessGrants(ctx context.Context, act account.Actor, _ *empty) (*AccessGrantsOutput, error) {
	gs, err := a.Accounts.Grants(ctx, act)
	if err != nil {
		return nil, err
	}
	reqs, err := a.Accounts.StaffRequests(ctx, act, 200)
	if err != nil {
		return nil, err
	}
	out := &AccessGrantsOutput{}
	out.Body.Grants, out.Body.Requests = make([]AccessGrantJSON, 0, len(gs)), make([]StaffRequestJSON, 0, len(reqs))
	for _, g := range gs {
		j := AccessGrantJSON{ID: g.ID, Staff: g.StaffName, Reason: g.Reason, Hours: g.Hours, State: g.Shown(), RequestedAt: g.RequestedAt}
		if !g.ExpiresAt.IsZero() {
			j.ExpiresAt = &g.ExpiresAt
		}
		out.Body.Grants = append(out.Body.Grants, j)
	}
	for _, r := range reqs {
		out.Body.Requests = append(out.Body.Requests, StaffRequestJSON{At: r.At, StaffID: r.ActorUserID, Request: r.TargetID})
	}
	return out, nil
}
