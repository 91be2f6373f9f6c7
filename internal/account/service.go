package account

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
	"hms/internal/platform/mail"
	"hms/internal/platform/ratelimit"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// Problems of this capability (message ids).
var (
	ErrInvalidLogin   = &validation.Problem{Status: 401, Code: "login.invalid"}
	ErrNotConfirmed   = &validation.Problem{Status: 403, Code: "login.not_confirmed"}
	ErrLinkInvalid    = &validation.Problem{Status: 400, Code: "link.invalid"}
	ErrTOTPInvalid    = &validation.Problem{Status: 401, Code: "totp.invalid"}
	ErrLastOwner      = &validation.Problem{Status: 409, Code: "member.last_owner"}
	ErrTokenMalformed = &validation.Problem{Status: 401, Code: "token.malformed"}
	ErrTokenInvalid   = &validation.Problem{Status: 401, Code: "token.invalid"}
)

// Token lifetimes.
const (
	confirmTTL     = 48 * time.Hour
	resetTTL       = time.Hour
	emailChangeTTL = 24 * time.Hour
	invitationTTL  = 7 * 24 * time.Hour
	TrialDays      = 14
	TermsVersion   = "2026-01"
)

// Login limits: attempts per client address in a sliding window, and per
// account a delay after repeated failures that nobody can turn into a
// lock-out: after five failures each further one doubles the wait (2 s up
// to 15 minutes), the right password after the wait still works, and
// failures are forgotten an hour after the last.
const (
	loginWindow     = 15 * time.Minute
	loginPerAccount = 10 // second-factor codes per user and window
	loginPerAddress = 50
)

var loginBackoff = ratelimit.Backoff{Free: 5, Base: 2 * time.Second, Max: 15 * time.Minute, Forget: time.Hour}

// ErrLoginWait refuses a login attempt made before the delay after failed
// attempts has passed; it does not count as a failure.
var ErrLoginWait = &validation.Problem{Status: 429, Code: "login.wait"}

// Service is the face of the account capability for web, API and CLI.
type Service struct {
	db      *db.DB
	vault   *vault.Vault
	audit   *audit.Log
	mail    *mail.Outbox
	limiter *ratelimit.Limiter
	clk     clock.Clock
	texts   *i18n.Catalog
	base    func() string
	guard   TextGuard
	terms   func(day civil.Date) string
}

// Deps are what the service needs.
type Deps struct {
	DB      *db.DB
	Vault   *vault.Vault
	Audit   *audit.Log
	Mail    *mail.Outbox
	Limiter *ratelimit.Limiter
	Clock   clock.Clock
	Texts   *i18n.Catalog
	// BaseURL is the public address for links in e-mails, e.g.
	// http://localhost:8080. It is asked each time a link is made, because a
	// server started on port 0 knows its address only once it listens.
	BaseURL func() string
	// Guard reviews free text (a grant's reason) before it is stored: the
	// privacy guard (privacy/guard.Review, PRIVACY.md P10), which imports
	// this package and so comes in from the wiring. Nil checks nothing
	// (tests of this package alone).
	Guard TextGuard
	// Terms is the terms-of-use version in effect on a day, which a sign-up
	// records (privacy.Policies, which imports this package); nil: TermsVersion.
	Terms func(day civil.Date) string
}

// TextGuard reviews the free text value of field in tx, as actor, and
// returns the field's error when it may not be stored (guard.Review).
type TextGuard func(ctx context.Context, tx *db.Tx, actor Actor, field, value string) error

// New returns the service.
func New(d Deps) *Service {
	base := d.BaseURL
	if base == nil {
		base = func() string { return "" }
	}
	return &Service{db: d.DB, vault: d.Vault, audit: d.Audit, mail: d.Mail, limiter: d.Limiter, clk: d.Clock, texts: d.Texts, base: base,
		guard: d.Guard, terms: d.Terms}
}

// baseURL is where links in e-mails point, without a trailing slash.
func (s *Service) baseURL() string { return strings.TrimRight(s.base(), "/") }

// SignUpInput is the public sign-up form.
type SignUpInput struct {
	OrgName, Name, Email, Password string
	AcceptTerms                    bool
	Lang                           string
}

