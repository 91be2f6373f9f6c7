package dunning

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/privacy/guard"
)

// ProposalFilter narrows Proposals.
type ProposalFilter struct {
	States  []State // none: those waiting (proposed)
	LeaseID int64
	Stage   Stage // "": all
}

// Proposals lists proposals, oldest arrears first, with the tenants' names
// and the units' addresses as a list shows them.
func (s *Service) Proposals(ctx context.Context, a account.Actor, f ProposalFilter) ([]Proposal, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	if len(f.States) == 0 {
		f.States = []State{StateProposed}
	}
	for _, st := range f.States {
		if !slices.Contains(States, st) {
			return nil, validation.Errors{"state": "field.invalid"}
		}
	}
	if f.Stage != "" && !slices.Contains(Stages, f.Stage) {
		return nil, validation.Errors{"stage": "field.invalid"}
	}
	var out []Proposal
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ps, err := listProposals(ctx, tx, proposalFilter{states: f.States, leaseID: f.LeaseID})
		if err != nil {
			return err
		}
		for _, p := range ps {
			if f.Stage == "" || p.Stage == f.Stage {
				out = append(out, p)
			}
		}
		return s.nameProposals(ctx, tx, out)
	})
	return out, err
}

// Proposal returns one proposal with its names.
func (s *Service) Proposal(ctx context.Context, a account.Actor, id int64) (*Proposal, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out *Proposal
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		p, err := readProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		ps := []Proposal{p}
		if err := s.nameProposals(ctx, tx, ps); err != nil {
			return err
		}
		out = &ps[0]
		return nil
	})
	return out, err
}

// nameProposals puts the tenants' names and the units' addresses on ps.
func (s *Service) nameProposals(ctx context.Context, tx *db.Tx, ps []Proposal) error {
	var ids []int64
	for _, p := range ps {
		if !slices.Contains(ids, p.LeaseID) {
			ids = append(ids, p.LeaseID)
		}
	}
	ls, err := s.leases.ListedTx(ctx, tx, ids)
	if err != nil {
		return err
	}
	for i := range ps {
		if l, ok := ls[ps[i].LeaseID]; ok {
			ps[i].Tenants, ps[i].Address = namesAndAddress(l.Parties, l.Units)
		}
	}
	return nil
}

// Dismiss sets a waiting letter or costs proposal aside: a person chose not
// to act on it. A dismissed letter's stage counts as passed for its charges
// (the next stage follows in time); reason says why.
func (s *Service) Dismiss(ctx context.Context, a account.Actor, id int64, reason string) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	reason, err := cleanReason(reason, false)
	if err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		p, err := readProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Stage == StageHandover {
			return validation.Errors{"proposal": "dunning.handover.decide"}
		}
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "reason", Value: reason}); err != nil {
			return err
		}
		ok, err := decideProposal(ctx, tx, id, StateDismissed, s.today(), s.now(), a.UserID, reason)
		if err != nil {
			return err
		}
		if !ok {
			return ErrDecided
		}
		return s.record(ctx, tx, a, "dunning.proposal_dismissed", "lease", p.LeaseID, map[string]string{"proposal_id": fmt.Sprint(id),
			"stage": string(p.Stage)})
	})
}

// DecideHandover approves or rejects a proposed hand-over of a lease's
// arrears to a bailiff or collection agency. Only a named user with finance
// write may (PRIVACY.md P13: no decision with effects on a person by
// automation alone); the audit log records who. Nothing is sent anywhere: an
// approved hand-over is the person's instruction to hand the case over, and
// its charges are not dunned further.
func (s *Service) DecideHandover(ctx context.Context, a account.Actor, id int64, approve bool, reason string) error {
	if !a.Can(account.PermFinanceWrite) {
		return validation.ErrForbidden
	}
	if a.UserID == 0 {
		return ErrNamedUser
	}
	reason, err := cleanReason(reason, !approve)
	if err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		p, err := readProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Stage != StageHandover {
			return validation.Errors{"proposal": "dunning.handover.not_handover"}
		}
		state, action := StateApproved, "dunning.handover_approved"
		if !approve {
			state, action = StateRejected, "dunning.handover_rejected"
		}
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "reason", Value: reason}); err != nil {
			return err
		}
		ok, err := decideProposal(ctx, tx, id, state, s.today(), s.now(), a.UserID, reason)
		if err != nil {
			return err
		}
		if !ok {
			return ErrDecided
		}
		return s.record(ctx, tx, a, action, "lease", p.LeaseID, map[string]string{"proposal_id": fmt.Sprint(id),
			"letter_id": fmt.Sprint(p.LetterID), "overdue_cents": fmt.Sprint(int64(p.Overdue)), "approver_user_id": fmt.Sprint(a.UserID)})
	})
}

