package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

func init() {
	areas = append(areas, func(s *Server) {
		read, write := org(account.PermPortfolioRead), org(account.PermPortfolioWrite)
		s.handle("GET", "/o/{org}/leases", read, s.leaseList)
		s.handle("GET", "/o/{org}/leases/new", write, s.leaseNew)
		s.handle("POST", "/o/{org}/leases/new", write, s.leaseCreate)
		s.handle("GET", "/o/{org}/leases/settings", read, s.leaseSettings)
		s.handle("POST", "/o/{org}/leases/settings", write, s.leaseSaveSettings)
		s.handle("GET", "/o/{org}/leases/{id}", read, s.leaseDetail)
		s.handle("GET", "/o/{org}/leases/{id}/edit", write, s.leaseEdit)
		s.handle("POST", "/o/{org}/leases/{id}/edit", write, s.leaseUpdate)
		s.handle("POST", "/o/{org}/leases/{id}/components", write, s.leaseSetComponent)
		s.handle("POST", "/o/{org}/leases/{id}/deposit", write, s.leaseAddDeposit)
		s.handle("POST", "/o/{org}/leases/{id}/notice/preview", write, s.leaseNoticePreview)
		s.handle("POST", "/o/{org}/leases/{id}/notice", write, s.leaseNoticeGive)
		s.handle("POST", "/o/{org}/leases/{id}/notice/withdraw", write, s.leaseNoticeWithdraw)
		s.handle("POST", "/o/{org}/leases/{id}/documents", write, s.leaseGenerateInformation)
		s.handle("GET", "/o/{org}/leases/{id}/documents/{doc}", read, s.leaseDocument)
		s.handle("POST", "/o/{org}/leases/{id}/documents/{doc}/provided", write, s.leaseInformationProvided)
	})
}

// leaseFmt formats lease values in the page language (templates reach it
// through the view).
type leaseFmt struct{ Lang string }

// Money is "€ 1.234,56" (nl) or "€1,234.56" (en).
func (f leaseFmt) Money(c money.Cents) string { return money.Format(c, f.Lang) }

// Amount is an amount without the euro sign, as typed in a form.
func (f leaseFmt) Amount(c money.Cents) string { return money.FormatPlain(c, f.Lang) }

// Day is a calendar date in words, "—" for none.
func (f leaseFmt) Day(d civil.Date) string {
	if d.IsZero() {
		return "—"
	}
	if f.Lang == "nl" {
		return fmt.Sprintf("%d %s %d", d.Day, dutchMonths[d.Month-1], d.Year)
	}
	return fmt.Sprintf("%d %s %d", d.Day, d.Month, d.Year)
}

// Short is the first characters of a checksum.
func (f leaseFmt) Short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func (s *Server) leasesPath(r *http.Request) string { return "/o/" + actorOf(r).OrgSlug + "/leases" }

func leasePathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

// --- list ---

type leaseListView struct {
	leaseFmt
	List     *ListView
	Items    []lease.Summary
	Filter   lease.ListFilter
	Statuses []lease.Status
	CanWrite bool
	path     string
	query    url.Values
}

// StatusURL is the list filtered by status ("" for all), keeping the other
// parameters except the page.
func (v leaseListView) StatusURL(status string) string {
	q := url.Values{}
	for k, vs := range v.query {
		if k != "page" && k != "format" && k != "status" {
			q[k] = vs
		}
	}
	if status != "" {
		q.Set("status", status)
	}
	if len(q) == 0 {
		return v.path
	}
	return v.path + "?" + q.Encode()
}

