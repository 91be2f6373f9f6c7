package subscription

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/address"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
	"hms/internal/platform/jobs"
	hmsmail "hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// Kind is who subscribes: a company or a natural person.
type Kind string

// The kinds of subscriber.
const (
	Company Kind = "company"
	Person  Kind = "person"
)

// Kinds in form order.
var Kinds = []Kind{Company, Person}

// State is where an organisation stands with HMS.
type State string

// The states: in its trial, read-only after the trial without a
// subscription, subscribed, or none (an organisation the operator set up
// without a trial).
const (
	StateTrial   State = "trial"
	StateExpired State = "expired"
	StateActive  State = "active"
	StateNone    State = "none"
)

// States lists them (API enums).
var States = []State{StateTrial, StateExpired, StateActive, StateNone, StateCancelled, StatePastDue}

// ReminderDays are the days before the trial's end that the owners are
// mailed a reminder, each once.
var ReminderDays = []int{7, 1}

// JobReminders is the daily job that mails the trial reminders.
const JobReminders = "subscription.reminders"

// ErrReadOnly refuses a write of an organisation whose trial ended without
// a subscription (the web and the API answer it with a link to subscribe).
var ErrReadOnly = &validation.Problem{Status: 403, Code: "subscription.read_only"}

// ErrNoCreditor: HMS's own Incassant-ID is not configured (HMS_CREDITOR_ID).
var ErrNoCreditor = &validation.Problem{Status: 503, Code: "subscription.no_creditor"}

// ErrNoPlan: no active plan holds the organisation's number of units.
var ErrNoPlan = &validation.Problem{Status: 409, Code: "subscription.no_plan"}

// Owners finds an organisation's owners in a System transaction
// (account.Service).
type Owners interface {
	OwnerContacts(ctx context.Context, tx *db.Tx, orgID int64) ([]account.OwnerContact, error)
}

// Creditor is HMS as the creditor of its own direct debits.
type Creditor struct {
	ID   string // Incassant-ID (HMS_CREDITOR_ID)
	Name string // HMS_CREDITOR_NAME
}

// Deps is what the service needs.
type Deps struct {
	DB       *db.DB
	Audit    *audit.Log
	Vault    *vault.Vault
	Clock    clock.Clock
	Outbox   *hmsmail.Outbox
	Jobs     *jobs.Queue
	Texts    *i18n.Catalog
	Owners   Owners
	Creditor Creditor
	Seller   Seller // HMS on its own invoices (the name: Creditor.Name)
	BaseURL  func() string
	// ShredAfterDays: days after a cancellation takes effect until the
	// organisation is shredded (0: DefaultShredAfterDays).
	ShredAfterDays int
	// PastDueGraceDays: days after a first failed collection until the
	// unpaid invoice makes the subscription past due (0: the default).
	PastDueGraceDays int
}

// Service runs plans, trials and subscriptions.
type Service struct {
	db       *db.DB
	audit    *audit.Log
	vault    *vault.Vault
	clk      clock.Clock
	outbox   *hmsmail.Outbox
	jobs     *jobs.Queue
	texts    *i18n.Catalog
	owners   Owners
	creditor Creditor
	seller   Seller
	baseURL  func() string
	// shredDays: see Deps.ShredAfterDays.
	shredDays int
	// graceDaysN: see Deps.PastDueGraceDays.
	graceDaysN int
}

// New builds the service and registers its daily job with the queue.
func New(d Deps) *Service {
	s := &Service{db: d.DB, audit: d.Audit, vault: d.Vault, clk: d.Clock, outbox: d.Outbox, jobs: d.Jobs, texts: d.Texts,
		owners: d.Owners, creditor: Creditor{ID: nl.NormalizeCreditorID(d.Creditor.ID), Name: strings.TrimSpace(d.Creditor.Name)},
		baseURL: d.BaseURL, shredDays: d.ShredAfterDays, graceDaysN: d.PastDueGraceDays}
	s.seller = Seller{Name: s.creditor.Name, Address: strings.TrimSpace(d.Seller.Address), KvK: strings.TrimSpace(d.Seller.KvK),
		VATID: strings.TrimSpace(d.Seller.VATID), IBAN: nl.NormalizeIBAN(d.Seller.IBAN), BIC: strings.TrimSpace(d.Seller.BIC)}
	if s.baseURL == nil {
		s.baseURL = func() string { return "" }
	}
	if d.Jobs != nil {
		s.registerJobs(d.Jobs)
		s.registerShred(d.Jobs)
	}
	return s
}

