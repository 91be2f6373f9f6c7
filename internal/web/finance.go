package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/billing"
	"hms/internal/directdebit"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/jobs"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// Finance: the rent run, invoices, lease accounts (open items, payments,
// statements), debtors and billing settings.

func (s *Server) financePath(r *http.Request) string { return "/o/" + actorOf(r).OrgSlug + "/finance" }

// financeFmt formats ledger values; it adds charge line names to leaseFmt.
type financeFmt struct {
	leaseFmt
	tr func(string) string
}

// LineName is a charge line in words: "Kale huur", "Servicekosten (Schoonmaak)".
func (f financeFmt) LineName(line string) string {
	if base, n := ledger.BaseLine(line); n > 0 {
		return f.LineName(base) + " (" + f.tr("finance.correction") + ")"
	}
	kind, rest, _ := strings.Cut(line, "|")
	cat, label, _ := strings.Cut(rest, "|")
	if kind == ledger.PayoutKind {
		// "payout|overpayment|2026-10-14", "payout|settlement|2025": the
		// refund in words, with its day or year.
		if d, err := civil.Parse(label); err == nil {
			label = f.Day(d)
		}
		switch {
		case cat == "overpayment":
			return f.tr("lease.component.payout_overpayment") + " (" + label + ")"
		case cat == "settlement":
			return f.tr("lease.component.payout_settlement") + " " + label
		case label != "":
			return f.tr("lease.component.payout") + ": " + label
		}
		return f.tr("lease.component.payout")
	}
	out := f.tr("lease.component." + kind)
	if cat != "" {
		out += " (" + cat + ")"
	}
	if label != "" {
		out += ": " + label
	}
	return out
}

// Instant is the day of an instant (Amsterdam), as Day prints dates.
func (f financeFmt) Instant(t time.Time) string { return f.Day(civil.Today(t)) }

// Kenmerk groups a betalingskenmerk in fours, as on a bank statement.
func (f financeFmt) Kenmerk(k string) string { return nl.FormatKenmerk(k) }

// Negative reports whether an amount is below zero (for styling credit).
func (f financeFmt) Negative(c money.Cents) bool { return c < 0 }

func (s *Server) financeFmt(p *page) financeFmt {
	lang := p.Lang
	return financeFmt{leaseFmt: leaseFmt{lang}, tr: func(id string) string { return s.Texts.T(lang, id, nil) }}
}

// --- debtors (the overview) ---

type financeDebtorsView struct {
	financeFmt
	List     *ListView
	Items    []ledger.LeaseBalance
	Buckets  [4]string
	CanWrite bool
}

// Names are a list of tenants' names on one line.
func (f financeFmt) Names(ns []string) string { return strings.Join(ns, ", ") }

// DayOrNone is a date in words, or a dash for none.
func (f financeFmt) DayOrNone(d civil.Date) string {
	if d.IsZero() {
		return "—"
	}
	return f.Day(d)
}

func (s *Server) financeDebtors(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "finance.debtors.title")
	p.Nav = "finance"
	a := actorOf(r)
	fm := s.financeFmt(p)
	serveList(s, w, r, p, listSpec[ledger.LeaseBalance]{
		Sorts: ledger.DebtorSorts,
		Desc:  true,
		Fetch: func(q listing.Query) (listing.Page[ledger.LeaseBalance], error) {
			return s.Ledger.Debtors(r.Context(), a, q)
		},
		CSV: func(items []ledger.LeaseBalance) csvFile {
			rows := make([][]string, 0, len(items))
			for _, it := range items {
				oldest := ""
				if !it.OldestDue.IsZero() {
					oldest = it.OldestDue.String()
				}
				row := []string{fm.Names(it.Tenants), it.Address, it.Reference, fm.Amount(it.Open), fm.Amount(it.Balance), oldest,
					strconv.Itoa(it.DaysOverdue)}
				for _, b := range it.Buckets {
					row = append(row, fm.Amount(b))
				}
				rows = append(rows, row)
			}
			head := []string{p.T("finance.debtors.name"), p.T("finance.debtors.address"), p.T("lease.field.reference"),
				p.T("finance.debtors.open"), p.T("finance.balance"), p.T("finance.debtors.oldest_due"), p.T("finance.debtors.days")}
			for _, b := range ledger.DebtorBuckets {
				head = append(head, p.T("finance.debtors.bucket", "Days", b))
			}
			return csvFile{"debiteuren.csv", head, rows}
		},
		Show: func(list *ListView, items []ledger.LeaseBalance) error {
			p.Data = financeDebtorsView{financeFmt: fm, List: list, Items: items, Buckets: ledger.DebtorBuckets,
				CanWrite: a.Can(account.PermFinanceWrite)}
			return nil
		},
		Template: "finance_debtors",
	})
}

