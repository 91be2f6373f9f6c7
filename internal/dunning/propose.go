package dunning

import (
	"context"
	"fmt"
	"slices"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// Run is what one Propose did.
type Run struct {
	Today          civil.Date
	New, Updated   int // letter, hand-over and costs proposals added; waiting letters changed
	Withdrawn      int // waiting proposals that no longer apply
	PlansCompleted int
	PlansBroken    int
	// Waiting are the proposals that wait for a person after the run, with
	// the overdue total of the letters among them.
	Waiting []Proposal
	Total   money.Cents
}

// Propose computes, per lease with overdue open charges on day today (zero:
// the service's today), the next stage due and stores it as a proposal for a
// person: a letter (reminder, notice, the 14-day letter for a consumer or the
// sommatie for a company), a hand-over once a final letter's term passed, or
// the collection costs a 14-day letter named once its term passed unpaid.
// Charges covered by an active payment plan are skipped; first it follows up
// the plans (completed when paid, broken when a term is more than the grace
// days late, which returns their charges to dunning). It is idempotent: a
// lease has at most one waiting letter, which a second run updates rather
// than adds to, and a final letter gets one hand-over and one costs proposal.
func (s *Service) Propose(ctx context.Context, a account.Actor, today civil.Date) (*Run, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, validation.ErrForbidden
	}
	if today.IsZero() {
		today = s.today()
	}
	run := &Run{Today: today}
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := s.followUpPlans(ctx, tx, a, today, run); err != nil {
			return err
		}
		b, err := s.loadBooks(ctx, tx, today)
		if err != nil {
			return err
		}
		if err := s.proposeLetters(ctx, tx, b, run); err != nil {
			return err
		}
		if err := s.proposeCosts(ctx, tx, b, run); err != nil {
			return err
		}
		waiting, err := listProposals(ctx, tx, proposalFilter{states: []State{StateProposed}})
		if err != nil {
			return err
		}
		run.Waiting = waiting
		for _, p := range waiting {
			if p.Stage.Letter() {
				run.Total += p.Overdue
			}
		}
		if run.New+run.Updated+run.Withdrawn+run.PlansBroken+run.PlansCompleted == 0 {
			return nil
		}
		return s.record(ctx, tx, a, "dunning.proposed", "organisation", tx.OrgID(), map[string]string{"day": today.String(),
			"new": fmt.Sprint(run.New), "updated": fmt.Sprint(run.Updated), "withdrawn": fmt.Sprint(run.Withdrawn),
			"plans_broken": fmt.Sprint(run.PlansBroken), "plans_completed": fmt.Sprint(run.PlansCompleted)})
	})
	if err != nil {
		return nil, err
	}
	return run, nil
}

