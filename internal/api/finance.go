package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/billing"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermFinanceRead, account.PermFinanceWrite
		op(a, http.MethodPost, "/rent-runs/preview", "preview-rent-run",
			"Preview a rent run: every charge still missing for a month, totals and warnings", read, a.previewRentRun)
		op(a, http.MethodPost, "/rent-runs", "start-rent-run",
			"Start a rent run as a background job (idempotent: only what is missing is posted)", write, a.startRentRun)
		op(a, http.MethodGet, "/rent-runs", "list-rent-runs", "The latest rent runs", read, a.listRentRuns)
		op(a, http.MethodGet, "/rent-runs/{id}", "get-rent-run", "A rent run and how far it got", read, a.getRentRun)
		op(a, http.MethodGet, "/rent-runs/{id}/undo", "plan-rent-run-undo",
			"What undoing a rent run would book (a credit note per invoice), or why it cannot", read, a.planRentRunUndo)
		op(a, http.MethodPost, "/rent-runs/{id}/undo", "undo-rent-run",
			"Undo a rent run none of whose invoices was sent or paid: the credit notes the plan showed", write, a.undoRentRun)
		op(a, http.MethodGet, "/invoices", "list-invoices", "List invoices and credit notes", read, a.listInvoices)
		op(a, http.MethodGet, "/invoices/{id}", "get-invoice", "An invoice or credit note with its charges and what is open", read, a.getInvoice)
		op(a, http.MethodGet, "/invoices/{id}/pdf", "get-invoice-pdf",
			"The invoice or credit note as sent (PDF, from the fiscal archive)", read, a.getInvoicePDF)
		op(a, http.MethodPost, "/invoices/{id}/credit-notes", "credit-invoice",
			"Post a credit note for charges of an invoice (all by default)", write, a.creditInvoice)
		op(a, http.MethodGet, "/leases/{id}/account", "get-lease-account",
			"A lease account: balance on a date and open items", read, a.getLeaseAccount)
		op(a, http.MethodGet, "/leases/{id}/statement", "get-lease-statement",
			"Statement of account between two dates", read, a.getLeaseStatement)
		op(a, http.MethodGet, "/leases/{id}/payments", "list-lease-payments", "A lease's payments and reversals", read, a.listLeasePayments)
		op(a, http.MethodPost, "/leases/{id}/payments", "record-lease-payment",
			"Record a payment and allocate it (oldest first, or as given)", write, a.recordLeasePayment)
		op(a, http.MethodPost, "/leases/{id}/allocate-credit", "allocate-lease-credit",
			"Apply the account's unallocated credit to open items, oldest first", write, a.allocateLeaseCredit)
		op(a, http.MethodPost, "/payments/{id}/reversal", "reverse-payment",
			"Reverse a payment: it reopens the charges it settled", write, a.reversePayment)
		op(a, http.MethodGet, "/relations/{id}/open-items", "list-relation-open-items",
			"The open items of a tenant over all their leases", read, a.listRelationOpenItems)
		op(a, http.MethodGet, "/debtors", "list-debtors", "Lease accounts with a balance, largest first", read, a.listDebtors)
		op(a, http.MethodGet, "/billing-settings", "get-billing-settings", "The organisation's billing settings", read, a.getBillingSettings)
		op(a, http.MethodPut, "/billing-settings", "update-billing-settings",
			"Replace the organisation's billing settings", write, a.updateBillingSettings)
	})
}

// --- shapes ---

// RentRunScopeJSON narrows a run. Without a kind it is the whole
// organisation; with a kind it must name exactly one record (by id, or by
// text), or the request fails at body.scope: it never widens.
type RentRunScopeJSON struct {
	Kind billing.ScopeKind `json:"kind,omitempty" doc:"Leave out (or empty) for the whole organisation"`
	ID   int64             `json:"id,omitempty" doc:"The complex, unit or lease"`
	Text string            `json:"text,omitempty" doc:"Instead of id: a lease reference, unit address or complex name; must match exactly one"`
}

// ResolvedScopeJSON is the scope a preview or run covers, in words.
type ResolvedScopeJSON struct {
	Kind   billing.ScopeKind `json:"kind,omitempty"`
	ID     int64             `json:"id,omitempty"`
	Name   string            `json:"name,omitempty" doc:"The complex's name, the unit's address, or the lease's reference and address"`
	Leases int               `json:"leases" doc:"Leases of the scope that run in the period"`
}

// ExpectJSON repeats what a preview showed; the action is refused when it
// would now book something else.
type ExpectJSON struct {
	Invoices   int   `json:"invoices" minimum:"0"`
	TotalCents int64 `json:"total_cents"`
}

// DraftLineJSON is a charge a run would post.
type DraftLineJSON struct {
	Line     string      `json:"line" doc:"kind|category|label of the lease component"`
	From     civil.Date  `json:"from"`
	To       civil.Date  `json:"to"`
	NetCents int64       `json:"net_cents"`
	VATRate  string      `json:"vat_rate" doc:"Percentage, e.g. 21"`
	VATCents int64       `json:"vat_cents"`
	Basis    []BasisJSON `json:"basis" doc:"Quantity × unit price, as the invoice prints them"`
}

