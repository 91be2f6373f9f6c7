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
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// leaseFmt formats lease values in the page language (templates reach it
// through the view).
type leaseFmt struct{ Lang string }

// Money is "€ 1.234,56" (nl) or "€1,234.56" (en).
func (f leaseFmt) Money(c money.Cents) string { return money.Format(c, f.Lang) }

// Amount is an amount without the euro sign, as typed in a form.
func (f leaseFmt) Amount(c money.Cents) string { return money.FormatPlain(c, f.Lang) }

// Day is a calendar date in words, "—" for none.
func (f leaseFmt) Day(d civil.Date) string {
	return longDay(f.Lang, d)
}

// Short is the first characters of a checksum.
func (f leaseFmt) Short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func (s *Server) leasesPath(r *http.Request) string { return "/o/" + actorOf(r).OrgSlug + "/leases" }

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
	f := lease.ListFilter{Status: lease.Status(v.Get("status"))}
	f.UnitID, _ = strconv.ParseInt(v.Get("unit"), 10, 64)
	f.ComplexID, _ = strconv.ParseInt(v.Get("complex"), 10, 64)
	f.TenantID, _ = strconv.ParseInt(v.Get("tenant"), 10, 64)
	f.EndsBy, _ = civil.Parse(v.Get("ends_by")) // not a date: no filter
	fm := leaseFmt{p.Lang}
	serveList(s, w, r, p, listSpec[lease.Summary]{
		Sorts: []string{"reference", "start_date"},
		Fetch: func(q listing.Query) (listing.Page[lease.Summary], error) {
			page, err := s.Leases.List(r.Context(), a, q, f)
			if _, ok := validation.AsFields(err); ok {
				// An unknown status in the address: show the unfiltered list.
				f.Status = ""
				page, err = s.Leases.List(r.Context(), a, q, f)
			}
			return page, err
		},
		CSV: func(items []lease.Summary) csvFile {
			rows := make([][]string, 0, len(items))
			for _, it := range items {
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
			return csvFile{"huurcontracten.csv", []string{p.T("lease.field.reference"), p.T("lease.field.kind"), p.T("lease.field.start_date"),
				p.T("lease.field.ends_on"), p.T("lease.field.status"), p.T("lease.field.units"), p.T("lease.field.tenants"),
				p.T("lease.field.bare_rent"), p.T("lease.field.total")}, rows}
		},
		Show: func(list *ListView, items []lease.Summary) error {
			p.Data = leaseListView{leaseFmt: fm, List: list, Items: items, Filter: f, Statuses: lease.Statuses,
				CanWrite: a.Can(account.PermPortfolioWrite), path: r.URL.Path, query: r.URL.Query()}
			return nil
		},
		Template: "lease_list",
	})
}

// --- create and edit ---

type leaseFormView struct {
	leaseFmt
	Lease          *lease.Lease // nil: new lease
	UnitPicker     picker
	TenantPicker   picker
	GuarantorPick  picker
	Frequencies    []lease.Frequency
	PaymentMethods []lease.PaymentMethod
	ComponentKinds []lease.ComponentKind
	VATs           []lease.VAT
	Rows           []int // component rows of the new-lease form
}

// leaseComponentRows is how many component lines the new-lease form offers.
const leaseComponentRows = 4

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
		ComponentKinds: lease.ComponentKinds, VATs: lease.VATs}
	if l == nil {
		for i := range leaseComponentRows {
			v.Rows = append(v.Rows, i)
		}
	}
	v.UnitPicker = s.newPicker(r, p, "unit_ids", pickUnits, true, p.Form)
	v.UnitPicker.Label, v.UnitPicker.Hint = p.T("lease.field.units"), p.T("lease.form.units_hint")
	v.TenantPicker = s.newPicker(r, p, "tenant_ids", pickRelations, true, p.Form)
	v.TenantPicker.Label, v.TenantPicker.Hint = p.T("lease.field.tenants"), p.T("lease.form.tenants_hint")
	v.GuarantorPick = s.newPicker(r, p, "guarantor_ids", pickRelations, true, p.Form)
	v.GuarantorPick.Label, v.GuarantorPick.Hint = p.T("lease.field.guarantors"), p.T("lease.form.optional")
	return v
}

