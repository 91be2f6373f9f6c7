package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/directdebit"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/sepa"
)

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermFinanceRead, account.PermFinanceWrite
		op(a, http.MethodGet, "/mandates", "list-mandates",
			"SEPA direct-debit mandates, of one lease or all, with the debtors' names and IBANs", read, a.listMandates)
		op(a, http.MethodPost, "/mandates", "create-mandate",
			"Record a signed mandate for a lease (the debtor defaults to its first tenant)", write, a.createMandate)
		op(a, http.MethodGet, "/mandates/{id}", "get-mandate", "One mandate", read, a.getMandate)
		op(a, http.MethodPost, "/mandates/{id}/amend", "amend-mandate",
			"Change a mandate's reference, IBAN or debtor name (the next collection reports the amendment)", write, a.amendMandate)
		op(a, http.MethodPost, "/mandates/{id}/revoke", "revoke-mandate", "End a mandate", write, a.revokeMandate)
		op(a, http.MethodPost, "/mandates/{id}/resume", "resume-mandate", "Make a suspended mandate active again", write, a.resumeMandate)
		op(a, http.MethodGet, "/mandates/{id}/form", "get-mandate-form", "The printable mandate form (PDF)", read, a.getMandateForm)
		op(a, http.MethodPost, "/collections/preview", "preview-collection",
			"What a direct-debit collection on a date would take, and what it leaves out and why", read, a.previewCollection)
		op(a, http.MethodPost, "/collections", "create-collection",
			"Make the collection a preview showed (refused when it no longer counts and totals the same)", write, a.createCollection)
		op(a, http.MethodGet, "/collections", "list-collections", "The collections made, in id order", read, a.listCollections)
		op(a, http.MethodGet, "/collections/{id}", "get-collection", "A collection with its debits", read, a.getCollection)
		op(a, http.MethodGet, "/collections/{id}/file", "get-collection-file",
			"The collection's pain.008 file, the same bytes every time", read, a.getCollectionFile)
	})
}

// MandateJSON is a mandate.
type MandateJSON struct {
	ID                int64              `json:"id"`
	LeaseID           int64              `json:"lease_id"`
	LeaseReference    string             `json:"lease_reference"`
	PartyID           int64              `json:"party_id,omitempty" doc:"The tenant the debtor is; absent when someone else"`
	Reference         string             `json:"reference" doc:"Machtigingskenmerk"`
	Kind              directdebit.Kind   `json:"kind"`
	Status            directdebit.Status `json:"status"`
	SignedOn          civil.Date         `json:"signed_on"`
	SignedPlace       string             `json:"signed_place"`
	DebtorName        string             `json:"debtor_name"`
	IBAN              string             `json:"iban"`
	LastCollectedOn   *civil.Date        `json:"last_collected_on,omitempty"`
	ExpiresOn         civil.Date         `json:"expires_on" doc:"Unused until after this day, the mandate expires (36 months)"`
	NextSequence      sepa.Sequence      `json:"next_sequence,omitempty" doc:"Its next debit's sequence; absent: cannot be used again"`
	Amended           bool               `json:"amended" doc:"The next collection reports a changed reference or IBAN"`
	OriginalReference string             `json:"original_reference,omitempty"`
	StatusReason      string             `json:"status_reason,omitempty" doc:"Why suspended or ended, e.g. a return reason code (AC04)"`
	StatusOn          *civil.Date        `json:"status_on,omitempty"`
}

func datePtr(d civil.Date) *civil.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

func mandateJSON(m directdebit.Mandate) MandateJSON {
	return MandateJSON{ID: m.ID, LeaseID: m.LeaseID, LeaseReference: m.LeaseReference, PartyID: m.PartyID, Reference: m.Reference,
		Kind: m.Kind, Status: m.Status, SignedOn: m.SignedOn, SignedPlace: m.SignedPlace, DebtorName: m.DebtorName, IBAN: m.IBAN,
		LastCollectedOn: datePtr(m.LastCollectedOn), ExpiresOn: m.ExpiresOn(), NextSequence: m.NextSequence(), Amended: m.Amended,
		OriginalReference: m.OriginalReference, StatusReason: m.StatusReason, StatusOn: datePtr(m.StatusOn)}
}

