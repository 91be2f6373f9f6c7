package subscription

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	hmsmail "hms/internal/platform/mail"
	"hms/internal/platform/validation"
)

// Cancellation (issue 14): an owner cancels; it takes effect at the end of
// the paid period (subscribed: the end of the calendar month HMS invoiced
// in advance, or of the paid-through month when later; in trial: the
// trial's end; otherwise at once). From then the organisation is read-only
// (StateCancelled) and its owners can download the whole export until the
// shred, ShredAfterDays later, when the daily job subscription.shred
// crypto-shreds it (shred.go).

// StateCancelled: the cancellation took effect; read-only until the shred.
const StateCancelled State = "cancelled"

// DefaultShredAfterDays is the period after the effective date in which
// the export can still be downloaded (HMS_CANCEL_SHRED_DAYS).
const DefaultShredAfterDays = 60

// ErrCancelEffective refuses undoing a cancellation that took effect.
var ErrCancelEffective = &validation.Problem{Status: 409, Code: "subscription.cancel_effective"}

// ErrNotCancelled: the organisation has no cancellation to show.
var ErrNotCancelled = &validation.Problem{Status: 404, Code: "subscription.not_cancelled"}

// ErrNothingToUndo refuses undoing a cancellation that is not there: the
// request conflicts with the organisation's state, the page itself is found.
var ErrNothingToUndo = &validation.Problem{Status: 409, Code: "subscription.not_cancelled"}

// Cancellation is an organisation's cancellation.
type Cancellation struct {
	OrgID       int64
	RequestedAt time.Time
	RequestedBy int64
	EffectiveAt time.Time // the first moment it is cancelled (read-only)
	ShredAt     time.Time // the moment the organisation is shredded
	ShreddedAt  time.Time // zero: not yet
	Recipients  int       // owners the shred confirmation went to
}

// LastDay is the last day the organisation can still be used in full.
func (c Cancellation) LastDay() civil.Date { return civil.Today(c.EffectiveAt.Add(-time.Second)) }

// ExportUntil is the last day the export can be downloaded.
func (c Cancellation) ExportUntil() civil.Date { return civil.Today(c.ShredAt.Add(-time.Second)) }

// Effective reports whether the cancellation has taken effect at now.
func (c Cancellation) Effective(now time.Time) bool { return !now.Before(c.EffectiveAt) }

// Shredded reports whether the organisation was shredded.
func (c Cancellation) Shredded() bool { return !c.ShreddedAt.IsZero() }

func amsterdam() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC
	}
	return loc
}

// startOfDayAfter is midnight in Amsterdam at the start of the day after d.
func startOfDayAfter(d civil.Date) time.Time {
	n := d.AddDays(1)
	return time.Date(n.Year, n.Month, n.Day, 0, 0, 0, 0, amsterdam())
}

// effectiveAt is when a cancellation asked at now takes effect.
func effectiveAt(st Standing, paidThrough civil.Date, now time.Time) time.Time {
	switch st.State {
	case StateActive:
		end := civil.Today(now).LastOfMonth()
		if paidThrough.After(end) {
			end = paidThrough.LastOfMonth()
		}
		return startOfDayAfter(end)
	case StateTrial:
		return st.TrialEndsAt
	}
	return now
}

func (s *Service) shredAfter() int {
	if s.shredDays > 0 {
		return s.shredDays
	}
	return DefaultShredAfterDays
}

// ShredAfterDays is the configured period between the effective date and
// the shred.
func (s *Service) ShredAfterDays() int { return s.shredAfter() }

// Cancel records the owner's cancellation and mails the owners the dates:
// when it takes effect and until when the export can be downloaded.
// Cancelling again changes nothing and answers the first cancellation.
func (s *Service) Cancel(ctx context.Context, a account.Actor) (*Cancellation, error) {
	if a.Role != account.Owner || !a.Can(account.PermMembersManage) {
		return nil, validation.ErrForbidden
	}
	now := s.clk.Now()
	var out *Cancellation
	err := s.db.System(ctx, func(tx *db.Tx) error {
		old, err := cancellationTx(ctx, tx, a.OrgID)
		if err != nil && !errors.Is(err, validation.ErrNotFound) {
			return err
		}
		if old != nil {
			out = old
			return nil
		}
		c, err := s.planTx(ctx, tx, a, now)
		if err != nil {
			return err
		}
		if err = insertCancellationTx(ctx, tx, c); err != nil {
			return err
		}
		if err := s.mailOwners(ctx, tx, a.OrgID, "mail.cancel", c); err != nil {
			return err
		}
		out = &c
		return s.record(ctx, tx, a.UserID, actorKind(a), "subscription.cancelled", "organisation", a.OrgID,
			map[string]string{"effective": c.LastDay().String(), "shred": c.ExportUntil().String()})
	})
	return out, err
}

// planTx is the cancellation a asks at now: its dates.
func (s *Service) planTx(ctx context.Context, tx *db.Tx, a account.Actor, now time.Time) (Cancellation, error) {
	trial, subscribed, _, err := standingTx(ctx, tx, a.OrgID)
	if err != nil {
		return Cancellation{}, err
	}
	st := standingAt(trial, subscribed, now)
	var paid civil.Date
	if subscribed {
		row, err := readSubscriptionTx(ctx, tx, a.OrgID)
		if err != nil {
			return Cancellation{}, err
		}
		paid = row.PaidThrough
	}
	eff := effectiveAt(st, paid, now)
	c := Cancellation{OrgID: a.OrgID, RequestedAt: now, RequestedBy: a.UserID, EffectiveAt: eff}
	last := c.LastDay()
	if !eff.After(now) {
		last = civil.Today(now)
	}
	c.ShredAt = startOfDayAfter(last.AddDays(s.shredAfter()))
	return c, nil
}