// SignUp creates an organisation in its trial, its first owner, and sends
// the owner a link to confirm the e-mail address.
func (s *Service) SignUp(ctx context.Context, in SignUpInput) (userID int64, org *Organisation, err error) {
	email := NormalizeEmail(in.Email)
	in.OrgName, in.Name = strings.TrimSpace(in.OrgName), strings.TrimSpace(in.Name)
	fe := validation.Errors{}
	if in.OrgName == "" || len(in.OrgName) > 120 {
		fe.Add("org_name", "field.required")
	}
	if in.Name == "" || len(in.Name) > 120 {
		fe.Add("name", "field.required")
	}
	if email == "" {
		fe.Add("email", "email.invalid")
	}
	if msg := CheckPassword(in.Password); msg != "" {
		fe.Add("password", msg)
	}
	if !in.AcceptTerms {
		fe.Add("accept_terms", "signup.terms_required")
	}
	if err := fe.Err(); err != nil {
		return 0, nil, err
	}
	lang := i18n.Negotiate(in.Lang, "")
	now := s.clk.Now()
	// An address that has an account gets the same answer as a new one (so
	// sign-up does not tell who is a customer); its owner is mailed instead.
	index, err := s.emailIndex(ctx, email)
	if err != nil {
		return 0, nil, err
	}
	var existing *userRow
	err = s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		existing, err = userByEmailIndex(ctx, tx, index)
		return err
	})
	if err == nil {
		_, _ = HashPassword(in.Password) // the same work as a new account
		err = s.db.System(ctx, func(tx *db.Tx) error {
			if err := s.sendMail(ctx, tx, email, existing.lang, "mail.signup_exists", map[string]any{
				"Login": s.baseURL() + "/login", "Reset": s.baseURL() + "/password/forgot"}); err != nil {
				return err
			}
			return s.audit.Record(ctx, tx, audit.Event{ActorKind: "user", Action: "user.signup_existing",
				TargetType: "user", TargetID: fmt.Sprint(existing.id)})
		})
		return 0, nil, err
	}
	if !errors.Is(err, validation.ErrNotFound) {
		return 0, nil, err
	}
	terms := TermsVersion
	if s.terms != nil {
		terms = s.terms(civil.Today(now))
	}
	err = s.db.System(ctx, func(tx *db.Tx) error {
		var err error
		if userID, err = s.insertUser(ctx, tx, email, in.Name, in.Password, lang, false); err != nil {
			return err
		}
		if org, err = insertOrg(ctx, tx, Slugify(in.OrgName), in.OrgName, now, now.AddDate(0, 0, TrialDays), terms); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, tx, audit.Event{ActorUserID: userID, ActorKind: "user", Action: "user.signed_up",
			TargetType: "organisation", TargetID: fmt.Sprint(org.ID)}); err != nil {
			return err
		}
		return s.sendConfirmation(ctx, tx, userID, email, lang, "confirm")
	})
	if err != nil {
		return 0, nil, err
	}
	err = s.db.InOrg(ctx, org.ID, func(tx *db.Tx) error {
		if err := s.insertMembership(ctx, tx, userID, Owner, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: userID, ActorKind: "user", Action: "organisation.created",
			TargetType: "organisation", TargetID: fmt.Sprint(org.ID), Details: map[string]string{"terms_version": terms}})
	})
	if err != nil {
		return 0, nil, err
	}
	return userID, org, nil
}

// sendConfirmation mails a link for purpose "confirm" or "email_change".
func (s *Service) sendConfirmation(ctx context.Context, tx *db.Tx, userID int64, email, lang, purpose string) error {
	token, hash := newSecret("c_")
	ttl := confirmTTL
	var data []byte
	if purpose == "email_change" {
		ttl = emailChangeTTL
		var err error
		if data, err = s.vault.SealOrg(ctx, tx, "user_tokens.data", []byte(email)); err != nil {
			return err
		}
	}
	if err := insertUserToken(ctx, tx, userID, purpose, hash, data, s.clk.Now(), ttl); err != nil {
		return err
	}
	link := s.baseURL() + "/confirm?token=" + url.QueryEscape(token)
	return s.sendMail(ctx, tx, email, lang, "mail.confirm", map[string]any{"Link": link})
}