// BasisJSON is one part of a line: quantity (a fraction of the period) × unit price.
type BasisJSON struct {
	Quantity       string `json:"quantity" doc:"Periods, e.g. 1, or 50/90 (days of the period)"`
	UnitPriceCents int64  `json:"unit_price_cents" doc:"The amount of one whole period"`
}

// VATBlockedJSON is an issuer detail that lines with VAT need and that is not set.
type VATBlockedJSON struct {
	Field        string `json:"field" doc:"issuer_kvk, issuer_vat_id (PUT /billing-settings) or landlord_address (lease settings)"`
	SettingsPage string `json:"settings_page" doc:"The web page where it is entered"`
	Message      string `json:"message"`
}

// DraftInvoiceJSON is an invoice a run would post.
type DraftInvoiceJSON struct {
	LeaseID   int64           `json:"lease_id"`
	Reference string          `json:"lease_reference"`
	Period    string          `json:"period" doc:"2026-01, or 2026-Q1 for a quarterly lease"`
	DueDate   civil.Date      `json:"due_date"`
	Lines     []DraftLineJSON `json:"lines"`
	Kind      string          `json:"kind" enum:"invoice,credit_note"`
	Reason    string          `json:"reason,omitempty" doc:"A correction of a period already charged: what changed"`
}

// RentRunPreviewInput asks for a preview.
type RentRunPreviewInput struct {
	Body struct {
		Period string           `json:"period" doc:"The month, e.g. 2026-01"`
		Scope  RentRunScopeJSON `json:"scope,omitempty"`
		Offset int              `json:"offset,omitempty" minimum:"0" doc:"First invoice to list"`
		Limit  int              `json:"limit,omitempty" minimum:"0" maximum:"500" doc:"How many invoices to list (default 50)"`
	}
}

// RentRunPreviewOutput is a preview.
type RentRunPreviewOutput struct {
	Body struct {
		OrganisationMissing []OrgMissingJSON `json:"organisation_missing" doc:"Details documents print that are not set"`

		Period     string             `json:"period"`
		Scope      ResolvedScopeJSON  `json:"scope"`
		Invoices   int                `json:"invoices"`
		Lines      int                `json:"lines"`
		NetCents   int64              `json:"net_cents"`
		VATCents   int64              `json:"vat_cents"`
		TotalCents int64              `json:"total_cents"`
		Skipped    int                `json:"already_charged" doc:"Leases already charged for their period"`
		ByKind     map[string]int64   `json:"net_cents_by_kind"`
		Warnings   []RunWarningJSON   `json:"warnings"`
		Items      []DraftInvoiceJSON `json:"items"`
		// Issuer details that VAT invoices need (art. 35a Wet OB).
		VATBlocked []VATBlockedJSON `json:"vat_blocked" doc:"Issuer details VAT invoices need; posting is refused while any is listed"`
	}
}

// RunWarningJSON is something to look at before posting.
type RunWarningJSON struct {
	LeaseID   int64  `json:"lease_id"`
	Reference string `json:"lease_reference"`
	Code      string `json:"code"`
	Message   string `json:"message"`
}

func scopeOf(s RentRunScopeJSON) billing.Scope {
	return billing.Scope{Kind: billing.ScopeKind(s.Kind), ID: s.ID, Text: s.Text}
}

func (a *API) previewRentRun(ctx context.Context, act account.Actor, in *RentRunPreviewInput) (*RentRunPreviewOutput, error) {
	p, err := a.Billing.Preview(ctx, act, billing.RunInput{Period: in.Body.Period, Scope: scopeOf(in.Body.Scope)},
		billing.PreviewWindow{Offset: in.Body.Offset, Limit: in.Body.Limit})
	if err != nil {
		return nil, err
	}
	out := &RentRunPreviewOutput{}
	b := &out.Body
	if b.OrganisationMissing, err = a.orgMissing(ctx, act); err != nil {
		return nil, err
	}
	b.Period, b.Invoices, b.Lines, b.Skipped = p.Period, p.Invoices, p.Lines, p.Skipped
	b.Scope = ResolvedScopeJSON{Kind: p.Scope.Kind, ID: p.Scope.ID, Name: p.Scope.Name, Leases: p.Scope.Leases}
	b.NetCents, b.VATCents, b.TotalCents = int64(p.Net), int64(p.VAT), int64(p.Total)
	b.ByKind = map[string]int64{}
	for _, k := range p.ByKind {
		b.ByKind[k.Kind] = int64(k.Net)
	}
	lang := langFrom(ctx)
	b.Warnings = make([]RunWarningJSON, 0, len(p.Warnings))
	for _, w := range p.Warnings {
		b.Warnings = append(b.Warnings,
			RunWarningJSON{LeaseID: w.LeaseID, Reference: w.Reference, Code: w.Message, Message: a.Texts.T(lang, w.Message, nil)})
	}
	b.VATBlocked = make([]VATBlockedJSON, 0, len(p.VATBlocked))
	for _, m := range p.VATBlocked {
		b.VATBlocked = append(b.VATBlocked, VATBlockedJSON{Field: m.Field, SettingsPage: "/o/" + act.OrgSlug + "/" + m.Page,
			Message: a.Texts.T(lang, "orgprofile.field."+m.Field, nil)})
	}
	b.Items = make([]DraftInvoiceJSON, 0, len(p.Charges))
	for _, c := range p.Charges {
		d := DraftInvoiceJSON{LeaseID: c.LeaseID, Reference: c.Reference, Period: c.Period.Key, DueDate: c.DueDate, Kind: "invoice",
			Reason: c.Reason}
		if c.Kind != "" {
			d.Kind = string(c.Kind)
		}
		for _, l := range c.Lines {
			dl := DraftLineJSON{Line: l.Line, From: l.From, To: l.To, NetCents: int64(l.Net), VATRate: l.VATRate.String(), VATCents: int64(l.VAT()),
				Basis: []BasisJSON{}}
			for _, bs := range l.Basis {
				dl.Basis = append(dl.Basis, BasisJSON{Quantity: bs.Quantity(), UnitPriceCents: int64(bs.Unit)})
			}
			d.Lines = append(d.Lines, dl)
		}
		b.Items = append(b.Items, d)
	}
	return out, nil
}