// ListMandatesInput pages through mandates in id order.
type ListMandatesInput struct {
	PageInput
	LeaseID int64 `query:"lease_id" minimum:"0" doc:"Only this lease's mandates"`
}

// MandatesOutput is a page of mandates.
type MandatesOutput struct {
	Body Page[MandateJSON]
}

func (a *API) listMandates(ctx context.Context, act account.Actor, in *ListMandatesInput) (*MandatesOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	list, err := a.DirectDebit.ListMandates(ctx, act, directdebit.MandateFilter{LeaseID: in.LeaseID, AfterID: after, Limit: in.limit() + 1})
	if err != nil {
		return nil, err
	}
	return &MandatesOutput{Body: pageByID(list, in.PageInput, func(m directdebit.Mandate) int64 { return m.ID }, mandateJSON)}, nil
}

// CreateMandateInput records a mandate.
type CreateMandateInput struct {
	Body struct {
		LeaseID         int64            `json:"lease_id"`
		Reference       string           `json:"reference,omitempty" maxLength:"35" doc:"Empty: HMS-<lease reference>-<n>"`
		Kind            directdebit.Kind `json:"kind,omitempty" doc:"Default: recurrent"`
		SignedOn        civil.Date       `json:"signed_on"`
		SignedPlace     string           `json:"signed_place,omitempty" maxLength:"70"`
		PartyID         int64            `json:"party_id,omitempty" doc:"A tenant of the lease; default: the first"`
		DebtorName      string           `json:"debtor_name,omitempty" maxLength:"70" doc:"Default: the tenant's name"`
		IBAN            string           `json:"iban,omitempty" maxLength:"42" doc:"Default: the tenant's first IBAN"`
		LastCollectedOn *civil.Date      `json:"last_collected_on,omitempty" doc:"A mandate taken over: when it was last collected before"`
	}
}

// MandateOutput is one mandate.
type MandateOutput struct {
	Status int
	Body   MandateJSON
}

func (a *API) createMandate(ctx context.Context, act account.Actor, in *CreateMandateInput) (*MandateOutput, error) {
	b := in.Body
	mi := directdebit.MandateInput{LeaseID: b.LeaseID, Reference: b.Reference, Kind: b.Kind, SignedOn: b.SignedOn, SignedPlace: b.SignedPlace,
		PartyID: b.PartyID, DebtorName: b.DebtorName, IBAN: b.IBAN}
	if b.LastCollectedOn != nil {
		mi.LastCollectedOn = *b.LastCollectedOn
	}
	id, err := a.DirectDebit.CreateMandate(ctx, act, mi)
	if err != nil {
		return nil, err
	}
	return a.mandateOutput(ctx, act, id, http.StatusCreated)
}

func (a *API) mandateOutput(ctx context.Context, act account.Actor, id int64, status int) (*MandateOutput, error) {
	m, err := a.DirectDebit.Mandate(ctx, act, id)
	if err != nil {
		return nil, err
	}
	return &MandateOutput{Status: status, Body: mandateJSON(m)}, nil
}

func (a *API) getMandate(ctx context.Context, act account.Actor, in *idPath) (*MandateOutput, error) {
	return a.mandateOutput(ctx, act, in.ID, http.StatusOK)
}

// AmendMandateInput changes a mandate; empty fields keep their value.
type AmendMandateInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Reference  string `json:"reference,omitempty" maxLength:"35"`
		DebtorName string `json:"debtor_name,omitempty" maxLength:"70"`
		IBAN       string `json:"iban,omitempty" maxLength:"42"`
	}
}

