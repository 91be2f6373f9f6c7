package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/dunning"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// Dunning: the proposals a daily run made (letters to send with a confirm
// step, hand-overs to approve, collection costs to charge), the letters
// sent, a lease's dunning with its payment plans, the plans, the arrears
// ageing list and the settings. All of it a tab of Finance.

func (s *Server) dunningPath(r *http.Request) string { return "/o/" + actorOf(r).OrgSlug + "/dunning" }

// dunningFmt formats dunning values for the templates.
type dunningFmt struct {
	financeFmt
	Today civil.Date
	tr    func(string) string
}

// StageName is a stage in words.
func (f dunningFmt) StageName(st dunning.Stage) string { return f.tr("dunning.stage." + string(st)) }

// StateName is a proposal's state in words.
func (f dunningFmt) StateName(st dunning.State) string { return f.tr("dunning.state." + string(st)) }

// PlanStateName is a plan's state in words.
func (f dunningFmt) PlanStateName(st dunning.PlanState) string {
	return f.tr("dunning.plan.state." + string(st))
}

// Names are a list of tenants' names on one line.
func (f dunningFmt) Names(ns []string) string { return strings.Join(ns, ", ") }

// Days are the days from a due date to today.
func (f dunningFmt) Days(due civil.Date) int {
	if due.IsZero() {
		return 0
	}
	return due.DaysUntil(f.Today)
}

func (s *Server) dunningFmt(p *page) dunningFmt {
	lang := p.Lang
	return dunningFmt{financeFmt: s.financeFmt(p), Today: s.Dunning.Today(), tr: func(id string) string { return s.Texts.T(lang, id, nil) }}
}

// --- proposals ---

type dunningProposalsView struct {
	dunningFmt
	Letters   []dunning.Proposal
	Handovers []dunning.Proposal
	Costs     []dunning.Proposal
	Total     money.Cents
	CanWrite  bool
	Selected  map[int64]bool
}

func (s *Server) dnProposals(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "dunning.proposals.title")
	s.renderProposals(w, r, http.StatusOK, p)
}

func (s *Server) renderProposals(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "finance"
	a := actorOf(r)
	ps, err := s.Dunning.Proposals(r.Context(), a, dunning.ProposalFilter{})
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := dunningProposalsView{dunningFmt: s.dunningFmt(p), CanWrite: a.Can(account.PermFinanceWrite), Selected: map[int64]bool{}}
	for _, pr := range ps {
		switch {
		case pr.Stage.Letter():
			v.Letters = append(v.Letters, pr)
			v.Total += pr.Overdue
		case pr.Stage == dunning.StageHandover:
			v.Handovers = append(v.Handovers, pr)
		default:
			v.Costs = append(v.Costs, pr)
		}
	}
	if p.Form != nil {
		for _, id := range p.Form["proposal"] {
			if n, err := strconv.ParseInt(id, 10, 64); err == nil {
				v.Selected[n] = true
			}
		}
	}
	p.Data = v
	s.render(w, r, status, "dunning", p)
}

func (s *Server) proposalsAgain(w http.ResponseWriter, r *http.Request, p *page) again {
	return onPage(func(status int) { s.renderProposals(w, r, status, p) }, pageProblems)
}

func (s *Server) dnPropose(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "dunning.proposals.title")
	err := f.Err()
	var run *dunning.Run
	if err == nil {
		run, err = s.Dunning.Propose(r.Context(), actorOf(r), civil.Date{})
	}
	if err != nil {
		s.fail(w, r, err, p, s.proposalsAgain(w, r, p))
		return
	}
	if run.New+run.Updated+run.Withdrawn == 0 {
		s.flash(r, "dunning.proposed_nothing")
	} else {
		s.flash(r, "dunning.proposed")
	}
	http.Redirect(w, r, s.dunningPath(r), http.StatusSeeOther)
}

// --- sending, with its confirm step ---