// Creditor is HMS's creditor identity, and whether it is valid.
func (s *Service) Creditor() (Creditor, bool) {
	return s.creditor, s.creditor.Name != "" && nl.ValidateCreditorID(s.creditor.ID) == nil
}

// Today is the service clock's day.
func (s *Service) Today() civil.Date { return civil.Today(s.clk.Now()) }

// --- Plans ---

// Plans are every plan, active or not, by their range (console).
func (s *Service) Plans(ctx context.Context) ([]Plan, error) {
	var out []Plan
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		out, err = plansTx(ctx, tx, false)
		return err
	})
	return out, err
}

// PublicPlans are the active plans, for the pricing page.
func (s *Service) PublicPlans(ctx context.Context) ([]Plan, error) {
	var out []Plan
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		out, err = plansTx(ctx, tx, true)
		return err
	})
	return out, err
}

// SavePlan adds a plan (id 0) or changes one; staff only.
func (s *Service) SavePlan(ctx context.Context, staffID int64, p Plan) (int64, error) {
	p.NameNL, p.NameEN = strings.TrimSpace(p.NameNL), strings.TrimSpace(p.NameEN)
	if err := p.Validate(); err != nil {
		return 0, err
	}
	err := s.db.System(ctx, func(tx *db.Tx) error {
		var err error
		if p.ID, err = savePlanTx(ctx, tx, p); err != nil {
			return err
		}
		return s.record(ctx, tx, staffID, audit.ActorStaff, "subscription.plan_saved", "plan", p.ID, nil)
	})
	return p.ID, err
}

// Quote is the price of an organisation by its portfolio.
type Quote struct {
	Units   int
	Plan    Plan
	Monthly money.Cents // excluding VAT
}

// QuoteFor is the plan and monthly price for the actor's organisation by
// its number of units now.
func (s *Service) QuoteFor(ctx context.Context, a account.Actor) (Quote, error) {
	if !a.Can(account.PermOrgRead) {
		return Quote{}, validation.ErrForbidden
	}
	return s.quote(ctx, a.OrgID)
}

func (s *Service) quote(ctx context.Context, orgID int64) (Quote, error) {
	units, err := s.units(ctx, orgID)
	if err != nil {
		return Quote{}, err
	}
	plans, err := s.PublicPlans(ctx)
	if err != nil {
		return Quote{}, err
	}
	p, ok := PlanFor(plans, units)
	if !ok {
		return Quote{Units: units}, ErrNoPlan
	}
	return Quote{Units: units, Plan: p, Monthly: p.Price(units)}, nil
}

// units counts the organisation's units in its own transaction (the
// system role does not read business tables).
func (s *Service) units(ctx context.Context, orgID int64) (int, error) {
	var n int
	err := s.db.ReadOrg(ctx, orgID, func(tx *db.Tx) error {
		var err error
		n, err = countUnitsTx(ctx, tx)
		return err
	})
	return n, err
}

// --- Standing ---

// Standing is an organisation's trial and subscription at a moment.
type Standing struct {
	State       State
	TrialEndsAt time.Time
	DaysLeft    int // whole days until the trial ends (in trial)
	// Cancellation is the organisation's cancellation, pending or
	// effective (cancel.go); nil: none.
	Cancellation *Cancellation
}

// ReadOnly reports whether the organisation may only read.
func (st Standing) ReadOnly() bool {
	return st.State == StateExpired || st.State == StateCancelled || st.State == StatePastDue
}

// The phases the console words a customer in (Standing.Phase): the states,
// and a cancellation pending, in effect, or carried out.
const (
	PhaseCancelPending = "cancel_pending"
	PhaseShredded      = "shredded"
)

// Phases are every phase in the console's order (its filter).
var Phases = []string{string(StateTrial), string(StateActive), string(StatePastDue), PhaseCancelPending, string(StateCancelled),
	PhaseShredded, string(StateExpired), string(StateNone)}

// Phase is the standing as the console words it: a pending cancellation
// and a shred are phases of their own.
func (st Standing) Phase() string {
	switch c := st.Cancellation; {
	case c != nil && c.Shredded():
		return PhaseShredded
	case c != nil && st.State != StateCancelled && st.State != StatePastDue:
		return PhaseCancelPending
	}
	return string(st.State)
}

// PhaseDate is the day that goes with the phase: the first day of a
// pending cancellation, the shred's day of a cancelled organisation, the
// day it was shredded; zero for the others.
func (st Standing) PhaseDate() civil.Date {
	switch c := st.Cancellation; st.Phase() {
	case PhaseCancelPending:
		return c.LastDay().AddDays(1)
	case string(StateCancelled):
		return civil.Today(c.ShredAt)
	case PhaseShredded:
		return civil.Today(c.ShreddedAt)
	}
	return civil.Date{}
}