// --- the rent run ---

type financeRunView struct {
	financeFmt
	Period   string
	Scope    financeScope
	Preview  *billing.Preview
	List     *ListView
	Runs     []billing.Run
	Run      *billing.Run
	Job      *jobs.Status
	CanWrite bool
}

// financeScope is the scope fields of the rent-run form: the kind, the
// record chosen in the picker (scope_id) and what was typed (scope_text).
type financeScope struct {
	Kind string
	ID   int64
	Text string
	// Choices are the records matching Text, offered when it did not name
	// exactly one (or the page is shown again).
	Choices []billing.ScopeOption
}

func (sc financeScope) billing() billing.Scope {
	return billing.Scope{Kind: billing.ScopeKind(sc.Kind), ID: sc.ID, Text: sc.Text}
}

// financeScopeOf reads the scope fields. An id that is not a number is
// kept as text, so it is resolved (or refused) like anything typed: it
// never becomes 0, "everything".
func financeScopeOf(v url.Values) financeScope {
	sc := financeScope{Kind: v.Get("scope"), Text: strings.TrimSpace(v.Get("scope_text"))}
	if raw := strings.TrimSpace(v.Get("scope_id")); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			sc.Text = raw
		} else {
			sc.ID = id
		}
	}
	return sc
}

// nextMonth is the month a landlord usually charges: the coming one.
func nextMonth(today civil.Date) string {
	return civil.MonthOf(today).Add(1).String()
}

func (s *Server) financeRentRun(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "finance.run.title")
	p.Nav = "finance"
	a := actorOf(r)
	v := r.URL.Query()
	view := financeRunView{financeFmt: s.financeFmt(p), Period: v.Get("period"), Scope: financeScopeOf(v),
		CanWrite: a.Can(account.PermFinanceWrite)}
	if view.Period == "" {
		view.Period = nextMonth(civil.Today(s.Clock.Now()))
	}
	// "Whole quarter": the quarter of the chosen month.
	if m, err := civil.ParseMonth(view.Period); err == nil && v.Get("quarter") == "1" {
		view.Period = fmt.Sprintf("%04d-Q%d", m.Year, (int(m.Month)-1)/3+1)
	}
	p.Form = url.Values{"period": {view.Period}, "scope": {view.Scope.Kind}, "scope_text": {view.Scope.Text}, "quarter": {v.Get("quarter")}}
	if q := view.Period; strings.Contains(q, "-Q") {
		// The month picker shows the quarter's first month.
		if per, err := billing.ParsePeriod(q); err == nil {
			p.Form.Set("period", per.Months[0].String())
			p.Form.Set("quarter", "1")
		}
	}
	runs, err := s.Billing.Runs(r.Context(), a, 0, 10)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	view.Runs = runs
	if v.Get("preview") != "" {
		q := listing.FromValues(v).Normalize()
		pv, err := s.Billing.Preview(r.Context(), a, billing.RunInput{Period: view.Period, Scope: view.Scope.billing()},
			billing.PreviewWindow{Offset: q.Offset, Limit: q.Limit})
		if err != nil {
			s.offerScopeChoices(r, &view.Scope)
			p.Data = view
			s.fail(w, r, err, p, s.onForm(w, r, "finance_rentrun", p))
			return
		}
		view.Preview = pv
		// The picker now shows what the preview covers.
		view.Scope.ID = pv.Scope.ID
		if pv.Scope.Kind != billing.ScopeAll {
			p.Form.Set("scope_text", pv.Scope.Name)
		}
		view.List = s.newListView(r, q, pv.Invoices)
		p.OrgMissing = s.orgDetailsMissing(r)
	}
	p.Data = view
	s.render(w, r, http.StatusOK, "finance_rentrun", p)
}

