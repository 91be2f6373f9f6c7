package dunning

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/pdfdoc"
	"hms/internal/platform/validation"
)

// Sending letters is a bulk action: the confirmation repeats what will be
// sent, in counts and totals per stage (PlanSend), and Send does it only if
// the books still say the same (Expectation), else nothing (ErrChanged).
// What a letter names is recomputed at sending: the charges of the lease
// that are overdue now and not covered by a plan, so a payment made since
// the run proposed it is not asked for again.

// MaxSend bounds the letters of one send.
const MaxSend = 500

// StageCount is how many letters of a stage a send makes, and their total.
type StageCount struct {
	Stage Stage
	Count int
	Total money.Cents
}

// PlannedLetter is a letter a send will make.
type PlannedLetter struct {
	Proposal  Proposal
	Principal money.Cents
	Base      money.Cents // the principal sum of the costs (without costs charged before)
	Costs     money.Cents
	Items     int
	OldestDue civil.Date
	Deadline  civil.Date // final letters
}

// SendPlan is what sending the chosen proposals will do now.
type SendPlan struct {
	Today   civil.Date
	Letters []PlannedLetter
	// Stale are chosen proposals with nothing left to ask (paid, or covered
	// by a plan since): sending withdraws them.
	Stale []Proposal
	// LeftOut are chosen proposals for a lease with a tenant whose
	// processing is restricted (art. 18 GDPR; reason
	// relation.LeftOutRestricted): not sent, left as they are.
	LeftOut []Proposal
	Stages  []StageCount // letters per stage, in stage order
	Total   money.Cents  // the overdue amounts the letters name
	Costs   money.Cents  // the collection costs they name
}

// Expectation is what the confirmation showed: Send does nothing unless
// the plan of now says the same.
type Expectation struct {
	Letters int
	Total   money.Cents
	Costs   money.Cents
}

// Expect is the plan's expectation.
func (p *SendPlan) Expect() Expectation {
	return Expectation{Letters: len(p.Letters), Total: p.Total, Costs: p.Costs}
}

// SendResult is what Send did.
type SendResult struct {
	Letters   []Letter
	Mailed    int // messages put in the outbox
	Withdrawn int
	// Unmailed are the letters no tenant has an e-mail address for: to be
	// printed and posted.
	Unmailed []Letter
}

// PlanSend is the plan of sending the letter proposals ids today.
func (s *Service) PlanSend(ctx context.Context, a account.Actor, ids []int64) (*SendPlan, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, validation.ErrForbidden
	}
	var plan *SendPlan
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if plan, _, err = s.planSend(ctx, tx, ids, s.today()); err != nil {
			return err
		}
		ps := make([]Proposal, 0, len(plan.Letters)+len(plan.LeftOut))
		for _, l := range plan.Letters {
			ps = append(ps, l.Proposal)
		}
		ps = append(ps, plan.LeftOut...)
		if err := s.nameProposals(ctx, tx, ps); err != nil {
			return err
		}
		for i := range plan.Letters {
			plan.Letters[i].Proposal = ps[i]
		}
		copy(plan.LeftOut, ps[len(plan.Letters):])
		return nil
	})
	return plan, err
}

// planSend computes the plan in tx, with the letters' charges by proposal.
func (s *Service) planSend(ctx context.Context, tx *db.Tx, ids []int64, today civil.Date) (*SendPlan, map[int64]letterPlan, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nil, nil, validation.Errors{"proposals": "dunning.send.none"}
	}
	if len(ids) > MaxSend {
		return nil, nil, validation.Errors{"proposals": "dunning.send.too_many"}
	}
	ps, err := listProposals(ctx, tx, proposalFilter{ids: ids})
	if err != nil {
		return nil, nil, err
	}
	if len(ps) != len(ids) {
		return nil, nil, validation.Errors{"proposals": "dunning.send.unknown"}
	}
	for _, p := range ps {
		if !p.Stage.Letter() || p.State != StateProposed {
			return nil, nil, validation.Errors{"proposals": "dunning.send.not_waiting"}
		}
	}
	b, err := s.loadBooks(ctx, tx, today)
	if err != nil {
		return nil, nil, err
	}
	plan := &SendPlan{Today: today}
	lps := map[int64]letterPlan{}
	anyRestricted, err := s.relations.RestrictedIDsTx(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range ps {
		if len(anyRestricted) > 0 {
			l, err := s.leases.GetTx(ctx, tx, p.LeaseID)
			if err != nil {
				return nil, nil, err
			}
			if slices.ContainsFunc(l.TenantIDs(), func(id int64) bool { return slices.Contains(anyRestricted, id) }) {
				plan.LeftOut = append(plan.LeftOut, p)
				continue
			}
		}
		lp, err := b.letterFor(p.LeaseID, p.Stage, p.Consumer)
		if err != nil {
			return nil, nil, err
		}
		if len(lp.charges) == 0 {
			plan.Stale = append(plan.Stale, p)
			continue
		}
		pl := PlannedLetter{Proposal: p, Principal: lp.principal, Base: lp.base, Costs: lp.costs, Items: len(lp.charges), OldestDue: lp.oldest}
		if p.Stage.Final() {
			pl.Deadline = today.AddDays(b.st.ReceiptDays + b.st.TermDays)
		}
		plan.Letters = append(plan.Letters, pl)
		plan.Total += lp.principal
		plan.Costs += lp.costs
		lps[p.ID] = lp
	}
	for _, st := range LetterStages {
		c := StageCount{Stage: st}
		for _, l := range plan.Letters {
			if l.Proposal.Stage == st {
				c.Count++
				c.Total += l.Principal
			}
		}
		if c.Count > 0 {
			plan.Stages = append(plan.Stages, c)
		}
	}
	return plan, lps, nil
}

