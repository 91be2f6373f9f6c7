package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/settlement"
)

// The settlement's second part: statements of a final run (review, one
// tenant's statement and its PDF, sending them as a job, the new advance),
// the deadline list, levies, statement settings and VAT classes.
func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermFinanceRead, account.PermFinanceWrite
		op(a, http.MethodGet, "/settlement/runs/{id}/statements", "list-settlement-statements",
			"The statements of a run per tenant: balance, booking, new advance, sent or not", read, a.listSettlementStatements)
		op(a, http.MethodGet, "/settlement/runs/{id}/statements/{occupancy}", "get-settlement-statement",
			"One tenant's statement, itemised as printed (reads the tenants' names)", read, a.getSettlementStatement)
		op(a, http.MethodGet, "/settlement/runs/{id}/statements/{occupancy}/pdf", "get-settlement-statement-pdf",
			"The statement PDF: as sent, or as it would be sent today", read, a.getSettlementStatementPDF)
		op(a, http.MethodPost, "/settlement/runs/{id}/statements/{occupancy}/advance", "apply-settlement-advance",
			"Set the proposed new advance of a sent statement on the lease (once; needs portfolio write too)", write, a.applySettlementAdvance)
		op(a, http.MethodPost, "/settlement/runs/{id}/send", "send-settlement-run",
			"Send a final run's statements as a background job: book each balance once, store and mail the PDF", write, a.sendSettlementRun)
		op(a, http.MethodGet, "/settlement/runs/{id}/send", "get-settlement-send",
			"How far sending a run got: statements sent and the latest send job", read, a.getSettlementSend)
		op(a, http.MethodGet, "/settlement/deadlines", "list-settlement-deadlines",
			"Complexes with their settlement state for a year against the legal date (30 June)", read, a.listSettlementDeadlines)
		op(a, http.MethodGet, "/settlement/levies", "list-settlement-levies",
			"Levies with their distribution per lease", read, a.listSettlementLevies)
		op(a, http.MethodPost, "/settlement/levies", "create-settlement-levy",
			"Enter a levy; it is distributed over the complex's leases by occupancy days", write, a.createSettlementLevy)
		op(a, http.MethodDelete, "/settlement/levies/{id}", "delete-settlement-levy",
			"Delete a levy none of whose shares is booked", write, a.deleteSettlementLevy)
		op(a, http.MethodPost, "/settlement/levies/{id}/book", "book-settlement-levy",
			"Book every unbooked tenant share of a levy as an invoice", write, a.bookSettlementLevy)
		op(a, http.MethodGet, "/settlement/statement-settings", "get-settlement-statement-settings",
			"The organisation's statement settings", read, a.getStatementSettings)
		op(a, http.MethodPut, "/settlement/statement-settings", "update-settlement-statement-settings",
			"Replace the organisation's statement settings", write, a.putStatementSettings)
		op(a, http.MethodGet, "/settlement/complexes/{complex}/years/{year}/vat-classes", "list-settlement-vat-classes",
			"VAT classes per cost category (commercial statements)", read, a.listVATClasses)
		op(a, http.MethodPut, "/settlement/complexes/{complex}/years/{year}/vat-classes/{category}", "set-settlement-vat-class",
			"Set the VAT class of a cost category", write, a.putVATClass)
	})
}

// --- statements ---

// SettlementStatementLineJSON is one cost type on a statement.
type SettlementStatementLineJSON struct {
	CostID    string `json:"cost_id"`
	Category  string `json:"category"`
	Key       string `json:"key"`
	CostTotal string `json:"cost_total" doc:"The pool's cost for the period"`
	Share     string `json:"share"`
	Mine      string `json:"mine" doc:"The tenant's units of the key"`
	Of        string `json:"of" doc:"The pool's units of the key"`
	Days      int    `json:"days"`
	PeriodDay int    `json:"period_days"`
	AdminFee  bool   `json:"admin_fee"`
	VATClass  string `json:"vat_class,omitempty" enum:"ancillary,independent,"`
	VATRate   string `json:"vat_rate,omitempty" doc:"Percent"`
	// Key meter: the readings behind the share, and the pool's cost per unit of use.
	Meter  *settlement.OccupancyReads `json:"meter,omitempty" doc:"Key meter: readings per meter, use; by_days: no reading at a change"`
	Tariff string                     `json:"tariff,omitempty" doc:"Key meter: euros per unit of use, four decimals"`
}

