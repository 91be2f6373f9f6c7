package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"hms/internal/account"
	"hms/internal/dunning"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermFinanceRead, account.PermFinanceWrite
		op(a, http.MethodGet, "/dunning/proposals", "list-dunning-proposals",
			"The daily run's proposals per lease (letters, hand-overs, collection costs), oldest arrears first; waiting ones by default",
			read, a.listDunningProposals)
		op(a, http.MethodPost, "/dunning/runs", "run-dunning",
			"Propose now what the daily run proposes: the next stage per lease with overdue charges not covered by a payment plan (idempotent)",
			write, a.runDunning)
		op(a, http.MethodPost, "/dunning/send-plans", "plan-dunning-send",
			"What sending the chosen letter proposals will do now, in counts and totals per stage; repeat its expect when sending", write,
			a.planDunningSend)
		op(a, http.MethodPost, "/dunning/letters", "send-dunning-letters",
			"Send the chosen letter proposals (PDF kept, e-mailed to tenants with an address) if the plan of now matches expect, else 409",
			write, a.sendDunningLetters)
		op(a, http.MethodGet, "/dunning/letters", "list-dunning-letters", "Letters sent, newest first", read, a.listDunningLetters)
		op(a, http.MethodGet, "/dunning/letters/{id}/pdf", "get-dunning-letter-pdf", "A sent letter exactly as sent (PDF)", read,
			a.getDunningLetterPDF)
		op(a, http.MethodPost, "/dunning/proposals/{id}/dismiss", "dismiss-dunning-proposal",
			"Set a waiting letter or costs proposal aside (its stage counts as passed)", write, a.dismissDunningProposal)
		op(a, http.MethodPost, "/dunning/proposals/{id}/approve", "approve-dunning-handover",
			"Approve a proposed hand-over to a bailiff or collection agency; recorded with the token's user, nothing is sent anywhere",
			write, a.approveDunningHandover)
		op(a, http.MethodPost, "/dunning/proposals/{id}/reject", "reject-dunning-handover", "Reject a proposed hand-over, with a reason",
			write, a.rejectDunningHandover)
		op(a, http.MethodPost, "/dunning/proposals/{id}/charge", "charge-dunning-costs",
			"Charge the collection costs a 14-day letter named once its term passed unpaid: an invoice on the lease", write,
			a.chargeDunningCosts)
		op(a, http.MethodGet, "/dunning/settings", "get-dunning-settings", "The organisation's dunning settings", read, a.getDunningSettings)
		op(a, http.MethodPut, "/dunning/settings", "update-dunning-settings", "Replace the organisation's dunning settings", write,
			a.updateDunningSettings)
		op(a, http.MethodGet, "/payment-plans", "list-payment-plans", "Payment plans, newest first, with what was paid", read, a.listPaymentPlans)
		op(a, http.MethodPost, "/payment-plans", "create-payment-plan",
			"Make a payment plan on a lease for open charges, with terms that add up to their open amount to the cent", write,
			a.createPaymentPlan)
		op(a, http.MethodGet, "/payment-plans/{id}", "get-payment-plan", "A payment plan with its charges and terms", read, a.getPaymentPlan)
		op(a, http.MethodPut, "/payment-plans/{id}/terms", "update-payment-plan-terms",
			"Replace an active plan's terms (they must still add up to its total)", write, a.updatePaymentPlanTerms)
		op(a, http.MethodPost, "/payment-plans/{id}/cancel", "cancel-payment-plan",
			"End an active plan; its charges return to dunning", write, a.cancelPaymentPlan)
		op(a, http.MethodGet, "/arrears", "list-arrears",
			"The arrears ageing list on a day: per lease what is overdue, by days overdue (0–30, 31–60, 61–90, 90+)", read, a.listArrears)
	})
}

// --- shapes ---

