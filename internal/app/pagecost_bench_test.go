package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/dbtest"
)

// BenchmarkOrgPage measures what one back-office page costs per engine:
// GET /o/alpha/members, signed in (session, user, membership, the page's
// own read), beside GET /login in the same run (the session and the page
// template, no organisation), and the transactions a request runs (tx/op;
// no job workers run), the number the "one request, one transaction" rule
// counts.
func BenchmarkOrgPage(b *testing.B) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			e := apptest.Start(b, engine, apptest.Options{NoServer: true})
			pw, id, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "alpha", Email: "owner@alpha.nl", Role: account.Owner})
			if err != nil {
				b.Fatal(err)
			}
			a, err := e.Accounts.ActorFor(ctx, id, "alpha")
			if err != nil {
				b.Fatal(err)
			}
			if err := e.Privacy.AcceptProcessorAgreement(ctx, a, e.Privacy.Current().Version); err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(e.Web)
			b.Cleanup(srv.Close)
			c := newBrowser(b)
			login := url.Values{"email": {"owner@alpha.nl"}, "password": {pw}}
			if resp, _ := c.do("POST", srv.URL+"/login", login); resp.StatusCode != http.StatusSeeOther {
				b.Fatalf("login: %d", resp.StatusCode)
			}
			for _, path := range []string{"/login", "/o/alpha/members"} {
				b.Run(path, func(b *testing.B) {
					before := e.DB.Transactions()
					for b.Loop() {
						resp, _ := c.do("GET", srv.URL+path, nil)
						if resp.StatusCode != http.StatusOK && !(path == "/login" && resp.StatusCode == http.StatusSeeOther) {
							b.Fatalf("%s: %d", path, resp.StatusCode)
						}
					}
					b.ReportMetric(float64(e.DB.Transactions()-before)/float64(b.N), "tx/op")
				})
			}
		})
	}
}
