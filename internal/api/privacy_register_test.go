package api_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/privacy"
)

// The register of processing activities through the API (PRIVACY.md P1):
// every activity in the register's order, the organisation as controller,
// words in the asked language; a read token suffices.
func TestProcessingRegisterAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))})
			a := setupOrg(t, e, "alpha")
			read := call{t, e.URL(), a.tokens["read"]}
			st, out := read.do("GET", "/privacy/register", "")
			acts, _ := out["activities"].([]any)
			if st != 200 || out["controller"] == "" || len(acts) != len(privacy.Register) {
				t.Fatalf("register: %d %v", st, out)
			}
			want := privacy.RegisterEntries("nl")
			for i, x := range acts {
				m := x.(map[string]any)
				if m["key"] != want[i].Key || m["purpose"] != want[i].Purpose || m["role"] != string(want[i].Role) ||
					len(m["data_categories"].([]any)) == 0 || m["retention"] == "" {
					t.Errorf("activity %d: %v", i, m)
				}
			}
		})
	}
}

// Access grants through the API (PRIVACY.md P14): the owner lists the
// request and allows it; a manager's token is refused; allowing twice is a
// conflict; ending it leaves it ended.
func TestAccessGrantsAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))})
			a := setupOrg(t, e, "alpha")
			ctx := context.Background()
			_, staffID, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{Email: "support@hms.example", Staff: true, Name: "Sam"})
			if err != nil {
				t.Fatal(err)
			}
			id, err := e.Accounts.RequestGrant(ctx, staffID, "alpha", "Een vraag over de incasso", 3)
			if err != nil {
				t.Fatal(err)
			}
			admin, read := call{t, e.URL(), a.tokens["admin"]}, call{t, e.URL(), a.tokens["read"]}
			if st, _ := read.do("GET", "/access-grants", ""); st != 403 {
				t.Fatalf("read token: %d", st)
			}
			st, out := admin.do("GET", "/access-grants", "")
			gs, _ := out["grants"].([]any)
			if st != 200 || len(gs) != 1 || gs[0].(map[string]any)["state"] != "requested" || gs[0].(map[string]any)["staff"] != "Sam" {
				t.Fatalf("list: %d %v", st, out)
			}
			path := fmt.Sprintf("/access-grants/%d/", id)
			if st, out := admin.do("POST", path+"approve", ""); st != 200 || fmt.Sprint(out["grants"]) == "" ||
				out["grants"].([]any)[0].(map[string]any)["expires_at"] != "2026-03-15T14:00:00Z" {
				t.Fatalf("approve: %d %v", st, out)
			}
			if st, _ := admin.do("POST", path+"approve", ""); st != 409 {
				t.Fatalf("approve twice: %d", st)
			}
			if st, out := admin.do("POST", path+"end", ""); st != 200 || out["grants"].([]any)[0].(map[string]any)["state"] != "ended" {
				t.Fatalf("end: %d %v", st, out)
			}
		})
	}
}

// The register of recipients through the API (P17, P18): a read token of
// any member suffices; the configured locations are in it.
func TestPrivacyRecipientsAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))})
			a := setupOrg(t, e, "alpha")
			read := call{t, e.URL(), a.tokens["read"]}
			st, out := read.do("GET", "/privacy/recipients", "")
			list, _ := out["recipients"].([]any)
			if st != 200 || len(list) != len(e.Privacy.Recipients()) {
				t.Fatalf("recipients: %d %v", st, out)
			}
			seen := map[string]bool{}
			for _, x := range list {
				m := x.(map[string]any)
				if m["country"] != "NL" || m["location"] != "eea" || m["name"] == "" || m["purpose"] == "" {
					t.Errorf("recipient: %v", m)
				}
				seen[m["key"].(string)] = true
			}
			if !seen["hosting"] || !seen["mail"] {
				t.Errorf("storage and mail missing: %v", seen)
			}
		})
	}
}
