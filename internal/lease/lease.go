package lease

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
)

// Kind says which body of lease law applies; it follows from the units.
type Kind string

const (
	Residential Kind = "residential" // woonruimte
	Commercial  Kind = "commercial"  // bedrijfsruimte
)

// Frequency is how often rent is charged.
type Frequency string

const (
	Monthly   Frequency = "monthly"
	Quarterly Frequency = "quarterly"
)

// Frequencies in form order.
var Frequencies = []Frequency{Monthly, Quarterly}

// PaymentMethod is how the tenant pays. Direct debit needs a mandate and an
// IBAN later (banking); here only the choice is kept.
type PaymentMethod string

const (
	DirectDebit PaymentMethod = "direct_debit"
	Transfer    PaymentMethod = "transfer"
)

// PaymentMethods in form order.
var PaymentMethods = []PaymentMethod{Transfer, DirectDebit}

// Role of a party on a lease.
type Role string

const (
	Tenant    Role = "tenant"    // huurder; several tenants are jointly and severally liable (hoofdelijk)
	Guarantor Role = "guarantor" // borg
)

// ComponentKind is one kind of price component (art. 7:237 BW).
type ComponentKind string

const (
	BareRent     ComponentKind = "bare_rent"     // kale huur
	ServiceCosts ComponentKind = "service_costs" // voorschot servicekosten, per cost category
	Parking      ComponentKind = "parking"
	Furnishing   ComponentKind = "furnishing" // meubilering / stoffering
	Other        ComponentKind = "other"      // with a label
)

// ComponentKinds in display order.
var ComponentKinds = []ComponentKind{BareRent, ServiceCosts, Parking, Furnishing, Other}

// VAT is the VAT treatment of a component: exempt, or the standard rate
// when a commercial lease is opted to taxed letting (opteren).
type VAT string

const (
	VATExempt   VAT = "exempt"
	VATStandard VAT = "standard"
)

// VATs in form order.
var VATs = []VAT{VATExempt, VATStandard}

// StandardRate is the VAT rate of VATStandard (Wet OB 1968, art. 9).
const StandardRate = 21 * money.Percent

// Status of a lease on a given day.
type Status string

const (
	StatusUpcoming Status = "upcoming" // starts later
	StatusActive   Status = "active"   // running, no notice
	StatusNotice   Status = "notice"   // running, notice given
	StatusEnded    Status = "ended"
)

// Statuses in filter order.
var Statuses = []Status{StatusActive, StatusNotice, StatusUpcoming, StatusEnded}

// DepositEntryKind is one movement of the deposit (waarborgsom).
type DepositEntryKind string

const (
	DepositReceived DepositEntryKind = "received"
	DepositReturned DepositEntryKind = "returned"
	DepositDeducted DepositEntryKind = "deducted"
)

// DepositEntryKinds in form order.
var DepositEntryKinds = []DepositEntryKind{DepositReceived, DepositReturned, DepositDeducted}

// DeductionReasons are what may be kept from a deposit (art. 7:261b BW):
// arrears, service costs, the energy-performance fee and damage; never
// administration costs.
var DeductionReasons = []string{"arrears", "service_costs", "epv", "damage"}

// By says who gave notice.
type By string

const (
	ByTenant   By = "tenant"
	ByLandlord By = "landlord"
)

// DocumentKind is a kind of generated lease document.
type DocumentKind string

// TenantInformation is the written information of Wgv art. 2.
const TenantInformation DocumentKind = "tenant_information"

// DeliveryMethod is how a document reached the tenant.
type DeliveryMethod string

const (
	DeliveredEmail  DeliveryMethod = "email"
	DeliveredPaper  DeliveryMethod = "paper"
	DeliveredPortal DeliveryMethod = "portal"
)

// DeliveryMethods in form order.
var DeliveryMethods = []DeliveryMethod{DeliveredEmail, DeliveredPaper, DeliveredPortal}

