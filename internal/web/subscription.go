package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/validation"
	"hms/internal/subscription"
)

// Trial and subscription (package subscription): the owner's page with the
// billing details and the SEPA mandate, the banner of the trial, the refusal
// of writes after it, and the console's plans and customers.

type subscriptionView struct {
	Summary     subscription.Summary
	Kinds       []subscription.Kind
	MandateText string
	Creditor    subscription.Creditor
	CanSign     bool // HMS's Incassant-ID is configured
	// Preview is the cancellation an owner would make now (its dates),
	// when there is none yet.
	Preview *subscription.Cancellation
	// ShredDays is the period after the effective date until the shred.
	ShredDays int
	Invoices  []subscription.Invoice
}

func (s *Server) subscriptionPath(r *http.Request) string {
	return "/o/" + actorOf(r).OrgSlug + "/settings/subscription"
}

func (s *Server) subscriptionPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "subscription.title")
	p.Form = nil
	s.renderSubscription(w, r, http.StatusOK, p)
}

func (s *Server) renderSubscription(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "subscription"
	sum, err := s.Subscriptions.Summarise(r.Context(), actorOf(r))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if len(p.Form) == 0 {
		p.Form = url.Values{"kind": {string(subscription.Company)}}
		if sub := sum.Subscription; sub != nil {
			d := sub.Details
			p.Form = url.Values{"kind": {string(d.Kind)}, "name": {d.Name}, "street": {d.Street}, "house_number": {d.HouseNumber},
				"postcode": {d.Postcode}, "city": {d.City}, "email": {d.Email}, "kvk": {d.KvK}, "vat_id": {d.VATID},
				"iban": {nl.FormatIBAN(sub.IBAN)}, "account_name": {d.AccountName}}
		}
	}
	cred, ok := s.Subscriptions.Creditor()
	view := subscriptionView{Summary: sum, Kinds: subscription.Kinds, MandateText: s.Subscriptions.MandateText(p.Lang),
		Creditor: cred, CanSign: ok, ShredDays: s.Subscriptions.ShredAfterDays()}
	if sum.Cancellation == nil && p.IsOwner() {
		c, err := s.Subscriptions.CancelPreview(r.Context(), actorOf(r))
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		view.Preview = &c
	}
	invoices, err := s.Subscriptions.Invoices(r.Context(), actorOf(r))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	view.Invoices = invoices
	p.Data = view
	s.render(w, r, status, "subscription", p)
}

func (s *Server) subscribe(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "subscription.title")
	again := onPage(func(status int) { s.renderSubscription(w, r, status, p) }, pageProblems)
	in := subscription.Input{Kind: subscription.Kind(f.String("kind")), Name: f.String("name"), Street: f.String("street"),
		HouseNumber: f.String("house_number"), Postcode: f.String("postcode"), City: f.String("city"), Email: f.String("email"),
		KvK: f.String("kvk"), VATID: f.String("vat_id"), IBAN: f.String("iban"), AccountName: f.String("account_name"),
		Sign: f.Bool("sign")}
	err := f.Err()
	if err == nil {
		_, err = s.Subscriptions.Subscribe(r.Context(), actorOf(r), in)
	}
	if err != nil {
		s.fail(w, r, err, p, again)
		return
	}
	s.flash(r, "subscription.subscribed")
	http.Redirect(w, r, s.subscriptionPath(r), http.StatusSeeOther)
}

