package lease

import (
	"context"

	"hms/internal/account"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// History is the leases of one unit or one tenant as their record page
// shows them: what runs today, what starts later and what has ended.
type History struct {
	Current  []Summary // running today (with or without notice given), latest start first
	Upcoming []Summary // starting later
	Former   []Summary // ended, latest start first
}

// historyCap bounds how many leases of one unit or tenant a page lists.
const historyCap = 200

// History lists the leases of f.UnitID or f.TenantID (one of them is
// required), grouped by their status today.
func (s *Service) History(ctx context.Context, a account.Actor, f ListFilter) (History, error) {
	var h History
	if f.UnitID == 0 && f.TenantID == 0 {
		return h, validation.Errors{"unit_id": "field.required"}
	}
	page, err := s.List(ctx, a, listing.Query{Sort: "start_date", Desc: true, Limit: historyCap}, ListFilter{UnitID: f.UnitID,
		TenantID: f.TenantID})
	if err != nil {
		return h, err
	}
	for _, l := range page.Items {
		switch l.Status {
		case StatusActive, StatusNotice:
			h.Current = append(h.Current, l)
		case StatusUpcoming:
			h.Upcoming = append(h.Upcoming, l)
		default:
			h.Former = append(h.Former, l)
		}
	}
	return h, nil
}
