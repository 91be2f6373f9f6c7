package api

import (
	"context"
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/subscription"
)

// Cancellation over the API (issue 14): POST /subscription/cancel cancels
// at the end of the paid period, DELETE undoes it before it takes effect,
// GET reads it. Owners only (the service refuses other roles).

func init() {
	areas = append(areas, func(a *API) {
		op(a, http.MethodGet, "/subscription/cancel", "get-cancellation",
			"The organisation's cancellation: when it takes effect and until when the export can be downloaded",
			account.PermMembersManage, a.getCancellation)
		op(a, http.MethodPost, "/subscription/cancel", "cancel-subscription",
			"Cancel at the end of the paid period (subscribed: the end of the month; in trial: the trial's end); the owners "+
				"are mailed the dates. Cancelling again answers the first cancellation.",
			account.PermMembersManage, a.cancelSubscription)
		op(a, http.MethodDelete, "/subscription/cancel", "undo-cancellation",
			"Undo the cancellation before it takes effect (409 after)", account.PermMembersManage, a.undoCancellation)
	})
}

// CancellationOutput is a cancellation's dates.
type CancellationOutput struct {
	Body struct {
		State       subscription.State `json:"state"`
		RequestedAt time.Time          `json:"requested_at"`
		LastDay     civil.Date         `json:"last_day" doc:"The last day the organisation can be used in full"`
		EffectiveAt time.Time          `json:"effective_at" doc:"From then the organisation is read-only"`
		ExportUntil civil.Date         `json:"export_until" doc:"The last day the export (GET /export) can be downloaded"`
		ShredAt     time.Time          `json:"shred_at" doc:"When the organisation's data is destroyed"`
		ShreddedAt  *time.Time         `json:"shredded_at,omitempty"`
	}
}

func cancellationOut(c *subscription.Cancellation, st subscription.State) *CancellationOutput {
	out := &CancellationOutput{}
	b := &out.Body
	b.State, b.RequestedAt, b.LastDay, b.EffectiveAt, b.ExportUntil, b.ShredAt = st, c.RequestedAt, c.LastDay(), c.EffectiveAt,
		c.ExportUntil(), c.ShredAt
	if c.Shredded() {
		t := c.ShreddedAt
		b.ShreddedAt = &t
	}
	return out
}

func (a *API) getCancellation(ctx context.Context, act account.Actor, _ *empty) (*CancellationOutput, error) {
	if _, err := a.Subscriptions.CancelPreview(ctx, act); err != nil { // owners only
		return nil, err
	}
	st, err := a.Subscriptions.StandingOf(ctx, act.OrgID)
	if err != nil {
		return nil, err
	}
	if st.Cancellation == nil {
		return nil, subscription.ErrNotCancelled
	}
	return cancellationOut(st.Cancellation, st.State), nil
}

func (a *API) cancelSubscription(ctx context.Context, act account.Actor, _ *empty) (*CancellationOutput, error) {
	if _, err := a.Subscriptions.Cancel(ctx, act); err != nil {
		return nil, err
	}
	return a.getCancellation(ctx, act, nil)
}

func (a *API) undoCancellation(ctx context.Context, act account.Actor, _ *empty) (*NoContent, error) {
	if err := a.Subscriptions.Undo(ctx, act); err != nil {
		return nil, err
	}
	return &NoContent{Status: http.StatusNoContent}, nil
}