// Lease is one lease with everything that hangs on it.
type Lease struct {
	ID                   int64
	Reference            string
	Kind                 Kind
	Start                civil.Date
	End                  civil.Date // zero: indefinite
	EndsOn               civil.Date // End or an active termination's end, whichever is earlier; zero: open
	NoticeMonthsTenant   int
	NoticeMonthsLandlord int // 0: the landlord notice rule decides
	BillingFrequency     Frequency
	DueDay               int
	PaymentMethod        PaymentMethod
	VATOpted             bool
	DepositCents         money.Cents
	// Segment is the rent regime of the units at the contract date (set when
	// the lease is created, DOMAIN.md §2.2): rent increases follow it even
	// when a unit's segment changes later. "": residential units in
	// different segments.
	Segment              portfolio.Segment
	CreatedAt, UpdatedAt time.Time

	Units      []Unit
	Parties    []Party
	Components []Component // the full history, by line and valid_from
	Deposit    []DepositEntry
	// Termination is the active notice, if any; Terminations has every one,
	// withdrawn ones included, newest first.
	Termination  *Termination
	Terminations []Termination
}

// Unit is a unit on a lease, with facts from the portfolio.
type Unit struct {
	ID          int64
	ComplexID   int64
	Address     string
	Residential bool
	Segment     portfolio.Segment // the unit's current segment (only filled where the service read unit facts)
}

// Party is a tenant or guarantor, with display facts from relations (only
// filled where the service read them, which is logged as access).
type Party struct {
	ID      int64
	Role    Role
	Name    string
	Address string
}

// Component is one row of the rent history.
type Component struct {
	ID          int64
	Kind        ComponentKind
	Category    string // service-cost category code (service_costs only)
	Label       string // for other
	AmountCents money.Cents
	VAT         VAT
	ValidFrom   civil.Date
	CreatedAt   time.Time
}

// Line names the component line a row belongs to; a change of a line adds
// a row with the same Line and a later ValidFrom.
func (c Component) Line() string { return string(c.Kind) + "|" + c.Category + "|" + c.Label }

// DepositEntry is one dated movement of the deposit.
type DepositEntry struct {
	ID          int64
	Kind        DepositEntryKind
	Date        civil.Date
	AmountCents money.Cents
	Reason      string // deduction reason code
	Note        string
	CreatedAt   time.Time
}

// Termination is notice given on a lease.
type Termination struct {
	ID           int64
	By           By
	NoticeDate   civil.Date
	NoticeMonths int
	EndDate      civil.Date
	Reason       string
	CreatedAt    time.Time
	CreatedBy    int64
	WithdrawnAt  time.Time // zero: active
	WithdrawnBy  int64
}

// Active reports whether the termination has not been withdrawn.
func (t Termination) Active() bool { return t.WithdrawnAt.IsZero() }

// Document is a generated document (without its bytes).
type Document struct {
	ID         int64
	LeaseID    int64
	Kind       DocumentKind
	Lang       string
	CreatedAt  time.Time
	CreatedBy  int64
	SHA256     string
	Size       int64
	Deliveries []Delivery
}

// Delivery records that a document was provided to the tenant.
type Delivery struct {
	ID         int64
	ProvidedOn civil.Date
	Method     DeliveryMethod
	RecordedAt time.Time
	RecordedBy int64
}

// Tenants are the parties with role tenant, in order.
func (l *Lease) Tenants() []Party { return l.partiesWith(Tenant) }

// Guarantors are the parties with role guarantor.
func (l *Lease) Guarantors() []Party { return l.partiesWith(Guarantor) }

func (l *Lease) partiesWith(r Role) []Party {
	var out []Party
	for _, p := range l.Parties {
		if p.Role == r {
			out = append(out, p)
		}
	}
	return out
}

// UnitIDs, TenantIDs and GuarantorIDs list the ids.
func (l *Lease) UnitIDs() []int64 {
	out := make([]int64, len(l.Units))
	for i, u := range l.Units {
		out[i] = u.ID
	}
	return out
}
func (l *Lease) TenantIDs() []int64    { return partyIDs(l.Tenants()) }
func (l *Lease) GuarantorIDs() []int64 { return partyIDs(l.Guarantors()) }

