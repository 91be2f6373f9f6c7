package web

import (
	"net/http"
	"strconv"

	"hms/internal/account"
	"hms/internal/platform/validation"
)

// appHome sends a signed-in user to their organisation, or to the list when
// they have several.
func (s *Server) appHome(w http.ResponseWriter, r *http.Request) {
	ms, err := s.Accounts.Memberships(r.Context(), userOf(r).ID)
	if err != nil {
		s.fail(w, r, err, "", nil)
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

type dashboardView struct {
	Org *account.Organisation
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "dashboard.title")
	p.Nav = "dashboard"
	o, err := s.Accounts.Organisation(r.Context(), actorOf(r))
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	p.Data = dashboardView{Org: o}
	s.render(w, r, http.StatusOK, "dashboard", p)
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

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "account.title")
	err := s.Accounts.ChangePassword(r.Context(), p.User.ID, r.PostFormValue("current_password"), r.PostFormValue("new_password"))
	if err != nil {
		s.accountFail(w, r, err, p)
		return
	}
	_ = s.sessions.RenewToken(r.Context())
	s.flash(r, "account.password_changed")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

func (s *Server) changeEmail(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "account.title")
	if err := s.Accounts.RequestEmailChange(r.Context(), p.User.ID, r.PostFormValue("password"), r.PostFormValue("email")); err != nil {
		s.accountFail(w, r, err, p)
		return
	}
	s.flash(r, "account.email_sent")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}

func (s *Server) accountFail(w http.ResponseWriter, r *http.Request, err error, p *page) {
	if fe, ok := validation.AsFields(err); ok {
		p.Errors = fe
		s.renderAccount(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	s.fail(w, r, err, "", p)
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
		s.fail(w, r, err, "", p)
		return
	}
	s.sessions.Put(r.Context(), "totp_secret", setup.Secret)
	p.Data = totpView{Setup: setup}
	s.render(w, r, http.StatusOK, "totp", p)
}

func (s *Server) totpEnable(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "totp.title")
	secret := s.sessions.GetString(r.Context(), "totp_secret")
	if secret == "" {
		http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
		return
	}
	codes, err := s.Accounts.EnableTOTP(r.Context(), p.User.ID, secret, r.PostFormValue("code"))
	if err != nil {
		if fe, ok := validation.AsFields(err); ok {
			p.Errors = fe
			// Show the same secret again so the user can retry.
			setup, _ := s.Accounts.StartTOTP(r.Context(), p.User.ID)
			if setup != nil {
				s.sessions.Put(r.Context(), "totp_secret", setup.Secret)
			}
			p.Data = totpView{Setup: setup}
			s.render(w, r, http.StatusUnprocessableEntity, "totp", p)
			return
		}
		s.fail(w, r, err, "", p)
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
	_ = r.ParseForm()
	p := s.newPage(r, "account.title")
	if err := s.Accounts.DisableTOTP(r.Context(), p.User.ID, r.PostFormValue("password")); err != nil {
		s.accountFail(w, r, err, p)
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
		s.fail(w, r, err, "", p)
		return
	}
	p.Data = membersView{Members: ms, Invitations: invs, Roles: account.Roles, CanManage: a.Can(account.PermMembersManage)}
	s.render(w, r, status, "members", p)
}

func (s *Server) membersFail(w http.ResponseWriter, r *http.Request, err error, p *page) {
	if fe, ok := validation.AsFields(err); ok {
		p.Errors = fe
		s.renderMembers(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if pr, ok := validation.AsProblem(err); ok && pr.Status == http.StatusConflict {
		p.Errors = validation.Errors{"_": pr.Code}
		s.renderMembers(w, r, pr.Status, p)
		return
	}
	s.fail(w, r, err, "", p)
}

// endSessions signs a member out of every browser.
func (s *Server) endSessions(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "members.title")
	id, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	if _, err := s.Accounts.EndSessions(r.Context(), actorOf(r), id); err != nil {
		s.membersFail(w, r, err, p)
		return
	}
	s.flash(r, "members.sessions_ended")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/members", http.StatusSeeOther)
}

func (s *Server) invite(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "members.title")
	if err := s.Accounts.Invite(r.Context(), actorOf(r), r.PostFormValue("email"), account.Role(r.PostFormValue("role"))); err != nil {
		s.membersFail(w, r, err, p)
		return
	}
	s.flash(r, "members.invited")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/members", http.StatusSeeOther)
}

func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "members.title")
	if err := s.Accounts.ChangeRole(r.Context(), actorOf(r), pathID(r, "user"), account.Role(r.PostFormValue("role"))); err != nil {
		s.membersFail(w, r, err, p)
		return
	}
	s.flash(r, "members.role_changed")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/members", http.StatusSeeOther)
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "members.title")
	if err := s.Accounts.RemoveMember(r.Context(), actorOf(r), pathID(r, "user")); err != nil {
		s.membersFail(w, r, err, p)
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
		s.fail(w, r, err, "", p)
		return
	}
	p.Data = tokensView{Tokens: ts, Scopes: account.Scopes, Created: created}
	s.render(w, r, status, "tokens", p)
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.newPage(r, "tokens.title")
	var scopes []account.Scope
	for _, sc := range r.PostForm["scopes"] {
		scopes = append(scopes, account.Scope(sc))
	}
	token, err := s.Accounts.CreateAPIToken(r.Context(), actorOf(r), r.PostFormValue("name"), scopes)
	if err != nil {
		if fe, ok := validation.AsFields(err); ok {
			p.Errors = fe
			s.renderTokens(w, r, http.StatusUnprocessableEntity, p, "")
			return
		}
		s.fail(w, r, err, "", p)
		return
	}
	p.Form = nil
	s.renderTokens(w, r, http.StatusOK, p, token)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "tokens.title")
	if err := s.Accounts.RevokeAPIToken(r.Context(), actorOf(r), pathID(r, "id")); err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	s.flash(r, "tokens.revoked")
	http.Redirect(w, r, "/o/"+actorOf(r).OrgSlug+"/tokens", http.StatusSeeOther)
}

// jobStatus is polled by pages that show a long job's progress.
func (s *Server) jobStatus(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "job.title")
	st, err := s.jobStatusFor(r, actorOf(r), pathID(r, "id"))
	if err != nil {
		s.fail(w, r, err, "", p)
		return
	}
	p.Data = st
	s.render(w, r, http.StatusOK, "job", p)
}
