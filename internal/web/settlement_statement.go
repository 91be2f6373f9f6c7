package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/settlement"
)

// Settlement statements: review and send a final run's statements (a job
// with progress), open a tenant's PDF, apply the new advance; the deadline
// list.
func init() {
	areas = append(areas, func(s *Server) {
		read, write := org(account.PermFinanceRead), org(account.PermFinanceWrite)
		s.handle("GET", "/o/{org}/settlement/runs/{id}/statements", read, s.stStatements)
		s.handle("POST", "/o/{org}/settlement/runs/{id}/send", write, s.stSend)
		s.handle("GET", "/o/{org}/settlement/runs/{id}/statements/{occ}/pdf", read, s.stStatementPDF)
		// Setting the advance changes the lease: portfolio write (the service checks finance write too).
		s.handle("POST", "/o/{org}/settlement/runs/{id}/statements/{occ}/advance", org(account.PermPortfolioWrite), s.stApplyAdvance)
		s.handle("GET", "/o/{org}/settlement/deadlines", read, s.stDeadlines)
		s.handle("GET", "/o/{org}/settlement/levies", read, s.stLevies)
		s.handle("GET", "/o/{org}/settlement/levies/new", write, s.stLevyNew)
		s.handle("POST", "/o/{org}/settlement/levies", write, s.stLevyCreate)
		s.handle("POST", "/o/{org}/settlement/levies/{id}/book", write, s.stLevyBook)
		s.handle("POST", "/o/{org}/settlement/levies/{id}/delete", write, s.stLevyDelete)
		s.handle("GET", "/o/{org}/settlement/settings", read, s.stSettings)
		s.handle("POST", "/o/{org}/settlement/settings", write, s.stSettingsSave)
		s.handle("POST", "/o/{org}/settlement/vat", write, s.stVATSave)
	})
}

type stStatementsView struct {
	leaseFmt
	Review   *settlement.RunStatements
	Job      *jobs.Status
	JobID    int64
	CanWrite bool
}

func (s *Server) stStatements(w http.ResponseWriter, r *http.Request) {
	s.renderStatements(w, r, http.StatusOK, s.newPage(r, "settlement_statement.title"))
}