func partyIDs(ps []Party) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// ComponentsOn is the set of components valid on day d: per line the row
// with the latest valid_from on or before d. A line whose latest row has
// amount 0 has stopped and is left out.
func (l *Lease) ComponentsOn(d civil.Date) []Component { return componentsOn(l.Components, d) }

func componentsOn(rows []Component, d civil.Date) []Component {
	latest := map[string]Component{}
	var order []string
	for _, c := range rows {
		if c.ValidFrom.After(d) {
			continue
		}
		cur, seen := latest[c.Line()]
		if !seen {
			order = append(order, c.Line())
		}
		if !seen || c.ValidFrom.After(cur.ValidFrom) {
			latest[c.Line()] = c
		}
	}
	out := make([]Component, 0, len(order))
	for _, line := range order {
		if c := latest[line]; c.AmountCents != 0 {
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, compareComponents)
	return out
}

func compareComponents(a, b Component) int {
	ka, kb := slices.Index(ComponentKinds, a.Kind), slices.Index(ComponentKinds, b.Kind)
	if ka != kb {
		return ka - kb
	}
	if c := strings.Compare(a.Category+"|"+a.Label, b.Category+"|"+b.Label); c != 0 {
		return c
	}
	return a.ValidFrom.Compare(b.ValidFrom)
}

// BareRentOn is the monthly kale huur valid on d.
func (l *Lease) BareRentOn(d civil.Date) money.Cents {
	var sum money.Cents
	for _, c := range l.ComponentsOn(d) {
		if c.Kind == BareRent {
			sum += c.AmountCents
		}
	}
	return sum
}

// TotalOn is the monthly total of the components valid on d (excluding VAT).
func (l *Lease) TotalOn(d civil.Date) money.Cents {
	var sum money.Cents
	for _, c := range l.ComponentsOn(d) {
		sum += c.AmountCents
	}
	return sum
}

// DepositHeld is received minus returned and deducted.
func (l *Lease) DepositHeld() money.Cents { return depositHeld(l.Deposit) }

func depositHeld(es []DepositEntry) money.Cents {
	var held money.Cents
	for _, e := range es {
		if e.Kind == DepositReceived {
			held += e.AmountCents
		} else {
			held -= e.AmountCents
		}
	}
	return held
}

// DepositReceivedTotal is the sum of received entries.
func (l *Lease) DepositReceivedTotal() money.Cents {
	var sum money.Cents
	for _, e := range l.Deposit {
		if e.Kind == DepositReceived {
			sum += e.AmountCents
		}
	}
	return sum
}

// StatusOn is the lease's status on day d.
func (l *Lease) StatusOn(d civil.Date) Status {
	switch {
	case l.Start.After(d):
		return StatusUpcoming
	case !l.EndsOn.IsZero() && l.EndsOn.Before(d):
		return StatusEnded
	case l.Termination != nil:
		return StatusNotice
	}
	return StatusActive
}

// Summary is a lease in a list.
type Summary struct {
	ID            int64
	Reference     string
	Kind          Kind
	Start         civil.Date
	End           civil.Date
	EndsOn        civil.Date
	Status        Status
	NoticeGiven   bool
	Units         []Unit
	Tenants       []Party
	BareRentCents money.Cents // valid today
	TotalCents    money.Cents // valid today
	DepositCents  money.Cents // agreed in the lease
}

// ListFilter narrows a lease list.
type ListFilter struct {
	UnitID    int64
	ComplexID int64
	TenantID  int64
	Status    Status
	EndsBy    civil.Date // non-zero: only leases whose last day is from today up to this day
	AfterID   int64      // API cursor: only ids greater than this (use with sort "id")
}

// Input is a lease to create or update (and a row of the bulk import).
type Input struct {
	Reference            string // "" on create: generated
	UnitIDs              []int64
	TenantIDs            []int64
	GuarantorIDs         []int64
	Start                civil.Date
	End                  civil.Date // zero: indefinite
	NoticeMonthsTenant   int        // 0: 1 month; at most 3, and never less than the payment period (TenantNoticeMonths)
	NoticeMonthsLandlord int        // 0: the statutory rule (art. 7:271 BW)
	BillingFrequency     Frequency  // "": monthly
	DueDay               int        // 0: the 1st
	PaymentMethod        PaymentMethod
	VATOpted             bool
	DepositCents         money.Cents
	// Components are the first price components (Create and the import;
	// Update ignores them: use SetComponent). ValidFrom zero: the start.
	Components []ComponentInput
}

// LeaseInput is the name the bulk import uses for Input.
type LeaseInput = Input

// ComponentInput sets one component line from a date.
type ComponentInput struct {
	Kind        ComponentKind
	Category    string
	Label       string
	AmountCents money.Cents
	VAT         VAT // "": exempt
	ValidFrom   civil.Date
}

// DepositEntryInput is one deposit movement.
type DepositEntryInput struct {
	Kind        DepositEntryKind
	Date        civil.Date
	AmountCents money.Cents
	Reason      string // required for deducted: one of DeductionReasons
	Note        string
}

// NoticeInput is notice to be previewed or given.
type NoticeInput struct {
	By         By
	NoticeDate civil.Date
	Reason     string
}

// NoticePreview is what giving notice would do.
type NoticePreview struct {
	By           By
	NoticeDate   civil.Date
	NoticeMonths int
	EndDate      civil.Date
}

// InformationProvided records the delivery of a document.
type InformationProvided struct {
	ProvidedOn civil.Date
	Method     DeliveryMethod
}

// RowErrors are the field errors of bulk rows, by row index.
type RowErrors map[int]validation.Errors

// Limits of free text.
const (
	maxReference = 40
	maxLabel     = 80
	maxCategory  = 40
	maxReason    = 1000
	maxNote      = 500
	maxParties   = 10
	maxUnits     = 50
)

func cleanText(s string, max int) (string, bool) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return s, false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return s, false
		}
	}
	return s, true
}