func (s *Server) leaseList(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "lease.list.title")
	p.Nav = "leases"
	a := actorOf(r)
	v := r.URL.Query()
	q := listing.FromValues(v)
	f := lease.ListFilter{Status: lease.Status(v.Get("status"))}
	f.UnitID, _ = strconv.ParseInt(v.Get("unit"), 10, 64)
	f.ComplexID, _ = strconv.ParseInt(v.Get("complex"), 10, 64)
	f.TenantID, _ = strconv.ParseInt(v.Get("tenant"), 10, 64)
	page, err := s.Leases.List(r.Context(), a, q, f)
	if err != nil {
		if _, ok := validation.AsFields(err); ok {
			// An unknown status in the address: show the unfiltered list.
			f.Status = ""
			page, err = s.Leases.List(r.Context(), a, q, f)
		}
		if err != nil {
			s.fail(w, r, err, "", p)
			return
		}
	}
	fm := leaseFmt{p.Lang}
	if wantsCSV(r) {
		rows := make([][]string, 0, len(page.Items))
		for _, it := range page.Items {
			var units, tenants []string
			for _, u := range it.Units {
				units = append(units, u.Address)
			}
			for _, t := range it.Tenants {
				tenants = append(tenants, t.Name)
			}
			rows = append(rows, []string{it.Reference, p.T("lease.kind." + string(it.Kind)), it.Start.String(), it.EndsOn.String(),
				p.T("lease.status." + string(it.Status)), strings.Join(units, " | "), strings.Join(tenants, " | "),
				fm.Amount(it.BareRentCents), fm.Amount(it.TotalCents)})
		}
		writeCSV(w, "huurcontracten.csv", []string{p.T("lease.field.reference"), p.T("lease.field.kind"), p.T("lease.field.start_date"),
			p.T("lease.field.ends_on"), p.T("lease.field.status"), p.T("lease.field.units"), p.T("lease.field.tenants"),
			p.T("lease.field.bare_rent"), p.T("lease.field.total")}, rows)
		return
	}
	p.Data = leaseListView{leaseFmt: fm, List: s.newListView(r, q.Normalize("reference", "start_date"), page.Total), Items: page.Items,
		Filter: f, Statuses: lease.Statuses, CanWrite: a.Can(account.PermPortfolioWrite), path: r.URL.Path, query: r.URL.Query()}
	s.render(w, r, http.StatusOK, "lease_list", p)
}

// --- create and edit ---

// leaseOption is one choice in a select of the lease form.
type leaseOption struct {
	ID    int64
	Label string
}

type leaseFormView struct {
	leaseFmt
	Lease          *lease.Lease // nil: new lease
	Units          []leaseOption
	Parties        []leaseOption
	Frequencies    []lease.Frequency
	PaymentMethods []lease.PaymentMethod
	ComponentKinds []lease.ComponentKind
	VATs           []lease.VAT
	Rows           []int // component rows of the new-lease form
	Selected       map[string]map[int64]bool
}

// leaseComponentRows is how many component lines the new-lease form offers.
const leaseComponentRows = 4

// Has reports whether id was chosen in the multi-select field.
func (v leaseFormView) Has(field string, id int64) bool { return v.Selected[field][id] }

// RowKind is the default kind of component row i of the new-lease form.
func (v leaseFormView) RowKind(i int) string {
	switch i {
	case 0:
		return string(lease.BareRent)
	case 1:
		return string(lease.ServiceCosts)
	}
	return ""
}

func (s *Server) leaseFormView(r *http.Request, p *page, l *lease.Lease) leaseFormView {
	v := leaseFormView{leaseFmt: leaseFmt{p.Lang}, Lease: l, Frequencies: lease.Frequencies, PaymentMethods: lease.PaymentMethods,
		ComponentKinds: lease.ComponentKinds, VATs: lease.VATs, Selected: map[string]map[int64]bool{}}
	if l == nil {
		for i := range leaseComponentRows {
			v.Rows = append(v.Rows, i)
		}
	}
	v.Units, v.Parties = s.leaseChoices(r)
	// What the lease has must stay selectable even when the selects are
	// cut off at leaseChoiceLimit, or saving the form would drop it.
	if l != nil {
		for _, u := range l.Units {
			v.Units = leaseEnsureOption(v.Units, u.ID, u.Address)
		}
		for _, pt := range l.Parties {
			v.Parties = leaseEnsureOption(v.Parties, pt.ID, pt.Name)
		}
	}
	for _, field := range []string{"unit_ids", "tenant_ids", "guarantor_ids"} {
		v.Selected[field] = map[int64]bool{}
		for _, sid := range p.Form[field] {
			if id, err := strconv.ParseInt(sid, 10, 64); err == nil {
				v.Selected[field][id] = true
			}
		}
	}
	return v
}