// SettlementLevyLineJSON is a levy printed on a statement.
type SettlementLevyLineJSON struct {
	LevyID      int64      `json:"levy_id"`
	Name        string     `json:"name"`
	PeriodStart civil.Date `json:"period_start"`
	PeriodEnd   civil.Date `json:"period_end"`
	Amount      string     `json:"amount"`
	Days        int        `json:"days"`
}

// SettlementStatementJSON is one tenant's statement.
type SettlementStatementJSON struct {
	RunID           int64                         `json:"run_id"`
	OccupancyID     int64                         `json:"occupancy_id"`
	LeaseID         int64                         `json:"lease_id"`
	LeaseReference  string                        `json:"lease_reference"`
	Address         string                        `json:"address"`
	Start           civil.Date                    `json:"start"`
	End             civil.Date                    `json:"end"`
	Names           []string                      `json:"names,omitempty" doc:"Only on a single statement"`
	Commercial      bool                          `json:"commercial"`
	Lines           []SettlementStatementLineJSON `json:"lines"`
	Subtotal        string                        `json:"subtotal"`
	AdminFee        string                        `json:"admin_fee"`
	Total           string                        `json:"total" doc:"Excluding VAT"`
	TotalInclVAT    string                        `json:"total_incl_vat"`
	Advances        string                        `json:"advances"`
	Paid            string                        `json:"paid" doc:"Of the advances charged, received"`
	AdvancesOpen    string                        `json:"advances_open" doc:"Of the advances charged, still open when the run was made"`
	AdvancesBasis   string                        `json:"advances_basis" enum:"charged,received" doc:"What balance settles against"`
	Balance         string                        `json:"balance" doc:"To pay when positive, to refund when negative"`
	Refund          string                        `json:"refund" enum:"set_off,pay_back"`
	ProposedAdvance string                        `json:"proposed_advance" doc:"A month, from advance_from; 0.00 if the lease does not run on"`
	AdvanceFrom     *civil.Date                   `json:"advance_from,omitempty"`
	AdvanceApplied  bool                          `json:"advance_applied"`
	Levies          []SettlementLevyLineJSON      `json:"levies"`
	IssueDate       civil.Date                    `json:"issue_date"`
	DueDate         civil.Date                    `json:"due_date"`
	Deadline        civil.Date                    `json:"deadline" doc:"30 June after the year"`
	Booked          bool                          `json:"booked"`
	InvoiceID       int64                         `json:"invoice_id,omitempty"`
	InvoiceNumber   string                        `json:"invoice_number,omitempty"`
	SetOff          string                        `json:"set_off"`
	Payout          string                        `json:"payout"`
	Mails           int                           `json:"mails"`
	SentAt          *time.Time                    `json:"sent_at,omitempty"`
	DegreeDays      string                        `json:"degree_days_source" doc:"knmi:<station>, entered or table (VDI 2067)"`
	DegreeDaysText  string                        `json:"degree_days_text,omitempty" doc:"The sentence naming it, when it divided a line"`
}

func statementJSON(s *settlement.Statement) SettlementStatementJSON {
	j := SettlementStatementJSON{RunID: s.RunID, OccupancyID: s.OccupancyID, LeaseID: s.LeaseID, LeaseReference: s.LeaseReference,
		Address: s.Address, Start: s.Start, End: s.End, Names: s.Names, Commercial: s.Commercial, Subtotal: s.Subtotal.String(),
		AdminFee: s.AdminFee.String(), Total: s.Total.String(), TotalInclVAT: s.TotalInclVAT.String(), Advances: s.Advances.String(),
		Paid: s.Paid.String(), Balance: s.Balance.String(), Refund: s.Refund, ProposedAdvance: s.ProposedAdvance.String(),
		AdvanceApplied: s.AdvanceApplied, IssueDate: s.IssueDate, DueDate: s.DueDate, Deadline: s.Deadline, Booked: s.Booked,
		InvoiceID: s.InvoiceID, InvoiceNumber: s.InvoiceNumber, SetOff: s.SetOff.String(), Payout: s.PayoutCents.String(), Mails: s.Mails,
		Lines: []SettlementStatementLineJSON{}, Levies: []SettlementLevyLineJSON{}, DegreeDays: s.DegreeDaysSource,
		DegreeDaysText: settlement.DegreeDaysText(s, s.Lang), AdvancesOpen: s.AdvancesOpen.String(), AdvancesBasis: s.AdvancesBasis}
	if !s.AdvanceFrom.IsZero() {
		from := s.AdvanceFrom
		j.AdvanceFrom = &from
	}
	if !s.SentAt.IsZero() {
		at := s.SentAt.UTC()
		j.SentAt = &at
	}
	for _, l := range s.Lines {
		lj := SettlementStatementLineJSON{CostID: l.CostID, Category: l.Category, Key: l.Key, CostTotal: l.CostTotal.String(),
			Share: l.Share.String(), Mine: l.Basis.Mine, Of: l.Basis.Total, Days: l.Basis.Days, PeriodDay: l.Basis.Of, AdminFee: l.AdminFee,
			VATClass: l.VATClass, Meter: l.Meter, Tariff: l.Tariff}
		if l.VATClass != "" {
			lj.VATRate = strings.TrimSuffix(l.VATRate.String(), "%")
		}
		j.Lines = append(j.Lines, lj)
	}
	for _, lv := range s.Levies {
		j.Levies = append(j.Levies, SettlementLevyLineJSON{LevyID: lv.LevyID, Name: lv.Name, PeriodStart: lv.PeriodStart, PeriodEnd: lv.PeriodEnd,
			Amount: lv.Amount.String(), Days: lv.Days})
	}
	return j
}