// DunningProposalJSON is a proposal for a lease.
type DunningProposalJSON struct {
	ID             int64         `json:"id"`
	LeaseID        int64         `json:"lease_id"`
	LeaseReference string        `json:"lease_reference"`
	Tenants        []string      `json:"tenants"`
	Address        string        `json:"address"`
	Stage          dunning.Stage `json:"stage"`
	State          dunning.State `json:"state"`
	Consumer       bool          `json:"consumer" doc:"A person is a tenant: the 14-day letter and the WIK scale apply"`
	OverdueCents   int64         `json:"overdue_cents"`
	CostsCents     int64         `json:"costs_cents" doc:"A 14-day letter: the collection costs it will name; costs: the amount to charge"`
	OldestDue      *string       `json:"oldest_due"`
	DaysOverdue    int           `json:"days_overdue" doc:"From the oldest due date to today"`
	Items          int           `json:"items" doc:"Charges it covers"`
	LetterID       int64         `json:"letter_id" doc:"A hand-over or costs: the final letter it follows; a sent letter: the letter"`
	ProposedOn     civil.Date    `json:"proposed_on"`
	DecidedAt      *time.Time    `json:"decided_at"`
	DecidedBy      int64         `json:"decided_by" doc:"The user who decided (0: the system withdrew it)"`
	Reason         string        `json:"reason"`
	InvoiceID      int64         `json:"invoice_id" doc:"Costs: the invoice that charged them"`
}

func dunningProposalJSON(p dunning.Proposal, today civil.Date) DunningProposalJSON {
	out := DunningProposalJSON{ID: p.ID, LeaseID: p.LeaseID, LeaseReference: p.LeaseReference, Tenants: p.Tenants, Address: p.Address,
		Stage: p.Stage, State: p.State, Consumer: p.Consumer, OverdueCents: int64(p.Overdue), CostsCents: int64(p.Costs),
		OldestDue: dateOrNil(p.OldestDue), DaysOverdue: p.DaysOverdue(today), Items: p.Items, LetterID: p.LetterID, ProposedOn: p.ProposedOn,
		DecidedBy: p.DecidedBy, Reason: p.Reason, InvoiceID: p.InvoiceID}
	if out.Tenants == nil {
		out.Tenants = []string{}
	}
	if !p.DecidedAt.IsZero() {
		t := p.DecidedAt
		out.DecidedAt = &t
	}
	return out
}

// DunningLetterJSON is a letter as sent.
type DunningLetterJSON struct {
	ID             int64         `json:"id"`
	LeaseID        int64         `json:"lease_id"`
	LeaseReference string        `json:"lease_reference"`
	ProposalID     int64         `json:"proposal_id"`
	Stage          dunning.Stage `json:"stage"`
	Consumer       bool          `json:"consumer"`
	Date           civil.Date    `json:"date"`
	Deadline       *string       `json:"deadline" doc:"A final letter's last day to pay"`
	PrincipalCents int64         `json:"principal_cents" doc:"The overdue amount the letter names"`
	CostsCents     int64         `json:"costs_cents" doc:"The collection costs it names"`
	Items          int           `json:"items"`
	Mailed         int           `json:"mailed" doc:"Messages put in the outbox; 0: to be printed"`
	SHA256         string        `json:"sha256"`
	CreatedAt      time.Time     `json:"created_at"`
}

func dunningLetterJSON(l dunning.Letter) DunningLetterJSON {
	return DunningLetterJSON{ID: l.ID, LeaseID: l.LeaseID, LeaseReference: l.LeaseReference, ProposalID: l.ProposalID, Stage: l.Stage,
		Consumer: l.Consumer, Date: l.Date, Deadline: dateOrNil(l.Deadline), PrincipalCents: int64(l.Principal), CostsCents: int64(l.Costs),
		Items: l.Items, Mailed: l.Mailed, SHA256: l.SHA256, CreatedAt: l.CreatedAt}
}

// --- proposals ---

// ListDunningProposalsInput filters proposals.
type ListDunningProposalsInput struct {
	State   dunning.State `query:"state" doc:"Default: proposed (waiting for a person)"`
	Stage   dunning.Stage `query:"stage"`
	LeaseID int64         `query:"lease_id"`
	PageInput
}

// DunningProposalsOutput is a page of proposals.
type DunningProposalsOutput struct {
	Body Page[DunningProposalJSON]
}

