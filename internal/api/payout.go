package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/payout"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/sepa"
)

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermFinanceRead, account.PermFinanceWrite
		op(a, http.MethodGet, "/payouts", "list-payouts",
			"Payouts to tenants (deposit refunds, settlement credits, overpayments) in id order, filtered by state and kind", read, a.listPayouts)
		op(a, http.MethodGet, "/payouts/{id}", "get-payout", "One payout", read, a.getPayout)
		op(a, http.MethodPost, "/payouts/overpayments", "propose-overpayment",
			"Propose to pay back a lease's unallocated credit (all of it when amount_cents is 0) to its first tenant", write, a.proposeOverpayment)
		op(a, http.MethodPost, "/payouts/{id}/approve", "approve-payout",
			"Approve an open payout; with four eyes on, the user who created it cannot", write, a.approvePayout)
		op(a, http.MethodPost, "/payouts/{id}/cancel", "cancel-payout",
			"Cancel an open or approved payout; a settlement credit or an overpayment is credit on the lease account again", write, a.cancelPayout)
		op(a, http.MethodPost, "/payouts/{id}/paid", "mark-payout-paid", "Record that an approved payout (or one in a batch) was paid", write,
			a.markPayoutPaid)
		op(a, http.MethodPost, "/payout-batches/preview", "preview-payout-batch",
			"What a batch would pay: per account the payouts, their count and total, and what is left out with the reason", read,
			a.previewPayoutBatch)
		op(a, http.MethodPost, "/payout-batches", "create-payout-batch",
			"Make the pain.001 files of a batch (one per account); with expect_count and expect_total_cents nothing is made if the preview changed",
			write, a.createPayoutBatch)
		op(a, http.MethodGet, "/payout-batches", "list-payout-batches", "Payment files made, oldest first", read, a.listPayoutBatches)
		op(a, http.MethodGet, "/payout-batches/{id}", "get-payout-batch", "One payment file with its payouts", read, a.getPayoutBatch)
		op(a, http.MethodGet, "/payout-batches/{id}/file", "get-payout-batch-file",
			"Download the pain.001 file exactly as it was made (it names tenants and their IBANs: each download is recorded)", read,
			a.getPayoutBatchFile)
		op(a, http.MethodGet, "/payout-settings", "get-payout-settings", "The payout settings: four eyes", read, a.getPayoutSettings)
		op(a, http.MethodPut, "/payout-settings", "update-payout-settings",
			"Turn four eyes on or off (the organisation's owner)", account.PermMembersManage, a.updatePayoutSettings)
	})
}

// --- shapes ---

// PayoutJSON is a payout to a tenant.
type PayoutJSON struct {
	ID              int64        `json:"id"`
	Kind            payout.Kind  `json:"kind"`
	LeaseID         int64        `json:"lease_id"`
	LeaseReference  string       `json:"lease_reference"`
	PayeeID         int64        `json:"payee_id" doc:"The relation paid: the lease's first tenant"`
	PayeeName       string       `json:"payee_name"`
	AmountCents     int64        `json:"amount_cents"`
	DueDate         civil.Date   `json:"due_date"`
	State           payout.State `json:"state"`
	StatementID     int64        `json:"statement_id,omitempty" doc:"The settlement statement a settlement credit comes from"`
	PaymentID       int64        `json:"payment_id,omitempty" doc:"The payment whose credit an overpayment pays back"`
	LedgerInvoiceID int64        `json:"ledger_invoice_id,omitempty" doc:"The ledger's payout debit that took the credit"`
	Note            string       `json:"note,omitempty"`
	Remittance      string       `json:"remittance" doc:"The text the payee's bank shows"`
	CreatedAt       time.Time    `json:"created_at"`
	CreatedBy       int64        `json:"created_by" doc:"A user id; 0: the system"`
	ApprovedAt      *time.Time   `json:"approved_at"`
	ApprovedBy      int64        `json:"approved_by,omitempty"`
	BatchID         int64        `json:"batch_id,omitempty"`
	EndToEndID      string       `json:"end_to_end_id,omitempty"`
	PaidOn          *string      `json:"paid_on"`
}

