package dunning

import (
	"context"
	"slices"

	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/relation"
)

// What dunning knows of an organisation's arrears on a day: the ledger's
// open charges, which of them a plan covers or a hand-over holds, and the
// stage each reached. Propose and Send both decide from it, so what a person
// confirms is what the run proposed, recomputed from the books of now.

// reached is the highest letter stage a charge reached.
type reached struct {
	stage    Stage
	on       civil.Date // the letter's date (or the day the proposal was dismissed)
	deadline civil.Date // a final letter's last day to pay
	letterID int64      // 0: dismissed, no letter
}

// better reports whether r is further than o: a higher stage, or the same
// stage later.
func (r reached) better(o reached) bool {
	if r.stage.rank() != o.stage.rank() {
		return r.stage.rank() > o.stage.rank()
	}
	return r.on.After(o.on)
}

type books struct {
	today   civil.Date
	st      Settings
	open    map[int64][]ledger.Charge // by lease: charges open today, oldest due first
	byID    map[int64]ledger.Charge
	covered map[int64]int64 // charge → active plan
	held    map[int64]int64 // charge → hand-over proposal that waits or was approved
	reached map[int64]reached
}

// loadBooks reads the organisation's arrears on today.
func (s *Service) loadBooks(ctx context.Context, tx *db.Tx, today civil.Date) (*books, error) {
	st, err := loadSettings(ctx, tx)
	if err != nil {
		return nil, err
	}
	b := &books{today: today, st: st, open: map[int64][]ledger.Charge{}, byID: map[int64]ledger.Charge{}}
	cs, err := ledger.OpenOnTx(ctx, tx, today)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		b.open[c.LeaseID] = append(b.open[c.LeaseID], c)
		b.byID[c.ID] = c
	}
	if b.covered, err = coveredCharges(ctx, tx); err != nil {
		return nil, err
	}
	if b.held, err = handedOver(ctx, tx); err != nil {
		return nil, err
	}
	if b.reached, err = reachedOf(ctx, tx); err != nil {
		return nil, err
	}
	return b, nil
}

// dunnable are a lease's charges that are overdue today and neither
// covered by an active plan nor handed over.
func (b *books) dunnable(leaseID int64) []ledger.Charge {
	var out []ledger.Charge
	for _, c := range b.open[leaseID] {
		if !c.DueDate.Before(b.today) {
			continue
		}
		if _, ok := b.covered[c.ID]; ok {
			continue
		}
		if _, ok := b.held[c.ID]; ok {
			continue
		}
		out = append(out, c)
	}
	return out
}

// next is the stage that follows what charge c reached, and the day it is
// due: the stage's days after the due date, and at least as long after the
// previous letter as the stages are apart; a hand-over the day after the
// final letter's term and the hand-over days. A final stage dismissed
// without a letter has no next stage.
func (b *books) next(c ledger.Charge, consumer bool) (Stage, civil.Date) {
	r := b.reached[c.ID]
	final := StageDemand
	if consumer {
		final = StageWIK
	}
	step := func(s Stage) (Stage, civil.Date) {
		at := c.DueDate.AddDays(b.st.days(s))
		if r.stage != "" {
			if after := r.on.AddDays(b.st.days(s) - b.st.days(r.stage)); after.After(at) {
				at = after
			}
		}
		return s, at
	}
	switch r.stage {
	case "":
		return step(StageReminder)
	case StageReminder:
		return step(StageNotice)
	case StageNotice:
		return step(final)
	case StageWIK, StageDemand:
		if r.letterID == 0 || r.deadline.IsZero() {
			return "", civil.Date{}
		}
		return StageHandover, r.deadline.AddDays(b.st.HandoverDays + 1)
	}
	return "", civil.Date{}
}

// letterPlan is the letter a lease is due for today: its stage and the
// charges it escalates (those overdue that have not reached the stage).
type letterPlan struct {
	leaseID   int64
	stage     Stage
	consumer  bool
	charges   []ledger.Charge
	principal money.Cents
	base      money.Cents // the principal sum the costs are computed over
	costs     money.Cents
	oldest    civil.Date
}

func (lp letterPlan) items() []item {
	out := make([]item, len(lp.charges))
	for i, c := range lp.charges {
		out[i] = item{chargeID: c.ID, open: c.Open()}
	}
	return out
}

// dueLetter is the letter lease is due for today, if any: the highest
// letter stage one of its dunnable charges is due for.
func (b *books) dueLetter(leaseID int64, consumer bool) (letterPlan, bool) {
	var stage Stage
	for _, c := range b.dunnable(leaseID) {
		s, at := b.next(c, consumer)
		if s.Letter() && !at.After(b.today) && s.rank() > stage.rank() {
			stage = s
		}
	}
	if stage == "" {
		return letterPlan{}, false
	}
	lp, err := b.letterFor(leaseID, stage, consumer)
	return lp, err == nil && len(lp.charges) > 0
}

// letterFor is the letter of stage for lease today: the dunnable charges
// that have not reached the stage, their total and, for a final letter that
// names them, the collection costs of the scale of today. Collection costs
// charged before are asked for with the rest but are no principal sum: no
// costs are computed over costs.
func (b *books) letterFor(leaseID int64, stage Stage, consumer bool) (letterPlan, error) {
	lp := letterPlan{leaseID: leaseID, stage: stage, consumer: consumer}
	for _, c := range b.dunnable(leaseID) {
		if b.reached[c.ID].stage.rank() >= stage.rank() {
			continue
		}
		lp.charges = append(lp.charges, c)
		lp.principal += c.Open()
		if c.Kind() != ledger.CollectionCostsKind {
			lp.base += c.Open()
		}
		if lp.oldest.IsZero() || c.DueDate.Before(lp.oldest) {
			lp.oldest = c.DueDate
		}
	}
	if stage == StageWIK || (stage == StageDemand && b.st.CompanyCosts) {
		var err error
		if lp.costs, err = CollectionCosts(lp.base, b.today, b.st.CostsVAT); err != nil {
			return lp, err
		}
	}
	return lp, nil
}

// handovers are, per final letter, a lease's dunnable charges whose
// hand-over is due today.
func (b *books) handovers(leaseID int64, consumer bool) map[int64][]ledger.Charge {
	out := map[int64][]ledger.Charge{}
	for _, c := range b.dunnable(leaseID) {
		if s, at := b.next(c, consumer); s == StageHandover && !at.After(b.today) {
			id := b.reached[c.ID].letterID
			out[id] = append(out[id], c)
		}
	}
	return out
}

// consumers reports per lease whether a person is among its tenants: the
// 14-day letter and the WIK scale protect consumers (art. 6:96 lid 6 BW),
// so a lease with a person on it gets them; only companies get the
// sommatie (the B2B route).
func (s *Service) consumers(ctx context.Context, tx *db.Tx, leaseIDs []int64) (map[int64]bool, error) {
	tenants, err := s.leases.TenantIDsTx(ctx, tx, leaseIDs)
	if err != nil {
		return nil, err
	}
	var all []int64
	for _, ids := range tenants {
		for _, id := range ids {
			if !slices.Contains(all, id) {
				all = append(all, id)
			}
		}
	}
	kinds, err := s.relations.KindsTx(ctx, tx, all...)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(leaseIDs))
	for _, l := range leaseIDs {
		for _, id := range tenants[l] {
			if kinds[id] == relation.Person {
				out[l] = true
			}
		}
	}
	return out, nil
}

// leasesWithArrears are the leases with a dunnable charge, in id order.
func (b *books) leasesWithArrears() []int64 {
	var out []int64
	for id := range b.open {
		if len(b.dunnable(id)) > 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