func (a *API) amendMandate(ctx context.Context, act account.Actor, in *AmendMandateInput) (*MandateOutput, error) {
	b := in.Body
	if err := a.DirectDebit.AmendMandate(ctx, act, in.ID, directdebit.AmendInput{Reference: b.Reference, DebtorName: b.DebtorName,
		IBAN: b.IBAN}); err != nil {
		return nil, err
	}
	return a.mandateOutput(ctx, act, in.ID, http.StatusOK)
}

func (a *API) revokeMandate(ctx context.Context, act account.Actor, in *idPath) (*MandateOutput, error) {
	if err := a.DirectDebit.RevokeMandate(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return a.mandateOutput(ctx, act, in.ID, http.StatusOK)
}

func (a *API) resumeMandate(ctx context.Context, act account.Actor, in *idPath) (*MandateOutput, error) {
	if err := a.DirectDebit.ResumeMandate(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return a.mandateOutput(ctx, act, in.ID, http.StatusOK)
}

// FileOutput is a document download.
type FileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (a *API) getMandateForm(ctx context.Context, act account.Actor, in *idPath) (*FileOutput, error) {
	pdf, err := a.DirectDebit.MandateForm(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &FileOutput{ContentType: "application/pdf", ContentDisposition: fmt.Sprintf(`attachment; filename="machtiging-%d.pdf"`, in.ID),
		Body: pdf}, nil
}

// CollectionJSON asks for a collection.
type CollectionJSON struct {
	CollectionDate civil.Date  `json:"collection_date" doc:"The requested collection date: a TARGET2 business day, the bank's lead days ahead"`
	DueUntil       *civil.Date `json:"due_until,omitempty" doc:"Take the open invoices due up to this day (default: the collection date)"`
	AccountID      int64       `json:"account_id,omitempty" doc:"The account to collect to (default: the account for rent)"`
}

func (c CollectionJSON) input() directdebit.CollectionInput {
	in := directdebit.CollectionInput{CollectionDate: c.CollectionDate, AccountID: c.AccountID}
	if c.DueUntil != nil {
		in.DueUntil = *c.DueUntil
	}
	return in
}

// CollectionLineJSON is an invoice of a preview.
type CollectionLineJSON struct {
	InvoiceID        int64                 `json:"invoice_id"`
	InvoiceNumber    string                `json:"invoice_number"`
	LeaseID          int64                 `json:"lease_id"`
	LeaseReference   string                `json:"lease_reference"`
	TenantName       string                `json:"tenant_name"`
	Address          string                `json:"address"`
	AmountCents      int64                 `json:"amount_cents" doc:"What is open on the invoice"`
	DueDate          civil.Date            `json:"due_date"`
	MandateID        int64                 `json:"mandate_id,omitempty"`
	MandateReference string                `json:"mandate_reference,omitempty"`
	Sequence         sepa.Sequence         `json:"sequence,omitempty"`
	Amended          bool                  `json:"amended,omitempty"`
	Prenotice        directdebit.Prenotice `json:"prenotice,omitempty" doc:"How the debtor is told beforehand"`
	Reason           string                `json:"reason,omitempty" doc:"Left out: the reason's code"`
	ReasonText       string                `json:"reason_text,omitempty" doc:"Left out: the reason in words"`
}

// CollectionPreviewInput asks for a preview.
type CollectionPreviewInput struct {
	Body CollectionJSON
}

// CollectionPreviewOutput is a preview.
type CollectionPreviewOutput struct {
	Body struct {
		OrganisationMissing []OrgMissingJSON `json:"organisation_missing" doc:"Details documents print that are not set"`

		CollectionDate    civil.Date              `json:"collection_date"`
		DueUntil          civil.Date              `json:"due_until"`
		Earliest          civil.Date              `json:"earliest" doc:"The first collection date the bank takes a file for today"`
		AccountID         int64                   `json:"account_id"`
		CreditorID        string                  `json:"creditor_id"`
		CreditorName      string                  `json:"creditor_name"`
		Version           sepa.DirectDebitVersion `json:"version"`
		Count             int                     `json:"count"`
		TotalCents        int64                   `json:"total_cents"`
		LeftOutTotalCents int64                   `json:"left_out_total_cents"`
		Prenotices        int                     `json:"prenotices" doc:"Debtors who will be mailed a pre-notification"`
		Items             []CollectionLineJSON    `json:"items"`
		LeftOut           []CollectionLineJSON    `json:"left_out"`
	}
}

func (a *API) previewCollection(ctx context.Context, act account.Actor, in *CollectionPreviewInput) (*CollectionPreviewOutput, error) {
	p, err := a.DirectDebit.Preview(ctx, act, in.Body.input())
	if err != nil {
		return nil, err
	}
	lang := langFrom(ctx)
	line := func(l directdebit.Line) CollectionLineJSON {
		j := CollectionLineJSON{InvoiceID: l.InvoiceID, InvoiceNumber: l.InvoiceNumber, LeaseID: l.LeaseID, LeaseReference: l.LeaseReference,
			TenantName: l.TenantName, Address: l.Address, AmountCents: int64(l.Amount), DueDate: l.DueDate, MandateID: l.MandateID,
			MandateReference: l.MandateReference, Sequence: l.Sequence, Amended: l.Amended, Prenotice: l.Prenotice, Reason: l.Reason}
		if l.Reason != "" {
			j.ReasonText = a.Texts.T(lang, l.Reason, nil)
		}
		return j
	}
	out := &CollectionPreviewOutput{}
	b := &out.Body
	if b.OrganisationMissing, err = a.orgMissing(ctx, act); err != nil {
		return nil, err
	}
	b.CollectionDate, b.DueUntil, b.Earliest, b.AccountID = p.CollectionDate, p.DueUntil, p.Earliest, p.Account.ID
	b.CreditorID, b.CreditorName, b.Version = p.CreditorID, p.CreditorName, p.Version
	b.Count, b.TotalCents, b.LeftOutTotalCents, b.Prenotices = p.Count, int64(p.Total), int64(p.LeftOutTotal), p.Mails
	b.Items, b.LeftOut = make([]CollectionLineJSON, 0, len(p.Lines)), make([]CollectionLineJSON, 0, len(p.LeftOut))
	for _, l := range p.Lines {
		b.Items = append(b.Items, line(l))
	}
	for _, l := range p.LeftOut {
		b.LeftOut = append(b.LeftOut, line(l))
	}
	return out, nil
}

// CreateCollectionInput makes a collection.
type CreateCollectionInput struct {
	Body struct {
		CollectionJSON
		Expect CollectionExpectJSON `json:"expect"`
	}
}

// CollectionExpectJSON repeats what the preview showed.
type CollectionExpectJSON struct {
	Count      int   `json:"count" minimum:"0"`
	TotalCents int64 `json:"total_cents"`
}

// CollectionJSONOut is a collection made.
type CollectionJSONOut struct {
	ID             int64                   `json:"id"`
	MessageID      string                  `json:"message_id"`
	Version        sepa.DirectDebitVersion `json:"version"`
	AccountID      int64                   `json:"account_id"`
	CreditorID     string                  `json:"creditor_id"`
	CollectionDate civil.Date              `json:"collection_date"`
	DueUntil       civil.Date              `json:"due_until"`
	Count          int                     `json:"count"`
	TotalCents     int64                   `json:"total_cents"`
	Prenotices     int                     `json:"prenotices"`
	CreatedAt      time.Time               `json:"created_at"`
	Items          []CollectionItemJSON    `json:"items,omitempty" doc:"Its debits (one collection only)"`
}

// CollectionItemJSON is one debit of a collection.
type CollectionItemJSON struct {
	ID               int64                 `json:"id"`
	InvoiceID        int64                 `json:"invoice_id"`
	InvoiceNumber    string                `json:"invoice_number"`
	LeaseID          int64                 `json:"lease_id"`
	LeaseReference   string                `json:"lease_reference"`
	TenantName       string                `json:"tenant_name"`
	MandateID        int64                 `json:"mandate_id"`
	MandateReference string                `json:"mandate_reference"`
	Kenmerk          string                `json:"kenmerk"`
	AmountCents      int64                 `json:"amount_cents"`
	Sequence         sepa.Sequence         `json:"sequence"`
	EndToEndID       string                `json:"end_to_end_id"`
	PaymentInfoID    string                `json:"payment_info_id"`
	Prenotice        directdebit.Prenotice `json:"prenotice"`
	State            directdebit.ItemState `json:"state"`
	ReturnReason     string                `json:"return_reason,omitempty"`
	ReturnedOn       *civil.Date           `json:"returned_on,omitempty"`
	PaidOn           *civil.Date           `json:"paid_on,omitempty"`
}

func collectionJSON(b directdebit.Batch) CollectionJSONOut {
	j := CollectionJSONOut{ID: b.ID, MessageID: b.MessageID, Version: b.Version, AccountID: b.AccountID, CreditorID: b.CreditorID,
		CollectionDate: b.CollectionDate, DueUntil: b.DueUntil, Count: b.Count, TotalCents: int64(b.Total), Prenotices: b.Prenotices,
		CreatedAt: b.CreatedAt}
	for _, it := range b.Items {
		j.Items = append(j.Items, CollectionItemJSON{ID: it.ID, InvoiceID: it.InvoiceID, InvoiceNumber: it.InvoiceNumber, LeaseID: it.LeaseID,
			LeaseReference: it.LeaseReference, TenantName: it.TenantName, MandateID: it.MandateID, MandateReference: it.MandateReference,
			Kenmerk: it.Kenmerk, AmountCents: int64(it.Amount), Sequence: it.Sequence, EndToEndID: it.EndToEndID,
			PaymentInfoID: it.PaymentInfoID, Prenotice: it.Prenotice, State: it.State, ReturnReason: it.ReturnReason,
			ReturnedOn: datePtr(it.ReturnedOn), PaidOn: datePtr(it.PaidOn)})
	}
	return j
}

// CollectionOutput is one collection.
type CollectionOutput struct {
	Status int
	Body   CollectionJSONOut
}

func (a *API) createCollection(ctx context.Context, act account.Actor, in *CreateCollectionInput) (*CollectionOutput, error) {
	b, err := a.DirectDebit.Create(ctx, act, in.Body.input(), directdebit.Expectation{Count: in.Body.Expect.Count,
		Total: money.Cents(in.Body.Expect.TotalCents)})
	if err != nil {
		return nil, err
	}
	return a.collectionOutput(ctx, act, b.ID, http.StatusCreated)
}

func (a *API) collectionOutput(ctx context.Context, act account.Actor, id int64, status int) (*CollectionOutput, error) {
	b, err := a.DirectDebit.Batch(ctx, act, id)
	if err != nil {
		return nil, err
	}
	return &CollectionOutput{Status: status, Body: collectionJSON(*b)}, nil
}

func (a *API) getCollection(ctx context.Context, act account.Actor, in *idPath) (*CollectionOutput, error) {
	return a.collectionOutput(ctx, act, in.ID, http.StatusOK)
}

// ListCollectionsInput pages through collections in id order.
type ListCollectionsInput struct {
	PageInput
}

// CollectionsOutput is a page of collections.
type CollectionsOutput struct {
	Body Page[CollectionJSONOut]
}

func (a *API) listCollections(ctx context.Context, act account.Actor, in *ListCollectionsInput) (*CollectionsOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	list, err := a.DirectDebit.BatchesAfter(ctx, act, after, in.limit()+1)
	if err != nil {
		return nil, err
	}
	return &CollectionsOutput{Body: pageByID(list, in.PageInput, func(b directdebit.Batch) int64 { return b.ID }, collectionJSON)}, nil
}

func (a *API) getCollectionFile(ctx context.Context, act account.Actor, in *idPath) (*FileOutput, error) {
	file, b, err := a.DirectDebit.File(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return &FileOutput{ContentType: "application/xml", ContentDisposition: fmt.Sprintf(`attachment; filename="%s"`, b.FileName()),
		Body: file}, nil
}