func (s *Server) leaseNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "lease.new.title")
	p.Nav = "leases"
	p.Form = url.Values{"notice_months_tenant": {"1"}, "due_day": {"1"}, "billing_frequency": {string(lease.Monthly)},
		"payment_method": {string(lease.Transfer)}}
	// "Nieuw huurcontract" on a unit's or a person's page chooses them.
	q := r.URL.Query()
	for field, param := range map[string]string{"unit_ids": "unit", "tenant_ids": "tenant"} {
		for _, id := range chosenIDs(q, param) {
			p.Form.Add(field, strconv.FormatInt(id, 10))
		}
	}
	p.Data = s.leaseFormView(r, p, nil)
	s.render(w, r, http.StatusOK, "lease_form", p)
}

func (s *Server) leaseCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "lease.new.title")
	p.Nav = "leases"
	in, rows := leaseParseForm(f, true)
	var id int64
	err := f.Err()
	if err == nil {
		id, err = s.Leases.Create(r.Context(), actorOf(r), in)
		err = formErrors(err, "", rows)
	}
	if err != nil {
		p.Data = s.leaseFormView(r, p, nil)
		s.fail(w, r, err, p, s.onForm(w, r, "lease_form", p))
		return
	}
	s.flash(r, "lease.created")
	http.Redirect(w, r, fmt.Sprintf("%s/%d", s.leasesPath(r), id), http.StatusSeeOther)
}

func (s *Server) leaseEdit(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "lease.edit.title")
	p.Nav = "leases"
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	l, err := s.Leases.Get(r.Context(), actorOf(r), id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Form = leaseFormValues(l, p.Lang)
	p.Data = s.leaseFormView(r, p, l)
	s.render(w, r, http.StatusOK, "lease_form", p)
}

