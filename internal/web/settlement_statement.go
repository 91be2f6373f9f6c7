package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/platform/jobs"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/settlement"
)

// Settlement statements: review and send a final run's statements (a job
// with progress), open a tenant's PDF, apply the new advance; the deadline
// list.

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
	// The page follows the send job it started (?job=); not a number is none.
	jobID, _ := strconv.ParseInt(r.URL.Query().Get("job"), 10, 64)
	rev, err := s.Statements.ReviewSending(r.Context(), a, pathID(r, "id"), jobID)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := stStatementsView{leaseFmt: leaseFmt{p.Lang}, Review: rev, CanWrite: a.Can(account.PermFinanceWrite)}
	p.OrgMissing = s.orgDetailsMissing(r)
	if rev.SendJob != nil {
		v.Job, v.JobID = rev.SendJob, rev.SendJob.ID
	}
	p.Data = v
	s.render(w, r, status, "settlement_statements", p)
}

// statementsAgain shows a run's statements again with a conflict above them.
func (s *Server) statementsAgain(w http.ResponseWriter, r *http.Request, p *page) again {
	return onPage(func(status int) { s.renderStatements(w, r, status, p) }, conflicts)
}

func (s *Server) stSend(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "settlement_statement.title")
	id := pathID(r, "id")
	expect := settlement.SendPlan{Statements: int(f.Number("expect_statements")), ToPay: money.Cents(f.Number("expect_to_pay")),
		ToRefund: money.Cents(f.Number("expect_to_refund"))}
	err := f.Err()
	var job int64
	if err == nil {
		job, err = s.Statements.StartSend(r.Context(), actorOf(r), id, expect)
	}
	if err != nil {
		s.fail(w, r, err, p, s.statementsAgain(w, r, p))
		return
	}
	s.flash(r, "settlement_statement.send_started")
	http.Redirect(w, r, fmt.Sprintf("%s/runs/%d/statements?job=%d", s.stPath(r), id, job), http.StatusSeeOther)
}

func (s *Server) stStatementPDF(w http.ResponseWriter, r *http.Request) {
	pdf, name, err := s.Statements.StatementPDF(r.Context(), actorOf(r), pathID(r, "id"), pathID(r, "occ"))
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "settlement_statement.title"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", name))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(pdf)
}

func (s *Server) stApplyAdvance(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "settlement_statement.title")
	id := pathID(r, "id")
	err := f.Err()
	if err == nil {
		_, err = s.Statements.ApplyAdvance(r.Context(), actorOf(r), id, pathID(r, "occ"))
	}
	if err != nil {
		s.fail(w, r, err, p, s.statementsAgain(w, r, p))
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
		s.fail(w, r, err, p)
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
	serveList(s, w, r, p, listSpec[settlement.Levy]{
		Sorts: levySorts,
		Fetch: func(q listing.Query) (listing.Page[settlement.Levy], error) { return s.levyPage(r, a, q) },
		CSV: func(items []settlement.Levy) csvFile {
			rows := make([][]string, 0, len(items))
			for _, l := range items {
				rows = append(rows, []string{l.Name, l.ComplexName, l.PeriodStart.String(), l.PeriodEnd.String(), l.Amount.String(), l.Basis,
					strconv.FormatBool(l.OnStatement), l.Landlord.String(), strconv.Itoa(l.Booked)})
			}
			return csvFile{"heffingen.csv", []string{"name", "complex", "period_start", "period_end", "amount", "basis", "on_statement",
				"landlord", "booked"}, rows}
		},
		Show: func(list *ListView, items []settlement.Levy) error {
			p.Data = stLeviesView{leaseFmt: leaseFmt{p.Lang}, List: list, Items: items, CanWrite: a.Can(account.PermFinanceWrite)}
			return nil
		},
		Template: "settlement_levies",
		Status:   status,
	})
}