func (a *API) listDunningProposals(ctx context.Context, act account.Actor, in *ListDunningProposalsInput) (*DunningProposalsOutput, error) {
	f := dunning.ProposalFilter{LeaseID: in.LeaseID, Stage: in.Stage}
	if in.State != "" {
		f.States = []dunning.State{in.State}
	}
	ps, err := a.Dunning.Proposals(ctx, act, f)
	if err != nil {
		return nil, err
	}
	today := a.Dunning.Today()
	items := make([]DunningProposalJSON, len(ps))
	for i, p := range ps {
		items[i] = dunningProposalJSON(p, today)
	}
	page, err := pageOf(items, in.PageInput, func(p DunningProposalJSON) string { return idKey(p.ID) })
	if err != nil {
		return nil, err
	}
	return &DunningProposalsOutput{Body: page}, nil
}

// DunningRunOutput is what a run did.
type DunningRunOutput struct {
	Body struct {
		Day            civil.Date `json:"day"`
		New            int        `json:"new"`
		Updated        int        `json:"updated"`
		Withdrawn      int        `json:"withdrawn"`
		PlansCompleted int        `json:"plans_completed"`
		PlansBroken    int        `json:"plans_broken"`
		Waiting        int        `json:"waiting" doc:"Proposals waiting for a person after the run"`
		TotalCents     int64      `json:"total_cents" doc:"The overdue amount of the waiting letters"`
	}
}

func (a *API) runDunning(ctx context.Context, act account.Actor, _ *struct{}) (*DunningRunOutput, error) {
	run, err := a.Dunning.Propose(ctx, act, civil.Date{})
	if err != nil {
		return nil, err
	}
	out := &DunningRunOutput{}
	b := &out.Body
	b.Day, b.New, b.Updated, b.Withdrawn = run.Today, run.New, run.Updated, run.Withdrawn
	b.PlansCompleted, b.PlansBroken, b.Waiting, b.TotalCents = run.PlansCompleted, run.PlansBroken, len(run.Waiting), int64(run.Total)
	return out, nil
}

// ChosenProposalsInput names letter proposals.
type ChosenProposalsInput struct {
	Body struct {
		ProposalIDs []int64 `json:"proposal_ids" minItems:"1" maxItems:"500"`
	}
}

// DunningExpectJSON repeats what the send plan showed.
type DunningExpectJSON struct {
	Letters    int   `json:"letters" minimum:"0"`
	TotalCents int64 `json:"total_cents"`
	CostsCents int64 `json:"costs_cents"`
}

// PlannedLetterJSON is a letter a send will make.
type PlannedLetterJSON struct {
	ProposalID     int64         `json:"proposal_id"`
	LeaseID        int64         `json:"lease_id"`
	LeaseReference string        `json:"lease_reference"`
	Stage          dunning.Stage `json:"stage"`
	PrincipalCents int64         `json:"principal_cents"`
	CostsCents     int64         `json:"costs_cents"`
	Items          int           `json:"items"`
	Deadline       *string       `json:"deadline"`
}

// StageCountJSON is how many letters of a stage a send makes.
type StageCountJSON struct {
	Stage      dunning.Stage `json:"stage"`
	Count      int           `json:"count"`
	TotalCents int64         `json:"total_cents"`
}

// DunningSendPlanOutput is what a send will do.
type DunningSendPlanOutput struct {
	Body struct {
		OrganisationMissing []OrgMissingJSON `json:"organisation_missing" doc:"Details documents print that are not set"`

		Letters          []PlannedLetterJSON `json:"letters"`
		StaleProposalIDs []int64             `json:"stale_proposal_ids" doc:"Chosen proposals with nothing left to ask: sending withdraws them"`
		LeftOutIDs       []int64             `json:"left_out_proposal_ids" doc:"Proposals of a restricted tenant (art. 18 GDPR): not sent"`
		Stages           []StageCountJSON    `json:"stages"`
		TotalCents       int64               `json:"total_cents"`
		CostsCents       int64               `json:"costs_cents"`
		Expect           DunningExpectJSON   `json:"expect" doc:"Send with this expect"`
	}
}