func leaseEnsureOption(opts []leaseOption, id int64, label string) []leaseOption {
	for _, o := range opts {
		if o.ID == id {
			return opts
		}
	}
	if label == "" {
		label = fmt.Sprintf("#%d", id)
	}
	return append(opts, leaseOption{ID: id, Label: label})
}

func (s *Server) leaseNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "lease.new.title")
	p.Nav = "leases"
	p.Form = url.Values{"notice_months_tenant": {"1"}, "due_day": {"1"}, "billing_frequency": {string(lease.Monthly)},
		"payment_method": {string(lease.Transfer)}}
	p.Data = s.leaseFormView(r, p, nil)
	s.render(w, r, http.StatusOK, "lease_form", p)
}

func (s *Server) leaseCreate(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "lease.new.title")
	p.Nav = "leases"
	in, rows, fe := leaseParseForm(r, true)
	var id int64
	err := fe.Err()
	if err == nil {
		id, err = s.Leases.Create(r.Context(), actorOf(r), in)
	}
	if err != nil {
		p.Data = s.leaseFormView(r, p, nil)
		s.fail(w, r, leaseFormErrors(err, "", rows), "lease_form", p)
		return
	}
	s.flash(r, "lease.created")
	http.Redirect(w, r, fmt.Sprintf("%s/%d", s.leasesPath(r), id), http.StatusSeeOther)
}

func (s *Server) leaseEdit(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "lease.edit.title")
	p.Nav = "leases"
	id, ok := leasePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	l, err := s.Leases.Get(r.Context(), actorOf(r), id)
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	p.Form = leaseFormValues(l, p.Lang)
	p.Data = s.leaseFormView(r, p, l)
	s.render(w, r, http.StatusOK, "lease_form", p)
}

func (s *Server) leaseUpdate(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "lease.edit.title")
	p.Nav = "leases"
	id, ok := leasePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	a := actorOf(r)
	in, _, fe := leaseParseForm(r, false)
	err := fe.Err()
	if err == nil {
		err = s.Leases.Update(r.Context(), a, id, in)
	}
	if err != nil {
		l, gerr := s.Leases.Get(r.Context(), a, id)
		if gerr != nil {
			s.fail(w, r, gerr, "", p)
			return
		}
		p.Data = s.leaseFormView(r, p, l)
		s.fail(w, r, leaseFormErrors(err, "", nil), "lease_form", p)
		return
	}
	s.flash(r, "lease.updated")
	http.Redirect(w, r, fmt.Sprintf("%s/%d", s.leasesPath(r), id), http.StatusSeeOther)
}

// leaseFormValues fills the edit form from a lease.
func leaseFormValues(l *lease.Lease, lang string) url.Values {
	v := url.Values{
		"reference":            {l.Reference},
		"start_date":           {l.Start.String()},
		"end_date":             {l.End.String()},
		"notice_months_tenant": {strconv.Itoa(l.NoticeMonthsTenant)},
		"billing_frequency":    {string(l.BillingFrequency)},
		"due_day":              {strconv.Itoa(l.DueDay)},
		"payment_method":       {string(l.PaymentMethod)},
		"deposit":              {money.FormatPlain(l.DepositCents, lang)},
	}
	if l.NoticeMonthsLandlord > 0 {
		v.Set("notice_months_landlord", strconv.Itoa(l.NoticeMonthsLandlord))
	}
	if l.VATOpted {
		v.Set("vat_opted", "1")
	}
	for _, id := range l.UnitIDs() {
		v.Add("unit_ids", fmt.Sprint(id))
	}
	for _, id := range l.TenantIDs() {
		v.Add("tenant_ids", fmt.Sprint(id))
	}
	for _, id := range l.GuarantorIDs() {
		v.Add("guarantor_ids", fmt.Sprint(id))
	}
	return v
}