type dunningConfirmView struct {
	dunningFmt
	Plan *dunning.SendPlan
	IDs  []int64
}

// dnSendConfirm shows what sending the chosen letters will do, in counts
// and totals, before anything is sent.
func (s *Server) dnSendConfirm(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "dunning.confirm.title")
	ids := f.IDs("proposal")
	if len(ids) == 0 && f.Err() == nil {
		f.Add("proposal", "dunning.send.none")
	}
	err := f.Err()
	var plan *dunning.SendPlan
	if err == nil {
		plan, err = s.Dunning.PlanSend(r.Context(), actorOf(r), ids)
		err = renameField(err, "proposals", "proposal")
	}
	if err != nil {
		s.fail(w, r, err, p, s.proposalsAgain(w, r, p))
		return
	}
	s.renderConfirm(w, r, http.StatusOK, p, plan, ids)
}

func (s *Server) renderConfirm(w http.ResponseWriter, r *http.Request, status int, p *page, plan *dunning.SendPlan, ids []int64) {
	p.Nav = "finance"
	p.OrgMissing = s.orgDetailsMissing(r)
	p.Data = dunningConfirmView{dunningFmt: s.dunningFmt(p), Plan: plan, IDs: ids}
	s.render(w, r, status, "dunning_confirm", p)
}

func (s *Server) dnSend(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "dunning.confirm.title")
	ids := f.IDs("proposal")
	expect := dunning.Expectation{Letters: int(f.Number("expect_letters")), Total: money.Cents(f.Number("expect_total")),
		Costs: money.Cents(f.Number("expect_costs"))}
	err := f.Err()
	a := actorOf(r)
	var res *dunning.SendResult
	if err == nil {
		res, err = s.Dunning.Send(r.Context(), a, ids, expect)
		err = renameField(err, "proposals", "proposal")
	}
	if err != nil {
		// The books changed: show the confirmation of now again.
		if pr, ok := validation.AsProblem(err); ok && pr == dunning.ErrChanged {
			plan, perr := s.Dunning.PlanSend(r.Context(), a, ids)
			if perr == nil {
				p.Errors = validation.Errors{"_": pr.Code}
				s.renderConfirm(w, r, pr.Status, p, plan, ids)
				return
			}
		}
		s.fail(w, r, err, p, s.proposalsAgain(w, r, p))
		return
	}
	s.flash(r, "dunning.sent")
	q := url.Values{"sent": {fmt.Sprint(len(res.Letters))}, "mailed": {fmt.Sprint(res.Mailed)}, "print": {fmt.Sprint(len(res.Unmailed))}}
	http.Redirect(w, r, s.dunningPath(r)+"/letters?"+q.Encode(), http.StatusSeeOther)
}

// renameField moves a service's field error to the form's field name.
func renameField(err error, from, to string) error {
	fe, ok := validation.AsFields(err)
	if !ok {
		return err
	}
	out := validation.Errors{}
	for k, v := range fe {
		if k == from {
			k = to
		}
		out[k] = v
	}
	return out
}

// --- deciding on a proposal ---