func (s *Server) financeStartRun(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	a := actorOf(r)
	sc := financeScopeOf(f.values)
	in := billing.RunInput{Period: f.String("period"), Scope: sc.billing(), Expect: &billing.Expectation{}}
	in.Expect.Invoices = int(f.Number("expect_invoices"))
	in.Expect.Total = money.Cents(f.Number("expect_total"))
	err := f.Err()
	var run *billing.Run
	if err == nil {
		run, err = s.Billing.StartRun(r.Context(), a, in)
	}
	if err != nil {
		// The page (and its banner's read) only when there is one to show:
		// a started run redirects.
		p := s.newPage(r, "finance.run.title")
		p.Nav = "finance"
		runs, _ := s.Billing.Runs(r.Context(), a, 0, 10)
		s.offerScopeChoices(r, &sc)
		p.Form = url.Values{"period": {in.Period}, "scope": {sc.Kind}, "scope_text": {sc.Text}}
		p.Data = financeRunView{financeFmt: s.financeFmt(p), Period: in.Period, Scope: sc, Runs: runs, CanWrite: true}
		s.fail(w, r, err, p, s.onForm(w, r, "finance_rentrun", p))
		return
	}
	http.Redirect(w, r, fmt.Sprintf("%s/runs/%d", s.financePath(r), run.ID), http.StatusSeeOther)
}

// offerScopeChoices lists the records matching typed scope text, so a
// scope that did not resolve can be picked from beside its error.
func (s *Server) offerScopeChoices(r *http.Request, sc *financeScope) {
	if sc.Kind == "" || sc.ID != 0 || sc.Text == "" {
		return
	}
	sc.Choices, _ = s.Billing.ScopeOptions(r.Context(), actorOf(r), billing.ScopeKind(sc.Kind), sc.Text)
}

// scopeOptions answers the rent-run scope picker (htmx): the records of the
// chosen kind that match what was typed, as radio buttons.
func (s *Server) scopeOptions(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	kind := billing.ScopeKind(v.Get("scope"))
	if kind == billing.ScopeAll {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		return
	}
	opts, err := s.Billing.ScopeOptions(r.Context(), actorOf(r), kind, v.Get("scope_text"))
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "finance.run.title"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	p := s.newPage(r, "finance.run.title")
	if err := scopeChoicesHTML.Execute(w, map[string]any{"Choices": opts, "None": p.T("finance.run.scope_none")}); err != nil {
		s.Log.Error("scope options", "err", err)
	}
}

var scopeChoicesHTML = template.Must(template.New("choices").Parse(
	`{{range .Choices}}<label><input type="radio" name="scope_id" value="{{.ID}}"> {{.Label}}</label>{{else}}<small>{{.None}}</small>{{end}}`))

func (s *Server) financeRun(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "finance.run.title")
	p.Nav = "finance"
	a := actorOf(r)
	run, err := s.Billing.GetRun(r.Context(), a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = financeRunView{financeFmt: s.financeFmt(p), Run: run, Period: run.Period, Job: run.Job}
	s.render(w, r, http.StatusOK, "finance_run", p)
}

