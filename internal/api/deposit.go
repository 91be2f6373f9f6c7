package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"hms/internal/account"
	"hms/internal/deposit"
	"hms/internal/money"
	"hms/internal/platform/civil"
)

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermFinanceRead, account.PermFinanceWrite
		op(a, http.MethodGet, "/leases/{id}/deposit-status", "get-deposit-status",
			"A lease's deposit: amounts, return deadline, state, deductions with evidence, payout", read, a.getDepositStatus)
		op(a, http.MethodPost, "/leases/{id}/deposit-deductions", "deduct-deposit",
			"Record a deduction from the deposit with evidence files (base64); arrears are set off against the open items", write,
			a.deductDeposit, evidenceBody)
		op(a, http.MethodPost, "/leases/{id}/deposit-deductions/{entry_id}/evidence", "add-deposit-evidence",
			"Add an evidence file (base64 PDF, JPEG or PNG, at most 10 MB) to a deduction", write, a.addDepositEvidence, evidenceBody)
		op(a, http.MethodGet, "/leases/{id}/deposit-evidence/{evidence_id}", "get-deposit-evidence",
			"Download an evidence file", read, a.getDepositEvidence)
		op(a, http.MethodPost, "/leases/{id}/deposit-specifications", "create-deposit-specification",
			"Make and store the written specification of the deductions for the tenant (PDF; art. 7:261b BW); the lease must have ended",
			write, a.createDepositSpecification)
		op(a, http.MethodGet, "/leases/{id}/deposit-specifications/{spec_id}", "get-deposit-specification",
			"Download a stored deposit specification (PDF) exactly as it was made", read, a.getDepositSpecification)
		op(a, http.MethodPost, "/leases/{id}/deposit-settlement", "settle-deposit",
			"Settle the deposit after the lease ended: the refund becomes a payout due on the deadline "+
				"(see Payouts: approved at once, or by a second user with four eyes)", write, a.settleDeposit)
		op(a, http.MethodGet, "/deposit-payouts", "list-deposit-payouts",
			"Deposit refunds, earliest due first (state open by default)", read, a.listDepositPayouts)
		op(a, http.MethodPost, "/deposit-payouts/{id}/paid", "mark-deposit-payout-paid",
			"Record that an open deposit refund was paid", write, a.markDepositPayoutPaid)
	})
}

// evidenceBody lets an operation's body carry evidence files: base64 makes
// them a third larger, and the rest of the body gets a megabyte.
func evidenceBody(o *huma.Operation) {
	o.MaxBodyBytes = int64(deposit.MaxEvidenceFiles*deposit.MaxEvidenceSize)*4/3 + 1<<20
}

// --- shapes ---

