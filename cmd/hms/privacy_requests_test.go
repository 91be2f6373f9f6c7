package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/platform/dbtest"
	"hms/internal/privacy/requests"
)

// hms privacy requests lists an organisation's subject requests, overdue
// first, and --overdue only those.
func TestPrivacyRequestsCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "acme", Email: "o@acme.nl",
				Role: account.Owner}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Requests.Submit(ctx, requests.SubmitInput{Kind: requests.Access, About: requests.AboutLandlord,
				Landlord: "acme", Name: "Jan Jansen", Email: "jan@voorbeeld.nl"}); err != nil {
				t.Fatal(err)
			}
			a.Close()
			var out, errOut bytes.Buffer
			if err := run(ctx, append([]string{"privacy", "requests", "--org", "acme"}, storage...), &out, &errOut); err != nil ||
				!strings.Contains(out.String(), "access  verifying  due ") || !strings.Contains(out.String(), "Jan Jansen") {
				t.Fatalf("list: %v %q", err, out.String())
			}
			out.Reset()
			if err := run(ctx, append([]string{"privacy", "requests", "--org", "acme", "--overdue"}, storage...), &out,
				&errOut); err != nil || !strings.Contains(out.String(), "no subject requests") {
				t.Fatalf("overdue: %v %q", err, out.String())
			}
		})
	}
}

// The request actions on the command line: the console's (acting as the
// only staff member) and an inbox's (--org), with the same service calls
// and refusals as the web.
func TestPrivacyRequestActions(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "acme", Email: "o@acme.nl", Name: "Olga Eigenaar",
				Role: account.Owner}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{Email: "staf@hms.nl", Name: "Staf", Staff: true}); err != nil {
				t.Fatal(err)
			}
			submit := func(in requests.SubmitInput) {
				t.Helper()
				if _, err := a.Requests.Submit(ctx, in); err != nil {
					t.Fatal(err)
				}
			}
			submit(requests.SubmitInput{Kind: requests.Access, About: requests.AboutAccount, Name: "Olga", Email: "o@acme.nl"})
			submit(requests.SubmitInput{Kind: requests.Erasure, About: requests.AboutAccount, Name: "Olga", Email: "o@acme.nl"})
			submit(requests.SubmitInput{Kind: requests.Rectification, About: requests.AboutAccount, Name: "Olga", Email: "o@acme.nl",
				Details: "Graag alles in het Engels", Proposed: map[string]string{"language": "en"}})
			submit(requests.SubmitInput{Kind: requests.Access, About: requests.AboutLandlord, Landlord: "Nergens BV", Name: "Piet",
				Email: "piet@voorbeeld.nl"})
			submit(requests.SubmitInput{Kind: requests.Objection, About: requests.AboutLandlord, Landlord: "acme", Name: "Jan",
				Email: "jan@voorbeeld.nl"})
			console, err := a.Requests.List(ctx, requests.Staff(1), requests.Filter{})
			if err != nil || len(console) != 4 {
				t.Fatalf("console: %d %v", len(console), err)
			}
			ids := map[string]string{}
			for _, r := range console {
				ids[string(r.Kind)+" "+r.Personal.Email] = fmt.Sprint(r.ID)
			}
			a.Close()
			cmd := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, append(append([]string{"privacy", "requests"}, args...), storage...), &out, &errOut)
				return out.String(), err
			}
			must := func(want string, args ...string) {
				t.Helper()
				out, err := cmd(args...)
				if err != nil || !strings.Contains(out, want) {
					t.Fatalf("%v: %v %q, want %q", args, err, out, want)
				}
			}
			access, erasure, piet := ids["access o@acme.nl"], ids["erasure o@acme.nl"], ids["access piet@voorbeeld.nl"]
			must("access  verifying", "show", access)
			if _, err := cmd("export", access); err == nil || strings.Contains(err.Error(), "subject_request.") {
				t.Fatalf("export before verification: %v", err)
			}
			if _, err := cmd("verify", access); err == nil || !strings.HasPrefix(err.Error(), "note: ") {
				t.Fatalf("verify without a note: %v", err)
			}
			must("in_progress", "verify", access, "--note", "telefonisch nagevraagd")
			if _, err := cmd("extend", access, "--months", "3", "--reason", "drukte"); err == nil ||
				!strings.HasPrefix(err.Error(), "months: ") {
				t.Fatalf("three months: %v", err)
			}
			must("extended", "extend", access, "--months", "1", "--reason", "veel verzoeken tegelijk")
			must("outcome    subject_request.outcome.exported", "export", access)
			must("in_progress", "verify", erasure, "--note", "telefonisch nagevraagd")
			must("refused", "erase", erasure)
			out, _ := cmd("show", erasure)
			if !strings.Contains(out, "enige eigenaar van acme") {
				t.Fatalf("the refusal does not say why: %q", out)
			}
			// A rectification of the account's language: proposed English,
			// staff choose it or another they speak; a bad one is refused.
			rect := ids["rectification o@acme.nl"]
			must("proposed   language = en", "show", rect)
			must("in_progress", "verify", rect, "--note", "telefonisch nagevraagd")
			if _, err := cmd("rectify", rect, "--language", "de"); err == nil || !strings.HasPrefix(err.Error(), "language: ") {
				t.Fatalf("rectify in German: %v", err)
			}
			must("outcome    subject_request.outcome.rectified", "rectify", rect, "--language", "en")
			must("awaiting_controller", "forward", piet, "--to", "acme")
			if _, err := cmd("show", access, "--staff", "nobody@hms.nl"); err == nil {
				t.Fatal("an unknown staff member acted")
			}

			// The inbox: the objection of acme's tenant, and the forwarded one.
			a, err = app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			org, _ := a.Accounts.OrgBySlug(ctx, "acme")
			if uid, err := a.Accounts.UserByEmail(ctx, "o@acme.nl"); err != nil {
				t.Fatal(err)
			} else if u, err := a.Accounts.User(ctx, uid); err != nil || u.Lang != "en" {
				t.Fatalf("the account's language after the rectification: %+v %v", u, err)
			}
			inbox, err := a.Requests.List(ctx, account.Actor{OrgID: org.ID, Role: account.Owner, Kind: "system"}, requests.Filter{})
			a.Close()
			if err != nil || len(inbox) != 2 {
				t.Fatalf("acme's inbox: %d %v", len(inbox), err)
			}
			for _, r := range inbox {
				id := fmt.Sprint(r.ID)
				if r.Kind == requests.Objection {
					must("objection  verifying", "show", id, "--org", "acme")
					must("in_progress", "verify", id, "--org", "acme", "--note", "bekend van de balie")
					must("completed", "complete", id, "--org", "acme", "--done", "Het bezwaar is vastgelegd en toegewezen.")
				} else {
					must("refused", "refuse", id, "--org", "acme", "--reason", "Wij kennen u niet als huurder.")
				}
			}
			must("refused", "show", piet)
			if _, err := cmd("show", piet, "--org", "acme"); err == nil {
				t.Fatal("the console's request read as acme's")
			}
		})
	}
}
