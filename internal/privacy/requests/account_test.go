package requests_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/validation"
	"hms/internal/privacy/requests"
)

// consoleRequest submits an account request on the website as email and
// verifies it with the mailed code; it returns the console's request id.
func consoleRequest(t *testing.T, e *apptest.Org, kind requests.Kind, email string, proposed map[string]string) int64 {
	t.Helper()
	ctx := context.Background()
	sub, err := e.Requests.Submit(ctx, requests.SubmitInput{Kind: kind, About: requests.AboutAccount, Name: "Verzoeker",
		Email: email, Proposed: proposed, Details: "graag", Lang: "nl"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Requests.Verify(ctx, sub.Token, codeIn(t, mailTo(t, e, 0, email))); err != nil {
		t.Fatal(err)
	}
	list, err := e.Requests.List(ctx, requests.Staff(1), requests.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if r.Personal.Email == email && r.Kind == kind && r.Open() {
			return r.ID
		}
	}
	t.Fatalf("no console request of %s", email)
	return 0
}

func zipFiles(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = string(b)
	}
	return out
}

// A console request about a person's own HMS account (HMS is controller)
// is answered with the account's export (the same zip and single-use link),
// its erasure (refused for an organisation's only owner, with what to do)
// or its rectification (the name written, a new address through the
// verified link); only staff act.
func TestAccountRequests(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		_, staffID, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{Email: "staf@hms.nl", Name: "Staf", Staff: true})
		if err != nil {
			t.Fatal(err)
		}
		staff := requests.Staff(staffID)
		secret, err := e.Accounts.CreateAPIToken(ctx, e.Owner, "Boekhoudkoppeling", []account.Scope{account.Scopes[0]})
		if err != nil {
			t.Fatal(err)
		}

		// Access: the export of the owner's account, mailed as a link.
		id := consoleRequest(t, e, requests.Access, "owner@alpha.nl", nil)
		if err := e.Requests.SendExport(ctx, e.Owner, id, 1); !errors.Is(err, validation.ErrNotFound) &&
			!errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("an organisation's owner exports a console request: %v", err)
		}
		if err := e.Requests.SendExport(ctx, staff, id, 0); err != nil {
			t.Fatal(err)
		}
		m := mailTo(t, e, 0, "owner@alpha.nl")
		i := strings.Index(m.Text, requests.DownloadPath)
		if i < 0 {
			t.Fatalf("no link in %q", m.Text)
		}
		link, _ := url.Parse(strings.Fields(m.Text[i:])[0])
		data, err := e.Requests.Download(ctx, link.Query().Get("token"))
		if err != nil {
			t.Fatal(err)
		}
		files := zipFiles(t, data)
		for name, want := range map[string]string{
			"report.html":                 "owner@alpha.nl",
			"json/account.json":           "Boekhoudkoppeling",
			"csv/account.memberships.csv": "alpha",
			"csv/account.requests.csv":    "Inzage",
		} {
			if !strings.Contains(files[name], want) {
				t.Errorf("%s does not hold %q: %q", name, want, files[name])
			}
		}
		if !strings.Contains(files["report.html"], "art. 6(1)(b)") && !strings.Contains(files["report.html"], "art. 6 lid 1") &&
			!strings.Contains(files["report.html"], "6(1)(b) AVG") {
			t.Error("the report does not give the legal basis from the register")
		}
		for name, body := range files {
			if strings.Contains(body, secret) {
				t.Errorf("%s holds the API token's secret", name)
			}
		}
		if r, _ := e.Requests.Get(ctx, staff, id); r.State != requests.Completed {
			t.Fatalf("after the export: %s", r.State)
		}
		if _, err := e.Requests.Download(ctx, link.Query().Get("token")); !errors.Is(err, requests.ErrLinkInvalid) {
			t.Fatalf("downloaded twice: %v", err)
		}

		// No account with the address: a clear problem, nothing changes.
		none := consoleRequest(t, e, requests.Access, "onbekend@voorbeeld.nl", nil)
		if err := e.Requests.SendExport(ctx, staff, none, 0); !errors.Is(err, requests.ErrNoAccount) {
			t.Fatalf("no account: %v", err)
		}

		// Erasure of alpha's only owner: refused, naming alpha and what to do.
		own := consoleRequest(t, e, requests.Erasure, "owner@alpha.nl", nil)
		if err := e.Requests.Erase(ctx, staff, own, 0); err != nil {
			t.Fatal(err)
		}
		if r, _ := e.Requests.Get(ctx, staff, own); r.State != requests.Refused {
			t.Fatalf("the only owner erased: %s", r.State)
		}
		if m := mailTo(t, e, 0, "owner@alpha.nl"); !strings.Contains(m.Text, "enige eigenaar van alpha") ||
			!strings.Contains(m.Text, "Autoriteit Persoonsgegevens") {
			t.Fatalf("refusal mail: %q", m.Text)
		}
		if _, err := e.Accounts.UserByEmail(ctx, "owner@alpha.nl"); err != nil {
			t.Fatalf("the owner's account went: %v", err)
		}

		// Erasure of the manager: account, membership and sessions go;
		// the audit events stay, without a name.
		mgr := e.Manager.UserID
		if _, err := e.DB.Raw().ExecContext(ctx, `INSERT INTO sessions (token, data, expiry, user_id, created_at)
			VALUES ('t1', $1, '2999-01-01T00:00:00Z', $2, '2026-01-01T00:00:00Z')`, []byte("x"), mgr); err != nil {
			t.Fatal(err)
		}
		er := consoleRequest(t, e, requests.Erasure, "manager@alpha.nl", nil)
		if err := e.Requests.Erase(ctx, staff, er, 0); err != nil {
			t.Fatal(err)
		}
		if r, _ := e.Requests.Get(ctx, staff, er); r.State != requests.Completed || r.PersonID != mgr {
			t.Fatalf("after the erasure: %+v", r)
		}
		if m := mailTo(t, e, 0, "manager@alpha.nl"); !strings.Contains(m.Text, "Lidmaatschappen van organisaties: 1") ||
			!strings.Contains(m.Text, "Logregels over inloggen") {
			t.Fatalf("receipt mail: %q", m.Text)
		}
		if _, err := e.Accounts.UserByEmail(ctx, "manager@alpha.nl"); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("the erased address still finds the account: %v", err)
		}
		if _, err := e.Accounts.User(ctx, mgr); err == nil {
			t.Fatal("the erased user's name still opens")
		}
		for q, want := range map[string]int{
			`SELECT count(*) FROM sessions WHERE user_id = $1`:                0,
			`SELECT count(*) FROM users WHERE id = $1 AND password_hash = ''`: 1,
		} {
			if n := e.Count(q, mgr); n != want {
				t.Errorf("%s: %d, want %d", q, n, want)
			}
		}
		if n := e.Count(`SELECT count(*) FROM audit_events WHERE org_id = 0 AND action = 'user.erased' AND target_id = $1`,
			fmt.Sprint(mgr)); n != 1 {
			t.Errorf("erasure audited %d times", n)
		}
		if n := e.Count(`SELECT count(*) FROM audit_events WHERE org_id = 0 AND target_type = 'user' AND target_id = $1`,
			fmt.Sprint(mgr)); n < 2 {
			t.Errorf("the platform's events about the user were not kept: %d", n)
		}
		if ms, _ := e.Accounts.Memberships(ctx, mgr); len(ms) != 0 {
			t.Errorf("memberships left: %+v", ms)
		}

		// Rectification: the viewer's name is corrected; the new address gets
		// the verified link and changes only when it is followed.
		rc := consoleRequest(t, e, requests.Rectification, "viewer@alpha.nl",
			map[string]string{"first_names": "Vera", "surname": "Kijker", "email": "vera@nieuw.nl"})
		if err := e.Requests.Rectify(ctx, staff, rc, 0); err != nil {
			t.Fatal(err)
		}
		u, err := e.Accounts.User(ctx, e.Viewer.UserID)
		if err != nil || u.Name != "Vera Kijker" || u.Email != "viewer@alpha.nl" {
			t.Fatalf("after the rectification: %+v %v", u, err)
		}
		if m := mailTo(t, e, 0, "vera@nieuw.nl"); !strings.Contains(m.Text, "/confirm?token=") {
			t.Fatalf("no confirmation link to the new address: %q", m.Text)
		}
		if r, _ := e.Requests.Get(ctx, staff, rc); r.State != requests.Completed {
			t.Fatalf("rectification request: %s", r.State)
		}
	})
}

