package web

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/reconcile"
)

// Bank statements: the upload (a job with progress), the lines with what
// became of each and why, and the review queue where a person matches or
// puts aside what the rules could not book.

type statementsView struct {
	financeFmt
	List     *ListView
	Items    []reconcile.Line
	States   []reconcile.State
	State    reconcile.State
	CanWrite bool
	Uploads  []uploadItem
}

// uploadItem is an uploaded file in a page's list of recent uploads.
type uploadItem struct {
	Href, FileName, State string
	At                    time.Time
}

// recentUploadsShown is how many recent uploads a page lists.
const recentUploadsShown = 5

func (s *Server) statementsPath(r *http.Request) string { return s.financePath(r) + "/statements" }

func (s *Server) statements(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "bank.statements.title")
	p.Nav = "finance"
	s.serveStatements(w, r, p, http.StatusOK)
}

func (s *Server) serveStatements(w http.ResponseWriter, r *http.Request, p *page, status int) {
	a := actorOf(r)
	fm := s.financeFmt(p)
	state := reconcile.State(r.URL.Query().Get("state"))
	if r.URL.Query().Get("state") == "" {
		state = reconcile.Review
	}
	if state == "all" {
		state = ""
	}
	serveList(s, w, r, p, listSpec[reconcile.Line]{
		Sorts: reconcile.LineSorts, Desc: true, Status: status,
		Fetch: func(q listing.Query) (listing.Page[reconcile.Line], error) {
			return s.Reconcile.Lines(r.Context(), a, reconcile.LineFilter{State: state}, q)
		},
		CSV: func(items []reconcile.Line) csvFile {
			rows := make([][]string, 0, len(items))
			for _, l := range items {
				rows = append(rows, []string{l.BookingDate.String(), fm.Amount(l.Amount), l.Details.Name, l.Details.IBAN, l.Details.Remittance,
					p.T("bank.state." + string(l.State)), ruleText(p, l.Rule), l.LeaseRef})
			}
			return csvFile{"bankregels.csv", []string{p.T("bank.line.date"), p.T("bank.line.amount"), p.T("bank.line.counterparty"), "IBAN",
				p.T("bank.line.description"), p.T("bank.line.state"), p.T("bank.line.rule"), p.T("lease.field.reference")}, rows}
		},
		Show: func(list *ListView, items []reconcile.Line) error {
			ups, err := s.Reconcile.RecentUploads(r.Context(), a, recentUploadsShown)
			if err != nil {
				return err
			}
			v := statementsView{financeFmt: fm, List: list, Items: items, States: reconcile.States, State: state,
				CanWrite: a.Can(account.PermFinanceWrite)}
			for _, u := range ups {
				v.Uploads = append(v.Uploads, uploadItem{Href: s.statementsPath(r) + "/uploads/" + strconv.FormatInt(u.ID, 10),
					FileName: u.FileName, State: p.T("bank.upload.state." + u.State), At: u.CreatedAt})
			}
			p.Data = v
			return nil
		},
		Template: "bank_statements",
	})
}

func ruleText(p *page, r reconcile.Rule) string {
	if r == "" {
		return ""
	}
	return p.T("bank.rule." + string(r))
}

