package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
)

func init() {
	areas = append(areas, func(a *API) {
		read, write := account.PermPortfolioRead, account.PermPortfolioWrite
		op(a, http.MethodGet, "/leases", "list-leases", "List leases", read, a.listLeases)
		op(a, http.MethodPost, "/leases", "create-lease", "Create a lease with its first components", write, a.createLease)
		op(a, http.MethodGet, "/leases/{id}", "get-lease", "Get a lease", read, a.getLease)
		op(a, http.MethodPut, "/leases/{id}", "update-lease", "Replace a lease's terms, units and parties", write, a.updateLease)
		op(a, http.MethodGet, "/leases/{id}/components", "list-lease-components",
			"Rent history, or the components valid on a date", read, a.listLeaseComponents)
		op(a, http.MethodPost, "/leases/{id}/components", "set-lease-component",
			"Set a component from a date (adds a row to the rent history)", write, a.setLeaseComponent)
		op(a, http.MethodGet, "/leases/{id}/deposit", "get-lease-deposit", "The deposit and its entries", read, a.getLeaseDeposit)
		op(a, http.MethodPost, "/leases/{id}/deposit", "add-lease-deposit-entry",
			"Record deposit received, returned or deducted", write, a.addLeaseDepositEntry)
		op(a, http.MethodPost, "/leases/{id}/notice", "give-lease-notice", "Preview (preview=true) or give notice", write, a.giveLeaseNotice)
		op(a, http.MethodDelete, "/leases/{id}/notice", "withdraw-lease-notice",
			"Withdraw the notice before the lease ends", write, a.withdrawLeaseNotice)
		op(a, http.MethodGet, "/leases/{id}/documents", "list-lease-documents", "List a lease's generated documents", read, a.listLeaseDocuments)
		op(a, http.MethodPost, "/leases/{id}/documents", "generate-lease-information",
			"Generate the Wgv tenant information (residential leases)", write, a.generateLeaseInformation)
		op(a, http.MethodGet, "/leases/{id}/documents/{doc_id}", "get-lease-document",
			"Download a stored document (PDF)", read, a.getLeaseDocument)
		op(a, http.MethodPost, "/leases/{id}/documents/{doc_id}/deliveries", "record-lease-document-delivery",
			"Record that a document was provided to the tenant", write, a.recordLeaseDelivery)
		op(a, http.MethodGet, "/lease-settings", "get-lease-settings",
			"The organisation's settings for lease documents", read, a.getLeaseSettings)
		op(a, http.MethodPut, "/lease-settings", "update-lease-settings",
			"Replace the organisation's settings for lease documents", write, a.updateLeaseSettings)
	})
}

// --- shapes ---

// LeaseUnitJSON is a unit on a lease.
type LeaseUnitJSON struct {
	ID      int64  `json:"id"`
	Address string `json:"address"`
}

// LeasePartyJSON is a tenant or guarantor.
type LeasePartyJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// LeaseComponentJSON is a row of the rent history.
type LeaseComponentJSON struct {
	ID          int64               `json:"id"`
	Kind        lease.ComponentKind `json:"kind"`
	Category    string              `json:"category,omitempty" doc:"Service-cost category code"`
	Label       string              `json:"label,omitempty"`
	AmountCents int64               `json:"amount_cents" doc:"Per month, excluding VAT"`
	VAT         lease.VAT           `json:"vat"`
	ValidFrom   civil.Date          `json:"valid_from"`
	CreatedAt   time.Time           `json:"created_at"`
}