// Send sends the letter proposals ids: for each, the letter (PDF, sealed in
// the fiscal archive of its year and kept with the lease) is made and mailed
// through the outbox to every tenant with an e-mail address, and the
// proposal is marked sent. All in one transaction, and only when the plan of
// now matches expect (what the person confirmed); else ErrChanged and
// nothing is sent. Only a named user sends (PRIVACY.md P13).
func (s *Service) Send(ctx context.Context, a account.Actor, ids []int64, expect Expectation) (*SendResult, error) {
	if !a.Can(account.PermFinanceWrite) {
		return nil, validation.ErrForbidden
	}
	if a.UserID == 0 {
		return nil, ErrNamedUser
	}
	res := &SendResult{}
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		today := s.today()
		plan, lps, err := s.planSend(ctx, tx, ids, today)
		if err != nil {
			return err
		}
		if plan.Expect() != expect {
			return ErrChanged
		}
		st, err := loadSettings(ctx, tx)
		if err != nil {
			return err
		}
		issuer, err := s.billing.IssuerTx(ctx, tx)
		if err != nil {
			return err
		}
		for _, pl := range plan.Letters {
			lt, err := s.sendLetter(ctx, tx, a, issuer, st, pl, lps[pl.Proposal.ID], today)
			if err != nil {
				return err
			}
			res.Letters = append(res.Letters, lt)
			res.Mailed += lt.Mailed
			if lt.Mailed == 0 {
				res.Unmailed = append(res.Unmailed, lt)
			}
		}
		for _, p := range plan.Stale {
			if _, err := decideProposal(ctx, tx, p.ID, StateWithdrawn, today, s.now(), a.UserID, ""); err != nil {
				return err
			}
			res.Withdrawn++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// fieldLetter binds a sealed letter to its row.
func fieldLetter(id int64) string { return fmt.Sprintf("dunning_letters.document_sealed/%d", id) }

// sendLetter makes, stores and mails one letter in tx.
func (s *Service) sendLetter(ctx context.Context, tx *db.Tx, a account.Actor, issuer pdfdoc.Issuer, st Settings, pl PlannedLetter,
	lp letterPlan, today civil.Date) (Letter, error) {
	p := pl.Proposal
	l, err := s.leases.GetTx(ctx, tx, p.LeaseID)
	if err != nil {
		return Letter{}, err
	}
	tenants := l.TenantIDs()
	facts, err := s.relations.PartyFacts(ctx, tx, a, PurposeLetter, tenants...)
	if err != nil {
		return Letter{}, fmt.Errorf("letter to lease %s: %w", l.Reference, err)
	}
	units, err := s.portfolio.UnitFacts(ctx, tx, l.UnitIDs()...)
	if err != nil {
		return Letter{}, fmt.Errorf("letter to lease %s: %w", l.Reference, err)
	}
	doc := letterDoc{Stage: p.Stage, Date: today, Deadline: pl.Deadline, TermDays: st.TermDays, Reference: l.Reference, Issuer: issuer,
		Lines: linesOf(lp.charges), Principal: pl.Principal, Base: pl.Base, Costs: pl.Costs, CostsVAT: st.CostsVAT, Created: s.clk.Now()}
	var addrs []string
	for _, id := range l.UnitIDs() {
		if u, ok := units[id]; ok {
			addrs = append(addrs, u.Address)
		}
	}
	doc.Units = strings.Join(addrs, "; ")
	var to []recipient
	for i, id := range tenants {
		f := facts[id]
		doc.Tenants = append(doc.Tenants, f.DisplayName)
		if doc.Address == "" {
			doc.Address = f.Address
		}
		if i == 0 {
			doc.Lang = pdfdoc.TextsIn(f.Language).Lang
		}
		if f.Email != "" && !f.Restricted {
			to = append(to, recipient{name: f.DisplayName, email: f.Email, lang: f.Language})
		}
	}
	if doc.Address == "" && len(addrs) > 0 {
		doc.Address = strings.ReplaceAll(addrs[0], ", ", "\n")
	}
	pdf, err := renderLetter(doc)
	if err != nil {
		return Letter{}, err
	}
	now := s.now()
	id, err := insertLetter(ctx, tx, letterRow{leaseID: p.LeaseID, proposalID: p.ID, stage: p.Stage, consumer: p.Consumer, date: today,
		deadline: pl.Deadline, principal: pl.Principal, costs: pl.Costs, items: lp.items(), now: now, by: a.UserID})
	if err != nil {
		return Letter{}, err
	}
	sealed, err := s.ledger.SealFiscal(ctx, tx, today.Year, fieldLetter(id), pdf)
	if err != nil {
		return Letter{}, err
	}
	sum := sha256.Sum256(pdf)
	digest := hex.EncodeToString(sum[:])
	mailed := 0
	if s.outbox != nil {
		for _, rc := range to {
			if _, err := s.outbox.Send(ctx, tx, letterMail(doc, rc, pdf)); err != nil {
				return Letter{}, fmt.Errorf("mail letter %d: %w", id, err)
			}
			mailed++
		}
	}
	if err := storeLetterDocument(ctx, tx, id, sealed, digest, mailed); err != nil {
		return Letter{}, err
	}
	ok, err := decideProposal(ctx, tx, p.ID, StateSent, today, now, a.UserID, "")
	if err != nil {
		return Letter{}, err
	}
	if !ok {
		return Letter{}, ErrDecided
	}
	if err := setProposalLink(ctx, tx, p.ID, "letter_id", id); err != nil {
		return Letter{}, err
	}
	if err := s.record(ctx, tx, a, "dunning.letter_sent", "lease", p.LeaseID, map[string]string{"letter_id": fmt.Sprint(id),
		"proposal_id": fmt.Sprint(p.ID), "stage": string(p.Stage), "principal_cents": fmt.Sprint(int64(pl.Principal)),
		"costs_cents": fmt.Sprint(int64(pl.Costs)), "mailed": fmt.Sprint(mailed), "sha256": digest}); err != nil {
		return Letter{}, err
	}
	return Letter{ID: id, LeaseID: p.LeaseID, LeaseReference: l.Reference, ProposalID: p.ID, Stage: p.Stage, Consumer: p.Consumer,
		Date: today, Deadline: pl.Deadline, Principal: pl.Principal, Costs: pl.Costs, Items: len(lp.charges), Mailed: mailed, SHA256: digest,
		CreatedBy: a.UserID}, nil
}

// --- reading letters ---

// LetterFilter narrows Letters.
type LetterFilter struct {
	LeaseID  int64
	BeforeID int64 // newest first: only ids below this
	Limit    int   // 0: 50
}

// Letters lists sent letters, newest first.
func (s *Service) Letters(ctx context.Context, a account.Actor, f LetterFilter) ([]Letter, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	var out []Letter
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		if out, err = listLetters(ctx, tx, letterFilter{leaseID: f.LeaseID, beforeID: f.BeforeID, limit: f.Limit}); err != nil {
			return err
		}
		var ids []int64
		for _, lt := range out {
			if !slices.Contains(ids, lt.LeaseID) {
				ids = append(ids, lt.LeaseID)
			}
		}
		ls, err := s.leases.ListedTx(ctx, tx, ids)
		if err != nil {
			return err
		}
		for i := range out {
			if l, ok := ls[out[i].LeaseID]; ok {
				out[i].Tenants, _ = namesAndAddress(l.Parties, nil)
			}
		}
		return nil
	})
	return out, err
}

