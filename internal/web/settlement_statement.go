package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"hms/internal/account"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
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
	job, err := s.Statements.StartSend(r.Context(), actorOf(r), id)
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
