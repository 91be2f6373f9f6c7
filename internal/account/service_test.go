package account_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/db"
	"hms/internal/platform/mail/mailtest"
	"hms/internal/platform/validation"
)

// each runs fn per engine with the server running (account mails links and
// its tests follow them); the organisations of the fixture are unused here.
func each(t *testing.T, fn func(t *testing.T, e *apptest.Org)) {
	apptest.EachOrg(t, apptest.OrgOptions{Server: true}, fn)
}

func fieldErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	fe, ok := validation.AsFields(err)
	if !ok {
		t.Fatalf("want field error %s=%s, got %v", field, msg, err)
	}
	if fe[field] != msg {
		t.Fatalf("field %s: want %q, got %q (all: %v)", field, msg, fe[field], fe)
	}
}

// signUp creates an organisation and confirms its owner through the e-mail link.
func signUp(t *testing.T, e *apptest.Org, org, email, pw string) (int64, *account.Organisation) {
	t.Helper()
	ctx := context.Background()
	uid, o, err := e.Accounts.SignUp(ctx,
		account.SignUpInput{OrgName: org, Name: "Anna de Vries", Email: email, Password: pw, AcceptTerms: true})
	if err != nil {
		t.Fatalf("sign up: %v", err)
	}
	m := e.Mail.WaitFor(t, email, 10*time.Second)
	link := mailtest.FirstURL(m.Text)
	if !strings.Contains(link, "/confirm?token=") {
		t.Fatalf("no confirmation link in %q", m.Text)
	}
	if err := e.Accounts.ConfirmEmail(ctx, link[strings.Index(link, "token=")+6:]); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	return uid, o
}

func TestSignUpValidationChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		good := account.SignUpInput{OrgName: "Verhuur BV", Name: "Anna", Email: "anna@example.nl",
			Password: "lang genoeg wachtwoord", AcceptTerms: true}
		cases := []struct {
			mut          func(*account.SignUpInput)
			field, msgID string
		}{
			{func(in *account.SignUpInput) { in.Password = "kort" }, "password", "password.too_short"},
			{func(in *account.SignUpInput) { in.Password = "Welkom2026" }, "password", "password.common"},
			{func(in *account.SignUpInput) { in.Email = "anna@" }, "email", "email.invalid"},
			{func(in *account.SignUpInput) { in.AcceptTerms = false }, "accept_terms", "signup.terms_required"},
			{func(in *account.SignUpInput) { in.OrgName = " " }, "org_name", "field.required"},
		}
		for _, c := range cases {
			in := good
			c.mut(&in)
			_, _, err := e.Accounts.SignUp(ctx, in)
			fieldErr(t, err, c.field, c.msgID)
		}
		if _, err := e.Accounts.OrgBySlug(ctx, "verhuur-bv"); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("a refused sign-up created an organisation: %v", err)
		}
		if _, _, err := e.Accounts.SignUp(ctx, good); err != nil {
			t.Fatal(err)
		}
		// The same address again: the same answer as a new sign-up, no new
		// organisation, and the address's owner hears of it.
		again := good
		again.OrgName = "Tweede BV"
		if _, _, err := e.Accounts.SignUp(ctx, again); err != nil {
			t.Fatalf("sign-up with a known address answered differently: %v", err)
		}
		if _, err := e.Accounts.OrgBySlug(ctx, "tweede-bv"); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("a sign-up with a known address created an organisation: %v", err)
		}
		m := e.Mail.WaitFor(t, good.Email, 10*time.Second) // the confirmation of the first
		m = e.Mail.WaitFor(t, good.Email, 10*time.Second)
		if !strings.Contains(m.Subject, "Aanmelding bij HMS") || !strings.Contains(m.Text, "/password/forgot") {
			t.Fatalf("mail to the address's owner: %q %q", m.Subject, m.Text)
		}
	})
}