func payoutJSON(p payout.Payout) PayoutJSON {
	out := PayoutJSON{ID: p.ID, Kind: p.Kind, LeaseID: p.LeaseID, LeaseReference: p.LeaseReference, PayeeID: p.PayeeID, PayeeName: p.PayeeName,
		AmountCents: int64(p.Amount), DueDate: p.DueDate, State: p.State, StatementID: p.StatementID, PaymentID: p.PaymentID,
		LedgerInvoiceID: p.LedgerInvoiceID, Note: p.Note, Remittance: p.Remittance(), CreatedAt: p.CreatedAt, CreatedBy: p.CreatedBy,
		ApprovedBy: p.ApprovedBy, BatchID: p.BatchID, EndToEndID: p.EndToEndID, PaidOn: dateOrNil(p.PaidOn)}
	if !p.ApprovedAt.IsZero() {
		at := p.ApprovedAt
		out.ApprovedAt = &at
	}
	return out
}

// ListPayoutsAllInput filters payouts and pages through them in id order.
type ListPayoutsAllInput struct {
	State  payout.State `query:"state" doc:"Only payouts in this state"`
	Unpaid bool         `query:"unpaid" doc:"Only payouts still to pay: open, approved or in a batch"`
	Kind   payout.Kind  `query:"kind" doc:"Only payouts of this kind"`
	PageInput
}

// PayoutPageOutput is a page of payouts.
type PayoutPageOutput struct {
	Body Page[PayoutJSON]
}

func (a *API) listPayouts(ctx context.Context, act account.Actor, in *ListPayoutsAllInput) (*PayoutPageOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	f := payout.Filter{Kind: in.Kind}
	switch {
	case in.State != "":
		f.States = []payout.State{in.State}
	case in.Unpaid:
		f.States = []payout.State{payout.StateOpen, payout.StateApproved, payout.StateInBatch}
	}
	ps, err := a.Payouts.ListAfter(ctx, act, f, after, in.limit()+1)
	if err != nil {
		return nil, err
	}
	return &PayoutPageOutput{Body: pageByID(ps, in.PageInput, func(p payout.Payout) int64 { return p.ID }, payoutJSON)}, nil
}

// OnePayoutOutput is one payout.
type OnePayoutOutput struct {
	Status int
	Body   PayoutJSON
}

func (a *API) onePayout(ctx context.Context, act account.Actor, id int64, status int) (*OnePayoutOutput, error) {
	p, err := a.Payouts.Get(ctx, act, id)
	if err != nil {
		return nil, err
	}
	return &OnePayoutOutput{Status: status, Body: payoutJSON(p)}, nil
}

func (a *API) getPayout(ctx context.Context, act account.Actor, in *idPath) (*OnePayoutOutput, error) {
	return a.onePayout(ctx, act, in.ID, http.StatusOK)
}

// ProposeOverpaymentInput proposes an overpayment.
type ProposeOverpaymentInput struct {
	GuardReasons
	Body struct {
		LeaseID     int64  `json:"lease_id"`
		AmountCents int64  `json:"amount_cents,omitempty" minimum:"0" doc:"0 or absent: all of the lease's unallocated credit"`
		Note        string `json:"note,omitempty" maxLength:"140"`
	}
}

func (a *API) proposeOverpayment(ctx context.Context, act account.Actor, in *ProposeOverpaymentInput) (*OnePayoutOutput, error) {
	p, err := a.Payouts.ProposeOverpayment(ctx, act, payout.OverpaymentInput{LeaseID: in.Body.LeaseID,
		Amount: money.Cents(in.Body.AmountCents),
		Note:   in.Body.Note})
	if fe, ok := validation.AsFields(err); ok && fe["lease"] != "" {
		fe["lease_id"] = fe["lease"]
		delete(fe, "lease")
	}
	if err != nil {
		return nil, err
	}
	return a.onePayout(ctx, act, p.ID, http.StatusCreated)
}