func (a *API) planDunningSend(ctx context.Context, act account.Actor, in *ChosenProposalsInput) (*DunningSendPlanOutput, error) {
	plan, err := a.Dunning.PlanSend(ctx, act, in.Body.ProposalIDs)
	if err != nil {
		return nil, renameAPIField(err, "proposals", "proposal_ids")
	}
	out := &DunningSendPlanOutput{}
	b := &out.Body
	if b.OrganisationMissing, err = a.orgMissing(ctx, act); err != nil {
		return nil, err
	}
	b.Letters, b.StaleProposalIDs, b.Stages = []PlannedLetterJSON{}, []int64{}, []StageCountJSON{}
	for _, l := range plan.Letters {
		b.Letters = append(b.Letters, PlannedLetterJSON{ProposalID: l.Proposal.ID, LeaseID: l.Proposal.LeaseID,
			LeaseReference: l.Proposal.LeaseReference, Stage: l.Proposal.Stage, PrincipalCents: int64(l.Principal), CostsCents: int64(l.Costs),
			Items: l.Items, Deadline: dateOrNil(l.Deadline)})
	}
	for _, p := range plan.Stale {
		b.StaleProposalIDs = append(b.StaleProposalIDs, p.ID)
	}
	b.LeftOutIDs = []int64{}
	for _, p := range plan.LeftOut {
		b.LeftOutIDs = append(b.LeftOutIDs, p.ID)
	}
	for _, st := range plan.Stages {
		b.Stages = append(b.Stages, StageCountJSON{Stage: st.Stage, Count: st.Count, TotalCents: int64(st.Total)})
	}
	b.TotalCents, b.CostsCents = int64(plan.Total), int64(plan.Costs)
	e := plan.Expect()
	b.Expect = DunningExpectJSON{Letters: e.Letters, TotalCents: int64(e.Total), CostsCents: int64(e.Costs)}
	return out, nil
}

// SendDunningLettersInput sends letter proposals.
type SendDunningLettersInput struct {
	Body struct {
		ProposalIDs []int64           `json:"proposal_ids" minItems:"1" maxItems:"500"`
		Expect      DunningExpectJSON `json:"expect" doc:"The expect of the send plan"`
	}
}

// DunningSendOutput is what a send did.
type DunningSendOutput struct {
	Status int
	Body   struct {
		Letters           []DunningLetterJSON `json:"letters"`
		Mailed            int                 `json:"mailed"`
		Withdrawn         int                 `json:"withdrawn"`
		UnmailedLetterIDs []int64             `json:"unmailed_letter_ids" doc:"Letters no tenant has an e-mail address for: to be printed"`
	}
}

func (a *API) sendDunningLetters(ctx context.Context, act account.Actor, in *SendDunningLettersInput) (*DunningSendOutput, error) {
	e := in.Body.Expect
	res, err := a.Dunning.Send(ctx, act, in.Body.ProposalIDs, dunning.Expectation{Letters: e.Letters, Total: money.Cents(e.TotalCents),
		Costs: money.Cents(e.CostsCents)})
	if err != nil {
		return nil, renameAPIField(err, "proposals", "proposal_ids")
	}
	out := &DunningSendOutput{Status: http.StatusCreated}
	b := &out.Body
	b.Letters, b.UnmailedLetterIDs = []DunningLetterJSON{}, []int64{}
	for _, l := range res.Letters {
		b.Letters = append(b.Letters, dunningLetterJSON(l))
	}
	for _, l := range res.Unmailed {
		b.UnmailedLetterIDs = append(b.UnmailedLetterIDs, l.ID)
	}
	b.Mailed, b.Withdrawn = res.Mailed, res.Withdrawn
	return out, nil
}

// DecideProposalInput decides on a proposal.
type DecideProposalInput struct {
	GuardReasons
	ID   int64 `path:"id"`
	Body struct {
		Reason string `json:"reason,omitempty" maxLength:"500"`
	}
}

// DunningProposalOutput is one proposal.
type DunningProposalOutput struct {
	Body DunningProposalJSON
}

func (a *API) proposalAfter(ctx context.Context, act account.Actor, id int64, err error) (*DunningProposalOutput, error) {
	if err != nil {
		return nil, err
	}
	p, err := a.Dunning.Proposal(ctx, act, id)
	if err != nil {
		return nil, err
	}
	return &DunningProposalOutput{Body: dunningProposalJSON(*p, a.Dunning.Today())}, nil
}