func TestLoginConfirmResetAndRateLimit(t *testing.T) {
	each(t, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		_, _, err := e.Accounts.SignUp(ctx,
			account.SignUpInput{OrgName: "Pand & Co", Name: "Bram", Email: "Bram@Example.nl", Password: "correct horse battery", AcceptTerms: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Accounts.Login(ctx, "bram@example.nl", "correct horse battery", "1.2.3.4"); !errors.Is(err, account.ErrNotConfirmed) {
			t.Fatalf("login before confirmation: %v", err)
		}
		// The refused login sends a fresh link besides the first; the fresh one works.
		e.Mail.WaitFor(t, "bram@example.nl", 10*time.Second)
		m := e.Mail.WaitFor(t, "bram@example.nl", 10*time.Second)
		link := mailtest.FirstURL(m.Text)
		if err := e.Accounts.ConfirmEmail(ctx, link[strings.Index(link, "token=")+6:]); err != nil {
			t.Fatal(err)
		}
		if err := e.Accounts.ConfirmEmail(ctx, link[strings.Index(link, "token=")+6:]); !errors.Is(err, account.ErrLinkInvalid) {
			t.Fatalf("a confirmation link worked twice: %v", err)
		}
		res, err := e.Accounts.Login(ctx, " BRAM@example.nl ", "correct horse battery", "1.2.3.4")
		if err != nil || res.User.Email != "bram@example.nl" || res.NeedTOTP {
			t.Fatalf("login: %+v %v", res, err)
		}
		_, errWrong := e.Accounts.Login(ctx, "bram@example.nl", "wrong password!", "1.2.3.4")
		_, errUnknown := e.Accounts.Login(ctx, "nobody@example.nl", "wrong password!", "1.2.3.4")
		if !errors.Is(errWrong, account.ErrInvalidLogin) || !errors.Is(errUnknown, account.ErrInvalidLogin) {
			t.Fatalf("wrong password %v, unknown address %v: both must be ErrInvalidLogin", errWrong, errUnknown)
		}

		// Password reset: the link works once and only within the hour.
		if err := e.Accounts.RequestPasswordReset(ctx, "bram@example.nl", "1.2.3.4"); err != nil {
			t.Fatal(err)
		}
		if err := e.Accounts.RequestPasswordReset(ctx, "nobody@example.nl", "1.2.3.4"); err != nil {
			t.Fatalf("unknown address must look the same: %v", err)
		}
		reset := waitSubject(t, e, "bram@example.nl", "wachtwoord", 0)
		token := reset[strings.Index(reset, "token=")+6:]
		fieldErr(t, e.Accounts.ResetPassword(ctx, token, "short"), "password", "password.too_short")
		if err := e.Accounts.ResetPassword(ctx, token, "a brand new secret"); err != nil {
			t.Fatal(err)
		}
		if err := e.Accounts.ResetPassword(ctx, token, "another new secret"); !errors.Is(err, account.ErrLinkInvalid) {
			t.Fatalf("reset link reused: %v", err)
		}
		if _, err := e.Accounts.Login(ctx, "bram@example.nl", "a brand new secret", "1.2.3.4"); err != nil {
			t.Fatalf("login with new password: %v", err)
		}
		if err := e.Accounts.RequestPasswordReset(ctx, "bram@example.nl", "1.2.3.4"); err != nil {
			t.Fatal(err)
		}
		reset = waitSubject(t, e, "bram@example.nl", "wachtwoord", 1)
		e.Clock.Advance(61 * time.Minute)
		if err := e.Accounts.ResetPassword(ctx, reset[strings.Index(reset, "token=")+6:],
			"expired link pass"); !errors.Is(err, account.ErrLinkInvalid) {
			t.Fatalf("expired reset link: %v", err)
		}

		// Failed logins slow the account down but never lock it out: five are
		// free, the sixth makes the next attempt wait 2 s (even with the right
		// password, which does not count as a failure); after the wait the
		// right password works and the count starts again.
		e.Clock.Advance(20 * time.Minute)
		for i := 0; i < 6; i++ {
			if _, err := e.Accounts.Login(ctx, "bram@example.nl", "guess guess guess", "5.6.7.8"); !errors.Is(err, account.ErrInvalidLogin) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		if _, err := e.Accounts.Login(ctx, "bram@example.nl", "a brand new secret", "5.6.7.8"); !errors.Is(err, account.ErrLoginWait) {
			t.Fatalf("right password within the delay: %v, want to wait", err)
		}
		e.Clock.Advance(2 * time.Second)
		if _, err := e.Accounts.Login(ctx, "bram@example.nl", "a brand new secret", "5.6.7.8"); err != nil {
			t.Fatalf("right password after the delay: %v", err)
		}
		if _, err := e.Accounts.Login(ctx, "bram@example.nl", "guess guess guess", "5.6.7.8"); !errors.Is(err, account.ErrInvalidLogin) {
			t.Fatalf("a success did not forget the failures: %v", err)
		}
		// A hammering attacker meets the cap (15 minutes), not a lock-out.
		for i := 0; i < 30; i++ {
			e.Clock.Advance(15 * time.Minute)
			_, _ = e.Accounts.Login(ctx, "bram@example.nl", "guess guess guess", fmt.Sprintf("10.0.0.%d", i))
		}
		if _, err := e.Accounts.Login(ctx, "bram@example.nl", "a brand new secret", "5.6.7.8"); !errors.Is(err, account.ErrLoginWait) {
			t.Fatalf("right password within the capped delay: %v", err)
		}
		e.Clock.Advance(15 * time.Minute)
		if _, err := e.Accounts.Login(ctx, "bram@example.nl", "a brand new secret", "5.6.7.8"); err != nil {
			t.Fatalf("right password after the capped delay: %v", err)
		}
		// An unknown address slows down alike, so it cannot be told from a known one.
		for i := 0; i < 6; i++ {
			_, _ = e.Accounts.Login(ctx, "niemand@example.nl", "guess guess guess", "5.6.7.8")
		}
		if _, err := e.Accounts.Login(ctx, "niemand@example.nl", "guess guess guess", "5.6.7.8"); !errors.Is(err, account.ErrLoginWait) {
			t.Fatalf("unknown address: %v, want to wait like a known one", err)
		}
	})
}

// mailsAbout lists the links of mails to addr whose subject contains word.
func mailsAbout(e *apptest.Org, addr, word string) []string {
	var links []string
	for _, m := range e.Mail.Messages() {
		if strings.Contains(strings.ToLower(m.Subject), word) && len(m.To) > 0 && m.To[0] == addr {
			links = append(links, mailtest.FirstURL(m.Text))
		}
	}
	return links
}

// waitSubject waits for one more mail about word to addr than there were
// (before) and returns its link.
func waitSubject(t *testing.T, e *apptest.Org, addr, word string, before int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if links := mailsAbout(e, addr, word); len(links) > before {
			return links[len(links)-1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no mail about %q to %s", word, addr)
	return ""
}

func TestTOTPCodesWorkOnce(t *testing.T) {
	each(t, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		uid, _ := signUp(t, e, "Twee Factor BV", "tf@example.nl", "correct horse battery")
		setup, err := e.Accounts.StartTOTP(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		if len(setup.PNG) < 100 || !strings.HasPrefix(setup.URL, "otpauth://totp/") {
			t.Fatalf("setup without QR code or URL: %d bytes, %q", len(setup.PNG), setup.URL)
		}
		_, err = e.Accounts.EnableTOTP(ctx, uid, setup.Secret, "000000")
		fieldErr(t, err, "code", "totp.invalid")
		code, _ := totp.GenerateCode(setup.Secret, e.Clock.Now())
		codes, err := e.Accounts.EnableTOTP(ctx, uid, setup.Secret, code)
		if err != nil || len(codes) != 10 {
			t.Fatalf("enable: %v, %d codes", err, len(codes))
		}
		res, err := e.Accounts.Login(ctx, "tf@example.nl", "correct horse battery", "1.1.1.1")
		if err != nil || !res.NeedTOTP {
			t.Fatalf("login with totp on: %+v %v", res, err)
		}
		// The code that enabled TOTP is spent; the next step's code works once.
		if err := e.Accounts.VerifySecondFactor(ctx, uid, code); !errors.Is(err, account.ErrTOTPInvalid) {
			t.Fatalf("enabling code reused: %v", err)
		}
		e.Clock.Advance(30 * time.Second)
		next, _ := totp.GenerateCode(setup.Secret, e.Clock.Now())
		if err := e.Accounts.VerifySecondFactor(ctx, uid, next); err != nil {
			t.Fatalf("fresh code: %v", err)
		}
		if err := e.Accounts.VerifySecondFactor(ctx, uid, next); !errors.Is(err, account.ErrTOTPInvalid) {
			t.Fatalf("code reused: %v", err)
		}
		if err := e.Accounts.VerifySecondFactor(ctx, uid, codes[3]); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		if err := e.Accounts.VerifySecondFactor(ctx, uid, codes[3]); !errors.Is(err, account.ErrTOTPInvalid) {
			t.Fatalf("recovery code reused: %v", err)
		}
		if n, _ := e.Accounts.RecoveryCodesLeft(ctx, uid); n != 9 {
			t.Fatalf("recovery codes left = %d, want 9", n)
		}
	})
}

func TestMembersInvitationsAndRoles(t *testing.T) {
	each(t, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		ownerID, org := signUp(t, e, "Woningbeheer Noord", "owner@example.nl", "correct horse battery")
		owner, err := e.Accounts.ActorFor(ctx, ownerID, org.Slug)
		if err != nil || owner.Role != account.Owner {
			t.Fatalf("owner actor: %+v %v", owner, err)
		}
		fieldErr(t, e.Accounts.Invite(ctx, owner, "not-an-address", account.Viewer), "email", "email.invalid")
		fieldErr(t, e.Accounts.Invite(ctx, owner, "owner@example.nl", account.Viewer), "email", "member.exists")
		fieldErr(t, e.Accounts.Invite(ctx, owner, "kees@example.nl", "admin"), "role", "role.invalid")
		if err := e.Accounts.Invite(ctx, owner, "Kees@Example.nl", account.Bookkeeper); err != nil {
			t.Fatal(err)
		}
		fieldErr(t, e.Accounts.Invite(ctx, owner, "kees@example.nl", account.Viewer), "email", "member.invited")
		m := e.Mail.WaitFor(t, "kees@example.nl", 10*time.Second)
		link := mailtest.FirstURL(m.Text)
		token := link[strings.Index(link, "token=")+6:]
		info, err := e.Accounts.Invitation(ctx, token)
		if err != nil || info.OrgName != "Woningbeheer Noord" || info.Role != account.Bookkeeper || info.UserExists {
			t.Fatalf("invitation info %+v %v", info, err)
		}
		_, _, err = e.Accounts.AcceptInvitation(ctx, token, 0, "Kees", "kort")
		fieldErr(t, err, "password", "password.too_short")
		keesID, slug, err := e.Accounts.AcceptInvitation(ctx, token, 0, "Kees Jansen", "another long secret")
		if err != nil || slug != org.Slug {
			t.Fatalf("accept: %v", err)
		}
		if _, _, err := e.Accounts.AcceptInvitation(ctx, token, 0, "Kees", "another long secret"); !errors.Is(err, account.ErrLinkInvalid) {
			t.Fatalf("invitation accepted twice: %v", err)
		}
		kees, err := e.Accounts.ActorFor(ctx, keesID, org.Slug)
		if err != nil || kees.Role != account.Bookkeeper {
			t.Fatalf("kees: %+v %v", kees, err)
		}
		if err := e.Accounts.Invite(ctx, kees, "x@example.nl", account.Viewer); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("bookkeeper invited: %v", err)
		}
		if err := e.Accounts.ChangeRole(ctx, owner, ownerID, account.Manager); !errors.Is(err, account.ErrLastOwner) {
			t.Fatalf("last owner stepped down: %v", err)
		}
		if err := e.Accounts.RemoveMember(ctx, owner, ownerID); !errors.Is(err, account.ErrLastOwner) {
			t.Fatalf("last owner removed: %v", err)
		}
		if err := e.Accounts.ChangeRole(ctx, owner, keesID, account.Owner); err != nil {
			t.Fatal(err)
		}
		if err := e.Accounts.ChangeRole(ctx, owner, ownerID, account.Viewer); err != nil {
			t.Fatalf("with a second owner the first may step down: %v", err)
		}
		members, _, err := e.Accounts.Members(ctx, kees)
		if err != nil || len(members) != 2 {
			t.Fatalf("members: %v %v", members, err)
		}
		// Another organisation sees none of this one.
		otherID, other := signUp(t, e, "Ander Beheer", "other@example.nl", "correct horse battery")
		if _, err := e.Accounts.ActorFor(ctx, otherID, org.Slug); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("stranger became actor in foreign org: %v", err)
		}
		stranger, _ := e.Accounts.ActorFor(ctx, otherID, other.Slug)
		stranger.OrgID = org.ID // forged: the membership check in the service must still fail
		if err := e.Accounts.ChangeRole(ctx, stranger, keesID, account.Viewer); err == nil {
			// The forged actor claims owner of org B; the change must not land.
			k, _ := e.Accounts.ActorFor(ctx, keesID, org.Slug)
			if k.Role != account.Owner {
				t.Fatalf("forged actor changed a role in another organisation")
			}
		}
	})
}

func TestAPITokens(t *testing.T) {
	each(t, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		uid, org := signUp(t, e, "Token BV", "tok@example.nl", "correct horse battery")
		owner, _ := e.Accounts.ActorFor(ctx, uid, org.Slug)
		_, err := e.Accounts.CreateAPIToken(ctx, owner, "sync", nil)
		fieldErr(t, err, "scopes", "token.scopes_required")
		tok, err := e.Accounts.CreateAPIToken(ctx, owner, "sync", []account.Scope{account.ScopeRead})
		if err != nil {
			t.Fatal(err)
		}
		a, err := e.Accounts.AuthenticateAPIToken(ctx, tok)
		if err != nil || a.OrgID != org.ID || a.Kind != "api" {
			t.Fatalf("authenticate: %+v %v", a, err)
		}
		if !a.Can(account.PermPortfolioRead) || a.Can(account.PermPortfolioWrite) || a.Can(account.PermMembersManage) {
			t.Fatalf("read token has wrong rights: %+v", a)
		}
		for _, bad := range []string{"", "Bearer x", "hms_", "hms_" + strings.Repeat("!", 32), "xyz_" + tok[4:]} {
			if _, err := e.Accounts.AuthenticateAPIToken(ctx, bad); !errors.Is(err, account.ErrTokenMalformed) {
				t.Errorf("token %q: %v, want malformed", bad, err)
			}
		}
		if _, err := e.Accounts.AuthenticateAPIToken(ctx, "hms_"+strings.Repeat("a", 32)); !errors.Is(err, account.ErrTokenInvalid) {
			t.Fatalf("unknown token: %v", err)
		}
		// Its use is noted to the minute, written at most once a minute.
		lastUsed := func() time.Time {
			t.Helper()
			toks, err := e.Accounts.APITokens(ctx, owner)
			if err != nil || len(toks) != 1 {
				t.Fatalf("tokens: %v %v", toks, err)
			}
			return toks[0].LastUsedAt
		}
		first := e.Clock.Now()
		if got := lastUsed(); !got.Equal(first) {
			t.Fatalf("last used %v, want %v", got, first)
		}
		e.Clock.Advance(30 * time.Second)
		for range 2 {
			if _, err := e.Accounts.AuthenticateAPIToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		if got := lastUsed(); !got.Equal(first) {
			t.Fatalf("last used %v after calls within the minute, want %v", got, first)
		}
		e.Clock.Advance(30 * time.Second)
		if _, err := e.Accounts.AuthenticateAPIToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); !got.Equal(e.Clock.Now()) {
			t.Fatalf("last used %v a minute later, want %v", got, e.Clock.Now())
		}
		if err := e.Accounts.RevokeAPIToken(ctx, owner, a.TokenID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Accounts.AuthenticateAPIToken(ctx, tok); !errors.Is(err, account.ErrTokenInvalid) {
			t.Fatalf("revoked token works: %v", err)
		}
	})
}

// Users' e-mail addresses and names never reach the database in plaintext:
// not in any row, and (SQLite) not anywhere in the file or its WAL.
func TestNoPlaintextPersonalData(t *testing.T) {
	each(t, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		uid, org := signUp(t, e, "Privacy Verhuur", "geheim.adres@voorbeeld.nl", "correct horse battery")
		owner, _ := e.Accounts.ActorFor(ctx, uid, org.Slug)
		if err := e.Accounts.Invite(ctx, owner, "collega.geheim@voorbeeld.nl", account.Viewer); err != nil {
			t.Fatal(err)
		}
		e.Mail.WaitFor(t, "collega.geheim@voorbeeld.nl", 10*time.Second)
		needles := []string{"geheim.adres@voorbeeld.nl", "collega.geheim@voorbeeld.nl", "Anna de Vries"}
		if hits := apptest.FindPlaintext(t, e.DB, needles...); len(hits) > 0 {
			t.Fatalf("plaintext personal data in the database: %v", hits)
		}
		if e.DB.Dialect == db.SQLite {
			if err := e.DB.Raw().QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(new(int), new(int), new(int)); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{e.DB.Path, e.DB.Path + "-wal"} {
				b, err := os.ReadFile(f)
				if err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
				for _, n := range needles {
					if strings.Contains(strings.ToLower(string(b)), strings.ToLower(n)) {
						t.Fatalf("%s contains %q in plaintext", f, n)
					}
				}
			}
		}
		// The same user is found and opened again: the data is sealed, not lost.
		u, err := e.Accounts.User(ctx, uid)
		if err != nil || u.Email != "geheim.adres@voorbeeld.nl" || u.Name != "Anna de Vries" {
			t.Fatalf("user round trip: %+v %v", u, err)
		}
	})
}

