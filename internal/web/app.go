package web

import (
	"net/http"

	"hms/internal/account"
	"hms/internal/platform/jobs"
)

// appHome sends a signed-in user to their organisation, or to the list when
// they have several.
func (s *Server) appHome(w http.ResponseWriter, r *http.Request) {
	ms, err := s.Accounts.Memberships(r.Context(), userOf(r).ID)
	if err != nil {
		s.fail(w, r, err, nil)
		return
	}
	if len(ms) == 1 {
		http.Redirect(w, r, "/o/"+ms[0].Org.Slug+"/", http.StatusSeeOther)
		return
	}
	if len(ms) == 0 && userOf(r).IsStaff {
		http.Redirect(w, r, "/console", http.StatusSeeOther)
		return
	}
	s.orgList(w, r)
}

func (s *Server) orgList(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "orgs", s.newPage(r, "orgs.title"))
}

// --- account settings ---

type accountView struct {
	RecoveryLeft int
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "account.title")
	s.renderAccount(w, r, http.StatusOK, p)
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, p *page) {
	n, _ := s.Accounts.RecoveryCodesLeft(r.Context(), p.User.ID)
	p.Data = accountView{RecoveryLeft: n}
	s.render(w, r, status, "account", p)
}

// accountAgain shows the account page again with a form's errors.
func (s *Server) accountAgain(w http.ResponseWriter, r *http.Request, p *page) again {
	return onPage(func(status int) { s.renderAccount(w, r, status, p) }, nil)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "account.title")
	err := f.Err()
	if err == nil {
		err = s.Accounts.ChangePassword(r.Context(), p.User.ID, f.String("current_password"), f.String("new_password"))
	}
	if err != nil {
		s.fail(w, r, err, p, s.accountAgain(w, r, p))
		return
	}
	_ = s.sessions.RenewToken(r.Context())
	s.flash(r, "account.password_changed")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

func (s *Server) changeEmail(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "account.title")
	err := f.Err()
	if err == nil {
		err = s.Accounts.RequestEmailChange(r.Context(), p.User.ID, f.String("password"), f.String("email"))
	}
	if err != nil {
		s.fail(w, r, err, p, s.accountAgain(w, r, p))
		return
	}
	s.flash(r, "account.email_sent")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

type totpView struct {
	Setup *account.TOTPSetup
	Codes []string
}

// totpSetup shows a new secret as QR code; the secret waits in the session
// until a code confirms it.
func (s *Server) totpSetup(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "totp.title")
	if p.User.TOTPEnabled {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return
	}
	setup, err := s.Accounts.StartTOTP(r.Context(), p.User.ID)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	s.sessions.Put(r.Context(), "totp_secret", setup.Secret)
	p.Data = totpView{Setup: setup}
	s.render(w, r, http.StatusOK, "totp", p)
}

func (s *Server) totpEnable(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "totp.title")
	secret := s.sessions.GetString(r.Context(), "totp_secret")
	err := f.Err()
	if err == nil && secret == "" {
		http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
		return
	}
	var codes []string
	if err == nil {
		codes, err = s.Accounts.EnableTOTP(r.Context(), p.User.ID, secret, f.String("code"))
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) {
			// A new secret to scan, as the code was not accepted.
			setup, _ := s.Accounts.StartTOTP(r.Context(), p.User.ID)
			if setup != nil {
				s.sessions.Put(r.Context(), "totp_secret", setup.Secret)
			}
			p.Data = totpView{Setup: setup}
			s.render(w, r, status, "totp", p)
		}, nil))
		return
	}
	// Every session of the user ended; this browser gets a fresh one.
	_ = s.sessions.RenewToken(r.Context())
	s.sessions.Remove(r.Context(), "totp_secret")
	s.sessions.Put(r.Context(), "mfa", true)
	p.User.TOTPEnabled = true
	p.Data = totpView{Codes: codes}
	s.render(w, r, http.StatusOK, "totp", p)
}

func (s *Server) totpDisable(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "account.title")
	err := f.Err()
	if err == nil {
		err = s.Accounts.DisableTOTP(r.Context(), p.User.ID, f.String("password"))
	}
	if err != nil {
		s.fail(w, r, err, p, s.accountAgain(w, r, p))
		return
	}
	_ = s.sessions.RenewToken(r.Context())
	s.sessions.Put(r.Context(), "mfa", false)
	s.flash(r, "totp.disabled")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

// --- members ---

type membersView struct {
	Members     []account.Member
	Invitations []account.Invitation
	Roles       []account.Role
	CanManage   bool
}