// levyPage searches, sorts and pages the organisation's levies in memory
// (every one of them for the CSV export).
func (s *Server) levyPage(r *http.Request, a account.Actor, q listing.Query) (listing.Page[settlement.Levy], error) {
	q = q.Normalize(levySorts...)
	all, err := s.Statements.Levies(r.Context(), a, settlement.LevyFilter{})
	if err != nil {
		return listing.Page[settlement.Levy]{}, err
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
	total := len(all)
	if q.All {
		return listing.Page[settlement.Levy]{Items: all, Total: total}, nil
	}
	from := min(q.Offset, total)
	to := min(from+q.Limit, total)
	return listing.Page[settlement.Levy]{Items: all[from:to], Total: total}, nil
}

type stLevyFormView struct {
	leaseFmt
	Complexes []settlement.Choice
}

func (s *Server) renderLevyForm(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "settlement"
	complexes, _, err := s.Settlement.Choices(r.Context(), actorOf(r))
	if err != nil {
		s.fail(w, r, err, p)
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
	f := readForm(r)
	p := s.newPage(r, "settlement_statement.levy.new")
	in := settlement.LevyInput{Name: f.String("name"), PeriodStart: f.String("period_start"), PeriodEnd: f.String("period_end"),
		Amount: f.String("amount"), Basis: f.String("basis"), OnStatement: f.Bool("on_statement")}
	if v := f.String("complex_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			f.Add("complex_id", "field.invalid")
		}
		in.ComplexID = id
	}
	err := f.Err()
	if err == nil {
		_, err = s.Statements.CreateLevy(r.Context(), actorOf(r), in)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderLevyForm(w, r, status, p) }, nil))
		return
	}
	s.flash(r, "settlement_statement.levy.saved")
	http.Redirect(w, r, s.stPath(r)+"/levies", http.StatusSeeOther)
}

func (s *Server) stLevyBook(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "settlement_statement.levies.title")
	err := f.Err()
	var n int
	if err == nil {
		n, err = s.Statements.BookLevy(r.Context(), actorOf(r), pathID(r, "id"))
	}
	if err != nil {
		s.fail(w, r, err, p)
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
	f := readForm(r)
	p := s.newPage(r, "settlement_statement.levies.title")
	err := f.Err()
	if err == nil {
		err = s.Statements.DeleteLevy(r.Context(), actorOf(r), pathID(r, "id"))
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderLevies(w, r, status, p) }, conflicts))
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
		s.fail(w, r, err, p)
		return
	}
	complexes, _, err := s.Settlement.Choices(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := stSettingsView{leaseFmt: leaseFmt{p.Lang}, Settings: ss, Complexes: complexes, ComplexID: complexID, Year: year,
		CanWrite: a.Can(account.PermFinanceWrite)}
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
			s.fail(w, r, err, p)
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
	f := readForm(r)
	p := s.newPage(r, "settlement_statement.settings.title")
	in := settlement.StatementSettings{Refund: f.String("refund"), InspectionText: f.String("inspection_text"),
		ObjectionText: f.String("objection_text"), AdvancesBasis: f.String("advances_basis")}
	in.DueDays = int(f.Number("due_days")) // not a number: refused by the service, beside the field
	err := f.Err()
	if err == nil {
		err = s.Statements.SaveSettings(r.Context(), actorOf(r), in)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderSettings(w, r, status, p, 0, 0) }, nil))
		return
	}
	s.flash(r, "settlement.saved")
	http.Redirect(w, r, s.stPath(r)+"/settings", http.StatusSeeOther)
}

func (s *Server) stVATSave(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "settlement_statement.settings.title")
	cx, year := f.Number("complex"), int(f.Number("year"))
	err := f.Err()
	if err == nil {
		err = s.Statements.SetVATClass(r.Context(), actorOf(r), cx, year, settlement.VATClassInput{Category: f.String("category"),
			Class: f.String("class"), Rate: f.String("rate")})
	}
	if fe, ok := validation.AsFields(err); ok {
		renamed := validation.Errors{}
		for k, v := range fe {
			renamed["vat_"+k] = v // the VAT form's fields, apart from the settings form's
		}
		err = renamed
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) {
			p.Form = nil
			s.renderSettings(w, r, status, p, cx, year)
		}, nil))
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