// The console's open requests near their due day remind the platform's
// staff (the organisations' remind their owners).
func TestConsoleRemindersReachStaff(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		if _, _, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{Email: "staf@hms.nl", Name: "Staf", Staff: true}); err != nil {
			t.Fatal(err)
		}
		consoleRequest(t, e, requests.Access, "manager@alpha.nl", nil)
		if n, err := e.Requests.Remind(ctx); err != nil || n != 0 {
			t.Fatalf("reminded a month early: %d %v", n, err)
		}
		e.Clock.Advance(24 * 3600e9 * 25)
		if n, err := e.Requests.Remind(ctx); err != nil || n != 1 {
			t.Fatalf("reminders: %d %v", n, err)
		}
		if m := mailTo(t, e, 0, "staf@hms.nl"); !strings.Contains(m.Text, "/console/privacy/requests") {
			t.Fatalf("staff's reminder: %q", m.Text)
		}
		if n, _ := e.Requests.Remind(ctx); n != 0 {
			t.Fatalf("reminded twice on one day: %d", n)
		}
	})
}

// A request about an HMS account may propose the account's language; staff
// approve it (or choose the language themselves) and the account speaks
// it. A language is refused on a request to a landlord, and a language HMS
// does not speak at its field; neither changes anything.
func TestAccountRectifyLanguage(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		_, staffID, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{Email: "staf@hms.nl", Name: "Staf", Staff: true})
		if err != nil {
			t.Fatal(err)
		}
		staff := requests.Staff(staffID)
		lang := func(id int64) string {
			t.Helper()
			u, err := e.Accounts.User(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return u.Lang
		}
		if lang(e.Viewer.UserID) != "nl" {
			t.Fatalf("the viewer starts in %q", lang(e.Viewer.UserID))
		}

		// Bad input: a language HMS does not speak, or on a landlord's request.
		for about, want := range map[requests.About]string{requests.AboutAccount: "subject_request.language_invalid",
			requests.AboutLandlord: "subject_request.language_account_only"} {
			_, err := e.Requests.Submit(ctx, requests.SubmitInput{Kind: requests.Rectification, About: about, Landlord: "alpha",
				Name: "Vera", Email: "viewer@alpha.nl", Proposed: map[string]string{
					"language": map[bool]string{true: "de", false: "en"}[about == requests.AboutAccount]},
				Lang: "nl"})
			if fe, ok := validation.AsFields(err); !ok || fe["proposed_language"] != want {
				t.Errorf("%s: %v, want %s", about, err, want)
			}
		}
		if _, err := e.Requests.Record(ctx, e.Owner, requests.RecordInput{Kind: requests.Rectification, Name: "Vera",
			Email: "viewer@alpha.nl", Proposed: map[string]string{"language": "en"}}); err == nil {
			t.Error("the organisation's inbox took a proposed language")
		}

		// The proposed language, approved as it is.
		rc := consoleRequest(t, e, requests.Rectification, "viewer@alpha.nl", map[string]string{"language": "en"})
		ch, err := e.Requests.Changes(ctx, staff, rc, 0)
		if err != nil || len(ch) != 1 || ch[0].Field != "language" || ch[0].New != "en" {
			t.Fatalf("the console's changes: %+v %v", ch, err)
		}
		if err := e.Requests.RectifyWithLanguage(ctx, staff, rc, 0, "fr"); err == nil {
			t.Fatal("staff set a language HMS does not speak")
		} else if fe, ok := validation.AsFields(err); !ok || fe["language"] != "subject_request.language_invalid" {
			t.Fatalf("a bad language: %v", err)
		}
		if lang(e.Viewer.UserID) != "nl" {
			t.Fatal("a refused language changed the account")
		}
		if err := e.Requests.Rectify(ctx, staff, rc, 0); err != nil {
			t.Fatal(err)
		}
		if got := lang(e.Viewer.UserID); got != "en" {
			t.Fatalf("after the rectification the account speaks %q", got)
		}
		if r, _ := e.Requests.Get(ctx, staff, rc); r.State != requests.Completed || !strings.Contains(r.Personal.Done, "Taal: Engels") {
			t.Fatalf("rectification request: %s %q", r.State, r.Personal.Done)
		}
		if n := e.Count(`SELECT count(*) FROM audit_events WHERE org_id = 0 AND action = 'user.rectified' AND target_id = $1`,
			fmt.Sprint(e.Viewer.UserID)); n != 1 {
			t.Errorf("rectification audited %d times", n)
		}

		// Nothing proposed: staff choose the language from the details.
		none := consoleRequest(t, e, requests.Rectification, "viewer@alpha.nl", nil)
		if err := e.Requests.Rectify(ctx, staff, none, 0); err == nil {
			t.Fatal("approved a request that proposes nothing")
		}
		if err := e.Requests.RectifyWithLanguage(ctx, staff, none, 0, "nl"); err != nil {
			t.Fatal(err)
		}
		if got := lang(e.Viewer.UserID); got != "nl" {
			t.Fatalf("staff's language: %q", got)
		}

		// In an organisation's inbox a language is refused at its field.
		if err := e.Requests.RectifyWithLanguage(ctx, e.Owner, 1, 0, "en"); err == nil {
			t.Fatal("an organisation's rectification took a language")
		} else if fe, ok := validation.AsFields(err); ok && fe["language"] != "subject_request.language_account_only" {
			t.Fatalf("organisation's language: %v", err)
		}
	})
}