// RentRunJSON is a run.
type RentRunJSON struct {
	ID         int64      `json:"id"`
	Period     string     `json:"period"`
	Scope      string     `json:"scope,omitempty" doc:"complex:ID, unit:ID or lease:ID; absent for the whole organisation"`
	ScopeName  string     `json:"scope_name,omitempty" doc:"The scope in words, as confirmed"`
	State      string     `json:"state" enum:"queued,running,done,failed"`
	JobID      int64      `json:"job_id,omitempty"`
	Invoices   int64      `json:"invoices"`
	Charges    int64      `json:"charges"`
	TotalCents int64      `json:"total_cents"`
	Error      string     `json:"error,omitempty" doc:"Why a failed run stopped (finance.run.process_stopped: the process running it died)"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	UndoneAt   *time.Time `json:"undone_at,omitempty"`
	// UndoCreditNotes is how many credit notes the undo booked.
	UndoCreditNotes int64 `json:"undo_credit_notes,omitempty"`
}

func runJSON(r *billing.Run) RentRunJSON {
	j := RentRunJSON{ID: r.ID, Period: r.Period, Scope: r.Scope, ScopeName: r.ScopeName, State: r.State, JobID: r.JobID, Invoices: r.Invoices,
		Charges: r.Charges, TotalCents: int64(r.Total), Error: r.Error, CreatedAt: r.CreatedAt, UndoCreditNotes: r.UndoCreditNotes}
	if !r.UndoneAt.IsZero() {
		u := r.UndoneAt
		j.UndoneAt = &u
	}
	if !r.FinishedAt.IsZero() {
		f := r.FinishedAt
		j.FinishedAt = &f
	}
	return j
}

// StartRentRunInput starts a run.
type StartRentRunInput struct {
	Body struct {
		Period string           `json:"period" doc:"The month, e.g. 2026-01"`
		Scope  RentRunScopeJSON `json:"scope,omitempty"`
		Expect ExpectJSON       `json:"expect" doc:"The invoices and total of the preview being confirmed"`
	}
}

// RentRunOutput is one run.
type RentRunOutput struct {
	Body RentRunJSON
}

func (a *API) startRentRun(ctx context.Context, act account.Actor, in *StartRentRunInput) (*RentRunOutput, error) {
	r, err := a.Billing.StartRun(ctx, act, billing.RunInput{Period: in.Body.Period, Scope: scopeOf(in.Body.Scope),
		Expect: &billing.Expectation{Invoices: in.Body.Expect.Invoices, Total: money.Cents(in.Body.Expect.TotalCents)}})
	if err != nil {
		return nil, err
	}
	return &RentRunOutput{Body: runJSON(r)}, nil
}

type idPath struct {
	ID int64 `path:"id"`
}

func (a *API) getRentRun(ctx context.Context, act account.Actor, in *idPath) (*RentRunOutput, error) {
	r, err := a.Billing.GetRun(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &RentRunOutput{Body: runJSON(r)}, nil
}

// RentRunUndoOutput is what undoing a run books (or booked), or why it cannot.
type RentRunUndoOutput struct {
	Body struct {
		Run        RentRunJSON       `json:"run"`
		CanUndo    bool              `json:"can_undo"`
		TotalCents int64             `json:"total_cents" doc:"Of the credit notes (negative)"`
		Credits    []UndoCreditJSON  `json:"credit_notes" doc:"One credit note per invoice"`
		Blockers   []UndoBlockerJSON `json:"blockers" doc:"Invoices that keep the run from being undone (sent, paid or already credited)"`
	}
}

// UndoCreditJSON is one credit note an undo books.
type UndoCreditJSON struct {
	InvoiceID     int64  `json:"invoice_id"`
	InvoiceNumber string `json:"invoice_number"`
	LeaseID       int64  `json:"lease_id"`
	Reference     string `json:"lease_reference"`
	Period        string `json:"period"`
	TotalCents    int64  `json:"total_cents"`
}

// UndoBlockerJSON is an invoice that keeps a run from being undone.
type UndoBlockerJSON struct {
	InvoiceID     int64  `json:"invoice_id"`
	InvoiceNumber string `json:"invoice_number"`
	Reference     string `json:"lease_reference"`
	Code          string `json:"code"`
	Message       string `json:"message"`
}

func (a *API) undoJSON(ctx context.Context, p *billing.UndoPlan) *RentRunUndoOutput {
	out := &RentRunUndoOutput{}
	b := &out.Body
	b.Run, b.CanUndo, b.TotalCents = runJSON(p.Run), p.CanUndo(), int64(p.Total)
	b.Credits, b.Blockers = make([]UndoCreditJSON, 0, len(p.Credits)), make([]UndoBlockerJSON, 0, len(p.Blockers))
	for _, c := range p.Credits {
		b.Credits = append(b.Credits, UndoCreditJSON{c.InvoiceID, c.InvoiceNumber, c.LeaseID, c.Reference, c.Period, int64(c.Total)})
	}
	lang := langFrom(ctx)
	for _, x := range p.Blockers {
		b.Blockers = append(b.Blockers, UndoBlockerJSON{x.InvoiceID, x.InvoiceNumber, x.Reference, x.Reason, a.Texts.T(lang, x.Reason, nil)})
	}
	return out
}

func (a *API) planRentRunUndo(ctx context.Context, act account.Actor, in *idPath) (*RentRunUndoOutput, error) {
	p, err := a.Billing.UndoPlan(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return a.undoJSON(ctx, p), nil
}

// UndoRentRunInput confirms an undo plan.
type UndoRentRunInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Expect ExpectJSON `json:"expect" doc:"The number of credit notes and their total (negative) from the plan"`
	}
}

func (a *API) undoRentRun(ctx context.Context, act account.Actor, in *UndoRentRunInput) (*RentRunUndoOutput, error) {
	p, err := a.Billing.UndoRun(ctx, act, in.ID,
		billing.Expectation{Invoices: in.Body.Expect.Invoices, Total: money.Cents(in.Body.Expect.TotalCents)})
	if err != nil {
		return nil, err
	}
	return a.undoJSON(ctx, p), nil
}

// ListRentRunsInput pages through rent runs, newest first (the cursor is
// the last id seen).
type ListRentRunsInput struct {
	PageInput
}

// RentRunsOutput is a page of runs.
type RentRunsOutput struct {
	Body Page[RentRunJSON]
}

func (a *API) listRentRuns(ctx context.Context, act account.Actor, in *ListRentRunsInput) (*RentRunsOutput, error) {
	before, err := in.afterID()
	if err != nil {
		return nil, err
	}
	rs, err := a.Billing.Runs(ctx, act, before, in.limit()+1)
	if err != nil {
		return nil, err
	}
	return &RentRunsOutput{Body: pageByID(rs, in.PageInput, func(r billing.Run) int64 { return r.ID },
		func(r billing.Run) RentRunJSON { return runJSON(&r) })}, nil
}

// --- invoices ---

// ChargeJSON is a charge.
type ChargeJSON struct {
	ID               int64      `json:"id"`
	InvoiceID        int64      `json:"invoice_id"`
	InvoiceNumber    string     `json:"invoice_number"`
	LeaseID          int64      `json:"lease_id"`
	Period           string     `json:"period,omitempty"`
	Line             string     `json:"line"`
	From             civil.Date `json:"from"`
	To               civil.Date `json:"to"`
	NetCents         int64      `json:"net_cents"`
	VATRate          string     `json:"vat_rate"`
	VATCents         int64      `json:"vat_cents"`
	TotalCents       int64      `json:"total_cents"`
	DueDate          civil.Date `json:"due_date"`
	OpenCents        int64      `json:"open_cents" doc:"Still owed; for a credit-note line the credit not yet used (negative)"`
	ReversesChargeID int64      `json:"reverses_charge_id,omitempty"`
}

func chargeJSON(c ledger.Charge) ChargeJSON {
	return ChargeJSON{ID: c.ID, InvoiceID: c.InvoiceID, InvoiceNumber: c.InvoiceNumber, LeaseID: c.LeaseID, Period: c.Period, Line: c.Line,
		From: c.From, To: c.To, NetCents: int64(c.Net), VATRate: c.VATRate.String(), VATCents: int64(c.VAT), TotalCents: int64(c.Total),
		DueDate: c.DueDate, OpenCents: int64(c.Open()), ReversesChargeID: c.ReversesChargeID}
}

// InvoiceJSON is an invoice or credit note.
type InvoiceJSON struct {
	ID               int64        `json:"id"`
	Number           string       `json:"number"`
	Kind             string       `json:"kind" enum:"invoice,credit_note"`
	LeaseID          int64        `json:"lease_id"`
	LeaseReference   string       `json:"lease_reference"`
	Period           string       `json:"period,omitempty"`
	IssueDate        civil.Date   `json:"issue_date"`
	DueDate          civil.Date   `json:"due_date"`
	Kenmerk          string       `json:"kenmerk" doc:"16-digit betalingskenmerk"`
	NetCents         int64        `json:"net_cents"`
	VATCents         int64        `json:"vat_cents"`
	TotalCents       int64        `json:"total_cents"`
	OpenCents        int64        `json:"open_cents"`
	CreditsInvoiceID int64        `json:"credits_invoice_id,omitempty"`
	Reason           string       `json:"reason,omitempty"`
	RunID            int64        `json:"run_id,omitempty"`
	Charges          []ChargeJSON `json:"charges,omitempty"`
}

func invoiceJSON(i *ledger.Invoice) InvoiceJSON {
	j := InvoiceJSON{ID: i.ID, Number: i.Number, Kind: string(i.Kind), LeaseID: i.LeaseID, LeaseReference: i.LeaseReference, Period: i.Period,
		IssueDate: i.IssueDate, DueDate: i.DueDate, Kenmerk: i.Kenmerk, NetCents: int64(i.Net), VATCents: int64(i.VAT),
		TotalCents: int64(i.Total), OpenCents: int64(i.Open), CreditsInvoiceID: i.CreditsInvoiceID, Reason: i.Reason, RunID: i.RunID}
	for _, c := range i.Charges {
		j.Charges = append(j.Charges, chargeJSON(c))
	}
	return j
}

// ListInvoicesInput pages through invoices in id order.
type ListInvoicesInput struct {
	LeaseID  int64  `query:"lease_id"`
	RunID    int64  `query:"run_id"`
	Period   string `query:"period"`
	OpenOnly bool   `query:"open" doc:"Only invoices with something still owed"`
	Q        string `query:"q" doc:"Search number, kenmerk or lease reference"`
	PageInput
}

// InvoicesOutput is a page of invoices.
type InvoicesOutput struct {
	Body Page[InvoiceJSON]
}

func (a *API) listInvoices(ctx context.Context, act account.Actor, in *ListInvoicesInput) (*InvoicesOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	page, err := a.Ledger.Invoices(ctx, act, listing.Query{Search: in.Q, Sort: "id", Limit: in.limit() + 1, NoTotal: true},
		ledger.InvoiceFilter{LeaseID: in.LeaseID, RunID: in.RunID, Period: in.Period, OpenOnly: in.OpenOnly, AfterID: after})
	if err != nil {
		return nil, err
	}
	return &InvoicesOutput{Body: pageByID(page.Items, in.PageInput, func(i ledger.Invoice) int64 { return i.ID },
		func(i ledger.Invoice) InvoiceJSON { return invoiceJSON(&i) })}, nil
}

// InvoiceOutput is one invoice.
type InvoiceOutput struct {
	Body InvoiceJSON
}

func (a *API) getInvoice(ctx context.Context, act account.Actor, in *idPath) (*InvoiceOutput, error) {
	inv, err := a.Ledger.Invoice(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &InvoiceOutput{Body: invoiceJSON(inv)}, nil
}

func (a *API) getInvoicePDF(ctx context.Context, act account.Actor, in *idPath) (*LeasePDFOutput, error) {
	pdf, err := a.Billing.InvoiceDocument(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &LeasePDFOutput{ContentType: "application/pdf",
		ContentDisposition: fmt.Sprintf(`attachment; filename="factuur-%d.pdf"`, in.ID), Body: pdf}, nil
}

// CreditInvoiceInput credits an invoice.
type CreditInvoiceInput struct {
	GuardReasons
	ID   int64 `path:"id"`
	Body struct {
		ChargeIDs []int64 `json:"charge_ids,omitempty" doc:"The charges to credit; absent: all"`
		Reason    string  `json:"reason"`
	}
}

func (a *API) creditInvoice(ctx context.Context, act account.Actor, in *CreditInvoiceInput) (*InvoiceOutput, error) {
	id, err := a.Ledger.Credit(ctx, act, ledger.CreditInput{InvoiceID: in.ID, ChargeIDs: in.Body.ChargeIDs, Reason: in.Body.Reason})
	if err != nil {
		return nil, err
	}
	inv, err := a.Ledger.Invoice(ctx, act, id)
	if err != nil {
		return nil, err
	}
	return &InvoiceOutput{Body: invoiceJSON(inv)}, nil
}

// --- lease accounts ---

// LeaseAccountInput asks for an account on a date.
type LeaseAccountInput struct {
	ID int64  `path:"id"`
	On string `query:"on" doc:"The date of the balance (default today)"`
}

// LeaseAccountOutput is a lease account.
type LeaseAccountOutput struct {
	Body struct {
		LeaseID      int64        `json:"lease_id"`
		On           civil.Date   `json:"on"`
		ChargedCents int64        `json:"charged_cents"`
		PaidCents    int64        `json:"paid_cents"`
		BalanceCents int64        `json:"balance_cents" doc:"Positive: owed; negative: credit"`
		OverdueCents int64        `json:"overdue_cents"`
		OpenItems    []ChargeJSON `json:"open_items"`
	}
}

func (a *API) getLeaseAccount(ctx context.Context, act account.Actor, in *LeaseAccountInput) (*LeaseAccountOutput, error) {
	on := a.Leases.Today() // the product's clock, not the wall clock
	if in.On != "" {
		d, err := civil.Parse(in.On)
		if err != nil {
			return nil, fieldErr("on", "ledger.dates.order")
		}
		on = d
	}
	b, err := a.Ledger.BalanceAt(ctx, act, in.ID, on)
	if err != nil {
		return nil, err
	}
	open, err := a.Ledger.OpenItems(ctx, act, ledger.OpenFilter{LeaseID: in.ID})
	if err != nil {
		return nil, err
	}
	out := &LeaseAccountOutput{}
	o := &out.Body
	o.LeaseID, o.On, o.ChargedCents, o.PaidCents, o.BalanceCents, o.OverdueCents = in.ID, on, int64(b.Charged), int64(b.Paid),
		int64(b.Balance), int64(b.Overdue)
	o.OpenItems = make([]ChargeJSON, 0, len(open))
	for _, c := range open {
		o.OpenItems = append(o.OpenItems, chargeJSON(c))
	}
	return out, nil
}

// LeaseStatementInput asks for a statement.
type LeaseStatementInput struct {
	ID   int64  `path:"id"`
	From string `query:"from" required:"true" doc:"First day (ISO date)"`
	To   string `query:"to" required:"true" doc:"Last day (ISO date)"`
}

// StatementLineJSON is one row of a statement.
type StatementLineJSON struct {
	Date         civil.Date `json:"date"`
	Kind         string     `json:"kind" enum:"invoice,credit_note,payment,reversal"`
	ID           int64      `json:"id"`
	Reference    string     `json:"reference"`
	DebitCents   int64      `json:"debit_cents"`
	CreditCents  int64      `json:"credit_cents"`
	BalanceCents int64      `json:"balance_cents"`
}

// LeaseStatementOutput is a statement of account.
type LeaseStatementOutput struct {
	Body struct {
		LeaseID      int64               `json:"lease_id"`
		From         civil.Date          `json:"from"`
		To           civil.Date          `json:"to"`
		OpeningCents int64               `json:"opening_cents"`
		Lines        []StatementLineJSON `json:"lines"`
		ClosingCents int64               `json:"closing_cents"`
	}
}

func (a *API) getLeaseStatement(ctx context.Context, act account.Actor, in *LeaseStatementInput) (*LeaseStatementOutput, error) {
	from, err1 := civil.Parse(in.From)
	to, err2 := civil.Parse(in.To)
	if err1 != nil {
		return nil, fieldErr("from", "ledger.dates.order")
	}
	if err2 != nil {
		return nil, fieldErr("to", "ledger.dates.order")
	}
	st, err := a.Ledger.StatementOf(ctx, act, in.ID, from, to)
	if err != nil {
		return nil, err
	}
	out := &LeaseStatementOutput{}
	o := &out.Body
	o.LeaseID, o.From, o.To, o.OpeningCents, o.ClosingCents = in.ID, st.From, st.To, int64(st.Opening), int64(st.Closing)
	o.Lines = make([]StatementLineJSON, 0, len(st.Lines))
	for _, l := range st.Lines {
		o.Lines = append(o.Lines, StatementLineJSON{Date: l.Date, Kind: l.Kind, ID: l.ID, Reference: l.Reference, DebitCents: int64(l.Debit),
			CreditCents: int64(l.Credit), BalanceCents: int64(l.Balance)})
	}
	return out, nil
}

// PaymentJSON is a payment or reversal.
type PaymentJSON struct {
	ID                int64                `json:"id"`
	LeaseID           int64                `json:"lease_id"`
	Date              civil.Date           `json:"date"`
	AmountCents       int64                `json:"amount_cents"`
	Method            ledger.PaymentMethod `json:"method"`
	Reference         string               `json:"reference,omitempty"`
	AllocatedCents    int64                `json:"allocated_cents"`
	UnallocatedCents  int64                `json:"unallocated_cents" doc:"Credit on the account"`
	ReversesPaymentID int64                `json:"reverses_payment_id,omitempty"`
	ReversedBy        int64                `json:"reversed_by,omitempty"`
}

func paymentJSON(p ledger.Payment) PaymentJSON {
	return PaymentJSON{ID: p.ID, LeaseID: p.LeaseID, Date: p.Date, AmountCents: int64(p.Amount), Method: p.Method, Reference: p.Reference,
		AllocatedCents: int64(p.Allocated), UnallocatedCents: int64(p.Unallocated()),
		ReversesPaymentID: p.ReversesPaymentID, ReversedBy: p.ReversedBy}
}

// PaymentsOutput is a page of payments, by date.
type PaymentsOutput struct {
	Body Page[PaymentJSON]
}

func (a *API) listLeasePayments(ctx context.Context, act account.Actor, in *IDPageInput) (*PaymentsOutput, error) {
	ps, err := a.Ledger.Payments(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	items := make([]PaymentJSON, 0, len(ps))
	for _, p := range ps {
		items = append(items, paymentJSON(p))
	}
	page, err := pageOf(items, in.PageInput, func(p PaymentJSON) string { return idKey(p.ID) })
	if err != nil {
		return nil, err
	}
	return &PaymentsOutput{Body: page}, nil
}

// AllocationJSON is part of a payment given to a charge.
type AllocationJSON struct {
	ChargeID    int64 `json:"charge_id"`
	AmountCents int64 `json:"amount_cents"`
}

// RecordPaymentInput is a payment.
type RecordPaymentInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Date        civil.Date           `json:"date"`
		AmountCents int64                `json:"amount_cents"`
		Method      ledger.PaymentMethod `json:"method"`
		Reference   string               `json:"reference,omitempty"`
		Allocations []AllocationJSON     `json:"allocations,omitempty" doc:"Absent: oldest open charge first"`
	}
}

// PaymentOutput is one payment.
type PaymentOutput struct {
	Body PaymentJSON
}

func (a *API) recordLeasePayment(ctx context.Context, act account.Actor, in *RecordPaymentInput) (*PaymentOutput, error) {
	p := ledger.PaymentInput{LeaseID: in.ID, Date: in.Body.Date, Amount: money.Cents(in.Body.AmountCents),
		Method: ledger.PaymentMethod(in.Body.Method), Reference: in.Body.Reference}
	for _, al := range in.Body.Allocations {
		if p.Allocations == nil {
			p.Allocations = map[int64]money.Cents{}
		}
		p.Allocations[al.ChargeID] += money.Cents(al.AmountCents)
	}
	id, err := a.Ledger.RecordPayment(ctx, act, p)
	if err != nil {
		return nil, err
	}
	return a.paymentOut(ctx, act, in.ID, id)
}

func (a *API) paymentOut(ctx context.Context, act account.Actor, leaseID, id int64) (*PaymentOutput, error) {
	ps, err := a.Ledger.Payments(ctx, act, leaseID)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.ID == id {
			return &PaymentOutput{Body: paymentJSON(p)}, nil
		}
	}
	return nil, fieldErr("id", "error.not_found")
}

// AllocateCreditOutput says how much credit was applied.
type AllocateCreditOutput struct {
	Body struct {
		AppliedCents int64 `json:"applied_cents"`
	}
}

func (a *API) allocateLeaseCredit(ctx context.Context, act account.Actor, in *idPath) (*AllocateCreditOutput, error) {
	n, err := a.Ledger.AllocateCredit(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	out := &AllocateCreditOutput{}
	out.Body.AppliedCents = int64(n)
	return out, nil
}

// ReversePaymentInput reverses a payment.
type ReversePaymentInput struct {
	GuardReasons
	ID   int64 `path:"id"`
	Body struct {
		Reason string `json:"reason"`
	}
}

// ReversalOutput names the reversal.
type ReversalOutput struct {
	Body struct {
		ReversalID int64 `json:"reversal_id"`
	}
}

func (a *API) reversePayment(ctx context.Context, act account.Actor, in *ReversePaymentInput) (*ReversalOutput, error) {
	id, err := a.Ledger.ReversePayment(ctx, act, in.ID, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	out := &ReversalOutput{}
	out.Body.ReversalID = id
	return out, nil
}

// OpenItemsOutput is a page of open items.
type OpenItemsOutput struct {
	Body struct {
		TotalCents int64 `json:"total_cents" doc:"Open over all pages"`
		Page[ChargeJSON]
	}
}

func (a *API) listRelationOpenItems(ctx context.Context, act account.Actor, in *IDPageInput) (*OpenItemsOutput, error) {
	// 404 for a relation that is not the caller's organisation's, without
	// opening (or logging) its record.
	if err := a.Relations.Exists(ctx, act, in.ID); err != nil {
		return nil, err
	}
	open, err := a.Ledger.OpenItems(ctx, act, ledger.OpenFilter{PartyID: in.ID})
	if err != nil {
		return nil, err
	}
	out := &OpenItemsOutput{}
	items := make([]ChargeJSON, 0, len(open))
	for _, c := range open {
		out.Body.TotalCents += int64(c.Open())
		items = append(items, chargeJSON(c))
	}
	if out.Body.Page, err = pageOf(items, in.PageInput, func(c ChargeJSON) string { return idKey(c.ID) }); err != nil {
		return nil, err
	}
	return out, nil
}

// DebtorJSON is a lease account with a balance.
type DebtorJSON struct {
	LeaseID        int64      `json:"lease_id"`
	LeaseReference string     `json:"lease_reference"`
	TenantIDs      []int64    `json:"tenant_ids" doc:"The lease's tenants (relation ids), in the lease's order"`
	Tenants        []string   `json:"tenants" doc:"The tenants' names, in the same order"`
	UnitIDs        []int64    `json:"unit_ids" doc:"The lease's units"`
	Address        string     `json:"address" doc:"The units' addresses on one line"`
	ChargedCents   int64      `json:"charged_cents"`
	PaidCents      int64      `json:"paid_cents"`
	BalanceCents   int64      `json:"balance_cents" doc:"Charged minus paid: positive owed, negative credit"`
	OpenCents      int64      `json:"open_cents" doc:"The open charges, due or not"`
	OldestDue      civil.Date `json:"oldest_due,omitempty" doc:"The due date of the oldest open charge; absent when none is open"`
	DaysOverdue    int        `json:"days_overdue" doc:"Days from the oldest due date to today; 0 when not yet due"`
	Buckets        [4]int64   `json:"ageing_cents" doc:"Open and overdue by 0–30, 31–60, 61–90 and over 90 days"`
}

// ListDebtorsInput pages through debtors.
type ListDebtorsInput struct {
	Q    string `query:"q" doc:"Search the lease reference, a tenant's name or a unit's address"`
	Sort string `query:"sort" enum:"balance,open,oldest,days,lease,name," doc:"Order by; default balance, largest first"`
	Desc bool   `query:"desc" doc:"Largest, latest or last first (the default order is always largest first)"`
	PageInput
}

// DebtorsOutput is a page of debtors.
type DebtorsOutput struct {
	Body struct {
		Total int `json:"total" doc:"Debtors over all pages"`
		Page[DebtorJSON]
	}
}

func (a *API) listDebtors(ctx context.Context, act account.Actor, in *ListDebtorsInput) (*DebtorsOutput, error) {
	// Balances order the list and change with every payment, so it is paged
	// by position: the cursor counts the debtors already seen.
	offset, err := in.offset()
	if err != nil {
		return nil, err
	}
	page, err := a.Ledger.Debtors(ctx, act, listing.Query{Search: in.Q, Sort: in.Sort, Desc: in.Desc, Offset: offset, Limit: in.limit() + 1})
	if err != nil {
		return nil, err
	}
	out := &DebtorsOutput{}
	out.Body.Total = page.Total
	out.Body.Page = pageAt(page.Items, in.PageInput, offset, func(d ledger.LeaseBalance) DebtorJSON {
		j := DebtorJSON{LeaseID: d.LeaseID, LeaseReference: d.Reference, TenantIDs: d.TenantIDs, Tenants: d.Tenants, UnitIDs: d.UnitIDs,
			Address: d.Address, ChargedCents: int64(d.Charged), PaidCents: int64(d.Paid), BalanceCents: int64(d.Balance),
			OpenCents: int64(d.Open), OldestDue: d.OldestDue, DaysOverdue: d.DaysOverdue}
		for i, b := range d.Buckets {
			j.Buckets[i] = int64(b)
		}
		if j.TenantIDs == nil {
			j.TenantIDs, j.Tenants, j.UnitIDs = []int64{}, []string{}, []int64{}
		}
		return j
	})
	return out, nil
}

// BillingSettingsJSON are the billing settings.
type BillingSettingsJSON struct {
	Proration       billing.Proration       `json:"proration" doc:"How a partial month is charged"`
	PeriodProration billing.PeriodProration `json:"period_proration,omitempty" doc:"Part of a quarter: whole period or by month"`
	IssuerIBAN      string                  `json:"issuer_iban" doc:"The account invoices ask to be paid to"`
	SendInvoices    bool                    `json:"send_invoices"`
}

// BillingSettingsOutput returns the settings.
type BillingSettingsOutput struct {
	Body BillingSettingsJSON
}

func (a *API) getBillingSettings(ctx context.Context, act account.Actor, _ *empty) (*BillingSettingsOutput, error) {
	st, err := a.Billing.Settings(ctx, act)
	if err != nil {
		return nil, err
	}
	return &BillingSettingsOutput{Body: BillingSettingsJSON{Proration: st.Proration, IssuerIBAN: st.IssuerIBAN,
		SendInvoices: st.SendInvoices, PeriodProration: st.PeriodProration}}, nil
}

// UpdateBillingSettingsInput replaces the settings.
type UpdateBillingSettingsInput struct {
	Body BillingSettingsJSON
}

func (a *API) updateBillingSettings(ctx context.Context, act account.Actor,
	in *UpdateBillingSettingsInput) (*BillingSettingsOutput, error) {
	b := in.Body
	if err := a.Billing.SaveSettings(ctx, act, billing.Settings{Proration: billing.Proration(b.Proration),
		IssuerIBAN: b.IssuerIBAN, SendInvoices: b.SendInvoices, PeriodProration: billing.PeriodProration(b.PeriodProration)}); err != nil {
		return nil, err
	}
	return a.getBillingSettings(ctx, act, nil)
}

func fieldErr(field, msg string) error { return validation.Errors{field: msg} }