// normalize fills defaults and checks what can be checked without the
// database. The message ids are in lease.<lang>.json.
func (in *Input) normalize(fe validation.Errors) {
	var ok bool
	if in.Reference, ok = cleanText(in.Reference, maxReference); !ok || strings.ContainsAny(in.Reference, "\r\n\t") {
		fe.Add("reference", "lease.reference.invalid")
	}
	in.UnitIDs = dedupe(in.UnitIDs)
	in.TenantIDs = dedupe(in.TenantIDs)
	in.GuarantorIDs = dedupe(in.GuarantorIDs)
	switch {
	case len(in.UnitIDs) == 0:
		fe.Add("unit_ids", "lease.units.required")
	case len(in.UnitIDs) > maxUnits || slices.ContainsFunc(in.UnitIDs, func(id int64) bool { return id <= 0 }):
		fe.Add("unit_ids", "lease.unit.not_found")
	}
	switch {
	case len(in.TenantIDs) == 0:
		fe.Add("tenant_ids", "lease.tenants.required")
	case len(in.TenantIDs) > maxParties || slices.ContainsFunc(in.TenantIDs, func(id int64) bool { return id <= 0 }):
		fe.Add("tenant_ids", "lease.party.not_found")
	}
	if len(in.GuarantorIDs) > maxParties || slices.ContainsFunc(in.GuarantorIDs, func(id int64) bool { return id <= 0 }) {
		fe.Add("guarantor_ids", "lease.party.not_found")
	}
	for _, g := range in.GuarantorIDs {
		if slices.Contains(in.TenantIDs, g) {
			fe.Add("guarantor_ids", "lease.guarantor.is_tenant")
		}
	}
	if in.Start.IsZero() {
		fe.Add("start_date", "field.required")
	}
	if !in.End.IsZero() && !in.Start.IsZero() && in.End.Before(in.Start) {
		fe.Add("end_date", "lease.end.before_start")
	}
	if in.NoticeMonthsTenant == 0 {
		in.NoticeMonthsTenant = 1
	}
	if in.NoticeMonthsTenant < 1 || in.NoticeMonthsTenant > MaxTenantNoticeMonths {
		fe.Add("notice_months_tenant", "lease.notice_months.tenant_invalid")
	}
	if in.NoticeMonthsLandlord < 0 || in.NoticeMonthsLandlord > 24 {
		fe.Add("notice_months_landlord", "lease.notice_months.invalid")
	}
	if in.BillingFrequency == "" {
		in.BillingFrequency = Monthly
	}
	if !slices.Contains(Frequencies, in.BillingFrequency) {
		fe.Add("billing_frequency", "field.invalid")
	}
	if in.DueDay == 0 {
		in.DueDay = 1
	}
	if in.DueDay < 1 || in.DueDay > 28 {
		fe.Add("due_day", "lease.due_day.invalid")
	}
	if in.PaymentMethod == "" {
		in.PaymentMethod = Transfer
	}
	if !slices.Contains(PaymentMethods, in.PaymentMethod) {
		fe.Add("payment_method", "field.invalid")
	}
	if in.DepositCents < 0 {
		fe.Add("deposit_cents", "lease.amount.negative")
	} else if !in.DepositCents.InBounds() {
		fe.Add("deposit_cents", money.TooLarge)
	}
	seen := map[string]bool{}
	for i := range in.Components {
		c := &in.Components[i]
		if c.ValidFrom.IsZero() {
			c.ValidFrom = in.Start
		}
		field := fmt.Sprintf("components[%d]", i)
		c.normalize(fe, field)
		key := c.line() + "|" + c.ValidFrom.String()
		if seen[key] {
			fe.Add(field+".kind", "lease.component.duplicate")
		}
		seen[key] = true
		if !in.Start.IsZero() && c.ValidFrom.Before(in.Start) {
			fe.Add(field+".valid_from", "lease.component.before_start")
		}
		if !in.End.IsZero() && c.ValidFrom.After(in.End) {
			fe.Add(field+".valid_from", "lease.component.after_end")
		}
	}
}