// --- invoices ---

type financeInvoicesView struct {
	financeFmt
	List   *ListView
	Items  []ledger.Invoice
	Filter ledger.InvoiceFilter
}

func (s *Server) financeInvoices(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "finance.invoices.title")
	p.Nav = "finance"
	a := actorOf(r)
	v := r.URL.Query()
	f := ledger.InvoiceFilter{Period: v.Get("period"), OpenOnly: v.Get("open") == "1"}
	f.LeaseID, _ = strconv.ParseInt(v.Get("lease"), 10, 64)
	f.RunID, _ = strconv.ParseInt(v.Get("run"), 10, 64)
	fm := s.financeFmt(p)
	serveList(s, w, r, p, listSpec[ledger.Invoice]{
		Sorts: ledger.InvoiceSorts,
		Desc:  true,
		Fetch: func(q listing.Query) (listing.Page[ledger.Invoice], error) {
			return s.Ledger.Invoices(r.Context(), a, q, f)
		},
		CSV: func(items []ledger.Invoice) csvFile {
			rows := make([][]string, 0, len(items))
			for _, it := range items {
				rows = append(rows, []string{it.Number, p.T("finance.kind." + string(it.Kind)), it.LeaseReference, it.Period, it.IssueDate.String(),
					it.DueDate.String(), it.Kenmerk, fm.Amount(it.Net), fm.Amount(it.VAT), fm.Amount(it.Total), fm.Amount(it.Open)})
			}
			return csvFile{"facturen.csv", []string{p.T("finance.number"), p.T("finance.kind"), p.T("lease.field.reference"),
				p.T("finance.period"), p.T("finance.issue_date"), p.T("finance.due_date"), p.T("finance.kenmerk"), p.T("finance.net"),
				p.T("finance.vat"), p.T("finance.total"), p.T("finance.open")}, rows}
		},
		Show: func(list *ListView, items []ledger.Invoice) error {
			p.Data = financeInvoicesView{financeFmt: fm, List: list, Items: items, Filter: f}
			return nil
		},
		Template: "finance_invoices",
	})
}

type financeInvoiceView struct {
	financeFmt
	Invoice  *ledger.Invoice
	Account  ledger.AccountName // the lease's tenants and units, linked
	CanWrite bool
}

func (s *Server) financeInvoice(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "finance.invoice.title")
	s.renderInvoice(w, r, p, http.StatusOK)
}

