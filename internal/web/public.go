package web

import (
	"errors"
	"net/http"
	"time"

	"hms/internal/account"
	"hms/internal/platform/i18n"
	"hms/internal/platform/validation"
)

// setLanguage stores an explicit language choice in a functional cookie
// (not tracking: it only remembers the switch the visitor pressed).
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r).Err(); err != nil {
		s.fail(w, r, err, nil)
		return
	}
	lang := i18n.Supported(r.FormValue("lang"))
	if lang == "" {
		lang = i18n.Default
	}
	http.SetCookie(w, &http.Cookie{Name: "hms_lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	if u := s.sessions.GetInt64(r.Context(), "user_id"); u != 0 {
		_ = s.Accounts.SetLanguage(r.Context(), u, lang)
	}
	http.Redirect(w, r, safeRedirect(r.FormValue("next"), "/"), http.StatusSeeOther)
}

// signup takes the form of /aanmelden or /en/signup (and of the old
// /signup, in the visitor's language). It needs no CSRF token, so no
// cookie: http.CrossOriginProtection refuses a cross-site POST by its
// Sec-Fetch-Site and Origin headers. Only a completed sign-up, a step the
// visitor took, sets the functional language cookie, so that the
// confirmation page opens in the language the form was in.
func (s *Server) signup(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.sitePageOf(r, "signup")
	if err := f.Err(); err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "site/signup", p))
		return
	}
	if ok, err := s.limiterAllow(r, "signup", 10, time.Hour); err != nil || !ok {
		s.fail(w, r, validation.ErrRateLimited, p, s.onForm(w, r, "site/signup", p))
		return
	}
	_, _, err := s.Accounts.SignUp(r.Context(), account.SignUpInput{
		OrgName: f.String("org_name"), Name: f.String("name"), Email: f.String("email"),
		Password: f.String("password"), AcceptTerms: f.String("accept_terms") == "on", Lang: langOf(r),
	})
	if err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "site/signup", p))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "hms_lang", Value: p.Lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	p.Data = "signup.check_mail"
	s.render(w, r, http.StatusOK, "site/message", p)
}

func (s *Server) confirm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "confirm.title")
	if err := s.Accounts.ConfirmEmail(r.Context(), r.URL.Query().Get("token")); err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Data = "confirm.done"
	s.render(w, r, http.StatusOK, "message", p)
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login", s.newPage(r, "login.title"))
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "login.title")
	if err := f.Err(); err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "login", p))
		return
	}
	res, err := s.Accounts.Login(r.Context(), f.String("email"), f.String("password"), s.clientAddr(r))
	if err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "login", p))
		return
	}
	// A fresh token on every change of privilege stops session fixation.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.fail(w, r, err, p)
		return
	}
	if res.NeedTOTP {
		s.sessions.Put(r.Context(), "pending_user", res.User.ID)
		http.Redirect(w, r, "/login/code", http.StatusSeeOther)
		return
	}
	s.finishLogin(w, r, res.User.ID, false)
}

func (s *Server) finishLogin(w http.ResponseWriter, r *http.Request, userID int64, mfa bool) {
	s.sessions.Remove(r.Context(), "pending_user")
	s.sessions.Put(r.Context(), "user_id", userID)
	s.sessions.Put(r.Context(), "mfa", mfa)
	if u, err := s.Accounts.User(r.Context(), userID); err == nil {
		http.SetCookie(w, &http.Cookie{Name: "hms_lang", Value: u.Lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	}
	http.Redirect(w, r, safeRedirect(s.sessions.PopString(r.Context(), "after_login"), "/app"), http.StatusSeeOther)
}

func (s *Server) loginCodeForm(w http.ResponseWriter, r *http.Request) {
	if s.sessions.GetInt64(r.Context(), "pending_user") == 0 {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login_code", s.newPage(r, "login.code_title"))
}

func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "login.code_title")
	if err := f.Err(); err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "login_code", p))
		return
	}
	id := s.sessions.GetInt64(r.Context(), "pending_user")
	if id == 0 {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if err := s.Accounts.VerifySecondFactor(r.Context(), id, f.String("code")); err != nil {
		if errors.Is(err, account.ErrTOTPInvalid) {
			err = validation.Errors{"code": "totp.invalid"}
		}
		s.fail(w, r, err, p, s.onForm(w, r, "login_code", p))
		return
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.fail(w, r, err, p)
		return
	}
	s.finishLogin(w, r, id, true)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := readForm(r).Err(); err != nil {
		s.fail(w, r, err, nil)
		return
	}
	_ = s.sessions.Destroy(r.Context())
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "forgot", s.newPage(r, "forgot.title"))
}

func (s *Server) forgot(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "forgot.title")
	err := f.Err()
	if err == nil {
		err = s.Accounts.RequestPasswordReset(r.Context(), f.String("email"), s.clientAddr(r))
	}
	if err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "forgot", p))
		return
	}
	p.Data = "forgot.sent"
	s.render(w, r, http.StatusOK, "message", p)
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "reset.title")
	p.Data = r.URL.Query().Get("token")
	s.render(w, r, http.StatusOK, "reset", p)
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "reset.title")
	p.Data = f.String("token")
	err := f.Err()
	if err == nil {
		err = s.Accounts.ResetPassword(r.Context(), f.String("token"), f.String("password"))
	}
	if err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "reset", p))
		return
	}
	s.flash(r, "reset.done")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

type invitationView struct {
	Token    string
	Info     *account.InvitationInfo
	SignedIn bool
}

func (s *Server) invitationForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "invitation.title")
	token := r.URL.Query().Get("token")
	info, err := s.Accounts.Invitation(r.Context(), token)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if info.UserExists && s.sessions.GetInt64(r.Context(), "user_id") == 0 {
		s.sessions.Put(r.Context(), "after_login", r.URL.RequestURI())
	}
	p.Data = invitationView{Token: token, Info: info, SignedIn: s.sessions.GetInt64(r.Context(), "user_id") != 0}
	s.render(w, r, http.StatusOK, "invitation", p)
}

func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	f := readForm(r)
	p := s.newPage(r, "invitation.title")
	token := f.String("token")
	if err := f.Err(); err != nil && token == "" {
		s.fail(w, r, err, p) // nothing to show the form of
		return
	}
	info, err := s.Accounts.Invitation(r.Context(), token)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	current := s.sessions.GetInt64(r.Context(), "user_id")
	p.Data = invitationView{Token: token, Info: info, SignedIn: current != 0}
	if err := f.Err(); err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "invitation", p))
		return
	}
	userID, slug, err := s.Accounts.AcceptInvitation(r.Context(), token, current, f.String("name"), f.String("password"))
	if err != nil {
		s.fail(w, r, err, p, s.onForm(w, r, "invitation", p))
		return
	}
	if current == 0 {
		_ = s.sessions.RenewToken(r.Context())
		s.sessions.Put(r.Context(), "user_id", userID)
	}
	s.flash(r, "invitation.accepted")
	http.Redirect(w, r, "/o/"+slug+"/", http.StatusSeeOther)
}