// parseLeaseForm reads the lease form. rows maps the index of each
// component in the input to its row in the form (components are read only
// when withComponents).
func leaseParseForm(r *http.Request, withComponents bool) (lease.Input, []int, validation.Errors) {
	fe := validation.Errors{}
	f := r.PostForm
	in := lease.Input{Reference: f.Get("reference"), BillingFrequency: lease.Frequency(f.Get("billing_frequency")),
		PaymentMethod: lease.PaymentMethod(f.Get("payment_method")), VATOpted: f.Get("vat_opted") != ""}
	in.UnitIDs = leaseFormIDs(f, "unit_ids", fe)
	in.TenantIDs = leaseFormIDs(f, "tenant_ids", fe)
	in.GuarantorIDs = leaseFormIDs(f, "guarantor_ids", fe)
	in.Start = leaseFormDate(f, "start_date", fe)
	in.End = leaseFormDate(f, "end_date", fe)
	in.NoticeMonthsTenant = leaseFormInt(f, "notice_months_tenant", fe)
	in.NoticeMonthsLandlord = leaseFormInt(f, "notice_months_landlord", fe)
	in.DueDay = leaseFormInt(f, "due_day", fe)
	in.DepositCents = leaseFormMoney(f, "deposit", fe)
	var rows []int
	if withComponents {
		for i := range leaseComponentRows {
			key := func(name string) string { return fmt.Sprintf("components[%d].%s", i, name) }
			if strings.TrimSpace(f.Get(key("amount"))) == "" {
				continue
			}
			c := lease.ComponentInput{Kind: lease.ComponentKind(f.Get(key("kind"))), Category: f.Get(key("category")),
				Label: f.Get(key("label")), VAT: lease.VAT(f.Get(key("vat")))}
			c.AmountCents = leaseFormMoney(f, key("amount"), fe)
			in.Components = append(in.Components, c)
			rows = append(rows, i)
		}
	}
	return in, rows, fe
}

