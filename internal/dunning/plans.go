package dunning

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/privacy/guard"
)

// Payment plans (betalingsregelingen, DOMAIN.md §6): terms that pay chosen
// open charges of a lease. While a plan is active its charges are not
// dunned. Its terms are met by payments on the lease as the ledger reads
// them: what the covered charges had open when the plan was made less what
// they have open now is what was paid. The daily run completes a plan whose
// charges are paid and breaks one whose term is more than the grace days
// late; a broken plan's charges return to dunning where they stood.

// MaxTerms bounds a plan's terms.
const MaxTerms = 60

// PlanFilter narrows Plans.
type PlanFilter struct {
	LeaseID int64
	State   PlanState // "": all
}

// Plans lists payment plans, newest first, with what was paid on each.
func (s *Service) Plans(ctx context.Context, a account.Actor, f PlanFilter) ([]Plan, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	if f.State != "" && !slices.Contains(PlanStates, f.State) {
		return nil, validation.Errors{"state": "field.invalid"}
	}
	var out []Plan
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if out, err = listPlans(ctx, tx, planFilter{leaseID: f.LeaseID, state: f.State}); err != nil {
			return err
		}
		return s.fillPlans(ctx, tx, out, true)
	})
	return out, err
}

// Plan returns one payment plan with its charges and terms.
func (s *Service) Plan(ctx context.Context, a account.Actor, id int64) (*Plan, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var p *Plan
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		p, err = s.planTx(ctx, tx, id)
		return err
	})
	return p, err
}

func (s *Service) planTx(ctx context.Context, tx *db.Tx, id int64) (*Plan, error) {
	ps, err := listPlans(ctx, tx, planFilter{id: id})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, validation.ErrNotFound
	}
	if err := s.fillPlans(ctx, tx, ps, true); err != nil {
		return nil, err
	}
	return &ps[0], nil
}

// fillPlans adds each plan's charges (with what they have open now), what
// was paid and which terms that meets; with names, the tenants' names as a
// list shows them.
func (s *Service) fillPlans(ctx context.Context, tx *db.Tx, ps []Plan, names bool) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]int64, len(ps))
	leaseIDs := make([]int64, 0, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
		if !slices.Contains(leaseIDs, p.LeaseID) {
			leaseIDs = append(leaseIDs, p.LeaseID)
		}
	}
	items, err := itemsOf(ctx, tx, "dunning_plan_items", "plan_id", ids)
	if err != nil {
		return err
	}
	open := map[int64]ledger.Charge{}
	for _, l := range leaseIDs {
		cs, err := s.ledger.OpenItemsTx(ctx, tx, ledger.OpenFilter{LeaseID: l})
		if err != nil {
			return err
		}
		for _, c := range cs {
			open[c.ID] = c
		}
	}
	chargeInfo, err := s.chargeInfo(ctx, tx, leaseIDs)
	if err != nil {
		return err
	}
	for i := range ps {
		p := &ps[i]
		var left money.Cents
		for _, it := range items[p.ID] {
			pi := PlanItem{ChargeID: it.chargeID, Amount: it.open}
			if c, ok := chargeInfo[it.chargeID]; ok {
				pi.InvoiceNumber, pi.Line, pi.DueDate = c.InvoiceNumber, c.Line, c.DueDate
			}
			if c, ok := open[it.chargeID]; ok {
				pi.Open = min(c.Open(), it.open)
			}
			left += pi.Open
			p.Items = append(p.Items, pi)
		}
		p.Paid = max(p.Total-left, 0)
		var cum money.Cents
		for j := range p.Terms {
			cum += p.Terms[j].Amount
			p.Terms[j].Met = p.Paid >= cum
		}
	}
	if !names {
		return nil
	}
	ls, err := s.leases.ListedTx(ctx, tx, leaseIDs)
	if err != nil {
		return err
	}
	for i := range ps {
		if l, ok := ls[ps[i].LeaseID]; ok {
			for _, t := range l.Parties {
				ps[i].Tenants = append(ps[i].Tenants, t.Name)
			}
		}
	}
	return nil
}