// InTrial reports whether the organisation is in its trial.
func (st Standing) InTrial() bool { return st.State == StateTrial }

func standingAt(trialEnds time.Time, subscribed bool, now time.Time) Standing {
	st := Standing{TrialEndsAt: trialEnds}
	switch {
	case subscribed:
		st.State = StateActive
	case trialEnds.IsZero():
		st.State = StateNone
	case !now.Before(trialEnds):
		st.State = StateExpired
	default:
		st.State = StateTrial
		st.DaysLeft = civil.Today(now).DaysUntil(civil.Today(trialEnds))
	}
	return st
}

// StandingOf is organisation orgID's standing now. The web and the API ask
// it on every request into an organisation (one indexed read).
func (s *Service) StandingOf(ctx context.Context, orgID int64) (Standing, error) {
	var st Standing
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		trial, subscribed, pastDue, err := standingTx(ctx, tx, orgID)
		if err != nil {
			return err
		}
		st = standingAt(trial, subscribed, s.clk.Now())
		if pastDue {
			st.State = StatePastDue
		}
		return withCancellation(ctx, tx, orgID, &st, s.clk.Now())
	})
	return st, err
}

// CheckWrite is nil when the organisation may write, ErrReadOnly when its
// trial ended without a subscription.
func (s *Service) CheckWrite(ctx context.Context, orgID int64) error {
	st, err := s.StandingOf(ctx, orgID)
	if err != nil {
		return err
	}
	if st.ReadOnly() {
		return ErrReadOnly
	}
	return nil
}

// ExtendTrial sets the end of an organisation's trial (staff, console).
func (s *Service) ExtendTrial(ctx context.Context, staffID, orgID int64, until civil.Date) error {
	if until.IsZero() {
		return validation.Errors{"until": "field.date"}
	}
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		loc = time.UTC
	}
	end := time.Date(until.Year, until.Month, until.Day, 23, 59, 59, 0, loc) // the end of that day in the Netherlands
	return s.db.System(ctx, func(tx *db.Tx) error {
		if err := setTrialEndTx(ctx, tx, orgID, end); err != nil {
			return err
		}
		if err := deleteRemindersTx(ctx, tx, orgID); err != nil {
			return err
		}
		return s.record(ctx, tx, staffID, audit.ActorStaff, "subscription.trial_set", "organisation", orgID,
			map[string]string{"until": until.String()})
	})
}

// --- Subscribe ---

// Input are the billing details an owner enters, and the mandate's consent.
type Input struct {
	Kind        Kind
	Name        string // the company's or the person's name
	Street      string
	HouseNumber string
	Postcode    string
	City        string
	Email       string // where invoices go
	KvK         string // a company: 8 digits
	VATID       string // btw-id, optional
	IBAN        string
	AccountName string // the account holder, when not Name
	Sign        bool   // the mandate text was shown and is agreed
}

// Details are the sealed billing details.
type Details struct {
	Kind        Kind   `json:"kind"`
	Name        string `json:"name"`
	Street      string `json:"street"`
	HouseNumber string `json:"house_number"`
	Postcode    string `json:"postcode"`
	City        string `json:"city"`
	Email       string `json:"email"`
	KvK         string `json:"kvk,omitempty"`
	VATID       string `json:"vat_id,omitempty"`
	AccountName string `json:"account_name,omitempty"`
}

// Address is the postal address on one line.
func (d Details) Address() string {
	return address.Parts{Street: d.Street, Number: d.HouseNumber, Postcode: d.Postcode, City: d.City}.Line()
}

// Subscription is an organisation's active subscription.
type Subscription struct {
	OrgID       int64
	State       State
	PlanID      int64
	PlanName    string
	Units       int
	Monthly     money.Cents
	StartedOn   civil.Date
	PaidThrough civil.Date
	Details     Details
	IBAN        string
	BIC         string
	Mandate     Mandate
}

// Mandate is the SEPA Core mandate the subscriber signed online.
type Mandate struct {
	Reference    string
	SignedAt     time.Time
	CreditorID   string
	CreditorName string
}