func TestChangePasswordAndEmail(t *testing.T) {
	each(t, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		uid, _ := signUp(t, e, "Wissel BV", "oud@example.nl", "correct horse battery")
		fieldErr(t, e.Accounts.ChangePassword(ctx, uid, "wrong one here", "a new long secret"), "current_password", "password.wrong")
		fieldErr(t, e.Accounts.ChangePassword(ctx, uid, "correct horse battery", "short"), "new_password", "password.too_short")
		if err := e.Accounts.ChangePassword(ctx, uid, "correct horse battery", "a new long secret"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Accounts.Login(ctx, "oud@example.nl", "correct horse battery", "9.9.9.9"); !errors.Is(err, account.ErrInvalidLogin) {
			t.Fatalf("old password still works: %v", err)
		}
		fieldErr(t, e.Accounts.RequestEmailChange(ctx, uid, "a new long secret", "bad"), "email", "email.invalid")
		fieldErr(t, e.Accounts.RequestEmailChange(ctx, uid, "wrong one here", "nieuw@example.nl"), "password", "password.wrong")
		_, _ = signUp(t, e, "Ander BV", "bezet@example.nl", "correct horse battery")
		fieldErr(t, e.Accounts.RequestEmailChange(ctx, uid, "a new long secret", "bezet@example.nl"), "email", "email.taken")
		if err := e.Accounts.RequestEmailChange(ctx, uid, "a new long secret", "Nieuw@Example.nl"); err != nil {
			t.Fatal(err)
		}
		// Nothing changes until the link sent to the new address is followed.
		if u, _ := e.Accounts.User(ctx, uid); u.Email != "oud@example.nl" {
			t.Fatalf("address changed before confirmation: %s", u.Email)
		}
		link := mailtest.FirstURL(e.Mail.WaitFor(t, "nieuw@example.nl", 10*time.Second).Text)
		if err := e.Accounts.ConfirmEmail(ctx, link[strings.Index(link, "token=")+6:]); err != nil {
			t.Fatal(err)
		}
		if u, _ := e.Accounts.User(ctx, uid); u.Email != "nieuw@example.nl" {
			t.Fatalf("address after confirmation: %s", u.Email)
		}
		if _, err := e.Accounts.Login(ctx, "nieuw@example.nl", "a new long secret", "9.9.9.9"); err != nil {
			t.Fatalf("login with the new address: %v", err)
		}
		if _, err := e.Accounts.Login(ctx, "oud@example.nl", "a new long secret", "9.9.9.9"); !errors.Is(err, account.ErrInvalidLogin) {
			t.Fatalf("old address still logs in: %v", err)
		}
	})
}

// A user in two organisations lists both and acts in each with its own role.
func TestSeveralOrganisations(t *testing.T) {
	each(t, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		uid, first := signUp(t, e, "Eerste BV", "twee@example.nl", "correct horse battery")
		if _, _, err := e.Accounts.CreateUser(ctx,
			account.CreateUserInput{OrgSlug: "tweede", Email: "twee@example.nl", Role: account.Viewer}); err != nil {
			t.Fatal(err)
		}
		ms, err := e.Accounts.Memberships(ctx, uid)
		if err != nil || len(ms) != 2 {
			t.Fatalf("memberships: %+v %v", ms, err)
		}
		a1, _ := e.Accounts.ActorFor(ctx, uid, first.Slug)
		a2, _ := e.Accounts.ActorFor(ctx, uid, "tweede")
		if a1.Role != account.Owner || a2.Role != account.Viewer || a1.OrgID == a2.OrgID {
			t.Fatalf("actors %+v %+v", a1, a2)
		}
	})
}