func (c *ComponentInput) line() string { return string(c.Kind) + "|" + c.Category + "|" + c.Label }

// normalize checks one component; field prefixes the error keys ("" for a
// single component form).
func (c *ComponentInput) normalize(fe validation.Errors, field string) {
	key := func(f string) string {
		if field == "" {
			return f
		}
		return field + "." + f
	}
	if !slices.Contains(ComponentKinds, c.Kind) {
		fe.Add(key("kind"), "field.invalid")
	}
	var ok bool
	if c.Category, ok = cleanText(c.Category, maxCategory); !ok {
		fe.Add(key("category"), "field.invalid")
	}
	c.Category = strings.ToLower(c.Category)
	if c.Label, ok = cleanText(c.Label, maxLabel); !ok || strings.ContainsAny(c.Label, "\r\n\t|") {
		fe.Add(key("label"), "field.invalid")
	}
	if strings.Contains(c.Category, "|") || strings.ContainsAny(c.Category, " \t") {
		fe.Add(key("category"), "lease.component.category_invalid")
	}
	switch c.Kind {
	case ServiceCosts:
		if c.Category == "" {
			fe.Add(key("category"), "lease.component.category_required")
		}
		c.Label = ""
	case Other:
		if c.Label == "" {
			fe.Add(key("label"), "lease.component.label_required")
		}
		c.Category = ""
	default:
		c.Category, c.Label = "", ""
	}
	if c.AmountCents < 0 {
		fe.Add(key("amount_cents"), "lease.amount.negative")
	} else if !c.AmountCents.InBounds() {
		fe.Add(key("amount_cents"), money.TooLarge)
	}
	if c.VAT == "" {
		c.VAT = VATExempt
	}
	if !slices.Contains(VATs, c.VAT) {
		fe.Add(key("vat"), "field.invalid")
	}
	if c.ValidFrom.IsZero() {
		fe.Add(key("valid_from"), "field.required")
	}
}

func dedupe(ids []int64) []int64 {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