func (a *API) approvePayout(ctx context.Context, act account.Actor, in *idPath) (*OnePayoutOutput, error) {
	if err := a.Payouts.Approve(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return a.onePayout(ctx, act, in.ID, http.StatusOK)
}

func (a *API) cancelPayout(ctx context.Context, act account.Actor, in *idPath) (*OnePayoutOutput, error) {
	if err := a.Payouts.Cancel(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return a.onePayout(ctx, act, in.ID, http.StatusOK)
}

func (a *API) markPayoutPaid(ctx context.Context, act account.Actor, in *MarkPaidInput) (*OnePayoutOutput, error) {
	if err := a.Payouts.MarkPaid(ctx, act, in.ID, in.Body.Date); err != nil {
		return nil, err
	}
	return a.onePayout(ctx, act, in.ID, http.StatusOK)
}

// --- batches ---

// PayoutBatchBody is the scope and account of a batch.
type PayoutBatchBody struct {
	PayoutIDs     []int64    `json:"payout_ids,omitempty" maxItems:"1000" doc:"Chosen payouts; empty: every approved one due until due_until"`
	DueUntil      civil.Date `json:"due_until,omitempty" doc:"With no payout_ids: only payouts due on or before this day"`
	AccountID     int64      `json:"account_id,omitempty" doc:"0: deposits account for deposits, else rent account"`
	ExecutionDate civil.Date `json:"execution_date,omitempty" doc:"The day the bank should pay; default: today (or the next business day)"`
}

func (b PayoutBatchBody) input() payout.BatchInput {
	return payout.BatchInput{Scope: payout.Scope{IDs: b.PayoutIDs, DueUntil: b.DueUntil}, AccountID: b.AccountID,
		ExecutionDate: b.ExecutionDate}
}

// PayoutScopeJSON is what a batch pays.
type PayoutScopeJSON struct {
	Kind      payout.ScopeKind `json:"kind" doc:"chosen: those named; due: approved, due until due_until; all: approved"`
	DueUntil  *string          `json:"due_until"`
	PayoutIDs []int64          `json:"payout_ids,omitempty"`
}

// PayoutPlanFileJSON is one file of a preview.
type PayoutPlanFileJSON struct {
	AccountID   int64                `json:"account_id"`
	AccountIBAN string               `json:"account_iban"`
	AccountName string               `json:"account_name"`
	Version     sepa.TransferVersion `json:"version"`
	Count       int                  `json:"count"`
	TotalCents  int64                `json:"total_cents"`
	Payouts     []PayoutJSON         `json:"payouts"`
}

// PayoutLeftOutJSON is a payout in scope a batch leaves out.
type PayoutLeftOutJSON struct {
	Payout     PayoutJSON `json:"payout"`
	Reason     string     `json:"reason" doc:"A message id, such as payout.left.no_iban"`
	ReasonText string     `json:"reason_text" doc:"The reason in the caller's language"`
}

// PayoutPlanOutput is a preview.
type PayoutPlanOutput struct {
	Body struct {
		Scope         PayoutScopeJSON      `json:"scope"`
		ExecutionDate civil.Date           `json:"execution_date"`
		Count         int                  `json:"count"`
		TotalCents    int64                `json:"total_cents"`
		Files         []PayoutPlanFileJSON `json:"files"`
		LeftOut       []PayoutLeftOutJSON  `json:"left_out"`
	}
}

// PayoutBatchInput asks for a preview or a batch.
type PayoutBatchInput struct {
	Body struct {
		PayoutBatchBody
		ExpectCount      *int   `json:"expect_count,omitempty" doc:"The preview's count; with expect_total_cents a changed plan is 409"`
		ExpectTotalCents *int64 `json:"expect_total_cents,omitempty"`
	}
}

func scopeJSON(s payout.Scope) PayoutScopeJSON {
	return PayoutScopeJSON{Kind: s.Kind(), DueUntil: dateOrNil(s.DueUntil), PayoutIDs: s.IDs}
}

func (a *API) previewPayoutBatch(ctx context.Context, act account.Actor, in *PayoutBatchInput) (*PayoutPlanOutput, error) {
	plan, err := a.Payouts.Preview(ctx, act, in.Body.input())
	if err != nil {
		return nil, err
	}
	out := &PayoutPlanOutput{}
	b := &out.Body
	b.Scope, b.ExecutionDate, b.Count, b.TotalCents = scopeJSON(plan.Scope), plan.ExecutionDate, plan.Count, int64(plan.Total)
	b.Files, b.LeftOut = []PayoutPlanFileJSON{}, []PayoutLeftOutJSON{}
	for _, f := range plan.Files {
		fj := PayoutPlanFileJSON{AccountID: f.AccountID, AccountIBAN: f.Account.IBAN, AccountName: f.Account.Name, Version: f.Version,
			Count: len(f.Payouts), TotalCents: int64(f.Total), Payouts: []PayoutJSON{}}
		for _, p := range f.Payouts {
			fj.Payouts = append(fj.Payouts, payoutJSON(p))
		}
		b.Files = append(b.Files, fj)
	}
	lang := langFrom(ctx)
	for _, l := range plan.Left {
		b.LeftOut = append(b.LeftOut, PayoutLeftOutJSON{Payout: payoutJSON(l.Payout), Reason: l.Reason, ReasonText: a.Texts.T(lang,
			l.Reason, nil)})
	}
	return out, nil
}

// PayoutBatchJSON is a payment file made.
type PayoutBatchJSON struct {
	ID            int64                `json:"id"`
	AccountID     int64                `json:"account_id"`
	AccountIBAN   string               `json:"account_iban"`
	AccountName   string               `json:"account_name"`
	Version       sepa.TransferVersion `json:"version"`
	MessageID     string               `json:"message_id"`
	ExecutionDate civil.Date           `json:"execution_date"`
	Scope         PayoutScopeJSON      `json:"scope"`
	Count         int                  `json:"count"`
	PaidCount     int                  `json:"paid_count" doc:"Of its payouts, how many are paid"`
	TotalCents    int64                `json:"total_cents"`
	SHA256        string               `json:"sha256" doc:"Of the file, as every download gives it"`
	Size          int64                `json:"size"`
	CreatedAt     time.Time            `json:"created_at"`
	CreatedBy     int64                `json:"created_by"`
	Payouts       []PayoutJSON         `json:"payouts,omitempty" doc:"In get-payout-batch"`
}

func batchJSON(b payout.Batch) PayoutBatchJSON {
	out := PayoutBatchJSON{ID: b.ID, AccountID: b.AccountID, AccountIBAN: b.AccountIBAN, AccountName: b.AccountName, Version: b.Version,
		MessageID: b.MessageID, ExecutionDate: b.ExecutionDate, Scope: PayoutScopeJSON{Kind: b.ScopeKind(), DueUntil: dateOrNil(b.ScopeDate())},
		Count: b.Count, PaidCount: b.Paid, TotalCents: int64(b.Total), SHA256: b.SHA256, Size: b.Size, CreatedAt: b.CreatedAt,
		CreatedBy: b.CreatedBy}
	for _, p := range b.Payouts {
		out.Payouts = append(out.Payouts, payoutJSON(p))
	}
	return out
}

// PayoutBatchesCreatedOutput are the files a batch made.
type PayoutBatchesCreatedOutput struct {
	Status int
	Body   struct {
		Batches []PayoutBatchJSON `json:"batches" doc:"One per account paid from"`
	}
}

func (a *API) createPayoutBatch(ctx context.Context, act account.Actor, in *PayoutBatchInput) (*PayoutBatchesCreatedOutput, error) {
	bi := in.Body.input()
	if in.Body.ExpectCount != nil || in.Body.ExpectTotalCents != nil {
		if in.Body.ExpectCount == nil || in.Body.ExpectTotalCents == nil {
			return nil, validation.Errors{"expect_count": "payout.batch.expect_both"}
		}
		bi.Expect = &payout.Expect{Count: *in.Body.ExpectCount, Total: money.Cents(*in.Body.ExpectTotalCents)}
	}
	bs, err := a.Payouts.CreateBatch(ctx, act, bi)
	if err != nil {
		return nil, err
	}
	out := &PayoutBatchesCreatedOutput{Status: http.StatusCreated}
	out.Body.Batches = []PayoutBatchJSON{}
	for _, b := range bs {
		out.Body.Batches = append(out.Body.Batches, batchJSON(b))
	}
	return out, nil
}

// ListPayoutBatchesInput pages through batches in id order.
type ListPayoutBatchesInput struct {
	PageInput
}

// PayoutBatchPageOutput is a page of batches.
type PayoutBatchPageOutput struct {
	Body Page[PayoutBatchJSON]
}

func (a *API) listPayoutBatches(ctx context.Context, act account.Actor, in *ListPayoutBatchesInput) (*PayoutBatchPageOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	bs, err := a.Payouts.Batches(ctx, act, after, in.limit()+1)
	if err != nil {
		return nil, err
	}
	return &PayoutBatchPageOutput{Body: pageByID(bs, in.PageInput, func(b payout.Batch) int64 { return b.ID }, batchJSON)}, nil
}

// PayoutBatchOutput is one batch.
type PayoutBatchOutput struct {
	Body PayoutBatchJSON
}

func (a *API) getPayoutBatch(ctx context.Context, act account.Actor, in *idPath) (*PayoutBatchOutput, error) {
	b, err := a.Payouts.Batch(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	out := &PayoutBatchOutput{Body: batchJSON(*b)}
	if out.Body.Payouts == nil {
		out.Body.Payouts = []PayoutJSON{}
	}
	return out, nil
}

// PayoutBatchFileOutput is a pain.001 file.
type PayoutBatchFileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (a *API) getPayoutBatchFile(ctx context.Context, act account.Actor, in *idPath) (*PayoutBatchFileOutput, error) {
	b, data, err := a.Payouts.BatchFile(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &PayoutBatchFileOutput{ContentType: "application/xml", ContentDisposition: fmt.Sprintf(`attachment; filename="%s"`, b.FileName()),
		Body: data}, nil
}

// --- settings ---

// PayoutSettingsJSON are the payout settings.
type PayoutSettingsJSON struct {
	FourEyes bool `json:"four_eyes" doc:"Every payout must be approved by a second user, not the one who created it"`
}

// PayoutSettingsOutput returns the settings.
type PayoutSettingsOutput struct {
	Body PayoutSettingsJSON
}

func (a *API) getPayoutSettings(ctx context.Context, act account.Actor, _ *empty) (*PayoutSettingsOutput, error) {
	st, err := a.Payouts.Settings(ctx, act)
	if err != nil {
		return nil, err
	}
	return &PayoutSettingsOutput{Body: PayoutSettingsJSON{FourEyes: st.FourEyes}}, nil
}

// UpdatePayoutSettingsInput replaces the settings.
type UpdatePayoutSettingsInput struct {
	Body PayoutSettingsJSON
}

func (a *API) updatePayoutSettings(ctx context.Context, act account.Actor, in *UpdatePayoutSettingsInput) (*PayoutSettingsOutput, error) {
	if err := a.Payouts.SaveSettings(ctx, act, payout.Settings{FourEyes: in.Body.FourEyes}); err != nil {
		return nil, err
	}
	st, err := a.Payouts.Settings(ctx, act)
	if errors.Is(err, validation.ErrForbidden) {
		// An admin token without finance scopes saved them; it reads back
		// what it sent.
		return &PayoutSettingsOutput{Body: in.Body}, nil
	}
	if err != nil {
		return nil, err
	}
	return &PayoutSettingsOutput{Body: PayoutSettingsJSON{FourEyes: st.FourEyes}}, nil
}