// chargeInfo are the charges of leases (all of them, paid or not), by id.
func (s *Service) chargeInfo(ctx context.Context, tx *db.Tx, leaseIDs []int64) (map[int64]ledger.Charge, error) {
	out := map[int64]ledger.Charge{}
	for _, l := range leaseIDs {
		cs, err := s.ledger.ChargesTx(ctx, tx, l)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			out[c.ID] = c
		}
	}
	return out, nil
}

// CreatePlan makes a payment plan on a lease for open charges of it, with
// terms that add up to what those charges have open, to the cent. A charge
// can be in one active plan only.
func (s *Service) CreatePlan(ctx context.Context, a account.Actor, in PlanInput) (int64, error) {
	if !a.Can(account.PermFinanceWrite) {
		return 0, validation.ErrForbidden
	}
	fe := validation.Errors{}
	in.Note = strings.TrimSpace(in.Note)
	fe.CheckText("note", in.Note, false)
	if utf8.RuneCountInString(in.Note) > 1000 {
		fe.Add("note", "dunning.plan.note_too_long")
	}
	if len(in.ChargeIDs) == 0 {
		fe.Add("charges", "dunning.plan.charges_required")
	}
	today := s.today()
	checkTerms(fe, in.Terms, today)
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		// Not found before field errors: another organisation's lease says
		// nothing about the input.
		if _, err := s.leases.GetTx(ctx, tx, in.LeaseID); err != nil {
			if errors.Is(err, validation.ErrNotFound) {
				fe.Add("lease_id", "dunning.plan.lease_unknown")
				return fe
			}
			return err
		}
		open, err := s.ledger.OpenItemsTx(ctx, tx, ledger.OpenFilter{LeaseID: in.LeaseID})
		if err != nil {
			return err
		}
		covered, err := coveredCharges(ctx, tx)
		if err != nil {
			return err
		}
		var items []item
		var total money.Cents
		seen := map[int64]bool{}
		for _, cid := range in.ChargeIDs {
			if seen[cid] {
				continue
			}
			seen[cid] = true
			i := slices.IndexFunc(open, func(c ledger.Charge) bool { return c.ID == cid })
			switch {
			case i < 0:
				fe.Add("charges", "dunning.plan.charge_not_open")
			case covered[cid] != 0:
				fe.Add("charges", "dunning.plan.charge_covered")
			default:
				items = append(items, item{chargeID: cid, open: open[i].Open()})
				total += open[i].Open()
			}
		}
		if _, bad := fe["terms"]; !bad && fe["charges"] == "" && sumTerms(in.Terms) != total {
			fe.Add("terms", "dunning.plan.terms_sum")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "note", Value: in.Note}); err != nil {
			return err
		}
		slices.SortFunc(items, func(x, y item) int { return int(x.chargeID - y.chargeID) })
		if id, err = insertPlan(ctx, tx, in.LeaseID, total, in.Note, s.now(), a.UserID); err != nil {
			return err
		}
		if err := insertItems(ctx, tx, "dunning_plan_items", "plan_id", id, items); err != nil {
			return err
		}
		if err := replaceTerms(ctx, tx, id, in.Terms); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "dunning.plan_created", "lease", in.LeaseID, map[string]string{"plan_id": fmt.Sprint(id),
			"total_cents": fmt.Sprint(int64(total)), "terms": fmt.Sprint(len(in.Terms)), "charges": fmt.Sprint(len(items))})
	})
	return id, err
}

// UpdateTerms replaces an active plan's terms; they must still add up to
// the plan's total.
func (s *Service) UpdateTerms(ctx context.Context, a account.Actor, id int64, terms []TermInput) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	fe := validation.Errors{}
	checkTerms(fe, terms, s.today())
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ps, err := listPlans(ctx, tx, planFilter{id: id})
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return validation.ErrNotFound
		}
		if ps[0].State != PlanActive {
			return ErrPlanEnded
		}
		if _, bad := fe["terms"]; !bad && sumTerms(terms) != ps[0].Total {
			fe.Add("terms", "dunning.plan.terms_sum")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := replaceTerms(ctx, tx, id, terms); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "dunning.plan_terms_changed", "lease", ps[0].LeaseID, map[string]string{"plan_id": fmt.Sprint(id),
			"terms": fmt.Sprint(len(terms))})
	})
}

