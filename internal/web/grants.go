package web

import (
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/platform/audit"
)

// Access grants (PRIVACY.md P14): staff ask in the console, an owner of the
// organisation approves or refuses on its access page, and reads there what
// staff did under each grant.

type grantsView struct {
	Grants   []account.Grant
	Requests []audit.Event
	Now      time.Time
	Orgs     []account.OrgSummary // the console: organisations to ask for
	MaxHours int
}

// State is a grant's state in words.
func (v grantsView) State(p *page, g account.Grant) string {
	return p.T("grant.state." + string(g.Shown()))
}

// Active reports whether g lets its staff member in now.
func (v grantsView) Active(g account.Grant) bool { return g.ActiveAt(v.Now) }

// StaffName is the name of the staff member of a logged request.
func (v grantsView) StaffName(e audit.Event) string {
	for _, g := range v.Grants {
		if g.StaffUserID == e.ActorUserID {
			return g.StaffName
		}
	}
	return ""
}

func (s *Server) grantsPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "grant.title")
	p.Nav = "members"
	s.serveGrants(w, r, p, http.StatusOK)
}

func (s *Server) serveGrants(w http.ResponseWriter, r *http.Request, p *page, status int) {
	a := actorOf(r)
	v := grantsView{Now: s.Clock.Now()}
	var err error
	if v.Grants, err = s.Accounts.Grants(r.Context(), a); err != nil {
		s.fail(w, r, err, p)
		return
	}
	if v.Requests, err = s.Accounts.StaffRequests(r.Context(), a, 200); err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = v
	s.render(w, r, status, "grants", p)
}

// grantDecide approves, refuses or ends a grant (the button's value).
func (s *Server) grantDecide(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "grant.title")
	p.Nav = "members"
	f := readForm(r)
	err := f.Err()
	if err == nil {
		id, a := pathID(r, "id"), actorOf(r)
		switch f.String("decision") {
		case "approve":
			err = s.Accounts.DecideGrant(r.Context(), a, id, true)
		case "refuse":
			err = s.Accounts.DecideGrant(r.Context(), a, id, false)
		case "end":
			err = s.Accounts.EndGrant(r.Context(), a, id)
		default:
			s.notFound(w, r)
			return
		}
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.serveGrants(w, r, p, status) }, nil))
		return
	}
	s.flash(r, "grant.saved")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/settings/access", http.StatusSeeOther)
}

// consoleAccess lists the staff member's own grants with the form to ask
// for one.
func (s *Server) consoleAccess(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "grant.console_title")
	p.Nav = "console"
	s.serveConsoleAccess(w, r, p, http.StatusOK)
}

func (s *Server) serveConsoleAccess(w http.ResponseWriter, r *http.Request, p *page, status int) {
	v := grantsView{Now: s.Clock.Now(), MaxHours: account.MaxGrantHours}
	var err error
	if v.Grants, err = s.Accounts.StaffGrants(r.Context(), userOf(r).ID); err != nil {
		s.fail(w, r, err, p)
		return
	}
	if v.Orgs, err = s.Accounts.ConsoleOrganisations(r.Context()); err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = v
	s.render(w, r, status, "console_access", p)
}

func (s *Server) consoleAccessRequest(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "grant.console_title")
	p.Nav = "console"
	f := readForm(r)
	hours := f.Int("hours")
	err := f.Err()
	if err == nil {
		_, err = s.Accounts.RequestGrant(r.Context(), userOf(r).ID, f.String("org"), f.String("reason"), hours)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) {
			p.Form = r.PostForm
			s.serveConsoleAccess(w, r, p, status)
		}, nil))
		return
	}
	s.flash(r, "grant.requested")
	http.Redirect(w, r, "/console/access", http.StatusSeeOther)
}

// consoleAccessEnd is the staff member ending their own grant.
func (s *Server) consoleAccessEnd(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "grant.console_title")
	p.Nav = "console"
	f := readForm(r)
	org := int64(f.Int("org_id"))
	err := f.Err()
	if err == nil && org <= 0 {
		s.notFound(w, r)
		return
	}
	if err == nil {
		err = s.Accounts.EndOwnGrant(r.Context(), userOf(r).ID, org, pathID(r, "id"))
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.serveConsoleAccess(w, r, p, status) }, nil))
		return
	}
	s.flash(r, "grant.saved")
	http.Redirect(w, r, "/console/access", http.StatusSeeOther)
}
