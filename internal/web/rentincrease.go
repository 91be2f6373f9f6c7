package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/rentincrease"
)

func (s *Server) riPath(r *http.Request) string {
	return "/o/" + actorOf(r).OrgSlug + "/rent-increases"
}

// riFmt formats values of the rent-increase pages.
type riFmt struct{ leaseFmt }

// Rate is a percentage in the page language.
func (f riFmt) Rate(r money.Rate) string { return money.FormatRate(r, f.Lang) }

// RatePtr is an optional percentage.
func (f riFmt) RatePtr(r *money.Rate) string {
	if r == nil {
		return "—"
	}
	return f.Rate(*r)
}

// --- the proposal list ---

type riListView struct {
	riFmt
	Date       civil.Date
	Dates      []civil.Date
	List       *ListView
	Items      []rentincrease.Proposal
	Status     rentincrease.Status
	Statuses   []rentincrease.Status
	Drafts     int
	Plan       rentincrease.ConfirmPlan // what confirming the date does
	Deadline   civil.Date
	Late       bool
	Methods    []lease.DeliveryMethod
	Today      civil.Date
	NoCaps     []string // the segments, in words, whose maximum for Date is not known
	CanWrite   bool
	CanApply   bool
	path       string
	query      url.Values
	noteText   func(n rentincrease.Note) string
	errorsByID map[int64]validation.Errors
}

// StatusURL filters the list by status, keeping the date and search.
func (v riListView) StatusURL(status string) string {
	q := url.Values{}
	for k, vs := range v.query {
		if k != "page" && k != "format" && k != "status" {
			q[k] = vs
		}
	}
	if status != "" {
		q.Set("status", status)
	}
	return v.path + "?" + q.Encode()
}

// DateURL shows another effective date.
func (v riListView) DateURL(d civil.Date) string { return v.path + "?date=" + d.String() }

// Note is a note's text in the page language.
func (v riListView) Note(n rentincrease.Note) string { return v.noteText(n) }

// Err is the error of a row's form field, or "".
func (v riListView) Err(id int64, field string) string {
	if msg, ok := v.errorsByID[id][field]; ok {
		return v.noteText(rentincrease.Note{Code: msg})
	}
	return ""
}

func (s *Server) riList(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "rentincrease.title")
	s.renderRIList(w, r, http.StatusOK, p, 0, nil)
}