// CancelPlan ends an active plan by a person's decision; its charges return
// to dunning.
func (s *Service) CancelPlan(ctx context.Context, a account.Actor, id int64) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ps, err := listPlans(ctx, tx, planFilter{id: id})
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return validation.ErrNotFound
		}
		ok, err := endPlan(ctx, tx, id, PlanCancelled, s.today(), a.UserID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrPlanEnded
		}
		return s.record(ctx, tx, a, "dunning.plan_cancelled", "lease", ps[0].LeaseID, map[string]string{"plan_id": fmt.Sprint(id)})
	})
}

// followUpPlans completes the active plans whose charges are paid and
// breaks those with a term more than the grace days late and not met.
func (s *Service) followUpPlans(ctx context.Context, tx *db.Tx, a account.Actor, today civil.Date, run *Run) error {
	ps, err := listPlans(ctx, tx, planFilter{state: PlanActive})
	if err != nil || len(ps) == 0 {
		return err
	}
	if err := s.fillPlans(ctx, tx, ps, false); err != nil {
		return err
	}
	st, err := loadSettings(ctx, tx)
	if err != nil {
		return err
	}
	for _, p := range ps {
		state, term := planOutcome(p, today, st.PlanGraceDays)
		if state == PlanActive {
			continue
		}
		if _, err := endPlan(ctx, tx, p.ID, state, today, 0); err != nil {
			return err
		}
		details := map[string]string{"plan_id": fmt.Sprint(p.ID), "paid_cents": fmt.Sprint(int64(p.Paid))}
		action := "dunning.plan_completed"
		if state == PlanBroken {
			action = "dunning.plan_broken"
			details["term"] = fmt.Sprint(term.Seq)
			run.PlansBroken++
		} else {
			run.PlansCompleted++
		}
		if err := s.record(ctx, tx, a, action, "lease", p.LeaseID, details); err != nil {
			return err
		}
	}
	return nil
}

// planOutcome is what an active plan is on day today: completed when its
// charges are paid, broken (with the term missed) when a term's day plus the
// grace days has passed and what was paid does not cover the terms up to
// it, else still active.
func planOutcome(p Plan, today civil.Date, grace int) (PlanState, Term) {
	if p.Paid >= p.Total {
		return PlanCompleted, Term{}
	}
	var cum money.Cents
	for _, t := range p.Terms {
		cum += t.Amount
		if p.Paid < cum && today.After(t.Due.AddDays(grace)) {
			return PlanBroken, t
		}
	}
	return PlanActive, Term{}
}

// checkTerms checks a plan's terms: at least one, at most MaxTerms, each a
// positive amount on a day not before today, in date order.
func checkTerms(fe validation.Errors, terms []TermInput, today civil.Date) {
	if len(terms) == 0 {
		fe.Add("terms", "dunning.plan.terms_required")
		return
	}
	if len(terms) > MaxTerms {
		fe.Add("terms", "dunning.plan.terms_too_many")
		return
	}
	var last civil.Date
	for i, t := range terms {
		switch {
		case t.Due.IsZero():
			fe.Add("terms", "dunning.plan.term_date")
		case t.Due.Before(today):
			fe.Add("terms", "dunning.plan.term_past")
		case i > 0 && !t.Due.After(last):
			fe.Add("terms", "dunning.plan.term_order")
		case t.Amount <= 0:
			fe.Add("terms", "dunning.plan.term_amount")
		case !t.Amount.InBounds():
			fe.Add("terms", money.TooLarge)
		}
		last = t.Due
	}
}

func sumTerms(ts []TermInput) money.Cents {
	var sum money.Cents
	for _, t := range ts {
		sum += t.Amount
	}
	return sum
}