func (s *Server) renderStatements(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "settlement"
	a := actorOf(r)
	rev, err := s.Statements.Review(r.Context(), a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	v := stStatementsView{leaseFmt: leaseFmt{p.Lang}, Review: rev, CanWrite: a.Can(account.PermFinanceWrite)}
	if id, _ := strconv.ParseInt(r.URL.Query().Get("job"), 10, 64); id > 0 {
		err := s.DB.ReadOrg(r.Context(), a.OrgID, func(tx *db.Tx) error {
			st, err := s.Jobs.Status(r.Context(), tx, id)
			if err == nil && st.Kind == settlement.JobSend {
				v.Job, v.JobID = &st, id
			}
			return err
		})
		if err != nil && !errors.Is(err, jobs.ErrNotFound) {
			s.fail(w, r, err, "", p)
			return
		}
	}
	p.Data = v
	s.render(w, r, status, "settlement_statements", p)
}

func (s *Server) stSend(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement_statement.title")
	id := pathID(r, "id")
	_ = r.ParseForm()
	var expect settlement.SendPlan
	expect.Statements, _ = strconv.Atoi(r.PostForm.Get("expect_statements"))
	pay, _ := strconv.ParseInt(r.PostForm.Get("expect_to_pay"), 10, 64)
	refund, _ := strconv.ParseInt(r.PostForm.Get("expect_to_refund"), 10, 64)
	expect.ToPay, expect.ToRefund = money.Cents(pay), money.Cents(refund)
	job, err := s.Statements.StartSend(r.Context(), actorOf(r), id, expect)
	if pr, ok := validation.AsProblem(err); ok && pr.Status == http.StatusConflict {
		p.Errors = validation.Errors{"_": pr.Code}
		s.renderStatements(w, r, pr.Status, p)
		return
	}
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	s.flash(r, "settlement_statement.send_started")
	http.Redirect(w, r, fmt.Sprintf("%s/runs/%d/statements?job=%d", s.stPath(r), id, job), http.StatusSeeOther)
}

func (s *Server) stStatementPDF(w http.ResponseWriter, r *http.Request) {
	pdf, name, err := s.Statements.StatementPDF(r.Context(), actorOf(r), pathID(r, "id"), pathID(r, "occ"))
	if err != nil {
		s.fail(w, r, err, "", s.newPage(r, "settlement_statement.title"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", name))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(pdf)
}

func (s *Server) stApplyAdvance(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement_statement.title")
	id := pathID(r, "id")
	_, err := s.Statements.ApplyAdvance(r.Context(), actorOf(r), id, pathID(r, "occ"))
	if pr, ok := validation.AsProblem(err); ok && pr.Status == http.StatusConflict {
		p.Errors = validation.Errors{"_": pr.Code}
		s.renderStatements(w, r, pr.Status, p)
		return
	}
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	s.flash(r, "settlement_statement.advance_applied")
	http.Redirect(w, r, fmt.Sprintf("%s/runs/%d/statements", s.stPath(r), id), http.StatusSeeOther)
}

type stDeadlinesView struct {
	leaseFmt
	Year int
	Rows []settlement.DeadlineRow
}

func (s *Server) stDeadlines(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement_statement.deadlines.title")
	p.Nav = "settlement"
	year := s.Settlement.Today().Year - 1
	if v := r.URL.Query().Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			p.Errors = validation.Errors{"year": "settlement.bad_year"}
		} else {
			year = y
		}
	}
	rows, err := s.Statements.Deadlines(r.Context(), actorOf(r), year)
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	p.Data = stDeadlinesView{leaseFmt: leaseFmt{p.Lang}, Year: year, Rows: rows}
	s.render(w, r, http.StatusOK, "settlement_deadlines", p)
}

// --- levies ---

// levySorts are the levy list's sort columns (the first is the default).
var levySorts = []string{"period_start", "name", "complex", "amount"}

type stLeviesView struct {
	leaseFmt
	List     *ListView
	Items    []settlement.Levy
	CanWrite bool
}

// stLevies lists levies: searched by name or complex, sorted, paged, or
// the whole searched list as CSV. An organisation has a few levies a year,
// so the list is filtered in memory.
func (s *Server) stLevies(w http.ResponseWriter, r *http.Request) {
	s.renderLevies(w, r, http.StatusOK, s.newPage(r, "settlement_statement.levies.title"))
}

func (s *Server) renderLevies(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "settlement"
	a := actorOf(r)
	q := listing.FromValues(r.URL.Query()).Normalize(levySorts...)
	all, err := s.Statements.Levies(r.Context(), a, settlement.LevyFilter{})
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	if term := strings.ToLower(strings.TrimSpace(q.Search)); term != "" {
		all = slices.DeleteFunc(all, func(l settlement.Levy) bool {
			return !strings.Contains(strings.ToLower(l.Name), term) && !strings.Contains(strings.ToLower(l.ComplexName), term)
		})
	}
	slices.SortStableFunc(all, func(x, y settlement.Levy) int {
		var c int
		switch q.Sort {
		case "name":
			c = strings.Compare(strings.ToLower(x.Name), strings.ToLower(y.Name))
		case "complex":
			c = strings.Compare(strings.ToLower(x.ComplexName), strings.ToLower(y.ComplexName))
		case "amount":
			c = cmp.Compare(x.Amount, y.Amount)
		default:
			c = x.PeriodStart.Compare(y.PeriodStart)
		}
		if c == 0 {
			c = cmp.Compare(x.ID, y.ID)
		}
		if q.Desc {
			c = -c
		}
		return c
	})
	if wantsCSV(r) {
		rows := make([][]string, 0, len(all))
		for _, l := range all {
			rows = append(rows, []string{l.Name, l.ComplexName, l.PeriodStart.String(), l.PeriodEnd.String(), l.Amount.String(), l.Basis,
				strconv.FormatBool(l.OnStatement), l.Landlord.String(), strconv.Itoa(l.Booked)})
		}
		writeCSV(w, "heffingen.csv", []string{"name", "complex", "period_start", "period_end", "amount", "basis", "on_statement", "landlord", "booked"}, rows)
		return
	}
	total := len(all)
	from := min(q.Offset, total)
	to := min(from+q.Limit, total)
	p.Data = stLeviesView{leaseFmt: leaseFmt{p.Lang}, List: s.newListView(r, q, total), Items: all[from:to], CanWrite: a.Can(account.PermFinanceWrite)}
	s.render(w, r, status, "settlement_levies", p)
}

type stLevyFormView struct {
	leaseFmt
	Complexes []settlement.Choice
}

func (s *Server) renderLevyForm(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "settlement"
	complexes, _, err := s.Settlement.Choices(r.Context(), actorOf(r))
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	p.Data = stLevyFormView{leaseFmt: leaseFmt{p.Lang}, Complexes: complexes}
	s.render(w, r, status, "settlement_levy", p)
}

func (s *Server) stLevyNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement_statement.levy.new")
	p.Form = r.URL.Query() // a complex chosen on the list
	if p.Form.Get("basis") == "" {
		p.Form.Set("basis", settlement.LevyEqual)
	}
	s.renderLevyForm(w, r, http.StatusOK, p)
}

func (s *Server) stLevyCreate(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement_statement.levy.new")
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	p.Form = r.PostForm
	f := r.PostForm
	in := settlement.LevyInput{Name: f.Get("name"), PeriodStart: f.Get("period_start"), PeriodEnd: f.Get("period_end"), Amount: f.Get("amount"),
		Basis: f.Get("basis"), OnStatement: f.Get("on_statement") != ""}
	if v := f.Get("complex_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			p.Errors = validation.Errors{"complex_id": "field.invalid"}
			s.renderLevyForm(w, r, http.StatusUnprocessableEntity, p)
			return
		}
		in.ComplexID = id
	}
	if _, err := s.Statements.CreateLevy(r.Context(), actorOf(r), in); err != nil {
		if fe, ok := validation.AsFields(err); ok {
			p.Errors = fe
			s.renderLevyForm(w, r, http.StatusUnprocessableEntity, p)
			return
		}
		s.fail(w, r, err, "", p)
		return
	}
	s.flash(r, "settlement_statement.levy.saved")
	http.Redirect(w, r, s.stPath(r)+"/levies", http.StatusSeeOther)
}