// DepositEvidenceJSON is an evidence file (without its bytes).
type DepositEvidenceJSON struct {
	ID          int64     `json:"id"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

// DepositDeductionJSON is a deduction with its evidence.
type DepositDeductionJSON struct {
	EntryID     int64                 `json:"entry_id"`
	Date        civil.Date            `json:"date"`
	AmountCents int64                 `json:"amount_cents"`
	Reason      string                `json:"reason" enum:"arrears,service_costs,epv,damage"`
	Note        string                `json:"note"`
	Evidence    []DepositEvidenceJSON `json:"evidence"`
}

// DepositPayoutJSON is a deposit refund.
type DepositPayoutJSON struct {
	ID             int64      `json:"id"`
	LeaseID        int64      `json:"lease_id"`
	LeaseReference string     `json:"lease_reference"`
	PayeeID        int64      `json:"payee_id" doc:"The relation to pay: the first tenant"`
	AmountCents    int64      `json:"amount_cents"`
	DueDate        civil.Date `json:"due_date"`
	State          string     `json:"state" enum:"open,paid,cancelled"`
	PaidOn         *string    `json:"paid_on"`
	CreatedAt      time.Time  `json:"created_at"`
}

// DepositStatusJSON is a lease's deposit.
type DepositStatusJSON struct {
	LeaseID        int64                  `json:"lease_id"`
	Reference      string                 `json:"lease_reference"`
	State          string                 `json:"state" enum:"none,held,due,overdue,settled"`
	AgreedCents    int64                  `json:"agreed_cents"`
	ReceivedCents  int64                  `json:"received_cents"`
	DeductedCents  int64                  `json:"deducted_cents"`
	ReturnedCents  int64                  `json:"returned_cents"`
	HeldCents      int64                  `json:"held_cents"`
	EndsOn         *string                `json:"ends_on" doc:"The day the lease ends; null while it has no end"`
	Ended          bool                   `json:"ended"`
	WithDeductions bool                   `json:"with_deductions" doc:"A deduction is recorded: the longer term applies"`
	TermDays       int                    `json:"term_days"`
	Deadline       *string                `json:"deadline" doc:"The return deadline; null while the lease has no end"`
	DaysLeft       int                    `json:"days_left" doc:"Days to the deadline; negative when overdue"`
	PayeeID        int64                  `json:"payee_id"`
	CanSettle      bool                   `json:"can_settle"`
	Deductions     []DepositDeductionJSON `json:"deductions"`
	Payout         *DepositPayoutJSON     `json:"payout"`
	// Specifications given to the tenant, newest first.
	Specifications []DepositSpecificationJSON `json:"specifications"`
}

// DepositSpecificationJSON is a stored deposit specification (without its bytes).
type DepositSpecificationJSON struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	SHA256    string    `json:"sha256"`
	Size      int64     `json:"size"`
}

func depositSpecificationJSON(sp deposit.Specification) DepositSpecificationJSON {
	return DepositSpecificationJSON{ID: sp.ID, CreatedAt: sp.CreatedAt, SHA256: sp.SHA256, Size: sp.Size}
}

func dateOrNil(d civil.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func depositPayoutJSON(p deposit.Payout) DepositPayoutJSON {
	return DepositPayoutJSON{ID: p.ID, LeaseID: p.LeaseID, LeaseReference: p.LeaseReference, PayeeID: p.PayeeID, AmountCents: int64(p.Amount),
		DueDate: p.DueDate, State: string(p.State), PaidOn: dateOrNil(p.PaidOn), CreatedAt: p.CreatedAt}
}

func depositStatusJSON(st *deposit.Status) DepositStatusJSON {
	out := DepositStatusJSON{LeaseID: st.LeaseID, Reference: st.Reference, State: string(st.State), AgreedCents: int64(st.Agreed),
		ReceivedCents: int64(st.Received), DeductedCents: int64(st.Deducted), ReturnedCents: int64(st.Returned), HeldCents: int64(st.Held),
		EndsOn: dateOrNil(st.EndsOn), Ended: st.Ended, WithDeductions: st.WithDeductions, TermDays: st.TermDays, Deadline: dateOrNil(st.Deadline),
		DaysLeft: st.DaysLeft(), PayeeID: st.PayeeID, CanSettle: st.CanSettle(), Deductions: []DepositDeductionJSON{},
		Specifications: []DepositSpecificationJSON{}}
	for _, sp := range st.Specifications {
		out.Specifications = append(out.Specifications, depositSpecificationJSON(sp))
	}
	for _, d := range st.Deductions {
		dj := DepositDeductionJSON{EntryID: d.ID, Date: d.Date, AmountCents: int64(d.AmountCents), Reason: d.Reason, Note: d.Note,
			Evidence: []DepositEvidenceJSON{}}
		for _, e := range d.Evidence {
			dj.Evidence = append(dj.Evidence,
				DepositEvidenceJSON{ID: e.ID, ContentType: e.ContentType, Size: e.Size, SHA256: e.SHA256, CreatedAt: e.CreatedAt})
		}
		out.Deductions = append(out.Deductions, dj)
	}
	if st.Payout != nil {
		p := depositPayoutJSON(*st.Payout)
		out.Payout = &p
	}
	return out
}

// DepositStatusOutput is a lease's deposit.
type DepositStatusOutput struct {
	Body DepositStatusJSON
}

func (a *API) getDepositStatus(ctx context.Context, act account.Actor, in *idPath) (*DepositStatusOutput, error) {
	st, err := a.Deposits.Status(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &DepositStatusOutput{Body: depositStatusJSON(st)}, nil
}

// EvidenceFileJSON is an uploaded file.
type EvidenceFileJSON struct {
	FileName string `json:"file_name" maxLength:"200"`
	Content  []byte `json:"content" doc:"The file, base64: PDF, JPEG or PNG, at most 10 MB"`
}

// DeductDepositInput is a deduction.
type DeductDepositInput struct {
	GuardReasons
	ID   int64 `path:"id"`
	Body struct {
		Date        civil.Date         `json:"date,omitempty" doc:"Default: today"`
		AmountCents int64              `json:"amount_cents"`
		Reason      string             `json:"reason" doc:"arrears, service_costs, epv or damage; never administration costs"`
		Note        string             `json:"note,omitempty" maxLength:"500"`
		Evidence    []EvidenceFileJSON `json:"evidence,omitempty" maxItems:"10"`
	}
}

func (a *API) deductDeposit(ctx context.Context, act account.Actor, in *DeductDepositInput) (*DepositStatusOutput, error) {
	d := deposit.DeductionInput{Date: in.Body.Date, AmountCents: money.Cents(in.Body.AmountCents), Reason: in.Body.Reason, Note: in.Body.Note}
	for _, f := range in.Body.Evidence {
		d.Evidence = append(d.Evidence, deposit.File{Name: f.FileName, Data: f.Content})
	}
	if _, err := a.Deposits.Deduct(ctx, act, in.ID, d); err != nil {
		return nil, err
	}
	return a.getDepositStatus(ctx, act, &idPath{ID: in.ID})
}

// AddEvidenceInput adds a file to a deduction.
type AddEvidenceInput struct {
	GuardReasons
	ID      int64 `path:"id"`
	EntryID int64 `path:"entry_id"`
	Body    EvidenceFileJSON
}

// EvidenceOutput is a stored evidence file.
type EvidenceOutput struct {
	Body DepositEvidenceJSON
}

func (a *API) addDepositEvidence(ctx context.Context, act account.Actor, in *AddEvidenceInput) (*EvidenceOutput, error) {
	id, err := a.Deposits.AddEvidence(ctx, act, in.ID, in.EntryID, deposit.File{Name: in.Body.FileName, Data: in.Body.Content})
	if err != nil {
		return nil, err
	}
	meta, _, err := a.Deposits.EvidenceFile(ctx, act, in.ID, id)
	if err != nil {
		return nil, err
	}
	return &EvidenceOutput{Body: DepositEvidenceJSON{ID: meta.ID, ContentType: meta.ContentType, Size: meta.Size, SHA256: meta.SHA256,
		CreatedAt: meta.CreatedAt}}, nil
}

// EvidencePathInput names an evidence file of a lease.
type EvidencePathInput struct {
	ID         int64 `path:"id"`
	EvidenceID int64 `path:"evidence_id"`
}

// EvidenceFileOutput is the file as uploaded.
type EvidenceFileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (a *API) getDepositEvidence(ctx context.Context, act account.Actor, in *EvidencePathInput) (*EvidenceFileOutput, error) {
	meta, data, err := a.Deposits.EvidenceFile(ctx, act, in.ID, in.EvidenceID)
	if err != nil {
		return nil, err
	}
	return &EvidenceFileOutput{ContentType: meta.ContentType,
		ContentDisposition: fmt.Sprintf(`attachment; filename="%s"`, meta.FileName), Body: data}, nil
}

// PayoutOutput is one deposit refund.
type PayoutOutput struct {
	Body DepositPayoutJSON
}

func (a *API) settleDeposit(ctx context.Context, act account.Actor, in *idPath) (*PayoutOutput, error) {
	p, err := a.Deposits.Settle(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &PayoutOutput{Body: depositPayoutJSON(*p)}, nil
}

// ListPayoutsInput filters refunds and pages through them (the cursor is the
// last id seen).
type ListPayoutsInput struct {
	State string `query:"state" enum:"open,paid,cancelled,all" doc:"Default: open"`
	PageInput
}

// PayoutsOutput is a page of refunds.
type PayoutsOutput struct {
	Body struct {
		Page[DepositPayoutJSON]
		TotalCents int64 `json:"total_cents" doc:"Over all pages"`
	}
}

func (a *API) listDepositPayouts(ctx context.Context, act account.Actor, in *ListPayoutsInput) (*PayoutsOutput, error) {
	f := deposit.PayoutFilter{State: deposit.PayoutState(in.State)}
	switch in.State {
	case "":
		f.State = deposit.PayoutOpen
	case "all":
		f.State = ""
	}
	ps, err := a.Deposits.Payouts(ctx, act, f)
	if err != nil {
		return nil, err
	}
	out := &PayoutsOutput{}
	items := make([]DepositPayoutJSON, 0, len(ps))
	for _, p := range ps {
		items = append(items, depositPayoutJSON(p))
		out.Body.TotalCents += int64(p.Amount)
	}
	if out.Body.Page, err = pageOf(items, in.PageInput, func(p DepositPayoutJSON) string { return idKey(p.ID) }); err != nil {
		return nil, err
	}
	return out, nil
}

// MarkPaidInput records a paid refund.
type MarkPaidInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Date civil.Date `json:"date" doc:"The day it was paid"`
	}
}

func (a *API) markDepositPayoutPaid(ctx context.Context, act account.Actor, in *MarkPaidInput) (*PayoutOutput, error) {
	if err := a.Deposits.MarkPaid(ctx, act, in.ID, in.Body.Date); err != nil {
		return nil, err
	}
	ps, err := a.Deposits.Payouts(ctx, act, deposit.PayoutFilter{})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.ID == in.ID {
			return &PayoutOutput{Body: depositPayoutJSON(p)}, nil
		}
	}
	return nil, fmt.Errorf("payout %d vanished", in.ID)
}

// DepositSpecificationOutput is a specification just made.
type DepositSpecificationOutput struct {
	Status int
	Body   DepositSpecificationJSON
}

func (a *API) createDepositSpecification(ctx context.Context, act account.Actor, in *idPath) (*DepositSpecificationOutput, error) {
	sp, err := a.Deposits.GenerateSpecification(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &DepositSpecificationOutput{Status: http.StatusCreated, Body: depositSpecificationJSON(*sp)}, nil
}

// SpecificationPathInput names a deposit specification of a lease.
type SpecificationPathInput struct {
	ID     int64 `path:"id"`
	SpecID int64 `path:"spec_id"`
}

// SpecificationFileOutput is the specification as a PDF.
type SpecificationFileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (a *API) getDepositSpecification(ctx context.Context, act account.Actor, in *SpecificationPathInput) (
	*SpecificationFileOutput, error) {
	pdf, err := a.Deposits.SpecificationFile(ctx, act, in.ID, in.SpecID)
	if err != nil {
		return nil, err
	}
	return &SpecificationFileOutput{ContentType: "application/pdf",
		ContentDisposition: fmt.Sprintf(`attachment; filename="specificatie-waarborgsom-%d.pdf"`, in.SpecID), Body: pdf}, nil
}
