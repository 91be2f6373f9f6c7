package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"hms/internal/account"
	"hms/internal/bank"
	"hms/internal/money"
	"hms/internal/payout"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// The payouts page (a finance tab): payouts to tenants with their state,
// approving them (four eyes), a batch previewed and confirmed into pain.001
// files, the files to download, an overpayment proposed; and the payout
// settings (four eyes).

func (s *Server) payoutPath(r *http.Request) string { return s.financePath(r) + "/payouts" }

// payoutFilters are the state filters of the list, in the order of the links;
// the first is the default.
var payoutFilters = []string{"to_pay", "open", "approved", "in_batch", "paid", "cancelled", "all"}

func payoutStates(filter string) []payout.State {
	switch filter {
	case "all":
		return nil
	case "to_pay", "":
		return []payout.State{payout.StateOpen, payout.StateApproved, payout.StateInBatch}
	}
	return []payout.State{payout.State(filter)}
}

type payoutListView struct {
	financeFmt
	List      *ListView
	Items     []payout.Payout
	Filter    string
	Kind      string
	Filters   []string
	Kinds     []payout.Kind
	Batches   []payout.Batch
	Accounts  []bank.Account
	Settings  payout.Settings
	CanWrite  bool
	CanManage bool
}

// FilterURL is the list with another state filter (the kind kept).
func (v payoutListView) FilterURL(filter string) string {
	q := url.Values{"state": {filter}}
	if v.Kind != "" {
		q.Set("kind", v.Kind)
	}
	return "?" + q.Encode()
}

// KindURL is the list with another kind filter ("": every kind).
func (v payoutListView) KindURL(kind string) string {
	q := url.Values{"state": {v.Filter}}
	if kind != "" {
		q.Set("kind", kind)
	}
	return "?" + q.Encode()
}

// Selectable reports whether a payout can be approved or put in a batch.
func (payoutListView) Selectable(p payout.Payout) bool {
	return p.State == payout.StateOpen || p.State == payout.StateApproved
}

func (s *Server) payoutList(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "payout.title")
	s.renderPayouts(w, r, p, http.StatusOK)
}

// renderPayouts shows the list; p may carry a failed form's errors.
func (s *Server) renderPayouts(w http.ResponseWriter, r *http.Request, p *page, status int) {
	p.Nav = "finance"
	a := actorOf(r)
	fm := s.financeFmt(p)
	qv := r.URL.Query()
	filter := qv.Get("state")
	if !slices.Contains(payoutFilters, filter) {
		filter = payoutFilters[0]
	}
	kind := qv.Get("kind")
	if !slices.Contains(payout.Kinds, payout.Kind(kind)) {
		kind = ""
	}
	f := payout.Filter{States: payoutStates(filter), Kind: payout.Kind(kind)}
	serveList(s, w, r, p, listSpec[payout.Payout]{
		Sorts: payout.Sorts,
		Fetch: func(q listing.Query) (listing.Page[payout.Payout], error) {
			return s.Payouts.List(r.Context(), a, q, f)
		},
		CSV: func(items []payout.Payout) csvFile {
			rows := make([][]string, 0, len(items))
			for _, it := range items {
				rows = append(rows, []string{it.PayeeName, it.LeaseReference, p.T("payout.kind." + string(it.Kind)), fm.Amount(it.Amount),
					it.DueDate.String(), p.T("payout.state." + string(it.State)), it.PaidOn.String()})
			}
			return csvFile{"uitbetalingen.csv", []string{p.T("payout.col.name"), p.T("payout.col.lease"), p.T("payout.col.kind"),
				p.T("payout.col.amount"), p.T("payout.col.due"), p.T("payout.col.state"), p.T("payout.col.paid_on")}, rows}
		},
		Show: func(list *ListView, items []payout.Payout) error {
			v := payoutListView{financeFmt: fm, List: list, Items: items, Filter: filter, Kind: kind, Filters: payoutFilters, Kinds: payout.Kinds,
				CanWrite: a.Can(account.PermFinanceWrite), CanManage: a.Can(account.PermMembersManage)}
			var err error
			if v.Settings, err = s.Payouts.Settings(r.Context(), a); err != nil {
				return err
			}
			if v.Accounts, err = s.activeAccounts(r, a); err != nil {
				return err
			}
			bs, err := s.Payouts.Batches(r.Context(), a, 0, 0)
			if err != nil {
				return err
			}
			slices.Reverse(bs)
			v.Batches = bs[:min(len(bs), 10)]
			if p.Form == nil {
				p.Form = url.Values{}
			}
			for _, k := range []string{"paid.date", "due_until"} {
				if p.Form.Get(k) == "" {
					p.Form.Set(k, civil.Today(s.Clock.Now()).String())
				}
			}
			if p.Form.Get("scope") == "" {
				p.Form.Set("scope", string(payout.ScopeDue))
			}
			p.Data = v
			return nil
		},
		Template: "payout_list",
		Status:   status,
	})
}