func (s *Service) sendMail(ctx context.Context, tx *db.Tx, to, lang, id string, data map[string]any) error {
	_, err := s.mail.Send(ctx, tx, mail.Message{
		To:      to,
		Subject: s.texts.T(lang, id+".subject", data),
		Text:    s.texts.T(lang, id+".body", data),
	})
	return err
}

// ConfirmEmail takes a confirmation link: it confirms a new account's
// address or completes a change of address.
func (s *Service) ConfirmEmail(ctx context.Context, token string) error {
	return s.db.System(ctx, func(tx *db.Tx) error {
		now := s.clk.Now()
		if userID, _, err := takeUserToken(ctx, tx, "confirm", token, now); err == nil {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET email_confirmed_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL`,
				db.TS(now), userID); err != nil {
				return fmt.Errorf("confirm e-mail: %w", err)
			}
			return s.audit.Record(ctx, tx,
				audit.Event{ActorUserID: userID, ActorKind: "user", Action: "user.email_confirmed", TargetType: "user", TargetID: fmt.Sprint(userID)})
		} else if !errors.Is(err, ErrLinkInvalid) {
			return err
		}
		userID, data, err := takeUserToken(ctx, tx, "email_change", token, now)
		if err != nil {
			return err
		}
		newEmail, err := s.vault.OpenOrg(ctx, tx, "user_tokens.data", data)
		if err != nil {
			return err
		}
		return s.setEmail(ctx, tx, userID, string(newEmail))
	})
}

func (s *Service) setEmail(ctx context.Context, tx *db.Tx, userID int64, email string) error {
	u, err := userByID(ctx, tx, userID)
	if err != nil {
		return err
	}
	index, err := s.vault.BlindIndex(ctx, tx, "email", email)
	if err != nil {
		return err
	}
	sealed, err := s.vault.SealString(ctx, tx, vault.SubjectID(u.subject), "users.email", email)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE users SET email_index = $1, email_sealed = $2, email_confirmed_at = $3 WHERE id = $4`,
		index, sealed, db.TS(s.clk.Now()), userID)
	if db.IsUniqueViolation(err) {
		return validation.Errors{"email": "email.taken"}
	}
	if err != nil {
		return fmt.Errorf("change e-mail: %w", err)
	}
	return s.audit.Record(ctx, tx,
		audit.Event{ActorUserID: userID, ActorKind: "user", Action: "user.email_changed", TargetType: "user", TargetID: fmt.Sprint(userID)})
}

// LoginResult says who logged in and whether a second factor is due.
type LoginResult struct {
	User     *User
	NeedTOTP bool
}

// Login checks e-mail and password. An unknown address and a wrong password
// get the same answer and cost the same time.
func (s *Service) Login(ctx context.Context, email, password, clientAddr string) (*LoginResult, error) {
	email = NormalizeEmail(email)
	if ok, err := s.limiter.Allow(ctx, "login-addr:"+hashSecret(clientAddr), loginPerAddress, loginWindow); err != nil {
		return nil, err
	} else if !ok {
		return nil, validation.ErrRateLimited
	}
	// Limits are counted in their own transactions, before the login's:
	// SQLite has one writer, and a nested write would wait for itself.
	index, err := s.emailIndex(ctx, email)
	if err != nil {
		return nil, err
	}
	failKey := "login-fail:" + index
	if wait, err := s.limiter.Wait(ctx, failKey, loginBackoff); err != nil {
		return nil, err
	} else if wait > 0 {
		return nil, ErrLoginWait
	}
	// Read and verify outside any write transaction: argon2 takes tens of
	// milliseconds, and SQLite has a single writer.
	var r *userRow
	err = s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		r, err = userByEmailIndex(ctx, tx, index)
		return err
	})
	if errors.Is(err, validation.ErrNotFound) || (err == nil && email == "") {
		_, _ = VerifyPassword(dummyHash, password)
		// Unknown addresses slow down the same way, so they cannot be told apart.
		if err := s.limiter.Fail(ctx, failKey, loginBackoff); err != nil {
			return nil, err
		}
		return nil, ErrInvalidLogin
	}
	if err != nil {
		return nil, err
	}
	ok, err := VerifyPassword(r.passwordHash, password)
	if err != nil {
		return nil, err
	}
	var res *LoginResult
	var notConfirmed bool
	err = s.db.System(ctx, func(tx *db.Tx) error {
		if !ok {
			return s.audit.Record(ctx, tx,
				audit.Event{ActorKind: "user", Action: "user.login_failed", TargetType: "user", TargetID: fmt.Sprint(r.id)})
		}
		u, err := s.open(ctx, tx, r)
		if err != nil {
			return err
		}
		if !r.confirmedAt.Valid {
			// Send a fresh link: the first may be lost or expired.
			notConfirmed = true
			return s.sendConfirmation(ctx, tx, r.id, u.Email, u.Lang, "confirm")
		}
		res = &LoginResult{User: u, NeedTOTP: u.TOTPEnabled}
		if !u.TOTPEnabled {
			return s.audit.Record(ctx, tx,
				audit.Event{ActorUserID: u.ID, ActorKind: "user", Action: "user.logged_in", TargetType: "user", TargetID: fmt.Sprint(u.ID)})
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case !ok:
		if err := s.limiter.Fail(ctx, failKey, loginBackoff); err != nil {
			return nil, err
		}
		return nil, ErrInvalidLogin
	}
	if err := s.limiter.Forget(ctx, failKey); err != nil {
		return nil, err
	}
	switch {
	case notConfirmed:
		return nil, ErrNotConfirmed
	}
	return res, nil
}

// emailIndex is the blind index of a normalised address under the
// platform's key.
func (s *Service) emailIndex(ctx context.Context, email string) (string, error) {
	var index string
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		index, err = s.vault.BlindIndex(ctx, tx, "email", email)
		return err
	})
	return index, err
}