func (s *Server) statementsUpload(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "bank.statements.title")
	p.Nav = "finance"
	again := again{render: func(status int) { s.serveStatements(w, r, p, status) }, problems: belowServerError}
	r.Body = http.MaxBytesReader(w, r.Body, reconcile.MaxFileBytes+1<<20)
	file, header, err := r.FormFile("file")
	if err != nil {
		s.fail(w, r, validation.Errors{"file": "bank.upload.no_file"}, p, again)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.fail(w, r, validation.Errors{"file": "bankfile.error.too_large"}, p, again)
		return
	}
	r = withGuardReasons(r)
	id, err := s.Reconcile.Submit(r.Context(), actorOf(r), header.Filename, data, r.FormValue("add_account") == "1")
	if err != nil {
		s.fail(w, r, err, p, again)
		return
	}
	http.Redirect(w, r, s.statementsPath(r)+"/uploads/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

type uploadView struct {
	Upload   *reconcile.Upload
	Refused  string
	Warnings []string
}

// statementsUploadStatus follows the job (the page polls itself) and shows
// the outcome: the counts, the warnings, or why nothing was imported.
func (s *Server) statementsUploadStatus(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "bank.statements.title")
	p.Nav = "finance"
	u, err := s.Reconcile.GetUpload(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := uploadView{Upload: u}
	if rf := u.Refused; rf != nil {
		v.Refused = p.T(rf.MsgID, "Account", rf.Account)
		switch {
		case rf.Line > 0:
			v.Refused += " " + p.T("bank.upload.at_line", "Line", rf.Line)
		case rf.Path != "":
			v.Refused += " " + p.T("bank.upload.at_element", "Path", rf.Path)
		}
	}
	for _, wn := range u.Warnings {
		text := wn.Account + ": " + p.T(wn.MsgID)
		if wn.Line > 0 {
			text += " " + p.T("bank.upload.at_line", "Line", wn.Line)
		}
		v.Warnings = append(v.Warnings, text)
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "bank_upload", p)
}

type lineView struct {
	financeFmt
	Line     reconcile.Line
	CanWrite bool
	// Split is the lease a person chose to share the line over its open
	// invoices (?scope_id= from the picker), with those invoices.
	Split *lineSplit
}

type lineSplit struct {
	LeaseID  int64
	LeaseRef string
	Invoices []ledger.OpenInvoice
}

// Reason is a return reason code in words.
func (v lineView) Reason(code string) string {
	if code == "" {
		return ""
	}
	return code + " · " + v.tr("bank.return."+code)
}

// Note is a line's note in words: a message id, or what a person wrote.
func (v lineView) Note(note string) string {
	if strings.HasPrefix(note, "bank.") {
		return v.tr(note)
	}
	return note
}

func (s *Server) statementLine(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "bank.statements.title")
	p.Nav = "finance"
	s.renderLine(w, r, p, http.StatusOK)
}

func (s *Server) renderLine(w http.ResponseWriter, r *http.Request, p *page, status int) {
	a := actorOf(r)
	l, err := s.Reconcile.LineDetail(r.Context(), a, pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := lineView{financeFmt: s.financeFmt(p), Line: l, CanWrite: a.Can(account.PermFinanceWrite)}
	if lease := r.FormValue("scope_id"); lease != "" && v.CanWrite {
		id, _ := strconv.ParseInt(lease, 10, 64) // not a number: not found
		ls, err := s.Leases.Get(r.Context(), a, id)
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		invoices, err := s.Ledger.OpenInvoices(r.Context(), a, id)
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		v.Split = &lineSplit{LeaseID: id, LeaseRef: ls.Reference, Invoices: invoices}
	}
	p.Data = v
	s.render(w, r, status, "bank_line", p)
}

// statementMatch books a line: on a suggested invoice (invoice_id and its
// lease), or on a lease picked by reference or address with the amount
// per invoice the person typed (empty: oldest open first).
func (s *Server) statementMatch(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "bank.statements.title")
	p.Nav = "finance"
	in := reconcile.MatchInput{LeaseID: f.Number("scope_id"), Invoices: map[int64]money.Cents{}}
	if id := f.Number("invoice_id"); id != 0 {
		in.Invoices[id] = f.Money("invoice_amount")
	}
	// The split form: an amount per open invoice (empty: nothing to it).
	for _, id := range f.IDs("split_invoice") {
		if name := fmt.Sprint("amount_", id); f.Filled(name) {
			in.Invoices[id] = f.Money(name)
		}
	}
	err := f.Err()
	if err == nil {
		err = s.Reconcile.Match(r.Context(), actorOf(r), pathID(r, "id"), in)
	}
	if err != nil {
		s.fail(w, r, err, p, again{render: func(status int) { s.renderLine(w, r, p, status) }, problems: belowServerError})
		return
	}
	s.flash(r, "bank.line.matched")
	http.Redirect(w, r, s.statementsPath(r), http.StatusSeeOther)
}

func (s *Server) statementIgnore(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "bank.statements.title")
	p.Nav = "finance"
	err := f.Err()
	if err == nil {
		err = s.Reconcile.Ignore(r.Context(), actorOf(r), pathID(r, "id"), f.String("note"))
	}
	if err != nil {
		s.fail(w, r, err, p, again{render: func(status int) { s.renderLine(w, r, p, status) }, problems: belowServerError})
		return
	}
	s.flash(r, "bank.line.ignored")
	http.Redirect(w, r, s.statementsPath(r), http.StatusSeeOther)
}