// LeaseTerminationJSON is notice given.
type LeaseTerminationJSON struct {
	ID           int64      `json:"id"`
	By           string     `json:"by" enum:"tenant,landlord"`
	NoticeDate   civil.Date `json:"notice_date"`
	NoticeMonths int        `json:"notice_months"`
	EndDate      civil.Date `json:"end_date"`
	Reason       string     `json:"reason,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
}

// LeaseJSON is a lease.
type LeaseJSON struct {
	ID                   int64                 `json:"id"`
	Reference            string                `json:"reference"`
	Kind                 string                `json:"kind" enum:"residential,commercial"`
	Status               lease.Status          `json:"status" doc:"Today"`
	StartDate            civil.Date            `json:"start_date"`
	EndDate              *civil.Date           `json:"end_date,omitempty" doc:"Absent: indefinite"`
	EndsOn               *civil.Date           `json:"ends_on,omitempty" doc:"The last day: end date or end of notice, whichever is earlier"`
	NoticeMonthsTenant   int                   `json:"notice_months_tenant" doc:"As agreed in the lease"`
	TenantNoticeMonths   int                   `json:"tenant_notice_months" doc:"The notice that applies (art. 7:271 lid 5 BW)"`
	Segment              string                `json:"segment" doc:"At the contract date; rent increases follow it. Empty: mixed"`
	NoticeMonthsLandlord int                   `json:"notice_months_landlord,omitempty" doc:"Absent: the statutory rule (art. 7:271 BW)"`
	BillingFrequency     lease.Frequency       `json:"billing_frequency"`
	DueDay               int                   `json:"due_day"`
	PaymentMethod        lease.PaymentMethod   `json:"payment_method"`
	VATOpted             bool                  `json:"vat_opted"`
	DepositCents         int64                 `json:"deposit_cents"`
	DepositHeldCents     int64                 `json:"deposit_held_cents"`
	Units                []LeaseUnitJSON       `json:"units"`
	Tenants              []LeasePartyJSON      `json:"tenants"`
	Guarantors           []LeasePartyJSON      `json:"guarantors"`
	Components           []LeaseComponentJSON  `json:"components" doc:"Valid today (or at the start of a lease that has not started)"`
	Termination          *LeaseTerminationJSON `json:"termination,omitempty" doc:"The active notice, if any"`
	CreatedAt            time.Time             `json:"created_at"`
	UpdatedAt            time.Time             `json:"updated_at"`
}

func leaseOptDate(d civil.Date) *civil.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

func leaseComponentsJSON(cs []lease.Component) []LeaseComponentJSON {
	out := make([]LeaseComponentJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, LeaseComponentJSON{ID: c.ID, Kind: c.Kind, Category: c.Category, Label: c.Label,
			AmountCents: int64(c.AmountCents), VAT: c.VAT, ValidFrom: c.ValidFrom, CreatedAt: c.CreatedAt})
	}
	return out
}

func leasePartiesJSON(ps []lease.Party) []LeasePartyJSON {
	out := make([]LeasePartyJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, LeasePartyJSON{ID: p.ID, Name: p.Name})
	}
	return out
}

func leaseUnitsJSON(us []lease.Unit) []LeaseUnitJSON {
	out := make([]LeaseUnitJSON, 0, len(us))
	for _, u := range us {
		out = append(out, LeaseUnitJSON{ID: u.ID, Address: u.Address})
	}
	return out
}

func leaseJSON(l *lease.Lease, today civil.Date) LeaseJSON {
	on := l.PriceDate(today)
	j := LeaseJSON{ID: l.ID, Reference: l.Reference, Kind: string(l.Kind), Status: l.StatusOn(today), StartDate: l.Start,
		EndDate: leaseOptDate(l.End), EndsOn: leaseOptDate(l.EndsOn), NoticeMonthsTenant: l.NoticeMonthsTenant,
		NoticeMonthsLandlord: l.NoticeMonthsLandlord, TenantNoticeMonths: l.TenantNotice(), Segment: string(l.Segment),
		BillingFrequency: l.BillingFrequency, DueDay: l.DueDay, PaymentMethod: l.PaymentMethod, VATOpted: l.VATOpted,
		DepositCents: int64(l.DepositCents), DepositHeldCents: int64(l.DepositHeld()), Units: leaseUnitsJSON(l.Units),
		Tenants: leasePartiesJSON(l.Tenants()), Guarantors: leasePartiesJSON(l.Guarantors()), Components: leaseComponentsJSON(l.ComponentsOn(on)),
		CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
	if t := l.Termination; t != nil {
		j.Termination = &LeaseTerminationJSON{ID: t.ID, By: string(t.By), NoticeDate: t.NoticeDate, NoticeMonths: t.NoticeMonths,
			EndDate: t.EndDate, Reason: t.Reason, CreatedAt: t.CreatedAt}
	}
	return j
}

// LeaseSummaryJSON is a lease in a list.
type LeaseSummaryJSON struct {
	ID            int64            `json:"id"`
	Reference     string           `json:"reference"`
	Kind          string           `json:"kind" enum:"residential,commercial"`
	Status        lease.Status     `json:"status"`
	StartDate     civil.Date       `json:"start_date"`
	EndsOn        *civil.Date      `json:"ends_on,omitempty"`
	Units         []LeaseUnitJSON  `json:"units"`
	Tenants       []LeasePartyJSON `json:"tenants"`
	BareRentCents int64            `json:"bare_rent_cents" doc:"Valid today"`
	TotalCents    int64            `json:"total_cents" doc:"All components valid today, excluding VAT"`
}

// --- list, create, get, update ---

// ListLeasesInput pages through leases in id order.
type ListLeasesInput struct {
	Q         string       `query:"q" doc:"Search the reference"`
	Status    lease.Status `query:"status" doc:"Only leases with this status today"`
	UnitID    int64        `query:"unit_id" doc:"Only leases of this unit"`
	ComplexID int64        `query:"complex_id" doc:"Only leases of units in this complex"`
	TenantID  int64        `query:"tenant_id" doc:"Only leases of this tenant (relation id)"`
	PageInput
}

// LeasesOutput is a page of leases.
type LeasesOutput struct {
	Body Page[LeaseSummaryJSON]
}

func (a *API) listLeases(ctx context.Context, act account.Actor, in *ListLeasesInput) (*LeasesOutput, error) {
	after, err := in.afterID()
	if err != nil {
		return nil, err
	}
	page, err := a.Leases.List(ctx, act, listing.Query{Search: in.Q, Sort: "id", Limit: in.limit() + 1, NoTotal: true},
		lease.ListFilter{Status: in.Status, UnitID: in.UnitID, ComplexID: in.ComplexID, TenantID: in.TenantID, AfterID: after})
	if err != nil {
		return nil, err
	}
	return &LeasesOutput{Body: pageByID(page.Items, in.PageInput, func(it lease.Summary) int64 { return it.ID },
		func(it lease.Summary) LeaseSummaryJSON {
			return LeaseSummaryJSON{ID: it.ID, Reference: it.Reference, Kind: string(it.Kind), Status: it.Status,
				StartDate: it.Start, EndsOn: leaseOptDate(it.EndsOn), Units: leaseUnitsJSON(it.Units), Tenants: leasePartiesJSON(it.Tenants),
				BareRentCents: int64(it.BareRentCents), TotalCents: int64(it.TotalCents)}
		})}, nil
}

// LeaseComponentBody sets a component.
type LeaseComponentBody struct {
	Kind        lease.ComponentKind `json:"kind"`
	Category    string              `json:"category,omitempty" maxLength:"40" doc:"Service-cost category code (service_costs only)"`
	Label       string              `json:"label,omitempty" maxLength:"80" doc:"Description (other only)"`
	AmountCents int64               `json:"amount_cents" doc:"Per month, excluding VAT; 0 stops the component"`
	VAT         lease.VAT           `json:"vat,omitempty" doc:"Absent: exempt. standard (21%): only commercial leases opted to taxed letting"`
	ValidFrom   civil.Date          `json:"valid_from,omitempty" doc:"Absent on create: the start date"`
}

func (b LeaseComponentBody) input() lease.ComponentInput {
	return lease.ComponentInput{Kind: lease.ComponentKind(b.Kind), Category: b.Category, Label: b.Label,
		AmountCents: money.Cents(b.AmountCents), VAT: lease.VAT(b.VAT), ValidFrom: b.ValidFrom}
}

// LeaseBody is a lease as sent.
type LeaseBody struct {
	Reference            string               `json:"reference,omitempty" maxLength:"40" doc:"Absent on create: generated (<year>-<nnnn>)"`
	UnitIDs              []int64              `json:"unit_ids" doc:"All residential or all commercial"`
	TenantIDs            []int64              `json:"tenant_ids" doc:"Relation ids; several tenants are jointly and severally liable"`
	GuarantorIDs         []int64              `json:"guarantor_ids,omitempty"`
	StartDate            civil.Date           `json:"start_date"`
	EndDate              civil.Date           `json:"end_date,omitempty" doc:"Absent: indefinite"`
	NoticeMonthsTenant   int                  `json:"notice_months_tenant,omitempty" doc:"1 to 3 (absent: 1); not below the payment period"`
	NoticeMonthsLandlord int                  `json:"notice_months_landlord,omitempty" doc:"Absent: the statutory rule"`
	BillingFrequency     lease.Frequency      `json:"billing_frequency,omitempty"`
	DueDay               int                  `json:"due_day,omitempty" doc:"1-28; absent: 1"`
	PaymentMethod        lease.PaymentMethod  `json:"payment_method,omitempty"`
	VATOpted             bool                 `json:"vat_opted,omitempty" doc:"Opted to taxed letting (commercial only)"`
	DepositCents         int64                `json:"deposit_cents,omitempty" doc:"Residential: at most twice the bare rent at the start"`
	Components           []LeaseComponentBody `json:"components,omitempty" doc:"The first components (create only; /components changes them)"`
}

func (b LeaseBody) input() lease.Input {
	in := lease.Input{Reference: b.Reference, UnitIDs: b.UnitIDs, TenantIDs: b.TenantIDs, GuarantorIDs: b.GuarantorIDs,
		Start: b.StartDate, End: b.EndDate, NoticeMonthsTenant: b.NoticeMonthsTenant, NoticeMonthsLandlord: b.NoticeMonthsLandlord,
		BillingFrequency: lease.Frequency(b.BillingFrequency), DueDay: b.DueDay, PaymentMethod: lease.PaymentMethod(b.PaymentMethod),
		VATOpted: b.VATOpted, DepositCents: money.Cents(b.DepositCents)}
	for _, c := range b.Components {
		in.Components = append(in.Components, c.input())
	}
	return in
}

// CreateLeaseInput creates a lease.
type CreateLeaseInput struct {
	Body LeaseBody
}

// UpdateLeaseInput replaces a lease's terms.
type UpdateLeaseInput struct {
	ID   int64 `path:"id"`
	Body LeaseBody
}

// LeasePathInput names a lease.
type LeasePathInput struct {
	ID int64 `path:"id"`
}

// LeaseOutput is one lease.
type LeaseOutput struct {
	Status int
	Body   LeaseJSON
}

func (a *API) leaseOutput(ctx context.Context, act account.Actor, id int64, status int) (*LeaseOutput, error) {
	l, err := a.Leases.Get(ctx, act, id)
	if err != nil {
		return nil, err
	}
	return &LeaseOutput{Status: status, Body: leaseJSON(l, a.Leases.Today())}, nil
}

func (a *API) createLease(ctx context.Context, act account.Actor, in *CreateLeaseInput) (*LeaseOutput, error) {
	id, err := a.Leases.Create(ctx, act, in.Body.input())
	if err != nil {
		return nil, err
	}
	return a.leaseOutput(ctx, act, id, http.StatusCreated)
}

func (a *API) getLease(ctx context.Context, act account.Actor, in *LeasePathInput) (*LeaseOutput, error) {
	return a.leaseOutput(ctx, act, in.ID, http.StatusOK)
}

func (a *API) updateLease(ctx context.Context, act account.Actor, in *UpdateLeaseInput) (*LeaseOutput, error) {
	if err := a.Leases.Update(ctx, act, in.ID, in.Body.input()); err != nil {
		return nil, err
	}
	return a.leaseOutput(ctx, act, in.ID, http.StatusOK)
}

// --- components ---

// ListLeaseComponentsInput asks for the history or the set valid on a day.
type ListLeaseComponentsInput struct {
	ID int64      `path:"id"`
	On civil.Date `query:"on" doc:"Only the components valid on this date; absent: the whole history"`
	PageInput
}

// LeaseComponentsOutput is a page of components.
type LeaseComponentsOutput struct {
	Body Page[LeaseComponentJSON]
}

func (a *API) listLeaseComponents(ctx context.Context, act account.Actor, in *ListLeaseComponentsInput) (*LeaseComponentsOutput, error) {
	cs, err := a.Leases.Components(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	if !in.On.IsZero() {
		cs = (&lease.Lease{Components: cs}).ComponentsOn(in.On)
	}
	page, err := pageOf(leaseComponentsJSON(cs), in.PageInput, func(c LeaseComponentJSON) string { return idKey(c.ID) })
	if err != nil {
		return nil, err
	}
	return &LeaseComponentsOutput{Body: page}, nil
}

// SetLeaseComponentInput sets a component from a date.
type SetLeaseComponentInput struct {
	GuardReasons
	ID   int64 `path:"id"`
	Body LeaseComponentBody
}

// LeaseCreatedOutput answers with the new row's id.
type LeaseCreatedOutput struct {
	Status int
	Body   struct {
		ID int64 `json:"id"`
	}
}

func leaseCreated(id int64) *LeaseCreatedOutput {
	out := &LeaseCreatedOutput{Status: http.StatusCreated}
	out.Body.ID = id
	return out
}

func (a *API) setLeaseComponent(ctx context.Context, act account.Actor, in *SetLeaseComponentInput) (*LeaseCreatedOutput, error) {
	id, err := a.Leases.SetComponent(ctx, act, in.ID, in.Body.input())
	if err != nil {
		return nil, err
	}
	return leaseCreated(id), nil
}

// --- deposit ---

// LeaseDepositEntryJSON is a deposit entry.
type LeaseDepositEntryJSON struct {
	ID          int64                  `json:"id"`
	Kind        lease.DepositEntryKind `json:"kind"`
	Date        civil.Date             `json:"date"`
	AmountCents int64                  `json:"amount_cents"`
	Reason      string                 `json:"reason,omitempty" doc:"Deductions: arrears, service_costs, epv or damage"`
	Note        string                 `json:"note,omitempty"`
	CreatedAt   time.Time              `json:"created_at"`
}

// LeaseDepositOutput is the deposit with its entries.
type LeaseDepositOutput struct {
	Body struct {
		AgreedCents int64                   `json:"agreed_cents"`
		HeldCents   int64                   `json:"held_cents" doc:"Received minus returned and deducted"`
		Items       []LeaseDepositEntryJSON `json:"items"`
	}
}

func (a *API) getLeaseDeposit(ctx context.Context, act account.Actor, in *LeasePathInput) (*LeaseDepositOutput, error) {
	l, err := a.Leases.Get(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	out := &LeaseDepositOutput{}
	out.Body.AgreedCents, out.Body.HeldCents = int64(l.DepositCents), int64(l.DepositHeld())
	out.Body.Items = make([]LeaseDepositEntryJSON, 0, len(l.Deposit))
	for _, e := range l.Deposit {
		out.Body.Items = append(out.Body.Items, LeaseDepositEntryJSON{ID: e.ID, Kind: e.Kind, Date: e.Date, AmountCents: int64(e.AmountCents),
			Reason: e.Reason, Note: e.Note, CreatedAt: e.CreatedAt})
	}
	return out, nil
}

// AddLeaseDepositEntryInput records a deposit entry.
type AddLeaseDepositEntryInput struct {
	GuardReasons
	ID   int64 `path:"id"`
	Body struct {
		Kind        lease.DepositEntryKind `json:"kind"`
		Date        civil.Date             `json:"date"`
		AmountCents int64                  `json:"amount_cents" doc:"Positive"`
		Reason      string                 `json:"reason,omitempty" enum:"arrears,service_costs,epv,damage" doc:"Required for deducted"`
		Note        string                 `json:"note,omitempty" maxLength:"500"`
	}
}

func (a *API) addLeaseDepositEntry(ctx context.Context, act account.Actor, in *AddLeaseDepositEntryInput) (*LeaseCreatedOutput, error) {
	b := in.Body
	id, err := a.Leases.AddDepositEntry(ctx, act, in.ID, lease.DepositEntryInput{Kind: lease.DepositEntryKind(b.Kind), Date: b.Date,
		AmountCents: money.Cents(b.AmountCents), Reason: b.Reason, Note: b.Note})
	if err != nil {
		return nil, err
	}
	return leaseCreated(id), nil
}

// --- notice ---

// GiveLeaseNoticeInput previews or gives notice.
type GiveLeaseNoticeInput struct {
	GuardReasons
	ID      int64 `path:"id"`
	Preview bool  `query:"preview" doc:"true: only compute the end date; nothing is recorded"`
	Body    struct {
		By         string     `json:"by" enum:"tenant,landlord"`
		NoticeDate civil.Date `json:"notice_date"`
		Reason     string     `json:"reason,omitempty" maxLength:"1000"`
	}
}

// LeaseNoticeOutput is the computed or recorded notice.
type LeaseNoticeOutput struct {
	Status int
	Body   struct {
		Preview      bool       `json:"preview"`
		By           string     `json:"by" enum:"tenant,landlord"`
		NoticeDate   civil.Date `json:"notice_date"`
		NoticeMonths int        `json:"notice_months"`
		EndDate      civil.Date `json:"end_date" doc:"The last day of the lease"`
	}
}

func (a *API) giveLeaseNotice(ctx context.Context, act account.Actor, in *GiveLeaseNoticeInput) (*LeaseNoticeOutput, error) {
	n := lease.NoticeInput{By: lease.By(in.Body.By), NoticeDate: in.Body.NoticeDate, Reason: in.Body.Reason}
	var p lease.NoticePreview
	var err error
	status := http.StatusCreated
	if in.Preview {
		p, err = a.Leases.PreviewNotice(ctx, act, in.ID, n)
		status = http.StatusOK
	} else {
		p, err = a.Leases.GiveNotice(ctx, act, in.ID, n)
	}
	if err != nil {
		return nil, err
	}
	out := &LeaseNoticeOutput{Status: status}
	out.Body.Preview, out.Body.By, out.Body.NoticeDate, out.Body.NoticeMonths, out.Body.EndDate = in.Preview, string(p.By),
		p.NoticeDate, p.NoticeMonths, p.EndDate
	return out, nil
}

func (a *API) withdrawLeaseNotice(ctx context.Context, act account.Actor, in *LeasePathInput) (*NoContent, error) {
	if err := a.Leases.WithdrawNotice(ctx, act, in.ID); err != nil {
		return nil, err
	}
	return &NoContent{Status: http.StatusNoContent}, nil
}

// --- documents ---

// LeaseDeliveryJSON records that a document was provided.
type LeaseDeliveryJSON struct {
	ID         int64                `json:"id"`
	ProvidedOn civil.Date           `json:"provided_on"`
	Method     lease.DeliveryMethod `json:"method"`
	RecordedAt time.Time            `json:"recorded_at"`
}

// LeaseDocumentJSON is a stored document (without its bytes).
type LeaseDocumentJSON struct {
	ID         int64               `json:"id"`
	Kind       string              `json:"kind" enum:"tenant_information"`
	Lang       string              `json:"lang"`
	CreatedAt  time.Time           `json:"created_at"`
	SHA256     string              `json:"sha256"`
	Size       int64               `json:"size"`
	Deliveries []LeaseDeliveryJSON `json:"deliveries"`
}

// LeaseDocumentsOutput is a page of documents.
type LeaseDocumentsOutput struct {
	Body Page[LeaseDocumentJSON]
}

func (a *API) listLeaseDocuments(ctx context.Context, act account.Actor, in *IDPageInput) (*LeaseDocumentsOutput, error) {
	docs, err := a.Leases.Documents(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	items := make([]LeaseDocumentJSON, 0, len(docs))
	for _, d := range docs {
		j := LeaseDocumentJSON{ID: d.ID, Kind: string(d.Kind), Lang: d.Lang, CreatedAt: d.CreatedAt, SHA256: d.SHA256, Size: d.Size,
			Deliveries: []LeaseDeliveryJSON{}}
		for _, dl := range d.Deliveries {
			j.Deliveries = append(j.Deliveries,
				LeaseDeliveryJSON{ID: dl.ID, ProvidedOn: dl.ProvidedOn, Method: dl.Method, RecordedAt: dl.RecordedAt})
		}
		items = append(items, j)
	}
	page, err := pageOf(items, in.PageInput, func(d LeaseDocumentJSON) string { return idKey(d.ID) })
	if err != nil {
		return nil, err
	}
	return &LeaseDocumentsOutput{Body: page}, nil
}

func (a *API) generateLeaseInformation(ctx context.Context, act account.Actor, in *LeasePathInput) (*LeaseCreatedOutput, error) {
	id, err := a.Leases.GenerateTenantInformation(ctx, act, in.ID)
	if err != nil {
		return nil, err
	}
	return leaseCreated(id), nil
}

// LeaseDocumentPathInput names a document of a lease.
type LeaseDocumentPathInput struct {
	ID    int64 `path:"id"`
	DocID int64 `path:"doc_id"`
}

// LeasePDFOutput is a PDF file.
type LeasePDFOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte `contentType:"application/pdf"`
}

func (a *API) getLeaseDocument(ctx context.Context, act account.Actor, in *LeaseDocumentPathInput) (*LeasePDFOutput, error) {
	pdf, err := a.Leases.Document(ctx, act, in.ID, in.DocID)
	if err != nil {
		return nil, err
	}
	return &LeasePDFOutput{ContentType: "application/pdf",
		ContentDisposition: fmt.Sprintf(`attachment; filename="huurderinformatie-%d-%d.pdf"`, in.ID, in.DocID), Body: pdf}, nil
}

// RecordLeaseDeliveryInput records a delivery.
type RecordLeaseDeliveryInput struct {
	ID    int64 `path:"id"`
	DocID int64 `path:"doc_id"`
	Body  struct {
		ProvidedOn civil.Date           `json:"provided_on"`
		Method     lease.DeliveryMethod `json:"method"`
	}
}

func (a *API) recordLeaseDelivery(ctx context.Context, act account.Actor, in *RecordLeaseDeliveryInput) (*LeaseCreatedOutput, error) {
	id, err := a.Leases.RecordInformationProvided(ctx, act, in.ID, in.DocID,
		lease.InformationProvided{ProvidedOn: in.Body.ProvidedOn, Method: lease.DeliveryMethod(in.Body.Method)})
	if err != nil {
		return nil, err
	}
	return leaseCreated(id), nil
}

// --- settings ---

// LeaseSettingsBody is the organisation's lease settings.
type LeaseSettingsBody struct {
	LandlordName         string `json:"landlord_name" maxLength:"120" doc:"Empty: the organisation's name"`
	LandlordAddress      string `json:"landlord_address" maxLength:"300"`
	LandlordPhone        string `json:"landlord_phone" maxLength:"40"`
	LandlordEmail        string `json:"landlord_email" maxLength:"254"`
	Meldpunt             string `json:"meldpunt" maxLength:"600" doc:"The municipal complaints point as printed"`
	DepositReturnDays    int    `json:"deposit_return_days" minimum:"1" maximum:"90" doc:"Without deductions; at most 14 (art. 7:261b BW)"`
	DepositDeductionDays int    `json:"deposit_deduction_days" minimum:"1" maximum:"90" doc:"With any deduction; default 30"`
	// Absent keeps the default policy (whole calendar months).
	NoticeWholeMonths *bool  `json:"notice_whole_months,omitempty" doc:"Notice in whole calendar months; absent: true"`
	ExtraInformation  string `json:"extra_information" maxLength:"4000"`
}

func leaseSettingsBody(st lease.Settings) LeaseSettingsBody {
	whole := st.NoticeWholeMonths
	return LeaseSettingsBody{LandlordName: st.LandlordName, LandlordAddress: st.LandlordAddress, LandlordPhone: st.LandlordPhone,
		LandlordEmail: st.LandlordEmail, Meldpunt: st.Meldpunt, DepositReturnDays: st.DepositReturnDays,
		DepositDeductionDays: st.DepositDeductionDays, NoticeWholeMonths: &whole, ExtraInformation: st.ExtraInformation}
}

func (b LeaseSettingsBody) settings() lease.Settings {
	whole := b.NoticeWholeMonths == nil || *b.NoticeWholeMonths
	return lease.Settings{LandlordName: b.LandlordName, LandlordAddress: b.LandlordAddress, LandlordPhone: b.LandlordPhone,
		LandlordEmail: b.LandlordEmail, Meldpunt: b.Meldpunt, DepositReturnDays: b.DepositReturnDays,
		DepositDeductionDays: b.DepositDeductionDays, NoticeWholeMonths: whole, ExtraInformation: b.ExtraInformation}
}

// LeaseSettingsOutput is the settings.
type LeaseSettingsOutput struct {
	Body LeaseSettingsBody
}

// UpdateLeaseSettingsInput replaces the settings.
type UpdateLeaseSettingsInput struct {
	Body LeaseSettingsBody
}

func (a *API) getLeaseSettings(ctx context.Context, act account.Actor, _ *empty) (*LeaseSettingsOutput, error) {
	st, err := a.Leases.Settings(ctx, act)
	if err != nil {
		return nil, err
	}
	return &LeaseSettingsOutput{Body: leaseSettingsBody(st)}, nil
}

func (a *API) updateLeaseSettings(ctx context.Context, act account.Actor, in *UpdateLeaseSettingsInput) (*LeaseSettingsOutput, error) {
	if err := a.Leases.UpdateSettings(ctx, act, in.Body.settings()); err != nil {
		return nil, err
	}
	return a.getLeaseSettings(ctx, act, nil)
}