// SettlementRunIDPathInput names a run.
type SettlementRunIDPathInput struct {
	ID int64 `path:"id"`
}

// SettlementStatementInput names one occupancy's statement of a run.
type SettlementStatementInput struct {
	ID        int64 `path:"id"`
	Occupancy int64 `path:"occupancy"`
}

// ListSettlementStatementsOutput is a run's statements with totals.
type ListSettlementStatementsOutput struct {
	Body struct {
		OrganisationMissing []OrgMissingJSON `json:"organisation_missing" doc:"Details documents print that are not set"`

		RunID    int64        `json:"run_id"`
		State    string       `json:"state"`
		Sent     int          `json:"sent"`
		Booked   int          `json:"booked"`
		ToPay    string       `json:"to_pay"`
		ToRefund string       `json:"to_refund"`
		Unsent   SendPlanJSON `json:"unsent" doc:"What sending now would do: confirm it in POST …/send"`
		Page[SettlementStatementJSON]
	}
}

// SendPlanJSON is what sending a run now would do.
type SendPlanJSON struct {
	Complex       string `json:"complex"`
	Year          int    `json:"year"`
	Statements    int    `json:"statements"`
	ToPayCents    int64  `json:"to_pay_cents"`
	ToRefundCents int64  `json:"to_refund_cents"`
}

