package lease

import (
	"context"
	"errors"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
)

// The lease service reads units from the portfolio and people from
// relations only through these few calls.

// unitFacts returns the facts of the units that exist; unknown ids are left
// out.
func (s *Service) unitFacts(ctx context.Context, tx *db.Tx, ids []int64) (map[int64]Unit, error) {
	out := make(map[int64]Unit, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	fs, err := s.portfolio.UnitFacts(ctx, tx, ids...)
	if errors.Is(err, validation.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for id, f := range fs {
		out[id] = Unit{ID: f.ID, ComplexID: f.ComplexID, Address: f.Address, Residential: f.Residential, Segment: f.Segment}
	}
	return out, nil
}

// partyFacts reads people's display data from relations, which logs the
// access with purpose.
func (s *Service) partyFacts(ctx context.Context, tx *db.Tx, a account.Actor, purpose string, ids []int64) (map[int64]Party, error) {
	out := make(map[int64]Party, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	fs, err := s.relations.PartyFacts(ctx, tx, a, purpose, ids...)
	if err != nil {
		return nil, err
	}
	for id, f := range fs {
		out[id] = Party{ID: f.ID, Name: f.DisplayName, Address: f.Address}
	}
	return out, nil
}

func (s *Service) checkTenantAge(ctx context.Context, tx *db.Tx, id int64) error {
	return s.relations.CheckTenantAge(ctx, tx, id)
}

func (s *Service) markTenant(ctx context.Context, tx *db.Tx, a account.Actor, id int64) error {
	return s.relations.MarkTenantTx(ctx, tx, a, id)
}

// Occupancy is the portfolio's view of leases: unit statuses, and which
// units a lease names. It reads only lease tables in the caller's
// transaction and needs nothing of the Service, so app can give it to the
// portfolio service that the lease service is built on, without a cycle.
type Occupancy struct{}

var (
	_ portfolio.Occupancy    = Occupancy{}
	_ portfolio.UnitReferrer = Occupancy{}
)

// UnitStatus implements portfolio.Occupancy: a unit is let when a lease
// covers it on day on, under notice when that lease has an active
// termination ending after on, and vacant otherwise.
func (Occupancy) UnitStatus(ctx context.Context, tx *db.Tx, unitIDs []int64, on civil.Date) (map[int64]portfolio.Status, error) {
	occ, err := unitStatus(ctx, tx, unitIDs, on)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]portfolio.Status, len(occ))
	for id, o := range occ {
		switch o {
		case let:
			out[id] = portfolio.StatusLet
		case noticeGiven:
			out[id] = portfolio.StatusNotice
		default:
			out[id] = portfolio.StatusVacant
		}
	}
	return out, nil
}

// UnitsInUse implements portfolio.UnitReferrer: a unit that any lease
// names, past or future, may not be deleted.
func (Occupancy) UnitsInUse(ctx context.Context, tx *db.Tx, unitIDs []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(unitIDs))
	if len(unitIDs) == 0 {
		return out, nil
	}
	used, err := leasedUnitIDs(ctx, tx, unitIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range used {
		out[id] = true
	}
	return out, nil
}