func (s *Server) dnDecide(w http.ResponseWriter, r *http.Request, decide func(a account.Actor, id int64, f *form) error, done string) {
	f := readForm(r)
	p := s.newPage(r, "dunning.proposals.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	err := f.Err()
	if err == nil {
		err = decide(actorOf(r), id, f)
	}
	if err != nil {
		if fe, ok := validation.AsFields(err); ok {
			// Beside the row it belongs to.
			out := validation.Errors{}
			for k, v := range fe {
				out[fmt.Sprintf("p%d.%s", id, k)] = v
			}
			err = out
		}
		s.fail(w, r, err, p, s.proposalsAgain(w, r, p))
		return
	}
	s.flash(r, done)
	back := s.dunningPath(r)
	if strings.HasPrefix(f.String("back"), back+"/leases/") {
		back = f.String("back")
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) dnDismiss(w http.ResponseWriter, r *http.Request) {
	s.dnDecide(w, r, func(a account.Actor, id int64, f *form) error {
		return s.Dunning.Dismiss(r.Context(), a, id, f.String("reason"))
	}, "dunning.dismissed")
}

func (s *Server) dnApprove(w http.ResponseWriter, r *http.Request) {
	s.dnDecide(w, r, func(a account.Actor, id int64, f *form) error {
		return s.Dunning.DecideHandover(r.Context(), a, id, true, f.String("reason"))
	}, "dunning.handover.approved")
}

func (s *Server) dnReject(w http.ResponseWriter, r *http.Request) {
	s.dnDecide(w, r, func(a account.Actor, id int64, f *form) error {
		return s.Dunning.DecideHandover(r.Context(), a, id, false, f.String("reason"))
	}, "dunning.handover.rejected")
}

func (s *Server) dnCharge(w http.ResponseWriter, r *http.Request) {
	s.dnDecide(w, r, func(a account.Actor, id int64, f *form) error {
		_, err := s.Dunning.ChargeCosts(r.Context(), a, id)
		return err
	}, "dunning.costs.charged")
}

// --- letters ---

type dunningLettersView struct {
	dunningFmt
	Letters             []dunning.Letter
	Sent, Mailed, Print string
	More                string
}

func (s *Server) dnLetters(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "dunning.letters.title")
	p.Nav = "finance"
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	const perPage = 50
	ls, err := s.Dunning.Letters(r.Context(), actorOf(r), dunning.LetterFilter{BeforeID: max(before, 0), Limit: perPage})
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := dunningLettersView{dunningFmt: s.dunningFmt(p), Letters: ls, Sent: q.Get("sent"), Mailed: q.Get("mailed"), Print: q.Get("print")}
	if len(ls) == perPage {
		v.More = fmt.Sprintf("%s/letters?before=%d", s.dunningPath(r), ls[len(ls)-1].ID)
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "dunning_letters", p)
}

func (s *Server) dnLetterPDF(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	pdf, lt, err := s.Dunning.LetterDocument(r.Context(), actorOf(r), id)
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "dunning.letters.title"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%d.pdf"`, lt.Stage, lt.ID))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(pdf)
}

// --- a lease's dunning and its payment plans ---

// planTermRows is how many term rows the plan form offers.
const planTermRows = 12

type dunningLeaseView struct {
	dunningFmt
	L        *dunning.LeaseDunning
	CanWrite bool
	Rows     []int // the term rows' numbers, from 1
	chosen   map[int64]bool
}

// Chosen reports whether the plan form had charge id ticked.
func (v dunningLeaseView) Chosen(id int64) bool { return v.chosen[id] }

func (s *Server) dnLease(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "dunning.lease.title")
	s.renderDunningLease(w, r, http.StatusOK, p)
}

func (s *Server) renderDunningLease(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "finance"
	a := actorOf(r)
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	ld, err := s.Dunning.Lease(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := dunningLeaseView{dunningFmt: s.dunningFmt(p), L: ld, CanWrite: a.Can(account.PermFinanceWrite), chosen: map[int64]bool{}}
	for i := 1; i <= planTermRows; i++ {
		v.Rows = append(v.Rows, i)
	}
	for _, id := range p.Form["plan.charge"] {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			v.chosen[n] = true
		}
	}
	p.Data = v
	s.render(w, r, status, "dunning_lease", p)
}