func (s *Server) activeAccounts(r *http.Request, a account.Actor) ([]bank.Account, error) {
	acs, err := s.Bank.Accounts(r.Context(), a)
	return slices.DeleteFunc(acs, func(ac bank.Account) bool { return ac.Archived }), err
}

// payoutsAgain shows the list again with a form's errors and a conflict above it.
func (s *Server) payoutsAgain(w http.ResponseWriter, r *http.Request, p *page) again {
	return onPage(func(status int) { s.renderPayouts(w, r, p, status) }, conflicts)
}

func (s *Server) payoutApprove(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "payout.title")
	ids := f.IDs("ids")
	if len(ids) == 0 && f.Err() == nil {
		f.Add("ids", "payout.ids.none")
	}
	err := f.Err()
	if err == nil {
		err = s.Payouts.Approve(r.Context(), actorOf(r), ids...)
	}
	if err != nil {
		s.fail(w, r, err, p, s.payoutsAgain(w, r, p))
		return
	}
	s.flash(r, "payout.approved_saved")
	http.Redirect(w, r, s.payoutPath(r), http.StatusSeeOther)
}

func (s *Server) payoutCancel(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "payout.title")
	err := f.Err()
	if err == nil {
		err = s.Payouts.Cancel(r.Context(), actorOf(r), pathID(r, "id"))
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderPayouts(w, r, p, status) }, pageProblems))
		return
	}
	s.flash(r, "payout.cancelled_saved")
	http.Redirect(w, r, s.payoutPath(r), http.StatusSeeOther)
}

func (s *Server) payoutPaid(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("payout")
	p := s.newPage(r, "payout.title")
	date := f.Date("paid.date")
	err := f.Err()
	if err == nil {
		err = formErrors(s.Payouts.MarkPaid(r.Context(), actorOf(r), pathID(r, "id"), date), "paid", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderPayouts(w, r, p, status) }, pageProblems))
		return
	}
	s.flash(r, "payout.paid_saved")
	http.Redirect(w, r, s.payoutPath(r), http.StatusSeeOther)
}

func (s *Server) payoutOverpayment(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("payout")
	p := s.newPage(r, "payout.title")
	in := payout.OverpaymentInput{LeaseReference: f.String("overpayment.lease"), Amount: f.Money("overpayment.amount"),
		Note: f.String("overpayment.note")}
	err := f.Err()
	if err == nil {
		_, err = s.Payouts.ProposeOverpayment(r.Context(), actorOf(r), in)
		err = formErrors(err, "overpayment", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, s.payoutsAgain(w, r, p))
		return
	}
	s.flash(r, "payout.overpayment.saved")
	http.Redirect(w, r, s.payoutPath(r), http.StatusSeeOther)
}

// --- batches ---

type payoutPreviewView struct {
	financeFmt
	Plan      *payout.Plan
	ScopeText string // the plan's scope in words
	Accounts  []bank.Account
	IDs       []int64
	CanWrite  bool
}

func scopeWords(tr func(string, ...any) string, k payout.ScopeKind, due civil.Date, n int, day func(civil.Date) string) string {
	switch k {
	case payout.ScopeChosen:
		return tr("payout.scope.chosen", "Count", n)
	case payout.ScopeDue:
		return tr("payout.scope.due", "Date", day(due))
	}
	return tr("payout.scope.all")
}

// batchInput reads the batch fields of f (the list's form, the preview's
// and the confirmation's).
func batchInput(f *form) (payout.BatchInput, []int64) {
	in := payout.BatchInput{AccountID: f.Number("account_id"), ExecutionDate: f.Date("execution_date")}
	ids := f.IDs("ids")
	switch f.String("scope") {
	case string(payout.ScopeChosen):
		in.Scope.IDs = ids
		if len(ids) == 0 {
			f.Add("ids", "payout.ids.none")
		}
	case string(payout.ScopeAll):
	default:
		in.Scope.DueUntil = f.Date("due_until")
		if in.Scope.DueUntil.IsZero() {
			f.Add("due_until", "field.required")
		}
	}
	return in, ids
}