// CancelPreview is the cancellation the owner would make now, for the
// confirmation: when it would take effect and until when the export could
// be downloaded. Nothing is recorded.
func (s *Service) CancelPreview(ctx context.Context, a account.Actor) (Cancellation, error) {
	if a.Role != account.Owner || !a.Can(account.PermMembersManage) {
		return Cancellation{}, validation.ErrForbidden
	}
	var c Cancellation
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		c, err = s.planTx(ctx, tx, a, s.clk.Now())
		return err
	})
	return c, err
}

// Undo withdraws the cancellation before it takes effect.
func (s *Service) Undo(ctx context.Context, a account.Actor) error {
	if a.Role != account.Owner || !a.Can(account.PermMembersManage) {
		return validation.ErrForbidden
	}
	now := s.clk.Now()
	return s.db.System(ctx, func(tx *db.Tx) error {
		c, err := cancellationTx(ctx, tx, a.OrgID)
		if errors.Is(err, validation.ErrNotFound) {
			return ErrNothingToUndo
		}
		if err != nil {
			return err
		}
		if c.Effective(now) {
			return ErrCancelEffective
		}
		if err := deleteCancellationTx(ctx, tx, a.OrgID); err != nil {
			return err
		}
		if err := s.mailOwners(ctx, tx, a.OrgID, "mail.cancel_undone", *c); err != nil {
			return err
		}
		return s.record(ctx, tx, a.UserID, actorKind(a), "subscription.cancel_undone", "organisation", a.OrgID, nil)
	})
}

// CancellationOf is organisation orgID's cancellation (ErrNotFound: none).
func (s *Service) CancellationOf(ctx context.Context, orgID int64) (*Cancellation, error) {
	var out *Cancellation
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		out, err = cancellationTx(ctx, tx, orgID)
		return err
	})
	return out, err
}

// resumeTx decides what a subscription at now does with the organisation's
// cancellation: none, nothing (false); pending, ErrCancelPending; taken
// effect, withdrawn so the shred no longer happens (true); shredded, there
// is nothing left to subscribe for (ErrCancelEffective).
func (s *Service) resumeTx(ctx context.Context, tx *db.Tx, orgID int64, now time.Time) (bool, error) {
	c, err := cancellationTx(ctx, tx, orgID)
	switch {
	case errors.Is(err, validation.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	case c.Shredded():
		return false, ErrCancelEffective
	case !c.Effective(now):
		return false, ErrCancelPending
	}
	if err := deleteCancellationTx(ctx, tx, orgID); err != nil {
		return false, err
	}
	return true, nil
}

// cancelledBy reports whether orgID's cancellation took effect by at (the
// monthly invoice run skips such an organisation).
func cancelledBy(ctx context.Context, tx *db.Tx, orgID int64, at time.Time) (bool, error) {
	c, err := cancellationTx(ctx, tx, orgID)
	if errors.Is(err, validation.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.Effective(at), nil
}

// withCancellation completes a standing with the organisation's
// cancellation: pending (shown) or effective (StateCancelled, read-only).
func withCancellation(ctx context.Context, tx *db.Tx, orgID int64, st *Standing, now time.Time) error {
	c, err := cancellationTx(ctx, tx, orgID)
	if errors.Is(err, validation.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	st.Cancellation = c
	if c.Effective(now) {
		st.State, st.DaysLeft = StateCancelled, 0
	}
	return nil
}

// mailOwners mails every owner of orgID the message key (subject and body)
// with the cancellation's dates, in their language.
func (s *Service) mailOwners(ctx context.Context, tx *db.Tx, orgID int64, key string, c Cancellation) error {
	owners, err := s.owners.OwnerContacts(ctx, tx, orgID)
	if err != nil {
		return err
	}
	name, slug, err := orgNameTx(ctx, tx, orgID)
	if err != nil {
		return err
	}
	for _, o := range owners {
		if err := s.sendCancelMail(ctx, tx, o, key, name, slug, c, ""); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) sendCancelMail(ctx context.Context, tx *db.Tx, o account.OwnerContact, key, name, slug string, c Cancellation,
	destroyed string) error {
	data := map[string]any{"Organisation": name, "LastDay": c.LastDay().Long(o.Lang), "ExportUntil": c.ExportUntil().Long(o.Lang),
		"Days": s.shredAfter(), "Link": s.baseURL() + "/o/" + slug + "/settings/subscription",
		"Export": s.baseURL() + "/o/" + slug + "/settings/export", "Destroyed": destroyed}
	if _, err := s.outbox.Send(ctx, tx, hmsmail.Message{To: o.Email, Subject: s.texts.T(o.Lang, key+".subject", data),
		Text: s.texts.T(o.Lang, key+".body", data)}); err != nil {
		return fmt.Errorf("subscription: %s mail: %w", key, err)
	}
	return nil
}