func (s *Server) stLevyBook(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement_statement.levies.title")
	n, err := s.Statements.BookLevy(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	msg := "settlement_statement.levy.booked_now"
	if n == 0 {
		msg = "settlement_statement.levy.booked_before"
	}
	s.flash(r, msg)
	http.Redirect(w, r, s.stPath(r)+"/levies", http.StatusSeeOther)
}

func (s *Server) stLevyDelete(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement_statement.levies.title")
	err := s.Statements.DeleteLevy(r.Context(), actorOf(r), pathID(r, "id"))
	if pr, ok := validation.AsProblem(err); ok && pr.Status == http.StatusConflict {
		p.Errors = validation.Errors{"_": pr.Code}
		s.renderLevies(w, r, pr.Status, p)
		return
	}
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	s.flash(r, "settlement_statement.levy.deleted")
	http.Redirect(w, r, s.stPath(r)+"/levies", http.StatusSeeOther)
}

// --- statement settings and VAT classes ---

type stSettingsView struct {
	leaseFmt
	Settings  settlement.StatementSettings
	Complexes []settlement.Choice
	ComplexID int64
	Year      int
	VAT       []settlement.VATClass
	VATForm   url.Values // the VAT form as posted, when it came back with errors
	CanWrite  bool
}

// Categories offered for a VAT class: the common ones (any other may be
// typed in).
var vatCategories = []string{"energie", "water", "schoonmaak", "lift", "tuinonderhoud", "glasbewassing", "beveiliging", "afval"}

// VATCategories are the categories the form suggests.
func (stSettingsView) VATCategories() []string { return vatCategories }

// Rate shows a VAT rate without the percent sign (the form's value).
func (stSettingsView) Rate(v settlement.VATClass) string {
	return strings.TrimSuffix(v.Rate.String(), "%")
}

func (s *Server) stSettings(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement_statement.settings.title")
	s.renderSettings(w, r, http.StatusOK, p, 0, 0)
}

// renderSettings shows the statement settings and the VAT classes of a
// complex and year (from the query, or complexID and year after a save).
func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, p *page, complexID int64, year int) {
	p.Nav = "settlement"
	a := actorOf(r)
	ss, err := s.Statements.Settings(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	complexes, _, err := s.Settlement.Choices(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	v := stSettingsView{leaseFmt: leaseFmt{p.Lang}, Settings: ss, Complexes: complexes, ComplexID: complexID, Year: year, CanWrite: a.Can(account.PermFinanceWrite)}
	if v.ComplexID == 0 {
		v.ComplexID, _ = strconv.ParseInt(r.URL.Query().Get("complex"), 10, 64)
	}
	if v.Year == 0 {
		v.Year, _ = strconv.Atoi(r.URL.Query().Get("year"))
	}
	if v.Year < 2000 || v.Year > 2100 {
		v.Year = s.Settlement.Today().Year - 1
	}
	if v.ComplexID == 0 && len(complexes) > 0 {
		v.ComplexID = complexes[0].ID
	}
	if v.ComplexID > 0 {
		if v.VAT, err = s.Statements.VATClasses(r.Context(), a, v.ComplexID, v.Year); err != nil {
			s.fail(w, r, err, "", p)
			return
		}
	}
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/vat") {
		v.VATForm = r.PostForm
	}
	if p.Form == nil || p.Form.Get("form") != "settings" {
		// The settings form shows what is saved, unless it comes back with errors.
		p.Form = map[string][]string{"due_days": {strconv.Itoa(ss.DueDays)}, "refund": {ss.Refund}, "inspection_text": {ss.InspectionText},
			"objection_text": {ss.ObjectionText}, "advances_basis": {ss.AdvancesBasis}}
	}
	p.Data = v
	s.render(w, r, status, "settlement_settings", p)
}

func (s *Server) stSettingsSave(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement_statement.settings.title")
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	f := r.PostForm
	p.Form = f
	in := settlement.StatementSettings{Refund: f.Get("refund"), InspectionText: f.Get("inspection_text"),
		ObjectionText: f.Get("objection_text"), AdvancesBasis: f.Get("advances_basis")}
	days, err := strconv.Atoi(strings.TrimSpace(f.Get("due_days")))
	if err != nil {
		days = 0 // refused below, beside the field
	}
	in.DueDays = days
	if err := s.Statements.SaveSettings(r.Context(), actorOf(r), in); err != nil {
		if fe, ok := validation.AsFields(err); ok {
			p.Errors = fe
			s.renderSettings(w, r, http.StatusUnprocessableEntity, p, 0, 0)
			return
		}
		s.fail(w, r, err, "", p)
		return
	}
	s.flash(r, "settlement.saved")
	http.Redirect(w, r, s.stPath(r)+"/settings", http.StatusSeeOther)
}

func (s *Server) stVATSave(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "settlement_statement.settings.title")
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	f := r.PostForm
	cx, _ := strconv.ParseInt(f.Get("complex"), 10, 64)
	year, _ := strconv.Atoi(f.Get("year"))
	err := s.Statements.SetVATClass(r.Context(), actorOf(r), cx, year, settlement.VATClassInput{Category: f.Get("category"), Class: f.Get("class"),
		Rate: f.Get("rate")})
	if fe, ok := validation.AsFields(err); ok {
		p.Errors = validation.Errors{}
		for k, v := range fe {
			p.Errors["vat_"+k] = v // the VAT form's fields, apart from the settings form's
		}
		p.Form = nil
		s.renderSettings(w, r, http.StatusUnprocessableEntity, p, cx, year)
		return
	}
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	s.flash(r, "settlement.saved")
	http.Redirect(w, r, fmt.Sprintf("%s/settings?complex=%d&year=%d#vat", s.stPath(r), cx, year), http.StatusSeeOther)
}

// Bases are the levy bases in form order.
func (stLevyFormView) Bases() []string { return []string{settlement.LevyEqual, settlement.LevyArea} }

// Refunds are the refund ways in form order.
func (stSettingsView) Refunds() []string {
	return []string{settlement.RefundSetOff, settlement.RefundPayBack}
}

// AdvancesBases are what a statement can settle against, in form order.
func (stSettingsView) AdvancesBases() []string {
	return []string{settlement.AdvancesCharged, settlement.AdvancesReceived}
}

// Classes are the VAT classes in form order.
func (stSettingsView) Classes() []string {
	return []string{settlement.VATAncillary, settlement.VATIndependent}
}