func (s *Server) leaseUpdate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "lease.edit.title")
	p.Nav = "leases"
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	a := actorOf(r)
	in, _ := leaseParseForm(f, false)
	err := f.Err()
	if err == nil {
		err = formErrors(s.Leases.Update(r.Context(), a, id, in), "", nil)
	}
	if err != nil {
		l, gerr := s.Leases.Get(r.Context(), a, id)
		if gerr != nil {
			s.fail(w, r, gerr, p)
			return
		}
		p.Data = s.leaseFormView(r, p, l)
		s.fail(w, r, err, p, s.onForm(w, r, "lease_form", p))
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

// leaseParseForm reads the lease form. rows maps the index of each
// component in the input to its row in the form (components are read only
// when withComponents).
func leaseParseForm(f *form, withComponents bool) (lease.Input, []int) {
	in := lease.Input{Reference: f.String("reference"), BillingFrequency: lease.Frequency(f.String("billing_frequency")),
		PaymentMethod: lease.PaymentMethod(f.String("payment_method")), VATOpted: f.Bool("vat_opted")}
	in.UnitIDs = f.IDs("unit_ids")
	in.TenantIDs = f.IDs("tenant_ids")
	in.GuarantorIDs = f.IDs("guarantor_ids")
	in.Start = f.Date("start_date")
	in.End = f.Date("end_date")
	in.NoticeMonthsTenant = f.Int("notice_months_tenant")
	in.NoticeMonthsLandlord = f.Int("notice_months_landlord")
	in.DueDay = f.Int("due_day")
	in.DepositCents = f.Money("deposit")
	var rows []int
	if withComponents {
		for i := range leaseComponentRows {
			key := func(name string) string { return fmt.Sprintf("components[%d].%s", i, name) }
			if !f.Filled(key("amount")) {
				continue
			}
			c := lease.ComponentInput{Kind: lease.ComponentKind(f.String(key("kind"))), Category: f.String(key("category")),
				Label: f.String(key("label")), VAT: lease.VAT(f.String(key("vat")))}
			c.AmountCents = f.Money(key("amount"))
			in.Components = append(in.Components, c)
			rows = append(rows, i)
		}
	}
	return in, rows
}

var componentKey = regexp.MustCompile(`^components\[(\d+)\]\.(.*)$`)

// formErrors renames a service's field errors to the form's fields: money
// fields lose their _cents suffix, components get their form row, and
// prefix (one of several forms on a page) is put in front. Other errors
// pass as they are.
func formErrors(err error, prefix string, rows []int) error {
	fe, ok := validation.AsFields(err)
	if !ok {
		return err
	}
	out := validation.Errors{}
	for k, msg := range fe {
		k = strings.TrimSuffix(k, "_cents")
		if m := componentKey.FindStringSubmatch(k); m != nil {
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
	*lease.Detail
	Preview         *lease.NoticePreview
	CanWrite        bool
	ComponentKinds  []lease.ComponentKind
	VATs            []lease.VAT
	DepositKinds    []lease.DepositEntryKind
	DeliveryMethods []lease.DeliveryMethod
	// With finance.read: the lease's latest invoices and payments, linked.
	Invoices     []ledger.Invoice
	MoreInvoices int
	Payments     []ledger.Payment
}

func (s *Server) leaseDetail(w http.ResponseWriter, r *http.Request) {
	s.renderLeaseDetail(w, r, http.StatusOK, s.newPage(r, "lease.detail.title"), nil)
}

// renderLeaseDetail shows a lease; a form on the page that failed passes
// its page with errors and values, a notice preview passes preview.
func (s *Server) renderLeaseDetail(w http.ResponseWriter, r *http.Request, status int, p *page, preview *lease.NoticePreview) {
	p.Nav = "leases"
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	a := actorOf(r)
	det, err := s.Leases.Detail(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := leaseDetailView{leaseFmt: leaseFmt{p.Lang}, Detail: det, Preview: preview, CanWrite: a.Can(account.PermPortfolioWrite),
		ComponentKinds: lease.ComponentKinds, VATs: lease.VATs,
		DepositKinds: []lease.DepositEntryKind{lease.DepositReceived, lease.DepositReturned}, DeliveryMethods: lease.DeliveryMethods}
	if a.Can(account.PermFinanceRead) {
		invs, err := s.Ledger.Invoices(r.Context(), a, listing.Query{Sort: "number", Desc: true, Limit: recordInvoices},
			ledger.InvoiceFilter{LeaseID: id})
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		v.Invoices, v.MoreInvoices = invs.Items, invs.Total-len(invs.Items)
		pays, err := s.Ledger.Payments(r.Context(), a, id)
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		v.Payments = pays[max(0, len(pays)-recordInvoices):]
	}
	p.Title = "lease.detail.title"
	p.Data = v
	s.render(w, r, status, "lease_detail", p)
}

// leaseDetailAgain shows the lease page again with a failed form of it:
// field errors at the form (prefixed by the caller), problems above the page.
func (s *Server) leaseDetailAgain(w http.ResponseWriter, r *http.Request, p *page) again {
	return onPage(func(status int) { s.renderLeaseDetail(w, r, status, p, nil) }, pageProblems)
}

func (s *Server) leaseBack(w http.ResponseWriter, r *http.Request, id int64, flash, anchor string) {
	s.flash(r, flash)
	http.Redirect(w, r, fmt.Sprintf("%s/%d#%s", s.leasesPath(r), id, anchor), http.StatusSeeOther)
}

func (s *Server) leaseSetComponent(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "lease.detail.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	in := lease.ComponentInput{Kind: lease.ComponentKind(f.String("component.kind")), Category: f.String("component.category"),
		Label: f.String("component.label"), VAT: lease.VAT(f.String("component.vat"))}
	in.AmountCents = f.Money("component.amount")
	in.ValidFrom = f.Date("component.valid_from")
	// Showing the page again reads the lease, so another organisation's is 404 whatever was typed.
	err := f.Err()
	if err == nil {
		_, err = s.Leases.SetComponent(r.Context(), actorOf(r), id, in)
		err = formErrors(err, "component", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, s.leaseDetailAgain(w, r, p))
		return
	}
	s.leaseBack(w, r, id, "lease.component.saved", "components")
}

func (s *Server) leaseAddDeposit(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "lease.detail.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	in := lease.DepositEntryInput{Kind: lease.DepositEntryKind(f.String("deposit.kind")), Reason: f.String("deposit.reason"),
		Note: f.String("deposit.note")}
	in.AmountCents = f.Money("deposit.amount")
	in.Date = f.Date("deposit.date")
	err := f.Err()
	if err == nil {
		_, err = s.Leases.AddDepositEntry(r.Context(), actorOf(r), id, in)
		err = formErrors(err, "deposit", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, s.leaseDetailAgain(w, r, p))
		return
	}
	s.leaseBack(w, r, id, "lease.deposit.saved", "deposit")
}

func leaseNoticeForm(f *form) lease.NoticeInput {
	return lease.NoticeInput{By: lease.By(f.String("notice.by")), NoticeDate: f.Date("notice.notice_date"), Reason: f.String("notice.reason")}
}

func (s *Server) leaseNoticePreview(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "lease.detail.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	in := leaseNoticeForm(f)
	err := f.Err()
	var pv lease.NoticePreview
	if !f.Refused() {
		// The service's word on the notice first (a lease of another
		// organisation, a notice already given), then the form's.
		pv, err = s.Leases.PreviewNotice(r.Context(), actorOf(r), id, in)
		if err = formErrors(err, "notice", nil); err == nil {
			err = f.Err()
		}
	}
	if err != nil {
		s.fail(w, r, err, p, s.leaseDetailAgain(w, r, p))
		return
	}
	s.renderLeaseDetail(w, r, http.StatusOK, p, &pv)
}

func (s *Server) leaseNoticeGive(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "lease.detail.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	in := leaseNoticeForm(f)
	err := f.Err()
	switch {
	case err == nil:
		_, err = s.Leases.GiveNotice(r.Context(), actorOf(r), id, in)
		err = formErrors(err, "notice", nil)
	case !f.Refused():
		// A problem with the notice itself goes before the form's errors.
		if _, perr := s.Leases.PreviewNotice(r.Context(), actorOf(r), id, in); perr != nil && !isFieldErr(perr) {
			err = perr
		}
	}
	if err != nil {
		s.fail(w, r, err, p, s.leaseDetailAgain(w, r, p))
		return
	}
	s.leaseBack(w, r, id, "lease.notice.given", "termination")
}

func isFieldErr(err error) bool { _, ok := validation.AsFields(err); return ok }

func (s *Server) leaseNoticeWithdraw(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "lease.detail.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	err := f.Err()
	if err == nil {
		err = formErrors(s.Leases.WithdrawNotice(r.Context(), actorOf(r), id), "notice", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, s.leaseDetailAgain(w, r, p))
		return
	}
	s.leaseBack(w, r, id, "lease.notice.withdrawn", "termination")
}

func (s *Server) leaseGenerateInformation(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "lease.detail.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	err := f.Err()
	if err == nil {
		_, err = s.Leases.GenerateTenantInformation(r.Context(), actorOf(r), id)
		err = formErrors(err, "documents", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, s.leaseDetailAgain(w, r, p))
		return
	}
	s.leaseBack(w, r, id, "lease.information.generated", "documents")
}

func (s *Server) leaseDocument(w http.ResponseWriter, r *http.Request) {
	id, docID := pathID(r, "id"), pathID(r, "doc")
	if id == 0 || docID == 0 {
		s.notFound(w, r)
		return
	}
	pdf, err := s.Leases.Document(r.Context(), actorOf(r), id, docID)
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "lease.detail.title"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="huurderinformatie-%d-%d.pdf"`, id, docID))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}

func (s *Server) leaseInformationProvided(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "lease.detail.title")
	id, docID := pathID(r, "id"), pathID(r, "doc")
	if id == 0 || docID == 0 {
		s.notFound(w, r)
		return
	}
	in := lease.InformationProvided{ProvidedOn: f.Date("provided.provided_on"), Method: lease.DeliveryMethod(f.String("provided.method"))}
	err := f.Err()
	if err == nil {
		_, err = s.Leases.RecordInformationProvided(r.Context(), actorOf(r), id, docID, in)
		err = formErrors(err, "provided", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) {
			if _, problem := p.Errors["_"]; !problem {
				// The errors belong to the form of this one document.
				p.Form.Set("provided.doc", fmt.Sprint(docID))
			}
			s.renderLeaseDetail(w, r, status, p, nil)
		}, pageProblems))
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
		s.fail(w, r, err, p)
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
	f := readForm(r)
	p := s.newPage(r, "lease.settings.title")
	p.Nav = "leases"
	p.Data = leaseSettingsView{CanWrite: true}
	st := lease.Settings{LandlordName: f.String("landlord_name"), LandlordAddress: f.String("landlord_address"),
		LandlordPhone: f.String("landlord_phone"), LandlordEmail: f.String("landlord_email"), Meldpunt: f.String("meldpunt"),
		ExtraInformation: f.String("extra_information"), DepositReturnDays: f.Int("deposit_return_days"),
		DepositDeductionDays: f.Int("deposit_deduction_days"), NoticeWholeMonths: f.Bool("notice_whole_months")}
	err := f.Err()
	if err == nil {
		err = s.Leases.UpdateSettings(r.Context(), actorOf(r), st)
	}
	if err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "lease_settings", p))
		return
	}
	s.flash(r, "lease.settings.saved")
	http.Redirect(w, r, s.leasesPath(r)+"/settings", http.StatusSeeOther)
}