func (s *Server) renderInvoice(w http.ResponseWriter, r *http.Request, p *page, status int) {
	p.Nav = "finance"
	a := actorOf(r)
	inv, err := s.Ledger.Invoice(r.Context(), a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	acct, err := s.Ledger.Account(r.Context(), a, inv.LeaseID)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = financeInvoiceView{financeFmt: s.financeFmt(p), Invoice: inv, Account: acct, CanWrite: a.Can(account.PermFinanceWrite)}
	s.render(w, r, status, "finance_invoice", p)
}

func (s *Server) financeInvoicePDF(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	pdf, err := s.Billing.InvoiceDocument(r.Context(), actorOf(r), id)
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "finance.invoice.title"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="factuur-%d.pdf"`, id))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}

func (s *Server) financeCredit(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "finance.invoice.title")
	id := pathID(r, "id")
	var charges []int64
	for _, v := range f.Strings("charge") {
		if cid, err := strconv.ParseInt(v, 10, 64); err == nil {
			charges = append(charges, cid)
		}
	}
	err := f.Err()
	var cn int64
	if err == nil {
		cn, err = s.Ledger.Credit(r.Context(), actorOf(r), ledger.CreditInput{InvoiceID: id, ChargeIDs: charges, Reason: f.String("reason")})
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderInvoice(w, r, p, status) }, nil))
		return
	}
	s.flash(r, "finance.credit.done")
	http.Redirect(w, r, fmt.Sprintf("%s/invoices/%d", s.financePath(r), cn), http.StatusSeeOther)
}

// --- a lease's account ---

type financeAccountView struct {
	financeFmt
	LeaseID   int64
	Reference string
	Balance   ledger.Balance
	Open      []ledger.Charge
	Payments  []ledger.Payment
	Statement *ledger.Statement
	From, To  civil.Date
	Methods   []ledger.PaymentMethod
	Credit    money.Cents
	CanWrite  bool
	Today     civil.Date
	// Mandates are the lease's direct-debit mandates, the current one first.
	Mandates     []directdebit.Mandate
	MandateKinds []directdebit.Kind
}

// HasCurrentMandate reports whether the lease has an active or suspended
// mandate (then no new one can be added).
func (v financeAccountView) HasCurrentMandate() bool {
	return len(v.Mandates) > 0 && v.Mandates[0].Current()
}

func (s *Server) financeAccount(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "finance.account.title")
	s.renderLeaseAccount(w, r, p, http.StatusOK)
}

func (s *Server) renderLeaseAccount(w http.ResponseWriter, r *http.Request, p *page, status int) {
	p.Nav = "finance"
	a := actorOf(r)
	id := pathID(r, "id")
	ctx := r.Context()
	today := civil.Today(s.Clock.Now())
	v := r.URL.Query()
	from, to := today.FirstOfMonth().AddMonths(-11), today
	if d, err := civil.Parse(v.Get("from")); err == nil {
		from = d
	}
	if d, err := civil.Parse(v.Get("to")); err == nil {
		to = d
	}
	view := financeAccountView{financeFmt: s.financeFmt(p), LeaseID: id, From: from, To: to, Methods: ledger.PaymentMethods,
		CanWrite: a.Can(account.PermFinanceWrite), Today: today}
	var err error
	if view.Balance, err = s.Ledger.BalanceAt(ctx, a, id, today); err != nil {
		s.fail(w, r, err, p)
		return
	}
	if view.Open, err = s.Ledger.OpenItems(ctx, a, ledger.OpenFilter{LeaseID: id}); err != nil {
		s.fail(w, r, err, p)
		return
	}
	if view.Payments, err = s.Ledger.Payments(ctx, a, id); err != nil {
		s.fail(w, r, err, p)
		return
	}
	for _, pm := range view.Payments {
		view.Credit += pm.Unallocated()
	}
	if view.Mandates, err = s.DirectDebit.Mandates(ctx, a, id); err != nil {
		s.fail(w, r, err, p)
		return
	}
	view.MandateKinds = directdebit.Kinds
	st, err := s.Ledger.StatementOf(ctx, a, id, from, to)
	if err != nil {
		if _, ok := validation.AsFields(err); !ok {
			s.fail(w, r, err, p)
			return
		}
		st, _ = s.Ledger.StatementOf(ctx, a, id, today.FirstOfMonth().AddMonths(-11), today)
	}
	view.Statement, view.Reference = st, st.LeaseReference
	if wantsCSV(r) {
		fm := view.financeFmt
		rows := [][]string{{from.String(), p.T("finance.opening"), "", "", "", fm.Amount(st.Opening)}}
		for _, l := range st.Lines {
			rows = append(rows,
				[]string{l.Date.String(), p.T("finance.entry." + l.Kind), l.Reference, fm.Amount(l.Debit), fm.Amount(l.Credit), fm.Amount(l.Balance)})
		}
		writeCSV(w, "rekeningoverzicht-"+st.LeaseReference+".csv", []string{p.T("finance.date"), p.T("finance.kind"), p.T("finance.reference"),
			p.T("finance.debit"), p.T("finance.credit"), p.T("finance.balance")}, rows)
		return
	}
	if p.Form == nil || p.Form.Get("payment.date") == "" {
		if p.Form == nil {
			p.Form = url.Values{}
		}
		p.Form.Set("payment.date", today.String())
	}
	p.Data = view
	s.render(w, r, status, "finance_account", p)
}

// leaseAccountAgain shows a lease's account again with a form's errors.
func (s *Server) leaseAccountAgain(w http.ResponseWriter, r *http.Request, p *page) again {
	return onPage(func(status int) { s.renderLeaseAccount(w, r, p, status) }, nil)
}

func (s *Server) accountBack(w http.ResponseWriter, r *http.Request, id int64, flash string) {
	s.flash(r, flash)
	http.Redirect(w, r, fmt.Sprintf("%s/leases/%d", s.financePath(r), id), http.StatusSeeOther)
}

func (s *Server) financePayment(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("lease")
	p := s.newPage(r, "finance.account.title")
	id := pathID(r, "id")
	in := ledger.PaymentInput{LeaseID: id, Method: ledger.PaymentMethod(f.String("payment.method")), Reference: f.String("payment.reference")}
	in.Amount = f.Money("payment.amount")
	in.Date = f.Date("payment.date")
	if f.String("payment.amount") == "" {
		f.Add("payment.amount", "field.required")
	}
	// Chosen allocations: alloc.<chargeID> = amount.
	for k := range f.values {
		if cid, ok := strings.CutPrefix(k, "alloc."); ok && f.Filled(k) {
			n, err := strconv.ParseInt(cid, 10, 64)
			amt := f.Money(k)
			if err == nil && amt != 0 {
				if in.Allocations == nil {
					in.Allocations = map[int64]money.Cents{}
				}
				in.Allocations[n] = amt
			}
		}
	}
	err := f.Err()
	if err == nil {
		_, err = s.Ledger.RecordPayment(r.Context(), actorOf(r), in)
		if fe, ok := validation.AsFields(err); ok {
			renamed := validation.Errors{}
			for k, v := range fe {
				k = strings.TrimSuffix(k, "_cents")
				if !strings.HasPrefix(k, "payment.") && !strings.HasPrefix(k, "alloc.") && k != "lease_id" {
					k = "payment." + k
				}
				renamed[k] = v
			}
			err = renamed
		}
	}
	if err != nil {
		s.fail(w, r, err, p, s.leaseAccountAgain(w, r, p))
		return
	}
	s.accountBack(w, r, id, "finance.payment.saved")
}

func (s *Server) financeReverse(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "finance.account.title")
	id := pathID(r, "id")
	if err := f.Err(); err != nil {
		s.fail(w, r, err, p, s.leaseAccountAgain(w, r, p))
		return
	}
	pays, err := s.Ledger.Payments(r.Context(), actorOf(r), id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	pid := pathID(r, "pid")
	found := false
	for _, pm := range pays {
		found = found || pm.ID == pid
	}
	if !found {
		s.notFound(w, r)
		return
	}
	if _, err := s.Ledger.ReversePayment(r.Context(), actorOf(r), pid, f.String("reason")); err != nil {
		// The reason's error goes to the payment's own form (reverse<id>.reason).
		s.fail(w, r, formErrors(err, fmt.Sprintf("reverse%d", pid), nil), p, s.leaseAccountAgain(w, r, p))
		return
	}
	s.accountBack(w, r, id, "finance.payment.reversed")
}

func (s *Server) financeAllocate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "finance.account.title")
	id := pathID(r, "id")
	err := f.Err()
	if err == nil {
		_, err = s.Ledger.AllocateCredit(r.Context(), actorOf(r), id)
	}
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	s.accountBack(w, r, id, "finance.credit.applied")
}

// --- a tenant's open items ---

type financeTenantView struct {
	financeFmt
	PartyID int64
	Name    string
	Open    []ledger.Charge
	Total   money.Cents
	Leases  []int64
}

func (s *Server) financeTenant(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "finance.tenant.title")
	p.Nav = "finance"
	a := actorOf(r)
	id := pathID(r, "id")
	// The relation must be of this organisation (404 otherwise); its name
	// heads the page like a list row, without an access-log event.
	names, err := s.Relations.Names(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	name := names[id]
	open, err := s.Ledger.OpenItems(r.Context(), a, ledger.OpenFilter{PartyID: id})
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := financeTenantView{financeFmt: s.financeFmt(p), PartyID: id, Name: name, Open: open}
	seen := map[int64]bool{}
	for _, c := range open {
		v.Total += c.Open()
		if !seen[c.LeaseID] {
			seen[c.LeaseID] = true
			v.Leases = append(v.Leases, c.LeaseID)
		}
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "finance_tenant", p)
}

// --- settings ---

type financeSettingsView struct {
	Prorations       []billing.Proration
	PeriodProrations []billing.PeriodProration
	CanWrite         bool
}

func (s *Server) financeSettings(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "finance.settings.title")
	p.Nav = "finance"
	a := actorOf(r)
	st, err := s.Billing.Settings(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Form = url.Values{"proration": {string(st.Proration)}, "issuer_iban": {st.IssuerIBAN}, "period_proration": {string(st.PeriodProration)}}
	if st.SendInvoices {
		p.Form.Set("send_invoices", "1")
	}
	p.Data = financeSettingsView{Prorations: billing.Prorations, PeriodProrations: billing.PeriodProrations,
		CanWrite: a.Can(account.PermFinanceWrite)}
	s.render(w, r, http.StatusOK, "finance_settings", p)
}

func (s *Server) financeSaveSettings(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "finance.settings.title")
	p.Nav = "finance"
	st := billing.Settings{Proration: billing.Proration(f.String("proration")), IssuerIBAN: f.String("issuer_iban"),
		SendInvoices: f.String("send_invoices") == "1", PeriodProration: billing.PeriodProration(f.String("period_proration"))}
	err := f.Err()
	if err == nil {
		err = s.Billing.SaveSettings(r.Context(), actorOf(r), st)
	}
	if err != nil {
		p.Data = financeSettingsView{Prorations: billing.Prorations, PeriodProrations: billing.PeriodProrations, CanWrite: true}
		s.fail(w, r, err, p, s.onForm(w, r, "finance_settings", p))
		return
	}
	s.flash(r, "finance.settings.saved")
	http.Redirect(w, r, s.financePath(r)+"/settings", http.StatusSeeOther)
}

// --- undoing a run ---

type financeUndoView struct {
	financeFmt
	Plan     *billing.UndoPlan
	CanWrite bool
}

func (s *Server) financeUndoPlan(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "finance.undo.title")
	p.Nav = "finance"
	a := actorOf(r)
	plan, err := s.Billing.UndoPlan(r.Context(), a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = financeUndoView{financeFmt: s.financeFmt(p), Plan: plan, CanWrite: a.Can(account.PermFinanceWrite)}
	s.render(w, r, http.StatusOK, "finance_undo", p)
}

func (s *Server) financeUndoRun(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "finance.undo.title")
	p.Nav = "finance"
	a := actorOf(r)
	id := pathID(r, "id")
	expect := billing.Expectation{Invoices: int(f.Number("expect_invoices")), Total: money.Cents(f.Number("expect_total"))}
	err := f.Err()
	if err == nil {
		_, err = s.Billing.UndoRun(r.Context(), a, id, expect)
	}
	if err != nil {
		plan, perr := s.Billing.UndoPlan(r.Context(), a, id)
		if perr != nil {
			s.fail(w, r, perr, p)
			return
		}
		p.Data = financeUndoView{financeFmt: s.financeFmt(p), Plan: plan, CanWrite: true}
		s.fail(w, r, err, p, s.onForm(w, r, "finance_undo", p))
		return
	}
	http.Redirect(w, r, fmt.Sprintf("%s/runs/%d", s.financePath(r), id), http.StatusSeeOther)
}