func (in *Input) clean() (Details, string, error) {
	fe := validation.Errors{}
	d := Details{Kind: in.Kind, Name: strings.TrimSpace(in.Name), Street: strings.TrimSpace(in.Street),
		HouseNumber: strings.TrimSpace(in.HouseNumber), City: strings.TrimSpace(in.City), Email: strings.TrimSpace(in.Email),
		AccountName: strings.TrimSpace(in.AccountName)}
	if d.Kind != Company && d.Kind != Person {
		fe.Add("kind", "subscription.kind_required")
	}
	for field, v := range map[string]string{"name": d.Name, "street": d.Street, "house_number": d.HouseNumber, "city": d.City} {
		if v == "" || len(v) > 120 {
			fe.Add(field, "field.required")
		}
		fe.CheckText(field, v, false)
	}
	fe.CheckText("account_name", d.AccountName, false)
	if len(d.AccountName) > 70 {
		fe.Add("account_name", "subscription.account_name_long")
	}
	if pc, err := nl.NormalizePostcode(in.Postcode); err != nil {
		fe.Add("postcode", "subscription.postcode_invalid")
	} else {
		d.Postcode = pc
	}
	if a, err := mail.ParseAddress(d.Email); err != nil || a.Address != d.Email || len(d.Email) > 254 {
		fe.Add("email", "email.invalid")
	}
	kvk := strings.ReplaceAll(strings.TrimSpace(in.KvK), " ", "")
	switch {
	case d.Kind == Company && kvk == "":
		fe.Add("kvk", "subscription.kvk_required")
	case kvk != "" && nl.ValidateKvK(kvk) != nil:
		fe.Add("kvk", "subscription.kvk_invalid")
	default:
		d.KvK = kvk
	}
	if v := strings.TrimSpace(in.VATID); v != "" {
		if n, err := nl.NormalizeBTW(v); err != nil {
			fe.Add("vat_id", "subscription.vat_invalid")
		} else if d.Kind == Person && nl.BTWLooksLikeBSN(n) {
			fe.Add("vat_id", "subscription.vat_bsn")
		} else {
			d.VATID = n
		}
	}
	iban := nl.NormalizeIBAN(in.IBAN)
	if nl.ValidateIBAN(iban) != nil {
		fe.Add("iban", "subscription.iban_invalid")
	}
	if !in.Sign {
		fe.Add("sign", "subscription.sign_required")
	}
	return d, iban, fe.Err()
}

// ErrCancelPending refuses subscribing while a cancellation is pending:
// the subscription still runs; the owner undoes the cancellation instead.
var ErrCancelPending = &validation.Problem{Status: 409, Code: "subscription.subscribe_cancel_pending"}

// Subscribe records the billing details and the signed mandate: the
// organisation then has an active subscription on the plan its units
// fall in, from today, paid through the end of this month (the first
// collection follows the month's invoice), and is no longer read-only.
// Bad input changes nothing. Subscribing again replaces the details and
// signs a new mandate. While a cancellation is pending it is refused
// (ErrCancelPending); after the cancellation took effect, before the
// shred, it starts a new subscription from today as for a new subscriber
// (the start month prorated) and the cancellation, with its shred, is gone.
func (s *Service) Subscribe(ctx context.Context, a account.Actor, in Input) (*Subscription, error) {
	if !a.Can(account.PermMembersManage) {
		return nil, validation.ErrForbidden
	}
	d, iban, err := in.clean()
	if err != nil {
		return nil, err
	}
	cred, ok := s.Creditor()
	if !ok {
		return nil, ErrNoCreditor
	}
	q, err := s.quote(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.clk.Now()
	today := civil.Today(now)
	err = s.db.System(ctx, func(tx *db.Tx) error {
		old, err := readSubscriptionTx(ctx, tx, a.OrgID)
		if err != nil && !errors.Is(err, validation.ErrNotFound) {
			return err
		}
		resumed, err := s.resumeTx(ctx, tx, a.OrgID, now)
		if err != nil {
			return err
		}
		row := subscriptionRow{OrgID: a.OrgID, PlanID: q.Plan.ID, Units: q.Units, Monthly: q.Monthly, StartedOn: today,
			PaidThrough: today.LastOfMonth(), Kind: d.Kind, BIC: nl.BICOfIBAN(iban), CreditorID: cred.ID, CreditorName: cred.Name,
			SignedAt: now, Reference: mandateReference(a.OrgID, today)}
		switch {
		case old != nil && resumed:
			row.Subject = old.Subject // a new period from today, under the same key
		case old != nil:
			row.StartedOn, row.PaidThrough, row.Subject = old.StartedOn, old.PaidThrough, old.Subject
		default:
			if row.Subject, err = s.vault.NewSubject(ctx, tx, "subscriber"); err != nil {
				return err
			}
		}
		js, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("subscription: details: %w", err)
		}
		if row.Details, err = s.vault.Seal(ctx, tx, row.Subject, "subscriptions.details", js); err != nil {
			return err
		}
		if row.IBAN, err = s.vault.SealString(ctx, tx, row.Subject, "subscriptions.iban", iban); err != nil {
			return err
		}
		if err := saveSubscriptionTx(ctx, tx, row, now); err != nil {
			return err
		}
		details := map[string]string{"plan": strconv.FormatInt(q.Plan.ID, 10), "mandate": row.Reference}
		if resumed {
			details["after_cancellation"] = "true"
		}
		return s.record(ctx, tx, a.UserID, actorKind(a), "subscription.subscribed", "organisation", a.OrgID, details)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, a)
}

// mandateReference is unique with HMS's Incassant-ID: the organisation,
// the day, and random letters (a second mandate the same day differs).
func mandateReference(orgID int64, day civil.Date) string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on the platforms Go supports
	const alpha = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	suffix := make([]byte, len(b))
	for i, c := range b {
		suffix[i] = alpha[int(c)%len(alpha)]
	}
	return fmt.Sprintf("HMS-%06d-%04d%02d%02d-%s", orgID, day.Year, day.Month, day.Day, suffix)
}

