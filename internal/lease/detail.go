package lease

import (
	"context"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// PriceDate is the day whose components describe the lease on day today:
// today, or the start of a lease that has not started yet. The lease page,
// the API and the tenant information show the amounts of this day.
func (l *Lease) PriceDate(today civil.Date) civil.Date {
	if today.Before(l.Start) {
		return l.Start
	}
	return today
}

// Detail is a lease as its page shows it, with the rules of the lease
// applied on today by the service (not again by each page).
type Detail struct {
	Lease        *Lease
	Today        civil.Date
	Status       Status
	PriceDate    civil.Date  // see Lease.PriceDate
	Current      []Component // valid on PriceDate
	CurrentTotal money.Cents // of Current, excluding VAT
	Documents    []Document
	// LandlordMonths is the landlord's notice period if notice were given
	// today: the lease's own, or the statutory rule.
	LandlordMonths int
	// CanWithdraw: notice was given, it may still be withdrawn today, and
	// the actor may do it.
	CanWithdraw bool
}

// Detail reads a lease with its documents and the rules of today, in one
// transaction; like Get it records that the actor viewed the parties.
func (s *Service) Detail(ctx context.Context, a account.Actor, id int64) (*Detail, error) {
	if !a.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var d *Detail
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		l, err := loadLease(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.fillFacts(ctx, tx, a, PurposeView, []*Lease{l}); err != nil {
			return err
		}
		docs, err := listDocuments(ctx, tx, id)
		if err != nil {
			return err
		}
		today := s.today()
		d = &Detail{Lease: l, Today: today, Status: l.StatusOn(today), PriceDate: l.PriceDate(today), Documents: docs,
			LandlordMonths: s.noticeMonths(l, ByLandlord, today),
			CanWithdraw:    a.Can(account.PermPortfolioWrite) && withdrawable(l.Termination, today) == nil}
		d.Current = l.ComponentsOn(d.PriceDate)
		d.CurrentTotal = l.TotalOn(d.PriceDate)
		return nil
	})
	return d, err
}

// withdrawable is the part of WithdrawNotice's rule that needs no other
// lease: notice was given and the lease has not ended yet.
func withdrawable(t *Termination, today civil.Date) error {
	if t == nil {
		return ErrNoNotice
	}
	if today.After(t.EndDate) {
		return ErrWithdrawTooLate
	}
	return nil
}