func (a *API) listSettlementStatements(ctx context.Context, act account.Actor, in *IDPageInput) (*ListSettlementStatementsOutput, error) {
	rev, err := a.Statements.Review(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	out := &ListSettlementStatementsOutput{}
	if out.Body.OrganisationMissing, err = a.orgMissing(ctx, act); err != nil {
		return nil, err
	}
	out.Body.RunID, out.Body.State, out.Body.Sent, out.Body.Booked = rev.Run.ID, rev.Run.State, rev.Sent, rev.Booked
	out.Body.ToPay, out.Body.ToRefund = rev.ToPay.String(), rev.ToRefund.String()
	u := rev.Unsent()
	out.Body.Unsent = SendPlanJSON{Complex: rev.Run.ComplexName, Year: rev.Run.Year, Statements: u.Statements, ToPayCents: int64(u.ToPay),
		ToRefundCents: int64(u.ToRefund)}
	items := make([]SettlementStatementJSON, 0, len(rev.Statements))
	for i := range rev.Statements {
		items = append(items, statementJSON(&rev.Statements[i]))
	}
	if out.Body.Page, err = pageOf(items, in.PageInput, func(s SettlementStatementJSON) string { return idKey(s.OccupancyID) }); err != nil {
		return nil, err
	}
	return out, nil
}

// SettlementStatementOutput is one statement.
type SettlementStatementOutput struct{ Body SettlementStatementJSON }

func (a *API) getSettlementStatement(ctx context.Context, act account.Actor,
	in *SettlementStatementInput) (*SettlementStatementOutput, error) {
	s, err := a.Statements.Statement(ctx, act, in.ID, in.Occupancy)
	if err != nil {
		return nil, err
	}
	return &SettlementStatementOutput{Body: statementJSON(s)}, nil
}

func (a *API) getSettlementStatementPDF(ctx context.Context, act account.Actor, in *SettlementStatementInput) (*LeasePDFOutput, error) {
	pdf, name, err := a.Statements.StatementPDF(ctx, act, in.ID, in.Occupancy)
	if err != nil {
		return nil, err
	}
	return &LeasePDFOutput{ContentType: "application/pdf", ContentDisposition: fmt.Sprintf(`attachment; filename="%s"`, name), Body: pdf}, nil
}

// SettlementAdvanceOutput is the advance set on the lease.
type SettlementAdvanceOutput struct {
	Body struct {
		LeaseID   int64      `json:"lease_id"`
		Amount    string     `json:"amount" doc:"A month"`
		ValidFrom civil.Date `json:"valid_from"`
	}
}

func (a *API) applySettlementAdvance(ctx context.Context, act account.Actor,
	in *SettlementStatementInput) (*SettlementAdvanceOutput, error) {
	amount, err := a.Statements.ApplyAdvance(ctx, act, in.ID, in.Occupancy)
	if err != nil {
		return nil, err
	}
	s, err := a.Statements.Statement(ctx, act, in.ID, in.Occupancy)
	if err != nil {
		return nil, err
	}
	out := &SettlementAdvanceOutput{}
	out.Body.LeaseID, out.Body.Amount, out.Body.ValidFrom = s.LeaseID, amount.String(), s.AdvanceFrom
	return out, nil
}

// SettlementSendJSON is how far sending a run got.
type SettlementSendJSON struct {
	RunID      int64      `json:"run_id"`
	Sent       int        `json:"sent"`
	Total      int        `json:"total"`
	JobID      int64      `json:"job_id,omitempty"`
	JobState   string     `json:"job_state,omitempty" enum:"queued,running,failed,done,dead,"`
	Done       int64      `json:"done"`
	Of         int64      `json:"of"`
	LastError  string     `json:"last_error,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// SettlementSendOutput is the send state.
type SettlementSendOutput struct{ Body SettlementSendJSON }

func sendJSON(s settlement.SendState) SettlementSendJSON {
	j := SettlementSendJSON{RunID: s.RunID, Sent: s.Sent, Total: s.Total}
	if s.Job != nil {
		j.JobID, j.JobState, j.Done, j.Of, j.LastError = s.Job.ID, s.Job.State, s.Job.Done, s.Job.Total, s.Job.LastError
		if !s.Job.FinishedAt.IsZero() {
			at := s.Job.FinishedAt.UTC()
			j.FinishedAt = &at
		}
	}
	return j
}

// SendSettlementRunInput confirms the send plan of a run (GET
// …/statements shows it: the statements not sent yet and their balances).
type SendSettlementRunInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Expect SendExpectJSON `json:"expect" doc:"The plan being confirmed; a send that would now do something else is refused (409)"`
	}
}

// SendExpectJSON repeats a settlement send plan.
type SendExpectJSON struct {
	Statements    int   `json:"statements" minimum:"1" doc:"Statements not sent yet"`
	ToPayCents    int64 `json:"to_pay_cents" doc:"What those statements ask tenants to pay"`
	ToRefundCents int64 `json:"to_refund_cents" doc:"What those statements pay back"`
}

func (a *API) sendSettlementRun(ctx context.Context, act account.Actor, in *SendSettlementRunInput) (*SettlementSendOutput, error) {
	e := in.Body.Expect
	if _, err := a.Statements.StartSend(ctx, act, in.ID, settlement.SendPlan{Statements: e.Statements, ToPay: money.Cents(e.ToPayCents),
		ToRefund: money.Cents(e.ToRefundCents)}); err != nil {
		return nil, err
	}
	return a.getSettlementSend(ctx, act, &SettlementRunIDPathInput{ID: in.ID})
}

func (a *API) getSettlementSend(ctx context.Context, act account.Actor, in *SettlementRunIDPathInput) (*SettlementSendOutput, error) {
	s, err := a.Statements.SendStatus(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &SettlementSendOutput{Body: sendJSON(s)}, nil
}

// --- deadlines ---

// ListSettlementDeadlinesInput chooses the year and pages through the
// complexes (the cursor is the last complex_id seen).
type ListSettlementDeadlinesInput struct {
	Year int `query:"year" doc:"The year to settle; default last year" minimum:"0" maximum:"2100"`
	PageInput
}

// SettlementDeadlineJSON is one complex on the deadline list.
type SettlementDeadlineJSON struct {
	ComplexID   int64      `json:"complex_id"`
	ComplexName string     `json:"complex_name"`
	Year        int        `json:"year"`
	Leases      int        `json:"leases"`
	State       string     `json:"state" enum:"none,draft,final,sent"`
	RunID       int64      `json:"run_id,omitempty"`
	Sent        int        `json:"sent"`
	Total       int        `json:"total"`
	Due         civil.Date `json:"due"`
	DaysLeft    int        `json:"days_left"`
	Warning     string     `json:"warning,omitempty" enum:"60_days,30_days,overdue,"`
}

// ListSettlementDeadlinesOutput is the list.
type ListSettlementDeadlinesOutput struct {
	Body struct {
		Year int `json:"year"`
		Page[SettlementDeadlineJSON]
	}
}

func (a *API) listSettlementDeadlines(ctx context.Context, act account.Actor,
	in *ListSettlementDeadlinesInput) (*ListSettlementDeadlinesOutput, error) {
	year := in.Year
	if year == 0 {
		year = a.Settlement.Today().Year - 1
	}
	if year < 2000 {
		return nil, fieldErr("year", "settlement.bad_year")
	}
	rows, err := a.Statements.Deadlines(ctx, act, year)
	if err != nil {
		return nil, err
	}
	out := &ListSettlementDeadlinesOutput{}
	out.Body.Year = year
	items := make([]SettlementDeadlineJSON, 0, len(rows))
	for _, r := range rows {
		items = append(items, SettlementDeadlineJSON{ComplexID: r.ComplexID, ComplexName: r.ComplexName, Year: r.Year, Leases: r.Leases,
			State: r.State, RunID: r.RunID, Sent: r.Sent, Total: r.Total, Due: r.Due, DaysLeft: r.DaysLeft, Warning: r.Warning})
	}
	if out.Body.Page, err = pageOf(items, in.PageInput, func(d SettlementDeadlineJSON) string { return idKey(d.ComplexID) }); err != nil {
		return nil, err
	}
	return out, nil
}

// --- levies ---

// SettlementLevyShareJSON is one lease's part of a levy (lease_id 0: the
// landlord's vacant days).
type SettlementLevyShareJSON struct {
	LeaseID   int64  `json:"lease_id"`
	UnitID    int64  `json:"unit_id"`
	Days      int    `json:"days"`
	Amount    string `json:"amount"`
	InvoiceID int64  `json:"invoice_id,omitempty"`
}

// SettlementLevyJSON is a levy.
type SettlementLevyJSON struct {
	ID          int64                     `json:"id"`
	ComplexID   int64                     `json:"complex_id"`
	ComplexName string                    `json:"complex_name"`
	Name        string                    `json:"name"`
	PeriodStart civil.Date                `json:"period_start"`
	PeriodEnd   civil.Date                `json:"period_end"`
	Amount      string                    `json:"amount"`
	Basis       string                    `json:"basis" enum:"equal,area"`
	OnStatement bool                      `json:"on_statement"`
	Landlord    string                    `json:"landlord" doc:"The vacant days' part"`
	Booked      int                       `json:"booked" doc:"Shares booked as invoices"`
	Shares      []SettlementLevyShareJSON `json:"shares"`
}

func levyJSON(l settlement.Levy) SettlementLevyJSON {
	j := SettlementLevyJSON{ID: l.ID, ComplexID: l.ComplexID, ComplexName: l.ComplexName, Name: l.Name, PeriodStart: l.PeriodStart,
		PeriodEnd: l.PeriodEnd, Amount: l.Amount.String(), Basis: l.Basis, OnStatement: l.OnStatement, Landlord: l.Landlord.String(),
		Booked: l.Booked, Shares: make([]SettlementLevyShareJSON, 0, len(l.Shares))}
	for _, s := range l.Shares {
		j.Shares = append(j.Shares,
			SettlementLevyShareJSON{LeaseID: s.LeaseID, UnitID: s.UnitID, Days: s.Days, Amount: s.Amount.String(), InvoiceID: s.InvoiceID})
	}
	return j
}

// ListSettlementLeviesInput filters levies and pages through them (the
// cursor is the last id seen).
type ListSettlementLeviesInput struct {
	ComplexID int64 `query:"complex_id"`
	PageInput
}

// ListSettlementLeviesOutput is a page of levies.
type ListSettlementLeviesOutput struct {
	Body Page[SettlementLevyJSON]
}

func (a *API) listSettlementLevies(ctx context.Context, act account.Actor,
	in *ListSettlementLeviesInput) (*ListSettlementLeviesOutput, error) {
	ls, err := a.Statements.Levies(ctx, act, settlement.LevyFilter{ComplexID: in.ComplexID})
	if err != nil {
		return nil, err
	}
	items := make([]SettlementLevyJSON, 0, len(ls))
	for _, l := range ls {
		items = append(items, levyJSON(l))
	}
	page, err := pageOf(items, in.PageInput, func(l SettlementLevyJSON) string { return idKey(l.ID) })
	if err != nil {
		return nil, err
	}
	return &ListSettlementLeviesOutput{Body: page}, nil
}

// CreateSettlementLevyInput is a levy as sent.
type CreateSettlementLevyInput struct {
	Body struct {
		ComplexID   int64  `json:"complex_id"`
		Name        string `json:"name" doc:"E.g. rioolheffing; unique per complex and start"`
		PeriodStart string `json:"period_start" doc:"ISO date"`
		PeriodEnd   string `json:"period_end" doc:"ISO date"`
		Amount      string `json:"amount" doc:"\"1234.56\" or \"1.234,56\""`
		Basis       string `json:"basis" doc:"equal (per let unit-day) or area (unit-day × floor area)"`
		OnStatement bool   `json:"on_statement,omitempty" doc:"Print the tenant's share on the settlement statement (booked when that is sent)"`
	}
}

// SettlementLevyOutput is one levy.
type SettlementLevyOutput struct{ Body SettlementLevyJSON }

func (a *API) createSettlementLevy(ctx context.Context, act account.Actor, in *CreateSettlementLevyInput) (*SettlementLevyOutput, error) {
	b := in.Body
	id, err := a.Statements.CreateLevy(ctx, act, settlement.LevyInput{ComplexID: b.ComplexID, Name: b.Name, PeriodStart: b.PeriodStart,
		PeriodEnd: b.PeriodEnd, Amount: b.Amount, Basis: b.Basis, OnStatement: b.OnStatement})
	if err != nil {
		return nil, err
	}
	return a.levyByID(ctx, act, b.ComplexID, id)
}

func (a *API) levyByID(ctx context.Context, act account.Actor, complexID, id int64) (*SettlementLevyOutput, error) {
	ls, err := a.Statements.Levies(ctx, act, settlement.LevyFilter{ComplexID: complexID})
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if l.ID == id {
			return &SettlementLevyOutput{Body: levyJSON(l)}, nil
		}
	}
	return nil, fmt.Errorf("levy %d vanished", id)
}

// SettlementLevyIDInput names a levy.
type SettlementLevyIDInput struct {
	ID int64 `path:"id"`
}

func (a *API) deleteSettlementLevy(ctx context.Context, act account.Actor, in *SettlementLevyIDInput) (*struct{}, error) {
	return nil, a.Statements.DeleteLevy(ctx, act, in.ID)
}

// BookSettlementLevyOutput counts the invoices posted.
type BookSettlementLevyOutput struct {
	Body struct {
		Invoices int `json:"invoices" doc:"Posted now; 0 when every share was booked before"`
	}
}

func (a *API) bookSettlementLevy(ctx context.Context, act account.Actor, in *SettlementLevyIDInput) (*BookSettlementLevyOutput, error) {
	n, err := a.Statements.BookLevy(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	out := &BookSettlementLevyOutput{}
	out.Body.Invoices = n
	return out, nil
}

// --- settings ---

// StatementSettingsJSON are the statement settings.
type StatementSettingsJSON struct {
	DueDays int    `json:"due_days" doc:"Days until an extra charge is due (1–365)"`
	Refund  string `json:"refund" doc:"set_off (against open charges; what is left stays as credit) or pay_back"`
	// charged (default): an unpaid advance stays in the arrears; received: it
	// is owed in the settlement, and its charge is credited as it is booked.
	AdvancesBasis  string `json:"advances_basis,omitempty" enum:"charged,received," doc:"Settle against advances charged or received"`
	InspectionText string `json:"inspection_text" doc:"How tenants inspect the invoices; empty: the built-in text"`
	ObjectionText  string `json:"objection_text" doc:"How tenants object; empty: the built-in text"`
}

// StatementSettingsOutput is the settings.
type StatementSettingsOutput struct{ Body StatementSettingsJSON }

func (a *API) getStatementSettings(ctx context.Context, act account.Actor, _ *struct{}) (*StatementSettingsOutput, error) {
	ss, err := a.Statements.Settings(ctx, act)
	if err != nil {
		return nil, err
	}
	return &StatementSettingsOutput{Body: StatementSettingsJSON{DueDays: ss.DueDays, Refund: ss.Refund, InspectionText: ss.InspectionText,
		ObjectionText: ss.ObjectionText, AdvancesBasis: ss.AdvancesBasis}}, nil
}

// PutStatementSettingsInput replaces the settings.
type PutStatementSettingsInput struct{ Body StatementSettingsJSON }

func (a *API) putStatementSettings(ctx context.Context, act account.Actor,
	in *PutStatementSettingsInput) (*StatementSettingsOutput, error) {
	b := in.Body
	if err := a.Statements.SaveSettings(ctx, act,
		settlement.StatementSettings{DueDays: b.DueDays, Refund: b.Refund, InspectionText: b.InspectionText,
			ObjectionText: b.ObjectionText, AdvancesBasis: b.AdvancesBasis}); err != nil {
		return nil, err
	}
	return a.getStatementSettings(ctx, act, nil)
}

// --- VAT classes ---

// VATClassJSON is a cost category's VAT class.
type VATClassJSON struct {
	Category string `json:"category"`
	Class    string `json:"class" enum:"ancillary,independent"`
	Rate     string `json:"rate,omitempty" doc:"Independent only: 21, 9 or 0"`
}

// VATClassesInput names a complex and year and pages through its classes
// (the cursor is the last category seen).
type VATClassesInput struct {
	Complex int64 `path:"complex"`
	Year    int   `path:"year"`
	PageInput
}

// VATClassesOutput lists the classes set.
type VATClassesOutput struct {
	Body struct {
		ComplexID int64 `json:"complex_id"`
		Year      int   `json:"year"`
		Page[VATClassJSON]
	}
}

func (a *API) listVATClasses(ctx context.Context, act account.Actor, in *VATClassesInput) (*VATClassesOutput, error) {
	out, items, err := a.vatClasses(ctx, act, in.Complex, in.Year)
	if err != nil {
		return nil, err
	}
	if out.Body.Page, err = pageOf(items, in.PageInput, func(v VATClassJSON) string { return v.Category }); err != nil {
		return nil, err
	}
	return out, nil
}

// vatClasses reads the classes set (categories not listed are ancillary:
// they follow the rent's VAT).
func (a *API) vatClasses(ctx context.Context, act account.Actor, complexID int64, year int) (*VATClassesOutput, []VATClassJSON, error) {
	if _, err := a.Settlement.Year(ctx, act, complexID, year); err != nil {
		return nil, nil, err // another organisation's complex: not found
	}
	vs, err := a.Statements.VATClasses(ctx, act, complexID, year)
	if err != nil {
		return nil, nil, err
	}
	out := &VATClassesOutput{}
	out.Body.ComplexID, out.Body.Year = complexID, year
	items := make([]VATClassJSON, 0, len(vs))
	for _, v := range vs {
		j := VATClassJSON{Category: v.Category, Class: v.Class}
		if v.Class == settlement.VATIndependent {
			j.Rate = strings.TrimSuffix(v.Rate.String(), "%")
		}
		items = append(items, j)
	}
	return out, items, nil
}

// PutVATClassInput sets one category's class.
type PutVATClassInput struct {
	Complex  int64  `path:"complex"`
	Year     int    `path:"year"`
	Category string `path:"category"`
	Body     struct {
		Class string `json:"class" doc:"ancillary (follows the rent) or independent (its own rate)"`
		Rate  string `json:"rate,omitempty" doc:"Independent: the rate in percent"`
	}
}

func (a *API) putVATClass(ctx context.Context, act account.Actor, in *PutVATClassInput) (*VATClassesOutput, error) {
	if err := a.Statements.SetVATClass(ctx, act, in.Complex, in.Year, settlement.VATClassInput{Category: in.Category, Class: in.Body.Class,
		Rate: in.Body.Rate}); err != nil {
		return nil, err
	}
	out, items, err := a.vatClasses(ctx, act, in.Complex, in.Year)
	if err != nil {
		return nil, err
	}
	out.Body.Items = items // every class after a change
	return out, nil
}