// User returns one user with personal fields opened.
func (s *Service) User(ctx context.Context, id int64) (*User, error) {
	var u *User
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		r, err := userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		u, err = s.open(ctx, tx, r)
		return err
	})
	return u, err
}

// SetLanguage stores the user's preferred language.
func (s *Service) SetLanguage(ctx context.Context, userID int64, lang string) error {
	lang = i18n.Supported(lang)
	if lang == "" {
		return validation.Errors{"lang": "field.invalid"}
	}
	return s.db.System(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET lang = $1 WHERE id = $2`, lang, userID)
		return err
	})
}

// Memberships lists the organisations a user belongs to, by name.
func (s *Service) Memberships(ctx context.Context, userID int64) ([]Membership, error) {
	var out []Membership
	// A user's own memberships span organisations: a platform read.
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		out, err = memberships(ctx, tx, userID)
		return err
	})
	return out, err
}

// MemberActor is ActorFor together with the user's Memberships, read in
// one transaction: a page of an organisation needs both (the actor, and the
// organisations the menu offers), and reads them once.
func (s *Service) MemberActor(ctx context.Context, userID int64, slug string) (Actor, []Membership, error) {
	var ms []Membership
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		ms, err = memberships(ctx, tx, userID)
		return err
	})
	if err != nil {
		return Actor{}, nil, err
	}
	for _, m := range ms {
		if m.Org.Slug == slug {
			return Actor{UserID: userID, OrgID: m.Org.ID, OrgSlug: m.Org.Slug, Kind: "user", Role: m.Role}, ms, nil
		}
	}
	return Actor{}, ms, validation.ErrNotFound
}

// ActorFor returns the actor a user is in organisation slug, or ErrNotFound
// when they are not a member (a foreign organisation looks like none).
func (s *Service) ActorFor(ctx context.Context, userID int64, slug string) (Actor, error) {
	// One statement in one transaction: every page of an organisation asks
	// this first (web's requireOrg), so it costs a page one transaction,
	// not two (the organisation by its name, then the membership in the
	// organisation's own).
	var a Actor
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		a, err = memberOf(ctx, tx, userID, slug)
		return err
	})
	if err != nil {
		return Actor{}, err
	}
	return a, nil
}

// Organisation returns the actor's organisation.
func (s *Service) Organisation(ctx context.Context, a Actor) (*Organisation, error) {
	var o *Organisation
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		o, err = orgByID(ctx, tx, a.OrgID)
		return err
	})
	return o, err
}

// RequestPasswordReset mails a reset link when the address belongs to an
// account. It answers the same either way, so it reveals nothing.
func (s *Service) RequestPasswordReset(ctx context.Context, email, clientAddr string) error {
	email = NormalizeEmail(email)
	if email == "" {
		return validation.Errors{"email": "email.invalid"}
	}
	if ok, err := s.limiter.Allow(ctx, "reset-addr:"+hashSecret(clientAddr), 10, time.Hour); err != nil {
		return err
	} else if !ok {
		return validation.ErrRateLimited
	}
	index, err := s.emailIndex(ctx, email)
	if err != nil {
		return err
	}
	if ok, err := s.limiter.Allow(ctx, "reset-acct:"+index, 5, time.Hour); err != nil || !ok {
		return err // silently drop further requests for this account
	}
	return s.db.System(ctx, func(tx *db.Tx) error {
		r, err := userByEmailIndex(ctx, tx, index)
		if errors.Is(err, validation.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		token, hash := newSecret("r_")
		if err := insertUserToken(ctx, tx, r.id, "reset", hash, nil, s.clk.Now(), resetTTL); err != nil {
			return err
		}
		link := s.baseURL() + "/password/reset?token=" + url.QueryEscape(token)
		return s.sendMail(ctx, tx, email, r.lang, "mail.reset", map[string]any{"Link": link})
	})
}

// ResetPassword sets a new password with a reset link.
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	if msg := CheckPassword(password); msg != "" {
		return validation.Errors{"password": msg}
	}
	return s.db.System(ctx, func(tx *db.Tx) error {
		userID, _, err := takeUserToken(ctx, tx, "reset", token, s.clk.Now())
		if err != nil {
			return err
		}
		if err := s.setPassword(ctx, tx, userID, password); err != nil {
			return err
		}
		// Whoever knew the old password is signed out everywhere.
		if _, err := endSessions(ctx, tx, userID); err != nil {
			return err
		}
		// Receiving the link proves the address.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET email_confirmed_at = COALESCE(email_confirmed_at, $1) WHERE id = $2`,
			db.TS(s.clk.Now()), userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx,
			audit.Event{ActorUserID: userID, ActorKind: "user", Action: "user.password_reset", TargetType: "user", TargetID: fmt.Sprint(userID)})
	})
}

