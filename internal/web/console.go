package web

import (
	"net/http"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
)

// The console is for HMS staff. It shows customers as organisations and
// counts, never their data; access to customer data comes with privacy's
// customer-approved grants.

type consoleView struct {
	Orgs   []account.OrgSummary
	Outbox []mail.Stored
	Jobs   []jobs.Status
	Audit  *audit.Report
	// Recipients is the register of recipients and sub-processors (P17).
	Recipients recipientsView
}

func (s *Server) console(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "console.title")
	p.Nav = "console"
	orgs, err := s.Accounts.ConsoleOrganisations(r.Context())
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = consoleView{Orgs: orgs, Recipients: recipientsView{P: p, List: s.Privacy.Recipients()}}
	s.render(w, r, http.StatusOK, "console", p)
}

// consoleOutbox lets staff read mail that could not be sent (no SMTP set up,
// as on a laptop), so sign-up can be completed without a mail server.
func (s *Server) consoleOutbox(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "console.outbox")
	p.Nav = "outbox"
	var msgs []mail.Stored
	err := s.DB.ReadSystem(r.Context(), func(tx *db.Tx) error {
		var err error
		msgs, err = s.Outbox.List(r.Context(), tx, 100)
		return err
	})
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	// Staff read mail that is not theirs: the links' tokens (password
	// reset, invitation, confirmation) would let them act as the recipient.
	for i := range msgs {
		msgs[i].Text = mail.MaskLinks(msgs[i].Text)
		msgs[i].HTML = mail.MaskLinks(msgs[i].HTML)
	}
	p.Data = consoleView{Outbox: msgs}
	s.render(w, r, http.StatusOK, "console_outbox", p)
}

func (s *Server) consoleJobs(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "console.jobs")
	p.Nav = "jobs"
	var list []jobs.Status
	err := s.DB.ReadSystem(r.Context(), func(tx *db.Tx) error {
		var err error
		list, err = s.Jobs.List(r.Context(), tx, 100)
		return err
	})
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = consoleView{Jobs: list}
	s.render(w, r, http.StatusOK, "console_jobs", p)
}

func (s *Server) consoleAuditVerify(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "console.audit")
	p.Nav = "console"
	if err := f.Err(); err != nil {
		s.fail(w, r, err, p)
		return
	}
	rep, err := audit.Verify(r.Context(), s.DB, audit.WithVault(s.Vault))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	orgs, err := s.Accounts.ConsoleOrganisations(r.Context())
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = consoleView{Orgs: orgs, Audit: &rep, Recipients: recipientsView{P: p, List: s.Privacy.Recipients()}}
	s.render(w, r, http.StatusOK, "console", p)
}