func (s *Server) dnPlanCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("dunning")
	p := s.newPage(r, "dunning.lease.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	in := dunning.PlanInput{LeaseID: id, ChargeIDs: f.IDs("plan.charge"), Note: f.String("plan.note")}
	for i := 1; i <= planTermRows; i++ {
		due, amount := fmt.Sprintf("plan.term%d.date", i), fmt.Sprintf("plan.term%d.amount", i)
		if !f.Filled(due) && !f.Filled(amount) {
			continue
		}
		t := dunning.TermInput{Due: f.Date(due), Amount: f.Money(amount)}
		f.Require(due)
		f.Require(amount)
		in.Terms = append(in.Terms, t)
	}
	again := onPage(func(status int) { s.renderDunningLease(w, r, status, p) }, pageProblems)
	if err := f.Err(); err != nil {
		s.fail(w, r, err, p, again)
		return
	}
	if _, err := s.Dunning.CreatePlan(r.Context(), actorOf(r), in); err != nil {
		if fe, ok := validation.AsFields(err); ok {
			out := validation.Errors{}
			for k, v := range fe {
				out["plan."+k] = v
			}
			err = out
		}
		s.fail(w, r, err, p, again)
		return
	}
	s.flash(r, "dunning.plan.created")
	http.Redirect(w, r, fmt.Sprintf("%s/leases/%d#plans", s.dunningPath(r), id), http.StatusSeeOther)
}

func (s *Server) dnPlanCancel(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "dunning.plans.title")
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	a := actorOf(r)
	err := f.Err()
	var plan *dunning.Plan
	if err == nil {
		if plan, err = s.Dunning.Plan(r.Context(), a, id); err == nil {
			err = s.Dunning.CancelPlan(r.Context(), a, id)
		}
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderPlans(w, r, status, p) }, pageProblems))
		return
	}
	s.flash(r, "dunning.plan.cancelled")
	http.Redirect(w, r, fmt.Sprintf("%s/leases/%d#plans", s.dunningPath(r), plan.LeaseID), http.StatusSeeOther)
}

type dunningPlansView struct {
	dunningFmt
	Plans  []dunning.Plan
	State  dunning.PlanState
	States []dunning.PlanState
}

func (s *Server) dnPlans(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "dunning.plans.title")
	s.renderPlans(w, r, http.StatusOK, p)
}

func (s *Server) renderPlans(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "finance"
	state := dunning.PlanState(r.URL.Query().Get("state"))
	if state == "" && r.URL.Query().Get("state") == "" {
		state = dunning.PlanActive
	}
	if r.URL.Query().Get("state") == "all" || !slices.Contains(dunning.PlanStates, state) {
		state = ""
	}
	ps, err := s.Dunning.Plans(r.Context(), actorOf(r), dunning.PlanFilter{State: state})
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = dunningPlansView{dunningFmt: s.dunningFmt(p), Plans: ps, State: state, States: dunning.PlanStates}
	s.render(w, r, status, "dunning_plans", p)
}

// --- arrears ageing ---

type dunningArrearsView struct {
	dunningFmt
	List    *ListView
	Ageing  *dunning.Ageing
	Buckets [4]string
}