// queryForm reads a GET form from the query string (cleanInput checked it).
func queryForm(r *http.Request) *form {
	return &form{values: r.URL.Query(), errs: validation.Errors{}, date: "payout.date.invalid", amount: "payout.amount.invalid"}
}

func (s *Server) payoutPreview(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "payout.title")
	p.Form = r.URL.Query()
	s.renderPreview(w, r, p, queryForm(r), http.StatusOK)
}

// renderPreview previews the batch f asks for; its field errors, or the
// service's, are shown beside the batch fields.
func (s *Server) renderPreview(w http.ResponseWriter, r *http.Request, p *page, f *form, status int) {
	p.Nav = "finance"
	a := actorOf(r)
	in, ids := batchInput(f)
	v := payoutPreviewView{financeFmt: s.financeFmt(p), IDs: ids, CanWrite: a.Can(account.PermFinanceWrite)}
	var err error
	if v.Accounts, err = s.activeAccounts(r, a); err != nil {
		s.fail(w, r, err, p)
		return
	}
	err = f.Err()
	if err == nil {
		v.Plan, err = s.Payouts.Preview(r.Context(), a, in)
	}
	if v.Plan != nil {
		v.ScopeText = scopeWords(p.T, v.Plan.Scope.Kind(), v.Plan.Scope.DueUntil, len(v.Plan.Scope.IDs), v.Day)
	}
	if fe, ok := validation.AsFields(err); ok {
		for k, msg := range fe {
			if _, shown := p.Errors[k]; !shown {
				p.Errors[k] = msg
			}
		}
		status = http.StatusUnprocessableEntity
	} else if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = v
	s.render(w, r, status, "payout_batch", p)
}

func (s *Server) payoutBatchCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("payout")
	p := s.newPage(r, "payout.title")
	in, _ := batchInput(f)
	in.Expect = &payout.Expect{Count: int(f.Number("expect_count")), Total: money.Cents(f.Number("expect_total"))}
	err := f.Err()
	var bs []payout.Batch
	if err == nil {
		bs, err = s.Payouts.CreateBatch(r.Context(), actorOf(r), in)
	}
	if err != nil {
		// The preview again, fresh, with what went wrong above it.
		s.fail(w, r, err, p, onPage(func(status int) { s.renderPreview(w, r, p, readForm(r), status) }, conflicts))
		return
	}
	if len(bs) == 1 {
		s.flash(r, "payout.batch.created")
		http.Redirect(w, r, fmt.Sprintf("%s/batches/%d", s.payoutPath(r), bs[0].ID), http.StatusSeeOther)
		return
	}
	s.flash(r, "payout.batch.created_many")
	http.Redirect(w, r, s.payoutPath(r)+"#batches", http.StatusSeeOther)
}

type payoutBatchView struct {
	financeFmt
	Batch     *payout.Batch
	ScopeText string
}

func (s *Server) payoutBatch(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "payout.title")
	p.Nav = "finance"
	b, err := s.Payouts.Batch(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := payoutBatchView{financeFmt: s.financeFmt(p), Batch: b}
	v.ScopeText = scopeWords(p.T, b.ScopeKind(), b.ScopeDate(), b.Count, v.Day)
	p.Data = v
	s.render(w, r, http.StatusOK, "payout_batch_show", p)
}

func (s *Server) payoutBatchFile(w http.ResponseWriter, r *http.Request) {
	b, data, err := s.Payouts.BatchFile(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "payout.title"))
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", b.FileName()))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data) // a failed write is a client that went away
}

// --- settings ---

type payoutSettingsView struct {
	Settings  payout.Settings
	CanManage bool
}

func (s *Server) payoutSettings(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "payout.settings.title")
	p.Nav = "finance"
	a := actorOf(r)
	st, err := s.Payouts.Settings(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = payoutSettingsView{Settings: st, CanManage: a.Can(account.PermMembersManage)}
	s.render(w, r, http.StatusOK, "payout_settings", p)
}

func (s *Server) payoutSaveSettings(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "payout.settings.title")
	err := f.Err()
	if err == nil {
		err = s.Payouts.SaveSettings(r.Context(), actorOf(r), payout.Settings{FourEyes: f.Bool("four_eyes")})
	}
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	s.flash(r, "payout.settings.saved")
	http.Redirect(w, r, s.payoutPath(r)+"/settings", http.StatusSeeOther)
}