func (a *API) dismissDunningProposal(ctx context.Context, act account.Actor, in *DecideProposalInput) (*DunningProposalOutput, error) {
	return a.proposalAfter(ctx, act, in.ID, a.Dunning.Dismiss(ctx, act, in.ID, in.Body.Reason))
}

func (a *API) approveDunningHandover(ctx context.Context, act account.Actor, in *DecideProposalInput) (*DunningProposalOutput, error) {
	return a.proposalAfter(ctx, act, in.ID, a.Dunning.DecideHandover(ctx, act, in.ID, true, in.Body.Reason))
}

func (a *API) rejectDunningHandover(ctx context.Context, act account.Actor, in *DecideProposalInput) (*DunningProposalOutput, error) {
	return a.proposalAfter(ctx, act, in.ID, a.Dunning.DecideHandover(ctx, act, in.ID, false, in.Body.Reason))
}

func (a *API) chargeDunningCosts(ctx context.Context, act account.Actor, in *idPath) (*DunningProposalOutput, error) {
	_, err := a.Dunning.ChargeCosts(ctx, act, in.ID)
	return a.proposalAfter(ctx, act, in.ID, err)
}

// --- letters ---

// ListDunningLettersInput filters letters; the cursor is the last id seen
// (newest first).
type ListDunningLettersInput struct {
	LeaseID int64 `query:"lease_id"`
	PageInput
}

// DunningLettersOutput is a page of letters.
type DunningLettersOutput struct {
	Body Page[DunningLetterJSON]
}

func (a *API) listDunningLetters(ctx context.Context, act account.Actor, in *ListDunningLettersInput) (*DunningLettersOutput, error) {
	before, err := in.afterID()
	if err != nil {
		return nil, err
	}
	ls, err := a.Dunning.Letters(ctx, act, dunning.LetterFilter{LeaseID: in.LeaseID, BeforeID: before, Limit: in.limit() + 1})
	if err != nil {
		return nil, err
	}
	page := Page[DunningLetterJSON]{Items: []DunningLetterJSON{}}
	for i, l := range ls {
		if i == in.limit() {
			page.NextCursor = strconv.FormatInt(ls[i-1].ID, 10)
			break
		}
		page.Items = append(page.Items, dunningLetterJSON(l))
	}
	return &DunningLettersOutput{Body: page}, nil
}