func leaseFormIDs(f url.Values, field string, fe validation.Errors) []int64 {
	var ids []int64
	for _, s := range f[field] {
		if strings.TrimSpace(s) == "" {
			continue
		}
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || id <= 0 {
			fe.Add(field, "field.invalid")
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

func leaseFormDate(f url.Values, field string, fe validation.Errors) civil.Date {
	s := strings.TrimSpace(f.Get(field))
	if s == "" {
		return civil.Date{}
	}
	d, err := civil.Parse(s)
	if err != nil {
		fe.Add(field, "lease.date.invalid")
	}
	return d
}

func leaseFormInt(f url.Values, field string, fe validation.Errors) int {
	s := strings.TrimSpace(f.Get(field))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		fe.Add(field, "field.invalid")
	}
	return n
}

func leaseFormMoney(f url.Values, field string, fe validation.Errors) money.Cents {
	s := strings.TrimSpace(f.Get(field))
	if s == "" {
		return 0
	}
	c, err := money.Parse(s)
	if err != nil {
		fe.Add(field, "lease.amount.invalid")
	}
	return c
}

var leaseComponentKey = regexp.MustCompile(`^components\[(\d+)\]\.(.*)$`)

// leaseFormErrors renames a service's field errors to the form's fields:
// money fields lose their _cents suffix, components get their form row,
// and prefix (a form on the detail page) is put in front.
func leaseFormErrors(err error, prefix string, rows []int) error {
	fe, ok := validation.AsFields(err)
	if !ok {
		return err
	}
	out := validation.Errors{}
	for k, msg := range fe {
		k = strings.TrimSuffix(k, "_cents")
		if m := leaseComponentKey.FindStringSubmatch(k); m != nil {
			i, _ := strconv.Atoi(m[1])
			if i < len(rows) {
				i = rows[i]
			}
			k = fmt.Sprintf("components[%d].%s", i, strings.TrimSuffix(m[2], "_cents"))
		}
		if prefix != "" {
			k = prefix + "." + k
		}
		out.Add(k, msg)
	}
	return out
}

// --- detail ---

type leaseDetailView struct {
	leaseFmt
	Lease           *lease.Lease
	Today           civil.Date
	Status          lease.Status
	Current         []lease.Component
	CurrentTotal    money.Cents
	Documents       []lease.Document
	Preview         *lease.NoticePreview
	LandlordMonths  int // the landlord's notice period if notice were given today
	CanWrite        bool
	CanWithdraw     bool
	ComponentKinds  []lease.ComponentKind
	VATs            []lease.VAT
	DepositKinds    []lease.DepositEntryKind
	DeliveryMethods []lease.DeliveryMethod
}

func (s *Server) leaseDetail(w http.ResponseWriter, r *http.Request) {
	s.renderLeaseDetail(w, r, http.StatusOK, s.newPage(r, "lease.detail.title"), nil)
}

// renderLeaseDetail shows a lease; a form on the page that failed passes
// its page with errors and values, a notice preview passes preview.
func (s *Server) renderLeaseDetail(w http.ResponseWriter, r *http.Request, status int, p *page, preview *lease.NoticePreview) {
	p.Nav = "leases"
	id, ok := leasePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	a := actorOf(r)
	l, err := s.Leases.Get(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	docs, err := s.Leases.Documents(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	today := civil.Today(s.Clock.Now())
	v := leaseDetailView{leaseFmt: leaseFmt{p.Lang}, Lease: l, Today: today, Status: l.StatusOn(today), Current: l.ComponentsOn(today),
		Documents: docs, Preview: preview, CanWrite: a.Can(account.PermPortfolioWrite),
		ComponentKinds: lease.ComponentKinds, VATs: lease.VATs, DepositKinds: []lease.DepositEntryKind{lease.DepositReceived, lease.DepositReturned},
		DeliveryMethods: lease.DeliveryMethods}
	for _, c := range v.Current {
		v.CurrentTotal += c.AmountCents
	}
	v.CanWithdraw = v.CanWrite && l.Termination != nil && !today.After(l.Termination.EndDate)
	v.LandlordMonths = l.NoticeMonthsLandlord
	if v.LandlordMonths == 0 {
		v.LandlordMonths = lease.StatutoryLandlordNotice(l.Kind, l.Start, today)
	}
	p.Title = "lease.detail.title"
	p.Data = v
	s.render(w, r, status, "lease_detail", p)
}

// leaseDetailFail shows a failed form of the detail page: field errors at
// the form (prefixed), problems above the page.
func (s *Server) leaseDetailFail(w http.ResponseWriter, r *http.Request, p *page, err error, prefix string) {
	err = leaseFormErrors(err, prefix, nil)
	if fe, ok := validation.AsFields(err); ok {
		p.Errors = fe
		s.renderLeaseDetail(w, r, http.StatusUnprocessableEntity, p, nil)
		return
	}
	if pr, ok := validation.AsProblem(err); ok && pr.Status < 500 && pr.Status != http.StatusNotFound && pr.Status != http.StatusForbidden {
		p.Errors = validation.Errors{"_": pr.Code}
		s.renderLeaseDetail(w, r, pr.Status, p, nil)
		return
	}
	s.fail(w, r, err, "", p)
}

func (s *Server) leaseBack(w http.ResponseWriter, r *http.Request, id int64, flash, anchor string) {
	s.flash(r, flash)
	http.Redirect(w, r, fmt.Sprintf("%s/%d#%s", s.leasesPath(r), id, anchor), http.StatusSeeOther)
}

func (s *Server) leaseSetComponent(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "lease.detail.title")
	id, ok := leasePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	f := r.PostForm
	fe := validation.Errors{}
	in := lease.ComponentInput{Kind: lease.ComponentKind(f.Get("component.kind")), Category: f.Get("component.category"),
		Label: f.Get("component.label"), VAT: lease.VAT(f.Get("component.vat"))}
	in.AmountCents = leaseFormMoney(f, "component.amount", fe)
	in.ValidFrom = leaseFormDate(f, "component.valid_from", fe)
	if err := fe.Err(); err != nil {
		// Ask the service anyway so a lease of another organisation is 404.
		if _, gerr := s.Leases.Components(r.Context(), actorOf(r), id); gerr != nil {
			s.fail(w, r, gerr, "", p)
			return
		}
		p.Errors = fe
		s.renderLeaseDetail(w, r, http.StatusUnprocessableEntity, p, nil)
		return
	}
	if _, err := s.Leases.SetComponent(r.Context(), actorOf(r), id, in); err != nil {
		s.leaseDetailFail(w, r, p, err, "component")
		return
	}
	s.leaseBack(w, r, id, "lease.component.saved", "components")
}

func (s *Server) leaseAddDeposit(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "lease.detail.title")
	id, ok := leasePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	f := r.PostForm
	fe := validation.Errors{}
	in := lease.DepositEntryInput{Kind: lease.DepositEntryKind(f.Get("deposit.kind")), Reason: f.Get("deposit.reason"), Note: f.Get("deposit.note")}
	in.AmountCents = leaseFormMoney(f, "deposit.amount", fe)
	in.Date = leaseFormDate(f, "deposit.date", fe)
	if err := fe.Err(); err != nil {
		if _, gerr := s.Leases.DepositEntries(r.Context(), actorOf(r), id); gerr != nil {
			s.fail(w, r, gerr, "", p)
			return
		}
		p.Errors = fe
		s.renderLeaseDetail(w, r, http.StatusUnprocessableEntity, p, nil)
		return
	}
	if _, err := s.Leases.AddDepositEntry(r.Context(), actorOf(r), id, in); err != nil {
		s.leaseDetailFail(w, r, p, err, "deposit")
		return
	}
	s.leaseBack(w, r, id, "lease.deposit.saved", "deposit")
}

func leaseNoticeForm(f url.Values, fe validation.Errors) lease.NoticeInput {
	return lease.NoticeInput{By: lease.By(f.Get("notice.by")), NoticeDate: leaseFormDate(f, "notice.notice_date", fe), Reason: f.Get("notice.reason")}
}

func (s *Server) leaseNoticePreview(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "lease.detail.title")
	id, ok := leasePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	fe := validation.Errors{}
	in := leaseNoticeForm(r.PostForm, fe)
	pv, err := s.Leases.PreviewNotice(r.Context(), actorOf(r), id, in)
	if err == nil {
		err = fe.Err()
	}
	if err != nil {
		s.leaseDetailFail(w, r, p, err, "notice")
		return
	}
	s.renderLeaseDetail(w, r, http.StatusOK, p, &pv)
}

func (s *Server) leaseNoticeGive(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "lease.detail.title")
	id, ok := leasePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	fe := validation.Errors{}
	in := leaseNoticeForm(r.PostForm, fe)
	var err error
	if len(fe) == 0 {
		_, err = s.Leases.GiveNotice(r.Context(), actorOf(r), id, in)
	} else if _, err = s.Leases.PreviewNotice(r.Context(), actorOf(r), id, in); err == nil || leaseIsFieldErr(err) {
		err = fe
	}
	if err != nil {
		s.leaseDetailFail(w, r, p, err, "notice")
		return
	}
	s.leaseBack(w, r, id, "lease.notice.given", "termination")
}