// Get is the actor's organisation's subscription (ErrNotFound: none);
// the owner reads the billing details.
func (s *Service) Get(ctx context.Context, a account.Actor) (*Subscription, error) {
	if !a.Can(account.PermMembersManage) {
		return nil, validation.ErrForbidden
	}
	var out *Subscription
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		out, err = s.open(ctx, tx, a.OrgID)
		return err
	})
	return out, err
}

func (s *Service) open(ctx context.Context, tx *db.Tx, orgID int64) (*Subscription, error) {
	row, err := readSubscriptionTx(ctx, tx, orgID)
	if err != nil {
		return nil, err
	}
	sub := &Subscription{OrgID: orgID, State: StateActive, PlanID: row.PlanID, PlanName: row.PlanName, Units: row.Units,
		Monthly: row.Monthly, StartedOn: row.StartedOn, PaidThrough: row.PaidThrough, BIC: row.BIC,
		Mandate: Mandate{Reference: row.Reference, SignedAt: row.SignedAt, CreditorID: row.CreditorID, CreditorName: row.CreditorName}}
	js, err := s.vault.Open(ctx, tx, row.Subject, "subscriptions.details", row.Details)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(js, &sub.Details); err != nil {
		return nil, fmt.Errorf("subscription: details: %w", err)
	}
	if sub.IBAN, err = s.vault.OpenString(ctx, tx, row.Subject, "subscriptions.iban", row.IBAN); err != nil {
		return nil, err
	}
	return sub, nil
}

// Summary is what an organisation's pages show: its standing and quote.
type Summary struct {
	Standing
	Quote        Quote
	Subscription *Subscription // nil: none
}

// Summarise is the subscription page's data for the owner.
func (s *Service) Summarise(ctx context.Context, a account.Actor) (Summary, error) {
	if !a.Can(account.PermMembersManage) {
		return Summary{}, validation.ErrForbidden
	}
	st, err := s.StandingOf(ctx, a.OrgID)
	if err != nil {
		return Summary{}, err
	}
	out := Summary{Standing: st}
	if out.Quote, err = s.quote(ctx, a.OrgID); err != nil && !errors.Is(err, ErrNoPlan) {
		return out, err
	}
	out.Subscription, err = s.Get(ctx, a)
	if errors.Is(err, validation.ErrNotFound) {
		err = nil
	}
	return out, err
}

// MandateText is the consent text shown before signing, in lang.
func (s *Service) MandateText(lang string) string {
	cred, _ := s.Creditor()
	// A name that ends in a full stop (B.V.) ends the sentence too.
	return strings.ReplaceAll(s.texts.T(lang, "subscription.mandate_consent", map[string]any{"Creditor": cred.Name,
		"CreditorID": cred.ID}), "..", ".")
}

func actorKind(a account.Actor) string {
	if a.Kind == "api" {
		return audit.ActorAPI
	}
	if a.Kind == "system" {
		return audit.ActorSystem
	}
	return audit.ActorUser
}

func (s *Service) record(ctx context.Context, tx *db.Tx, userID int64, kind, action, target string, id int64,
	details map[string]string) error {
	return s.audit.Record(ctx, tx, audit.Event{ActorUserID: userID, ActorKind: kind, Action: action, TargetType: target,
		TargetID: strconv.FormatInt(id, 10), Details: details})
}