// Letter returns one sent letter.
func (s *Service) Letter(ctx context.Context, a account.Actor, id int64) (*Letter, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out *Letter
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ls, err := listLetters(ctx, tx, letterFilter{id: id})
		if err != nil {
			return err
		}
		if len(ls) == 0 {
			return validation.ErrNotFound
		}
		out = &ls[0]
		return nil
	})
	return out, err
}

// LetterDocument returns a sent letter's PDF exactly as it was sent, opened
// from the fiscal archive. It holds the tenants' names and address, so each
// read is recorded.
func (s *Service) LetterDocument(ctx context.Context, a account.Actor, id int64) ([]byte, *Letter, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, nil, validation.ErrForbidden
	}
	var pdf []byte
	var lt *Letter
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		year, sealed, sum, err := letterDocument(ctx, tx, id)
		if err != nil {
			return err
		}
		if sealed == nil {
			return validation.ErrNotFound
		}
		if pdf, err = s.ledger.OpenFiscal(ctx, tx, year, fieldLetter(id), sealed); err != nil {
			return err
		}
		if got := sha256.Sum256(pdf); hex.EncodeToString(got[:]) != sum {
			return fmt.Errorf("dunning letter %d does not match its sha256", id)
		}
		ls, err := listLetters(ctx, tx, letterFilter{id: id})
		if err != nil || len(ls) == 0 {
			return err
		}
		lt = &ls[0]
		return s.record(ctx, tx, a, "dunning.letter_viewed", "lease", lt.LeaseID, map[string]string{"letter_id": fmt.Sprint(id)})
	})
	if err != nil {
		return nil, nil, err
	}
	return pdf, lt, nil
}