func (a *API) getDunningLetterPDF(ctx context.Context, act account.Actor, in *idPath) (*LeasePDFOutput, error) {
	pdf, lt, err := a.Dunning.LetterDocument(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &LeasePDFOutput{ContentType: "application/pdf", ContentDisposition: fmt.Sprintf(`attachment; filename="%s-%d.pdf"`,
		lt.Stage, lt.ID),
		Body: pdf}, nil
}

// --- settings ---

// DunningSettingsJSON are the organisation's dunning settings.
type DunningSettingsJSON struct {
	ReminderDays  int  `json:"reminder_days" doc:"Days after the due date of the reminder (herinnering)"`
	NoticeDays    int  `json:"notice_days" doc:"Days after the due date of the notice (aanmaning)"`
	FinalDays     int  `json:"final_days" doc:"Days after the due date of the 14-day letter (consumers) or sommatie (companies)"`
	TermDays      int  `json:"term_days" doc:"The final letter's term, from the day after receipt; at least 14 (art. 6:96 lid 6 BW)"`
	ReceiptDays   int  `json:"receipt_days" doc:"Days after its date a letter is taken to be received"`
	HandoverDays  int  `json:"handover_days" doc:"Days after the final letter's term before a hand-over is proposed"`
	PlanGraceDays int  `json:"plan_grace_days" doc:"Days a plan's term may be late before the plan is broken"`
	CostsVAT      bool `json:"costs_vat" doc:"Add VAT to the collection costs (only when it cannot be reclaimed)"`
	CompanyCosts  bool `json:"company_costs" doc:"Name collection costs of the same scale to companies in the sommatie"`
}

// DunningSettingsOutput are the settings.
type DunningSettingsOutput struct {
	Body DunningSettingsJSON
}

func (a *API) getDunningSettings(ctx context.Context, act account.Actor, _ *struct{}) (*DunningSettingsOutput, error) {
	st, err := a.Dunning.Settings(ctx, act)
	if err != nil {
		return nil, err
	}
	return &DunningSettingsOutput{Body: DunningSettingsJSON{ReminderDays: st.ReminderDays, NoticeDays: st.NoticeDays, FinalDays: st.FinalDays,
		TermDays: st.TermDays, ReceiptDays: st.ReceiptDays, HandoverDays: st.HandoverDays, PlanGraceDays: st.PlanGraceDays, CostsVAT: st.CostsVAT,
		CompanyCosts: st.CompanyCosts}}, nil
}

// UpdateDunningSettingsInput replaces the settings.
type UpdateDunningSettingsInput struct {
	Body DunningSettingsJSON
}

func (a *API) updateDunningSettings(ctx context.Context, act account.Actor, in *UpdateDunningSettingsInput) (*DunningSettingsOutput,
	error) {
	b := in.Body
	if err := a.Dunning.SaveSettings(ctx, act, dunning.Settings{ReminderDays: b.ReminderDays, NoticeDays: b.NoticeDays, FinalDays: b.FinalDays,
		TermDays: b.TermDays, ReceiptDays: b.ReceiptDays, HandoverDays: b.HandoverDays, PlanGraceDays: b.PlanGraceDays, CostsVAT: b.CostsVAT,
		CompanyCosts: b.CompanyCosts}); err != nil {
		return nil, err
	}
	return a.getDunningSettings(ctx, act, nil)
}

// --- payment plans ---

// PlanTermJSON is a term of a plan.
type PlanTermJSON struct {
	Seq         int        `json:"seq"`
	Due         civil.Date `json:"due"`
	AmountCents int64      `json:"amount_cents"`
	Met         bool       `json:"met" doc:"What was paid covers this term and the ones before it"`
}

// PlanItemJSON is a charge a plan covers.
type PlanItemJSON struct {
	ChargeID      int64      `json:"charge_id"`
	InvoiceNumber string     `json:"invoice_number"`
	DueDate       civil.Date `json:"due_date"`
	AmountCents   int64      `json:"amount_cents" doc:"Open when the plan was made"`
	OpenCents     int64      `json:"open_cents" doc:"Open now"`
}

// PaymentPlanJSON is a payment plan.
type PaymentPlanJSON struct {
	ID             int64             `json:"id"`
	LeaseID        int64             `json:"lease_id"`
	LeaseReference string            `json:"lease_reference"`
	State          dunning.PlanState `json:"state"`
	TotalCents     int64             `json:"total_cents"`
	PaidCents      int64             `json:"paid_cents"`
	BehindCents    int64             `json:"behind_cents" doc:"Of the terms due by today, what is not paid"`
	Terms          []PlanTermJSON    `json:"terms"`
	Items          []PlanItemJSON    `json:"items"`
	Note           string            `json:"note"`
	CreatedAt      time.Time         `json:"created_at"`
	EndedOn        *string           `json:"ended_on"`
}

func paymentPlanJSON(p dunning.Plan, today civil.Date) PaymentPlanJSON {
	out := PaymentPlanJSON{ID: p.ID, LeaseID: p.LeaseID, LeaseReference: p.LeaseReference, State: p.State, TotalCents: int64(p.Total),
		PaidCents: int64(p.Paid), BehindCents: int64(p.Behind(today)), Terms: []PlanTermJSON{}, Items: []PlanItemJSON{}, Note: p.Note,
		CreatedAt: p.CreatedAt, EndedOn: dateOrNil(p.EndedOn)}
	for _, t := range p.Terms {
		out.Terms = append(out.Terms, PlanTermJSON{Seq: t.Seq, Due: t.Due, AmountCents: int64(t.Amount), Met: t.Met})
	}
	for _, it := range p.Items {
		out.Items = append(out.Items, PlanItemJSON{ChargeID: it.ChargeID, InvoiceNumber: it.InvoiceNumber, DueDate: it.DueDate,
			AmountCents: int64(it.Amount), OpenCents: int64(it.Open)})
	}
	return out
}

// ListPaymentPlansInput filters plans.
type ListPaymentPlansInput struct {
	LeaseID int64             `query:"lease_id"`
	State   dunning.PlanState `query:"state" doc:"Absent: every state"`
	PageInput
}

// PaymentPlansOutput is a page of plans.
type PaymentPlansOutput struct {
	Body Page[PaymentPlanJSON]
}

func (a *API) listPaymentPlans(ctx context.Context, act account.Actor, in *ListPaymentPlansInput) (*PaymentPlansOutput, error) {
	ps, err := a.Dunning.Plans(ctx, act, dunning.PlanFilter{LeaseID: in.LeaseID, State: in.State})
	if err != nil {
		return nil, err
	}
	today := a.Dunning.Today()
	items := make([]PaymentPlanJSON, len(ps))
	for i, p := range ps {
		items[i] = paymentPlanJSON(p, today)
	}
	page, err := pageOf(items, in.PageInput, func(p PaymentPlanJSON) string { return idKey(p.ID) })
	if err != nil {
		return nil, err
	}
	return &PaymentPlansOutput{Body: page}, nil
}

// PaymentPlanOutput is one plan.
type PaymentPlanOutput struct {
	Body PaymentPlanJSON
}

// PaymentPlanCreatedOutput is a plan just made.
type PaymentPlanCreatedOutput struct {
	Status int
	Body   PaymentPlanJSON
}

func (a *API) getPaymentPlan(ctx context.Context, act account.Actor, in *idPath) (*PaymentPlanOutput, error) {
	p, err := a.Dunning.Plan(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &PaymentPlanOutput{Body: paymentPlanJSON(*p, a.Dunning.Today())}, nil
}

// TermInputJSON is a term of a plan being made.
type TermInputJSON struct {
	Due         civil.Date `json:"due"`
	AmountCents int64      `json:"amount_cents"`
}

func termInputs(ts []TermInputJSON) []dunning.TermInput {
	out := make([]dunning.TermInput, len(ts))
	for i, t := range ts {
		out[i] = dunning.TermInput{Due: t.Due, Amount: money.Cents(t.AmountCents)}
	}
	return out
}

// CreatePaymentPlanInput makes a plan.
type CreatePaymentPlanInput struct {
	GuardReasons
	Body struct {
		LeaseID   int64           `json:"lease_id"`
		ChargeIDs []int64         `json:"charge_ids" maxItems:"500" doc:"Open charges of the lease the plan covers"`
		Terms     []TermInputJSON `json:"terms" maxItems:"60" doc:"In date order; the amounts add up to what the charges have open, to the cent"`
		Note      string          `json:"note,omitempty" maxLength:"1000"`
	}
}

func (a *API) createPaymentPlan(ctx context.Context, act account.Actor, in *CreatePaymentPlanInput) (*PaymentPlanCreatedOutput, error) {
	id, err := a.Dunning.CreatePlan(ctx, act, dunning.PlanInput{LeaseID: in.Body.LeaseID, ChargeIDs: in.Body.ChargeIDs,
		Terms: termInputs(in.Body.Terms), Note: in.Body.Note})
	if err != nil {
		return nil, renameAPIField(err, "charges", "charge_ids")
	}
	p, err := a.getPaymentPlan(ctx, act, &idPath{ID: id})
	if err != nil {
		return nil, err
	}
	return &PaymentPlanCreatedOutput{Status: http.StatusCreated, Body: p.Body}, nil
}

// UpdatePlanTermsInput replaces a plan's terms.
type UpdatePlanTermsInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Terms []TermInputJSON `json:"terms" maxItems:"60"`
	}
}