func leaseIsFieldErr(err error) bool { _, ok := validation.AsFields(err); return ok }

func (s *Server) leaseNoticeWithdraw(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "lease.detail.title")
	id, ok := leasePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.Leases.WithdrawNotice(r.Context(), actorOf(r), id); err != nil {
		s.leaseDetailFail(w, r, p, err, "notice")
		return
	}
	s.leaseBack(w, r, id, "lease.notice.withdrawn", "termination")
}

func (s *Server) leaseGenerateInformation(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "lease.detail.title")
	id, ok := leasePathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if _, err := s.Leases.GenerateTenantInformation(r.Context(), actorOf(r), id); err != nil {
		s.leaseDetailFail(w, r, p, err, "documents")
		return
	}
	s.leaseBack(w, r, id, "lease.information.generated", "documents")
}

func (s *Server) leaseDocument(w http.ResponseWriter, r *http.Request) {
	id, ok1 := leasePathID(r, "id")
	docID, ok2 := leasePathID(r, "doc")
	if !ok1 || !ok2 {
		s.notFound(w, r)
		return
	}
	pdf, err := s.Leases.Document(r.Context(), actorOf(r), id, docID)
	if err != nil {
		s.fail(w, r, err, "", s.newPage(r, "lease.detail.title"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="huurderinformatie-%d-%d.pdf"`, id, docID))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}

func (s *Server) leaseInformationProvided(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "lease.detail.title")
	id, ok1 := leasePathID(r, "id")
	docID, ok2 := leasePathID(r, "doc")
	if !ok1 || !ok2 {
		s.notFound(w, r)
		return
	}
	fe := validation.Errors{}
	in := lease.InformationProvided{ProvidedOn: leaseFormDate(r.PostForm, "provided.provided_on", fe), Method: lease.DeliveryMethod(r.PostForm.Get("provided.method"))}
	var err error
	if len(fe) == 0 {
		_, err = s.Leases.RecordInformationProvided(r.Context(), actorOf(r), id, docID, in)
	} else if _, err = s.Leases.Documents(r.Context(), actorOf(r), id); err == nil {
		err = fe
	}
	if err != nil {
		if leaseIsFieldErr(err) {
			// The errors belong to the form of this one document.
			fe2, _ := validation.AsFields(leaseFormErrors(err, "provided", nil))
			p.Errors = fe2
			p.Form.Set("provided.doc", fmt.Sprint(docID))
			s.renderLeaseDetail(w, r, http.StatusUnprocessableEntity, p, nil)
			return
		}
		s.leaseDetailFail(w, r, p, err, "provided")
		return
	}
	s.leaseBack(w, r, id, "lease.information.provided_saved", "documents")
}

// --- settings ---

type leaseSettingsView struct {
	CanWrite bool
}

func (s *Server) leaseSettings(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "lease.settings.title")
	p.Nav = "leases"
	a := actorOf(r)
	st, err := s.Leases.Settings(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	p.Form = url.Values{"landlord_name": {st.LandlordName}, "landlord_address": {st.LandlordAddress}, "landlord_phone": {st.LandlordPhone},
		"landlord_email": {st.LandlordEmail}, "meldpunt": {st.Meldpunt}, "deposit_return_days": {strconv.Itoa(st.DepositReturnDays)},
		"deposit_deduction_days": {strconv.Itoa(st.DepositDeductionDays)}, "extra_information": {st.ExtraInformation}}
	if st.NoticeWholeMonths {
		p.Form.Set("notice_whole_months", "on")
	}
	p.Data = leaseSettingsView{CanWrite: a.Can(account.PermPortfolioWrite)}
	s.render(w, r, http.StatusOK, "lease_settings", p)
}

func (s *Server) leaseSaveSettings(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "lease.settings.title")
	p.Nav = "leases"
	p.Data = leaseSettingsView{CanWrite: true}
	f := r.PostForm
	fe := validation.Errors{}
	st := lease.Settings{LandlordName: f.Get("landlord_name"), LandlordAddress: f.Get("landlord_address"), LandlordPhone: f.Get("landlord_phone"),
		LandlordEmail: f.Get("landlord_email"), Meldpunt: f.Get("meldpunt"), ExtraInformation: f.Get("extra_information"),
		DepositReturnDays: leaseFormInt(f, "deposit_return_days", fe), DepositDeductionDays: leaseFormInt(f, "deposit_deduction_days", fe),
		NoticeWholeMonths: f.Get("notice_whole_months") != ""}
	err := fe.Err()
	if err == nil {
		err = s.Leases.UpdateSettings(r.Context(), actorOf(r), st)
	}
	if err != nil {
		s.fail(w, r, err, "lease_settings", p)
		return
	}
	s.flash(r, "lease.settings.saved")
	http.Redirect(w, r, s.leasesPath(r)+"/settings", http.StatusSeeOther)
}

// leaseChoiceLimit bounds the selects of the lease form.
const leaseChoiceLimit = 500

// leaseChoices lists units (by address) and relations (by name) for the
// selects of the lease form.
func (s *Server) leaseChoices(r *http.Request) (units, parties []leaseOption) {
	a := actorOf(r)
	if up, err := s.Portfolio.ListUnits(r.Context(), a, portfolio.UnitFilter{}, listing.Query{Limit: leaseChoiceLimit}); err == nil {
		for _, u := range up.Items {
			label := u.Line()
			if u.Status != "" && u.Status != portfolio.StatusVacant {
				label += " (" + s.Texts.T(langOf(r), "lease.form.unit_"+string(u.Status), nil) + ")"
			}
			units = append(units, leaseOption{ID: u.ID, Label: label})
		}
	} else {
		s.Log.Error("lease form units", "err", err)
	}
	if rp, err := s.Relations.List(r.Context(), a, listing.Query{Limit: leaseChoiceLimit}, relation.Filter{}); err == nil {
		for _, it := range rp.Items {
			label := it.Name
			if it.City != "" {
				label += ", " + it.City
			}
			parties = append(parties, leaseOption{ID: it.ID, Label: label})
		}
	} else {
		s.Log.Error("lease form relations", "err", err)
	}
	return units, parties
}