// renderRIList shows the list of the date in the address (or the form's);
// rowID/rowErr put a row action's errors beside that row.
func (s *Server) renderRIList(w http.ResponseWriter, r *http.Request, status int, p *page, rowID int64, rowErr validation.Errors) {
	p.Nav = "rentincrease"
	a := actorOf(r)
	v := r.URL.Query()
	dates, err := s.RentIncreases.Dates(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	today := s.RentIncreases.Today()
	date, derr := civil.Parse(strings.TrimSpace(v.Get("date")))
	if d := r.PostForm.Get("effective_date"); d != "" {
		date, derr = civil.Parse(d)
	}
	if derr != nil || date.IsZero() {
		if len(dates) > 0 {
			date = dates[0]
		} else if date, _, err = s.RentIncreases.CapsKnown(r.Context(), a); err != nil {
			s.fail(w, r, err, p)
			return
		}
	}
	missing, err := s.RentIncreases.MissingCaps(r.Context(), a, date)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if p.Form == nil || p.Form.Get("effective_date") == "" {
		p.Form = url.Values{"effective_date": {date.String()}}
	}
	lang := p.Lang
	view := riListView{riFmt: riFmt{leaseFmt{lang}}, Date: date, Dates: dates, Statuses: rentincrease.Statuses,
		Deadline: rentincrease.LastDeliveryDay(date), Methods: lease.DeliveryMethods, Today: today,
		CanWrite: a.Can(account.PermFinanceWrite), CanApply: a.Can(account.PermFinanceWrite) && a.Can(account.PermPortfolioWrite),
		path: r.URL.Path, query: v, errorsByID: map[int64]validation.Errors{}}
	view.Late = today.After(view.Deadline)
	for _, seg := range missing {
		view.NoCaps = append(view.NoCaps, strings.ToLower(s.Texts.T(lang, "rentincrease.segment."+string(seg), nil)))
	}
	view.noteText = func(n rentincrease.Note) string {
		args := map[string]any{}
		for k, val := range n.Args {
			args[k] = val
			switch {
			case k == "segment":
				args[k] = strings.ToLower(s.Texts.T(lang, "rentincrease.segment."+val, nil))
			case len(val) == 10 && val[4] == '-' && val[7] == '-': // a date: in words
				if d, err := civil.Parse(val); err == nil {
					args[k] = d.Long(lang)
				}
			case strings.HasSuffix(k, "month"):
				if m, err := civil.ParseMonth(val); err == nil {
					args[k] = m.Long(lang)
				}
			}
		}
		return s.Texts.T(lang, n.Code, args)
	}
	if rowID != 0 {
		view.errorsByID[rowID] = rowErr
	}
	f := rentincrease.ListFilter{Date: date, Status: rentincrease.Status(v.Get("status"))}
	if !slices.Contains(rentincrease.Statuses, f.Status) {
		f.Status = ""
	}
	view.Status = f.Status
	serveList(s, w, r, p, listSpec[rentincrease.Proposal]{
		Sorts: []string{"reference", "address", "old", "new", "percent", "status"},
		Fetch: func(q listing.Query) (listing.Page[rentincrease.Proposal], error) {
			return s.RentIncreases.List(r.Context(), a, q, f)
		},
		CSV: func(items []rentincrease.Proposal) csvFile {
			rows := make([][]string, 0, len(items))
			for _, it := range items {
				var notes []string
				for _, n := range it.Notes {
					notes = append(notes, view.noteText(n))
				}
				rows = append(rows, []string{it.LeaseReference, it.Address, p.T("rentincrease.segment." + string(it.Segment)),
					view.Amount(it.OldCents), view.Amount(it.NewCents), view.Rate(it.Rate()), p.T("rentincrease.basis." + string(it.Basis)),
					p.T("rentincrease.status." + string(it.Status)), strings.Join(notes, " ")})
			}
			return csvFile{"huurverhoging-" + date.String() + ".csv", []string{p.T("rentincrease.field.lease"), p.T("rentincrease.field.address"),
				p.T("rentincrease.field.segment"), p.T("rentincrease.field.old"), p.T("rentincrease.field.new"), p.T("rentincrease.field.percent"),
				p.T("rentincrease.basis.cap"), p.T("rentincrease.field.status"), p.T("rentincrease.field.notes")}, rows}
		},
		Show: func(list *ListView, items []rentincrease.Proposal) error {
			if plan, err := s.RentIncreases.PlanConfirm(r.Context(), a, date); err == nil {
				view.Drafts, view.Plan = plan.Proposals, plan
			}
			view.List, view.Items = list, items
			p.Data = view
			return nil
		},
		Template: "rentincrease",
		Status:   status,
	})
}

// riDate reads a date the rent-increase forms require.
func riDate(f *form, field string) civil.Date {
	f.Require(field)
	return f.Date(field)
}

// riAgain shows the list again: field errors beside the date picker or,
// with rowID, beside that row; problems above the list.
func (s *Server) riAgain(w http.ResponseWriter, r *http.Request, p *page, rowID int64) again {
	return onPage(func(status int) {
		if _, problem := p.Errors["_"]; rowID != 0 && !problem {
			rowErr := p.Errors
			p.Errors = validation.Errors{"_row": "rentincrease.row_error"}
			s.renderRIList(w, r, status, p, rowID, rowErr)
			return
		}
		s.renderRIList(w, r, status, p, 0, nil)
	}, pageProblems)
}

func (s *Server) riBack(w http.ResponseWriter, r *http.Request, date civil.Date, flash string) {
	s.flash(r, flash)
	http.Redirect(w, r, s.riPath(r)+"?date="+date.String(), http.StatusSeeOther)
}

func (s *Server) riPropose(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("rentincrease")
	p := s.newPage(r, "rentincrease.title")
	date := riDate(f, "effective_date")
	err := f.Err()
	if err == nil {
		_, err = s.RentIncreases.Propose(r.Context(), actorOf(r), date)
	}
	if err != nil {
		s.fail(w, r, err, p, s.riAgain(w, r, p, 0))
		return
	}
	s.riBack(w, r, date, "rentincrease.proposed")
}

func (s *Server) riConfirm(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("rentincrease")
	p := s.newPage(r, "rentincrease.title")
	date := riDate(f, "effective_date")
	expect := rentincrease.ConfirmPlan{Proposals: int(f.Number("expect_proposals")), Increase: money.Cents(f.Number("expect_increase"))}
	err := f.Err()
	if err == nil {
		_, err = s.RentIncreases.Confirm(r.Context(), actorOf(r), date, expect)
	}
	if err != nil {
		s.fail(w, r, err, p, s.riAgain(w, r, p, 0))
		return
	}
	s.riBack(w, r, date, "rentincrease.confirmed")
}

// riProposal reads the proposal named in the path (404 for another
// organisation's) so a row action returns to its date.
func (s *Server) riProposal(w http.ResponseWriter, r *http.Request, p *page) (*rentincrease.Proposal, bool) {
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return nil, false
	}
	pr, err := s.RentIncreases.Get(r.Context(), actorOf(r), id)
	if err != nil {
		s.fail(w, r, err, p)
		return nil, false
	}
	// The list shows the proposal's date after the action.
	q := r.URL.Query()
	q.Set("date", pr.EffectiveDate.String())
	r.URL.RawQuery = q.Encode()
	r.URL.Path = s.riPath(r)
	return pr, true
}