func (s *Service) setPassword(ctx context.Context, tx *db.Tx, userID int64, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}

// ChangePassword replaces the password after checking the current one.
func (s *Service) ChangePassword(ctx context.Context, userID int64, current, next string) error {
	if msg := CheckPassword(next); msg != "" {
		return validation.Errors{"new_password": msg}
	}
	return s.db.System(ctx, func(tx *db.Tx) error {
		if err := s.checkPassword(ctx, tx, userID, current, "current_password"); err != nil {
			return err
		}
		if err := s.setPassword(ctx, tx, userID, next); err != nil {
			return err
		}
		// Every session ends; the web gives the browser that changed it a new one.
		if _, err := endSessions(ctx, tx, userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx,
			audit.Event{ActorUserID: userID, ActorKind: "user", Action: "user.password_changed", TargetType: "user", TargetID: fmt.Sprint(userID)})
	})
}

func (s *Service) checkPassword(ctx context.Context, tx *db.Tx, userID int64, password, field string) error {
	r, err := userByID(ctx, tx, userID)
	if err != nil {
		return err
	}
	ok, err := VerifyPassword(r.passwordHash, password)
	if err != nil {
		return err
	}
	if !ok {
		return validation.Errors{field: "password.wrong"}
	}
	return nil
}

// RequestEmailChange mails a confirmation link to the new address; the
// address changes only when that link is followed.
func (s *Service) RequestEmailChange(ctx context.Context, userID int64, password, newEmail string) error {
	email := NormalizeEmail(newEmail)
	if email == "" {
		return validation.Errors{"email": "email.invalid"}
	}
	return s.db.System(ctx, func(tx *db.Tx) error {
		if err := s.checkPassword(ctx, tx, userID, password, "password"); err != nil {
			return err
		}
		index, err := s.vault.BlindIndex(ctx, tx, "email", email)
		if err != nil {
			return err
		}
		if _, err := userByEmailIndex(ctx, tx, index); err == nil {
			return validation.Errors{"email": "email.taken"}
		}
		r, err := userByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		return s.sendConfirmation(ctx, tx, userID, email, r.lang, "email_change")
	})
}