func (s *Server) dnArrears(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "dunning.arrears.title")
	p.Nav = "finance"
	a := actorOf(r)
	on := s.Dunning.Today()
	if v := strings.TrimSpace(r.URL.Query().Get("on")); v != "" {
		d, err := civil.Parse(v)
		if err != nil {
			s.fail(w, r, validation.Errors{"on": "field.date"}, p, onPage(func(status int) {
				p.Form = url.Values{"on": {v}}
				p.Data = dunningArrearsView{dunningFmt: s.dunningFmt(p), List: s.newListView(r, listing.Query{}, 0), Ageing: &dunning.Ageing{},
					Buckets: dunning.BucketNames}
				s.render(w, r, status, "dunning_arrears", p)
			}, nil))
			return
		}
		on = d
	}
	p.Form = url.Values{"on": {on.String()}}
	fm := s.dunningFmt(p)
	var ag *dunning.Ageing
	serveList(s, w, r, p, listSpec[dunning.AgeingRow]{
		Sorts: dunning.AgeingSorts,
		Desc:  true,
		Fetch: func(q listing.Query) (listing.Page[dunning.AgeingRow], error) {
			var err error
			if ag, err = s.Dunning.Arrears(r.Context(), a, on, q); err != nil {
				return listing.Page[dunning.AgeingRow]{}, err
			}
			return listing.Page[dunning.AgeingRow]{Items: ag.Rows, Total: ag.Total}, nil
		},
		CSV: func(items []dunning.AgeingRow) csvFile {
			rows := make([][]string, 0, len(items))
			for _, it := range items {
				row := []string{fm.Names(it.Tenants), it.Address, it.Reference, fm.Amount(it.TotalOpen), fm.Amount(it.Overdue),
					it.OldestDue.String(), fmt.Sprint(it.DaysOverdue)}
				for _, b := range it.Buckets {
					row = append(row, fm.Amount(b))
				}
				rows = append(rows, row)
			}
			header := []string{p.T("dunning.col.name"), p.T("dunning.col.address"), p.T("lease.field.reference"), p.T("dunning.col.total_open"),
				p.T("dunning.col.overdue"), p.T("dunning.col.oldest_due"), p.T("dunning.col.days")}
			for _, b := range dunning.BucketNames {
				header = append(header, p.T("dunning.col.bucket", "Days", b))
			}
			return csvFile{"achterstanden-" + on.String() + ".csv", header, rows}
		},
		Show: func(list *ListView, items []dunning.AgeingRow) error {
			p.Data = dunningArrearsView{dunningFmt: fm, List: list, Ageing: ag, Buckets: dunning.BucketNames}
			return nil
		},
		Template: "dunning_arrears",
	})
}

// --- settings ---

type dunningSettingsView struct {
	CanWrite bool
	MinTerm  int
}

func (s *Server) dnSettings(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "dunning.settings.title")
	p.Nav = "finance"
	a := actorOf(r)
	st, err := s.Dunning.Settings(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Form = url.Values{"reminder_days": {fmt.Sprint(st.ReminderDays)}, "notice_days": {fmt.Sprint(st.NoticeDays)},
		"final_days": {fmt.Sprint(st.FinalDays)}, "term_days": {fmt.Sprint(st.TermDays)}, "receipt_days": {fmt.Sprint(st.ReceiptDays)},
		"handover_days": {fmt.Sprint(st.HandoverDays)}, "plan_grace_days": {fmt.Sprint(st.PlanGraceDays)}}
	if st.CostsVAT {
		p.Form.Set("costs_vat", "1")
	}
	if st.CompanyCosts {
		p.Form.Set("company_costs", "1")
	}
	p.Data = dunningSettingsView{CanWrite: a.Can(account.PermFinanceWrite), MinTerm: dunning.MinTermDays}
	s.render(w, r, http.StatusOK, "dunning_settings", p)
}

func (s *Server) dnSettingsSave(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "dunning.settings.title")
	p.Nav = "finance"
	st := dunning.Settings{ReminderDays: f.Int("reminder_days"), NoticeDays: f.Int("notice_days"), FinalDays: f.Int("final_days"),
		TermDays: f.Int("term_days"), ReceiptDays: f.Int("receipt_days"), HandoverDays: f.Int("handover_days"),
		PlanGraceDays: f.Int("plan_grace_days"), CostsVAT: f.Bool("costs_vat"), CompanyCosts: f.Bool("company_costs")}
	for _, name := range []string{"reminder_days", "notice_days", "final_days", "term_days", "receipt_days", "handover_days",
		"plan_grace_days"} {
		f.Require(name)
	}
	err := f.Err()
	if err == nil {
		err = s.Dunning.SaveSettings(r.Context(), actorOf(r), st)
	}
	if err != nil {
		p.Data = dunningSettingsView{CanWrite: true, MinTerm: dunning.MinTermDays}
		s.fail(w, r, err, p, s.onForm(w, r, "dunning_settings", p))
		return
	}
	s.flash(r, "dunning.settings.saved")
	http.Redirect(w, r, s.dunningPath(r)+"/settings", http.StatusSeeOther)
}