func (s *Server) members(w http.ResponseWriter, r *http.Request) {
	s.renderMembers(w, r, http.StatusOK, s.newPage(r, "members.title"))
}

func (s *Server) renderMembers(w http.ResponseWriter, r *http.Request, status int, p *page) {
	p.Nav = "members"
	a := actorOf(r)
	ms, invs, err := s.Accounts.Members(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = membersView{Members: ms, Invitations: invs, Roles: account.Roles, CanManage: a.Can(account.PermMembersManage)}
	s.render(w, r, status, "members", p)
}

// membersAgain shows the members page again with a form's errors, and a
// conflict (the last owner) above it.
func (s *Server) membersAgain(w http.ResponseWriter, r *http.Request, p *page) again {
	return onPage(func(status int) { s.renderMembers(w, r, status, p) }, conflicts)
}

// endSessions signs a member out of every browser.
func (s *Server) endSessions(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "members.title")
	id := pathID(r, "user")
	if id == 0 {
		s.notFound(w, r)
		return
	}
	err := f.Err()
	if err == nil {
		_, err = s.Accounts.EndSessions(r.Context(), actorOf(r), id)
	}
	if err != nil {
		s.fail(w, r, err, p, s.membersAgain(w, r, p))
		return
	}
	s.flash(r, "members.sessions_ended")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/members", http.StatusSeeOther)
}

func (s *Server) invite(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "members.title")
	err := f.Err()
	if err == nil {
		err = s.Accounts.Invite(r.Context(), actorOf(r), f.String("email"), account.Role(f.String("role")))
	}
	if err != nil {
		s.fail(w, r, err, p, s.membersAgain(w, r, p))
		return
	}
	s.flash(r, "members.invited")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/members", http.StatusSeeOther)
}

func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "members.title")
	err := f.Err()
	if err == nil {
		err = s.Accounts.ChangeRole(r.Context(), actorOf(r), pathID(r, "user"), account.Role(f.String("role")))
	}
	if err != nil {
		s.fail(w, r, err, p, s.membersAgain(w, r, p))
		return
	}
	s.flash(r, "members.role_changed")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/members", http.StatusSeeOther)
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "members.title")
	err := f.Err()
	if err == nil {
		err = s.Accounts.RemoveMember(r.Context(), actorOf(r), pathID(r, "user"))
	}
	if err != nil {
		s.fail(w, r, err, p, s.membersAgain(w, r, p))
		return
	}
	s.flash(r, "members.removed")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/members", http.StatusSeeOther)
}

// --- API tokens ---

type tokensView struct {
	Tokens  []account.APIToken
	Scopes  []account.Scope
	Created string
}

func (s *Server) tokens(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, http.StatusOK, s.newPage(r, "tokens.title"), "")
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, p *page, created string) {
	p.Nav = "tokens"
	ts, err := s.Accounts.APITokens(r.Context(), actorOf(r))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = tokensView{Tokens: ts, Scopes: account.Scopes, Created: created}
	s.render(w, r, status, "tokens", p)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "tokens.title")
	var scopes []account.Scope
	for _, sc := range f.Strings("scopes") {
		scopes = append(scopes, account.Scope(sc))
	}
	err := f.Err()
	var token string
	if err == nil {
		token, err = s.Accounts.CreateAPIToken(r.Context(), actorOf(r), f.String("name"), scopes)
	}
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) { s.renderTokens(w, r, status, p, "") }, nil))
		return
	}
	p.Form = nil
	s.renderTokens(w, r, http.StatusOK, p, token)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "tokens.title")
	err := f.Err()
	if err == nil {
		err = s.Accounts.RevokeAPIToken(r.Context(), actorOf(r), pathID(r, "id"))
	}
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	s.flash(r, "tokens.revoked")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/tokens", http.StatusSeeOther)
}

// jobStatus is polled by pages that show a long job's progress.
type jobListView struct {
	Jobs []jobs.Status
	Open bool
}

// jobList lists the organisation's background jobs (the newest 200), only
// the waiting and running ones with ?open=1 (where the overview links).
func (s *Server) jobList(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "job.list.title")
	v := jobListView{Open: r.URL.Query().Get("open") != ""}
	var err error
	if v.Jobs, err = s.Jobs.ListFor(r.Context(), actorOf(r), v.Open, 200); err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "job_list", p)
}

func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "job.title")
	st, err := s.Jobs.StatusFor(r.Context(), actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = st
	s.render(w, r, http.StatusOK, "job", p)
}
