package main

import (
	"bytes"
	"context"
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