// ChargeCosts confirms a costs proposal: the collection costs the 14-day
// letter named are posted on the lease as an invoice with one line of kind
// ledger.CollectionCostsKind, due at once.
func (s *Service) ChargeCosts(ctx context.Context, a account.Actor, id int64) (ledger.Posted, error) {
	if !a.Can(account.PermFinanceWrite) {
		return ledger.Posted{}, validation.ErrForbidden
	}
	if a.UserID == 0 {
		return ledger.Posted{}, ErrNamedUser
	}
	var posted ledger.Posted
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		p, err := readProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Stage != StageCosts {
			return validation.Errors{"proposal": "dunning.costs.not_costs"}
		}
		if p.State != StateProposed {
			return ErrDecided
		}
		if p.Costs <= 0 || !p.Costs.InBounds() {
			return validation.Errors{"proposal": "dunning.costs.none"}
		}
		today := s.today()
		ls, err := listLetters(ctx, tx, letterFilter{id: p.LetterID})
		if err != nil {
			return err
		}
		if len(ls) == 0 {
			return fmt.Errorf("dunning: costs proposal %d: letter %d not found", id, p.LetterID)
		}
		lt := ls[0]
		line := ledger.Line(ledger.CollectionCostsKind, "", "brief "+lt.Date.String())
		ps, err := ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: p.LeaseID, IssueDate: today, DueDate: today,
			Reason: fmt.Sprintf("buitengerechtelijke incassokosten (brief van %s)", lt.Date.Dutch()),
			Lines:  []ledger.DraftLine{{Line: line, From: lt.Date, To: lt.Deadline, Net: p.Costs}}}}, s.now(), a.UserID)
		if err != nil {
			return err
		}
		posted = ps[0]
		ok, err := decideProposal(ctx, tx, id, StateCharged, today, s.now(), a.UserID, "")
		if err != nil {
			return err
		}
		if !ok {
			return ErrDecided
		}
		if err := setProposalLink(ctx, tx, id, "invoice_id", posted.InvoiceID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "dunning.costs_charged", "lease", p.LeaseID, map[string]string{"proposal_id": fmt.Sprint(id),
			"letter_id": fmt.Sprint(p.LetterID), "invoice_id": fmt.Sprint(posted.InvoiceID), "costs_cents": fmt.Sprint(int64(p.Costs))})
	})
	return posted, err
}

// cleanReason trims a decision's reason and checks it (required when the
// decision needs one).
func cleanReason(reason string, required bool) (string, error) {
	reason = strings.TrimSpace(reason)
	fe := validation.Errors{}
	fe.CheckText("reason", reason, true)
	if utf8.RuneCountInString(reason) > 500 {
		fe.Add("reason", "dunning.reason.too_long")
	}
	if required && reason == "" {
		fe.Add("reason", "dunning.reason.required")
	}
	return reason, fe.Err()
}

// LeaseDunning is a lease's dunning: its proposals, letters and plans, and
// the open charges a new plan may cover.
type LeaseDunning struct {
	LeaseID   int64
	Reference string
	Tenants   []string
	Address   string
	Proposals []Proposal
	Letters   []Letter
	Plans     []Plan
	Open      []ledger.Charge // open charges not in an active plan
	Overdue   money.Cents
}

// Lease returns a lease's dunning.
func (s *Service) Lease(ctx context.Context, a account.Actor, leaseID int64) (*LeaseDunning, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	out := &LeaseDunning{LeaseID: leaseID}
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ls, err := s.leases.ListedTx(ctx, tx, []int64{leaseID})
		if err != nil {
			return err
		}
		l, ok := ls[leaseID]
		if !ok {
			return validation.ErrNotFound
		}
		out.Reference = l.Reference
		out.Tenants, out.Address = namesAndAddress(l.Parties, l.Units)
		if out.Proposals, err = listProposals(ctx, tx, proposalFilter{leaseID: leaseID}); err != nil {
			return err
		}
		if out.Letters, err = listLetters(ctx, tx, letterFilter{leaseID: leaseID, limit: 200}); err != nil {
			return err
		}
		if out.Plans, err = listPlans(ctx, tx, planFilter{leaseID: leaseID}); err != nil {
			return err
		}
		if err := s.fillPlans(ctx, tx, out.Plans, false); err != nil {
			return err
		}
		covered, err := coveredCharges(ctx, tx)
		if err != nil {
			return err
		}
		open, err := s.ledger.OpenItemsTx(ctx, tx, ledger.OpenFilter{LeaseID: leaseID})
		if err != nil {
			return err
		}
		today := s.today()
		for _, c := range open {
			if covered[c.ID] != 0 {
				continue
			}
			out.Open = append(out.Open, c)
			if c.DueDate.Before(today) {
				out.Overdue += c.Open()
			}
		}
		return nil
	})
	return out, err
}