func (a *API) updatePaymentPlanTerms(ctx context.Context, act account.Actor, in *UpdatePlanTermsInput) (*PaymentPlanOutput, error) {
	if err := a.Dunning.UpdateTerms(ctx, act, in.ID, termInputs(in.Body.Terms)); err != nil {
		return nil, err
	}
	return a.getPaymentPlan(ctx, act, &idPath{ID: in.ID})
}

func (a *API) cancelPaymentPlan(ctx context.Context, act account.Actor, in *idPath) (*PaymentPlanOutput, error) {
	if err := a.Dunning.CancelPlan(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return a.getPaymentPlan(ctx, act, &idPath{ID: in.ID})
}

// --- arrears ---

// ArrearsRowJSON is a lease in the ageing list.
type ArrearsRowJSON struct {
	LeaseID         int64      `json:"lease_id"`
	LeaseReference  string     `json:"lease_reference"`
	Tenants         []string   `json:"tenants"`
	Address         string     `json:"address"`
	TotalOpenCents  int64      `json:"total_open_cents" doc:"Everything open on the day, due or not"`
	OverdueCents    int64      `json:"overdue_cents"`
	OldestDue       civil.Date `json:"oldest_due"`
	DaysOverdue     int        `json:"days_overdue"`
	Days0To30Cents  int64      `json:"days_0_30_cents"`
	Days31To60Cents int64      `json:"days_31_60_cents"`
	Days61To90Cents int64      `json:"days_61_90_cents"`
	DaysOver90Cents int64      `json:"days_over_90_cents"`
}

// ListArrearsInput asks for the ageing list on a day.
type ListArrearsInput struct {
	On civil.Date `query:"on" doc:"The day (default today): the books as they stood then"`
	Q  string     `query:"q" maxLength:"200" doc:"Matches the lease reference, a tenant's name or the address"`
	PageInput
}

// ArrearsOutput is a page of the ageing list with its totals.
type ArrearsOutput struct {
	Body struct {
		Page[ArrearsRowJSON]
		On              civil.Date `json:"on"`
		Total           int        `json:"total" doc:"Leases over all pages"`
		OverdueCents    int64      `json:"overdue_cents"`
		Days0To30Cents  int64      `json:"days_0_30_cents"`
		Days31To60Cents int64      `json:"days_31_60_cents"`
		Days61To90Cents int64      `json:"days_61_90_cents"`
		DaysOver90Cents int64      `json:"days_over_90_cents"`
	}
}

func (a *API) listArrears(ctx context.Context, act account.Actor, in *ListArrearsInput) (*ArrearsOutput, error) {
	// A list the service sorts (most days overdue first) is paged by
	// position: the cursor counts the rows already seen.
	offset, err := in.offset()
	if err != nil {
		return nil, err
	}
	ag, err := a.Dunning.Arrears(ctx, act, in.On, listing.Query{Search: in.Q, Offset: offset, Limit: in.limit() + 1})
	if err != nil {
		return nil, err
	}
	out := &ArrearsOutput{}
	b := &out.Body
	b.Page = pageAt(ag.Rows, in.PageInput, offset, func(r dunning.AgeingRow) ArrearsRowJSON {
		t := r.Tenants
		if t == nil {
			t = []string{}
		}
		return ArrearsRowJSON{LeaseID: r.LeaseID, LeaseReference: r.Reference, Tenants: t, Address: r.Address,
			TotalOpenCents: int64(r.TotalOpen), OverdueCents: int64(r.Overdue), OldestDue: r.OldestDue, DaysOverdue: r.DaysOverdue,
			Days0To30Cents: int64(r.Buckets[0]), Days31To60Cents: int64(r.Buckets[1]), Days61To90Cents: int64(r.Buckets[2]),
			DaysOver90Cents: int64(r.Buckets[3])}
	})
	b.On, b.Total, b.OverdueCents = ag.On, ag.Total, int64(ag.Overdue)
	b.Days0To30Cents, b.Days31To60Cents, b.Days61To90Cents = int64(ag.Buckets[0]), int64(ag.Buckets[1]), int64(ag.Buckets[2])
	b.DaysOver90Cents = int64(ag.Buckets[3])
	return out, nil
}

// renameAPIField moves a service's field error to the body's field name.
func renameAPIField(err error, from, to string) error {
	fe, ok := validation.AsFields(err)
	if !ok {
		return err
	}
	out := validation.Errors{}
	for k, v := range fe {
		if k == from {
			k = to
		}
		out[k] = v
	}
	return out
}