// proposeLetters brings the waiting letters and hand-overs in line with the
// books: a lease due for a letter gets one (or its waiting one updated), a
// waiting letter or hand-over that no longer applies is withdrawn.
func (s *Service) proposeLetters(ctx context.Context, tx *db.Tx, b *books, run *Run) error {
	waiting, err := listProposals(ctx, tx, proposalFilter{states: []State{StateProposed}})
	if err != nil {
		return err
	}
	waitingLetter := map[int64]Proposal{}
	for _, p := range waiting {
		if p.Stage.Letter() {
			waitingLetter[p.LeaseID] = p
		}
	}
	ids := b.leasesWithArrears()
	for id := range waitingLetter {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	consumers, err := s.consumers(ctx, tx, ids)
	if err != nil {
		return err
	}
	existing, err := followUps(ctx, tx)
	if err != nil {
		return err
	}
	waitingItems, err := itemsOf(ctx, tx, "dunning_proposal_items", "proposal_id", proposalIDs(waiting))
	if err != nil {
		return err
	}
	now := s.now()
	for _, leaseID := range ids {
		consumer := consumers[leaseID]
		lp, due := b.dueLetter(leaseID, consumer)
		w, has := waitingLetter[leaseID]
		switch {
		case due && !has:
			if _, err := insertProposal(ctx, tx, proposalRow{leaseID: leaseID, stage: lp.stage, consumer: consumer, overdue: lp.principal,
				costs: lp.costs, oldest: lp.oldest, items: lp.items(), on: b.today, createdAt: now}); err != nil {
				return err
			}
			run.New++
		case due && has:
			if w.Stage == lp.stage && w.Overdue == lp.principal && w.Costs == lp.costs && w.Consumer == consumer &&
				slices.Equal(waitingItems[w.ID], lp.items()) {
				continue
			}
			if err := updateProposal(ctx, tx, w.ID, proposalRow{stage: lp.stage, consumer: consumer, overdue: lp.principal, costs: lp.costs,
				oldest: lp.oldest, items: lp.items(), on: b.today}); err != nil {
				return err
			}
			run.Updated++
		case !due && has:
			if _, err := decideProposal(ctx, tx, w.ID, StateWithdrawn, b.today, now, 0, ""); err != nil {
				return err
			}
			run.Withdrawn++
		}
		for letterID, cs := range b.handovers(leaseID, consumer) {
			if existing[fmt.Sprintf("%d/%s", letterID, StageHandover)] {
				continue
			}
			lp := letterPlan{leaseID: leaseID, charges: cs}
			var total money.Cents
			oldest := cs[0].DueDate
			for _, c := range cs {
				total += c.Open()
				if c.DueDate.Before(oldest) {
					oldest = c.DueDate
				}
			}
			if _, err := insertProposal(ctx, tx, proposalRow{leaseID: leaseID, stage: StageHandover, consumer: consumer, overdue: total,
				oldest: oldest, letterID: letterID, items: lp.items(), on: b.today, createdAt: now}); err != nil {
				return err
			}
			existing[fmt.Sprintf("%d/%s", letterID, StageHandover)] = true
			run.New++
		}
	}
	// A waiting hand-over whose charges are all paid, or covered by a plan
	// made since, is withdrawn.
	for _, p := range waiting {
		if p.Stage != StageHandover {
			continue
		}
		live := false
		for _, it := range waitingItems[p.ID] {
			if _, open := b.byID[it.chargeID]; open {
				if _, covered := b.covered[it.chargeID]; !covered {
					live = true
				}
			}
		}
		if !live {
			if _, err := decideProposal(ctx, tx, p.ID, StateWithdrawn, b.today, now, 0, ""); err != nil {
				return err
			}
			run.Withdrawn++
		}
	}
	return nil
}

// proposeCosts proposes charging the collection costs of each final letter
// that named them, once its term has passed and something it named was
// still open on the term's last day (read from the ledger on that day).
func (s *Service) proposeCosts(ctx context.Context, tx *db.Tx, b *books, run *Run) error {
	letters, err := listLetters(ctx, tx, letterFilter{costsPending: b.today})
	if err != nil || len(letters) == 0 {
		return err
	}
	ids := make([]int64, len(letters))
	for i, lt := range letters {
		ids[i] = lt.ID
	}
	items, err := itemsOf(ctx, tx, "dunning_letter_items", "letter_id", ids)
	if err != nil {
		return err
	}
	existing, err := followUps(ctx, tx)
	if err != nil {
		return err
	}
	openOn := map[civil.Date]map[int64]ledger.Charge{}
	for _, lt := range letters {
		open, ok := openOn[lt.Deadline]
		if !ok {
			cs, err := ledger.OpenOnTx(ctx, tx, lt.Deadline)
			if err != nil {
				return err
			}
			open = make(map[int64]ledger.Charge, len(cs))
			for _, c := range cs {
				open[c.ID] = c
			}
			openOn[lt.Deadline] = open
		}
		var unpaid []item
		var left money.Cents
		for _, it := range items[lt.ID] {
			if c, ok := open[it.chargeID]; ok {
				unpaid = append(unpaid, item{chargeID: it.chargeID, open: c.Open()})
				left += c.Open()
			}
		}
		if len(unpaid) > 0 && !existing[fmt.Sprintf("%d/%s", lt.ID, StageCosts)] {
			if _, err := insertProposal(ctx, tx, proposalRow{leaseID: lt.LeaseID, stage: StageCosts, consumer: lt.Consumer, overdue: left,
				costs: lt.Costs, oldest: oldestOf(b, unpaid), letterID: lt.ID, items: unpaid, on: b.today, createdAt: s.now()}); err != nil {
				return err
			}
			run.New++
		}
		if err := markCostsChecked(ctx, tx, lt.ID); err != nil {
			return err
		}
	}
	return nil
}

// oldestOf is the earliest due date of items that are open today (zero
// when none is).
func oldestOf(b *books, items []item) civil.Date {
	var oldest civil.Date
	for _, it := range items {
		if c, ok := b.byID[it.chargeID]; ok && (oldest.IsZero() || c.DueDate.Before(oldest)) {
			oldest = c.DueDate
		}
	}
	return oldest
}

func proposalIDs(ps []Proposal) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}