func (s *Server) riAdjust(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("rentincrease")
	p := s.newPage(r, "rentincrease.title")
	pr, ok := s.riProposal(w, r, p)
	if !ok {
		return
	}
	var adj rentincrease.Adjustment
	switch f.String("action") {
	case "exclude", "include":
		excl := f.String("action") == "exclude"
		adj.Excluded = &excl
	default:
		c := f.Money("new_amount")
		if !f.Filled("new_amount") {
			f.Add("new_amount", "rentincrease.amount.invalid")
		}
		adj.NewCents = &c
	}
	err := f.Err()
	if err == nil {
		// The form's field is new_amount (euro), the service's new_amount_cents.
		err = formErrors(s.RentIncreases.Adjust(r.Context(), actorOf(r), pr.ID, adj), "", nil)
	}
	if err != nil {
		s.fail(w, r, err, p, s.riAgain(w, r, p, pr.ID))
		return
	}
	s.riBack(w, r, pr.EffectiveDate, "rentincrease.adjusted")
}

func (s *Server) riLetter(w http.ResponseWriter, r *http.Request) {
	id := pathID(r, "id")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	pdf, err := s.RentIncreases.Letter(r.Context(), actorOf(r), id)
	if err != nil {
		s.fail(w, r, err, s.newPage(r, "rentincrease.title"))
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="huurverhoging-%d.pdf"`, id))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(pdf)
}

func (s *Server) riDelivery(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("rentincrease")
	p := s.newPage(r, "rentincrease.title")
	pr, ok := s.riProposal(w, r, p)
	if !ok {
		return
	}
	on := riDate(f, "delivered_on")
	err := f.Err()
	if err == nil {
		err = s.RentIncreases.RecordDelivery(r.Context(), actorOf(r), pr.ID, rentincrease.Delivery{On: on,
			Method: lease.DeliveryMethod(f.String("method"))})
	}
	if err != nil {
		s.fail(w, r, err, p, s.riAgain(w, r, p, pr.ID))
		return
	}
	s.riBack(w, r, pr.EffectiveDate, "rentincrease.delivered")
}

func (s *Server) riApply(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "rentincrease.title")
	pr, ok := s.riProposal(w, r, p)
	if !ok {
		return
	}
	err := f.Err()
	if err == nil {
		err = s.RentIncreases.Apply(r.Context(), actorOf(r), pr.ID)
	}
	if err != nil {
		s.fail(w, r, err, p, s.riAgain(w, r, p, pr.ID))
		return
	}
	s.riBack(w, r, pr.EffectiveDate, "rentincrease.applied")
}

// --- settings: caps, CPI, letter ---

type riCPISeries struct {
	Name        string
	Months      int
	First, Last civil.Month
	LastValue   string
}

type riSettingsView struct {
	riFmt
	Caps     []rentincrease.CapRow
	Segments []portfolio.Segment
	Series   []riCPISeries
	CellErrs []rentincrease.CellError
	Imported *rentincrease.ImportResult
	// the caps file: its bad lines, or what it changed
	CapErrs      []rentincrease.CellError
	CapsImported *rentincrease.ImportResult
	CanWrite     bool
	Default      string
	errorText    func(ce rentincrease.CellError) string
}

// IsURL reports whether a cap's source is a web address (shown as a link).
func (v riSettingsView) IsURL(s string) bool { return strings.HasPrefix(s, "https://") }

// CellError is a bad CPI line in the page language.
func (v riSettingsView) CellError(ce rentincrease.CellError) string { return v.errorText(ce) }

func (s *Server) riSettings(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "rentincrease.settings")
	st, err := s.RentIncreases.Settings(r.Context(), actorOf(r))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Form = url.Values{"sender_name": {st.SenderName}, "objection_text": {st.ObjectionText}, "objection_text_free": {st.ObjectionTextFree},
		"year": {fmt.Sprint(s.RentIncreases.Today().Year + 1)}}
	s.renderRISettings(w, r, http.StatusOK, p, nil, nil)
}

func (s *Server) renderRISettings(w http.ResponseWriter, r *http.Request, status int, p *page, cellErrs []rentincrease.CellError,
	imported *rentincrease.ImportResult, more ...func(*riSettingsView)) {
	p.Nav = "rentincrease"
	a := actorOf(r)
	caps, err := s.RentIncreases.Caps(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	points, err := s.RentIncreases.CPI(r.Context(), a, "")
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	var series []riCPISeries
	for _, pt := range points {
		if len(series) == 0 || series[len(series)-1].Name != pt.Series {
			series = append(series, riCPISeries{Name: pt.Series, First: pt.Month})
		}
		cur := &series[len(series)-1]
		cur.Months++
		cur.Last, cur.LastValue = pt.Month, pt.Value
	}
	lang := p.Lang
	p.Data = riSettingsView{riFmt: riFmt{leaseFmt{lang}}, Caps: caps, Segments: rentincrease.CapSegments, Series: series, CellErrs: cellErrs,
		Imported: imported, CanWrite: a.Can(account.PermFinanceWrite), Default: rentincrease.DefaultObjectionText,
		errorText: func(ce rentincrease.CellError) string {
			col := ce.Column
			if col == "" {
				col = "—"
			}
			return s.Texts.T(lang, "rentincrease.cpi.line_error",
				map[string]any{"line": ce.Line, "column": col, "reason": s.Texts.T(lang, ce.Reason, nil)})
		}}
	for _, fn := range more {
		v := p.Data.(riSettingsView)
		fn(&v)
		p.Data = v
	}
	s.render(w, r, status, "rentincrease_settings", p)
}

// riSettingsAgain shows the settings page again with a form's errors.
func (s *Server) riSettingsAgain(w http.ResponseWriter, r *http.Request, p *page) again {
	return onPage(func(status int) { s.renderRISettings(w, r, status, p, nil, nil) }, nil)
}

func (s *Server) riSaveCap(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "rentincrease.settings")
	year := int(f.Number("year")) // not a year: the service names the field
	err := f.Err()
	if err == nil {
		err = s.RentIncreases.SetCapOverride(r.Context(), actorOf(r), portfolio.Segment(f.String("segment")), year, f.String("percent"),
			f.String("source"))
	}
	if err != nil {
		s.fail(w, r, err, p, s.riSettingsAgain(w, r, p))
		return
	}
	s.flash(r, "rentincrease.caps.saved")
	http.Redirect(w, r, s.riPath(r)+"/settings", http.StatusSeeOther)
}

// riImportCaps reads a caps file (segment;year;percent;source a line):
// the published maximums before HMS ships them.
func (s *Server) riImportCaps(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "rentincrease.settings")
	r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
	file, _, err := r.FormFile("caps_file")
	if err != nil {
		s.fail(w, r, validation.Errors{"caps_file": "rentincrease.cpi.no_file"}, p, s.riSettingsAgain(w, r, p))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.fail(w, r, validation.Errors{"caps_file": "rentincrease.cpi.file_too_large"}, p, s.riSettingsAgain(w, r, p))
		return
	}
	res, cellErrs, err := s.RentIncreases.ImportCaps(r.Context(), actorOf(r), strings.NewReader(string(data)))
	if len(cellErrs) > 0 {
		p.Errors = validation.Errors{"caps_file": "rentincrease.cpi.file_invalid"}
		s.renderRISettings(w, r, http.StatusUnprocessableEntity, p, nil, nil, func(v *riSettingsView) { v.CapErrs = cellErrs })
		return
	}
	if err != nil {
		s.fail(w, r, err, p, s.riSettingsAgain(w, r, p))
		return
	}
	s.renderRISettings(w, r, http.StatusOK, p, nil, nil, func(v *riSettingsView) { v.CapsImported = &res })
}

func (s *Server) riImportCPI(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "rentincrease.settings")
	r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
	file, _, err := r.FormFile("file")
	if err != nil {
		s.fail(w, r, validation.Errors{"file": "rentincrease.cpi.no_file"}, p, s.riSettingsAgain(w, r, p))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.fail(w, r, validation.Errors{"file": "rentincrease.cpi.file_too_large"}, p, s.riSettingsAgain(w, r, p))
		return
	}
	res, cellErrs, err := s.RentIncreases.ImportCPI(r.Context(), actorOf(r), strings.NewReader(string(data)))
	if len(cellErrs) > 0 {
		p.Errors = validation.Errors{"file": "rentincrease.cpi.file_invalid"}
		s.renderRISettings(w, r, http.StatusUnprocessableEntity, p, cellErrs, nil)
		return
	}
	if err != nil {
		s.fail(w, r, err, p, s.riSettingsAgain(w, r, p))
		return
	}
	s.renderRISettings(w, r, http.StatusOK, p, nil, &res)
}

func (s *Server) riSaveLetter(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "rentincrease.settings")
	err := f.Err()
	if err == nil {
		err = s.RentIncreases.UpdateSettings(r.Context(), actorOf(r), rentincrease.Settings{SenderName: f.String("sender_name"),
			ObjectionText: f.String("objection_text"), ObjectionTextFree: f.String("objection_text_free")})
	}
	if err != nil {
		s.fail(w, r, err, p, s.riSettingsAgain(w, r, p))
		return
	}
	s.flash(r, "rentincrease.letter.saved")
	http.Redirect(w, r, s.riPath(r)+"/settings", http.StatusSeeOther)
}

// --- a lease's clause ---

type riClauseView struct {
	LeaseID   int64
	Reference string
	Recorded  bool
	Methods   []rentincrease.Method
	CanWrite  bool
	Back      string
}

func (s *Server) riClause(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "rentincrease.clause.title")
	id := pathID(r, "lease")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	c, err := s.RentIncreases.Clause(r.Context(), actorOf(r), id)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Form = url.Values{"method": {string(rentincrease.MethodCPI)}, "lag_months": {fmt.Sprint(rentincrease.DefaultLagMonths)}}
	if c != nil {
		p.Form = url.Values{"method": {string(c.Method)}, "series": {c.Series}, "lag_months": {fmt.Sprint(c.LagMonths)},
			"first_date": {dateText(c.FirstDate)}}
		if c.Percent != 0 {
			p.Form.Set("percent", strings.TrimSuffix(money.FormatRate(c.Percent, p.Lang), "%"))
		}
		if c.Cap != nil {
			p.Form.Set("cap", strings.TrimSuffix(money.FormatRate(*c.Cap, p.Lang), "%"))
		}
		if c.BaseYear != 0 {
			p.Form.Set("base_year", fmt.Sprint(c.BaseYear))
		}
		if c.FloorZero {
			p.Form.Set("floor_zero", "on")
		}
	}
	s.renderRIClause(w, r, http.StatusOK, p, id, c != nil)
}

func dateText(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func (s *Server) renderRIClause(w http.ResponseWriter, r *http.Request, status int, p *page, id int64, recorded bool) {
	p.Nav = "rentincrease"
	a := actorOf(r)
	ref := ""
	if a.Can(account.PermPortfolioRead) {
		if l, err := s.Leases.Get(r.Context(), a, id); err == nil {
			ref = l.Reference
		}
	}
	back := s.riPath(r)
	if d := r.URL.Query().Get("date"); d != "" {
		back += "?date=" + url.QueryEscape(d)
	}
	p.Data = riClauseView{LeaseID: id, Reference: ref, Recorded: recorded, Methods: rentincrease.Methods,
		CanWrite: a.Can(account.PermFinanceWrite), Back: back}
	s.render(w, r, status, "rentincrease_clause", p)
}

func (s *Server) riSaveClause(w http.ResponseWriter, r *http.Request) {
	f := readForm(r).Messages("rentincrease")
	p := s.newPage(r, "rentincrease.clause.title")
	id := pathID(r, "lease")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	in := rentincrease.ClauseInput{Method: rentincrease.Method(f.String("method")), Percent: f.String("percent"), Series: f.String("series"),
		FloorZero: f.Bool("floor_zero"), Cap: f.String("cap")}
	if f.Filled("lag_months") {
		n, err := strconv.Atoi(strings.TrimSpace(f.String("lag_months")))
		if err != nil {
			f.Add("lag_months", "rentincrease.clause.lag_invalid")
		}
		in.LagMonths = &n
	}
	in.BaseYear = f.Int("base_year")
	in.FirstDate = f.Date("first_date")
	err := f.Err()
	if err == nil {
		err = s.RentIncreases.SetClause(r.Context(), actorOf(r), id, in)
	} else if _, cerr := s.RentIncreases.Clause(r.Context(), actorOf(r), id); cerr != nil {
		err = cerr // another organisation's lease is not found, whatever was typed
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderRIClause(w, r, status, p, id, false) }, nil))
		return
	}
	s.flash(r, "rentincrease.clause.saved")
	http.Redirect(w, r, fmt.Sprintf("/o/%s/rent-increase-clauses/%d", actorOf(r).OrgSlug, id), http.StatusSeeOther)
}