func (s *Server) subscriptionMandate(w http.ResponseWriter, r *http.Request) {
	pdf, err := s.Subscriptions.MandatePDF(r.Context(), actorOf(r), langOf(r))
	if errors.Is(err, validation.ErrNotFound) { // no mandate signed yet: the page says how
		s.flash(r, "subscription.no_mandate")
		http.Redirect(w, r, s.subscriptionPath(r), http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "subscription.title"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="sepa-machtiging-hms.pdf"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(pdf) // a client that went away needs no answer
}

// readOnlyRefusal answers a write into an organisation whose trial ended
// without a subscription: reads and exports go on, writes get a page that
// says why and links to the subscription. The subscription page itself is
// how the organisation gets out, so it is never refused; nor are the privacy
// duties (subscription.PrivacyDuty). It reports whether it answered.
func (s *Server) readOnlyRefusal(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || strings.Contains(r.Pattern, "/settings/subscription") ||
		subscription.PrivacyDuty(r.Pattern) {
		return false
	}
	err := s.Subscriptions.CheckWrite(r.Context(), actorOf(r).OrgID)
	if err == nil {
		return false
	}
	p := s.newPage(r, "subscription.read_only_title")
	if !errors.Is(err, subscription.ErrReadOnly) {
		s.fail(w, r, err, p)
		return true
	}
	s.render(w, r, http.StatusForbidden, "subscription_readonly", p)
	return true
}

// trialBanner is the banner of the back office: the days left in the trial
// or, after it, that the organisation may only read.
func (s *Server) trialBanner(p *page, r *http.Request) {
	if p.Actor.OrgID == 0 {
		return
	}
	st, err := s.Subscriptions.StandingOf(r.Context(), p.Actor.OrgID)
	if err != nil {
		s.Log.Error("trial standing", "org", p.Actor.OrgID, "err", err) // the page shows without its banner
		return
	}
	if st.InTrial() || st.ReadOnly() || st.Cancellation != nil {
		p.Trial = &st
	}
}

// --- The console: plans and customers ---

type consolePlansView struct {
	Plans []subscription.Plan
}

// consolePlans lists the plans above one form: empty to add a plan, or
// filled with the plan whose "change" link was followed (?edit=id).
func (s *Server) consolePlans(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "subscription.plans_title")
	p.Form = url.Values{"active": {"1"}}
	plans, err := s.Subscriptions.Plans(r.Context())
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	edit, _ := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64)
	for _, pl := range plans {
		if pl.ID == edit {
			p.Form = url.Values{"id": {strconv.FormatInt(pl.ID, 10)}, "name_nl": {pl.NameNL}, "name_en": {pl.NameEN},
				"units_from": {strconv.Itoa(pl.UnitsFrom)}, "base": {money.FormatPlain(pl.Base, p.Lang)},
				"per_unit": {money.FormatPlain(pl.PerUnit, p.Lang)}}
			if pl.UnitsTo != 0 {
				p.Form.Set("units_to", strconv.Itoa(pl.UnitsTo))
			}
			if pl.Active {
				p.Form.Set("active", "1")
			}
		}
	}
	s.renderConsolePlans(w, r, http.StatusOK, p)
}

func (s *Server) renderConsolePlans(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "console"
	plans, err := s.Subscriptions.Plans(r.Context())
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = consolePlansView{Plans: plans}
	s.render(w, r, status, "console_plans", p)
}

func (s *Server) consolePlanSave(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "subscription.plans_title")
	pl := subscription.Plan{ID: f.Number("id"), NameNL: f.String("name_nl"), NameEN: f.String("name_en"),
		UnitsFrom: f.Int("units_from"), Base: f.Money("base"), Active: f.Bool("active")}
	if f.Filled("units_to") {
		pl.UnitsTo = f.Int("units_to")
	}
	if f.Filled("per_unit") {
		pl.PerUnit = f.Money("per_unit")
	}
	err := f.Err()
	if err == nil {
		_, err = s.Subscriptions.SavePlan(r.Context(), userOf(r).ID, pl)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderConsolePlans(w, r, status, p) }, pageProblems))
		return
	}
	s.flash(r, "subscription.plan_saved")
	http.Redirect(w, r, "/console/plans", http.StatusSeeOther)
}

type consoleCustomersView struct {
	Customers []subscription.Customer
	Phases    []string // the filter's choices
	Filter    string   // the phase shown ("": every one)
}

func (s *Server) consoleCustomers(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "subscription.customers_title")
	s.renderConsoleCustomers(w, r, http.StatusOK, p)
}

func (s *Server) renderConsoleCustomers(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "console"
	list, err := s.Subscriptions.Customers(r.Context())
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := consoleCustomersView{Customers: list, Phases: subscription.Phases}
	if f := r.URL.Query().Get("state"); slices.Contains(v.Phases, f) {
		v.Filter = f
	}
	p.Data = v
	s.render(w, r, status, "console_customers", p)
}

// planPrice is a plan's price in words for the tables ("€ 49,00 + € 0,75
// per eenheid").
func planPrice(p *page, pl subscription.Plan) string {
	s := money.Format(pl.Base, p.Lang)
	if pl.PerUnit != 0 {
		s = p.T("subscription.price_per_unit", "Base", s, "PerUnit", money.Format(pl.PerUnit, p.Lang))
	}
	return s
}

// planUnits is a plan's range in words.
func planUnits(p *page, pl subscription.Plan) string {
	if pl.UnitsTo == 0 {
		return p.T("subscription.units_from", "From", strconv.Itoa(pl.UnitsFrom))
	}
	return p.T("subscription.units_range", "From", strconv.Itoa(pl.UnitsFrom), "To", strconv.Itoa(pl.UnitsTo))
}

// PlanPrice and PlanUnits are the page's words for a plan.
func (p *page) PlanPrice(pl subscription.Plan) string { return planPrice(p, pl) }

// PlanUnits is a plan's range of units in words.
func (p *page) PlanUnits(pl subscription.Plan) string { return planUnits(p, pl) }

// Euro is an amount in the page language ("€ 49,00").
func (p *page) Euro(c money.Cents) string { return money.Format(c, p.Lang) }
