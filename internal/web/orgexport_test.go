package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/platform/browsertest"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// The owner downloads the organisation's zip from the settings page and
// over the API; a manager is refused both, and the link is not shown to them.
func TestOrgExportOwnersOnly(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			ctx := context.Background()
			_, pw := createUser(t, e, "a", "eigenaar@a.nl", account.Owner)
			_, mpw := createUser(t, e, "a", "beheerder@a.nl", account.Manager)
			// A second owner who makes a token and then becomes a manager:
			// a token acts with its maker's current role.
			mid, _ := createUser(t, e, "a", "tweede@a.nl", account.Owner)
			owner := newClient(t, e.URL())
			owner.login("eigenaar@a.nl", pw)
			manager := newClient(t, e.URL())
			manager.login("beheerder@a.nl", mpw)
			if body := mustBody(t, owner, "/o/a/settings/organisation"); !strings.Contains(body, `href="/o/a/settings/export"`) {
				t.Fatal("no export link on the organisation settings page")
			}
			if body := mustBody(t, manager, "/o/a/settings/organisation"); strings.Contains(body, `/settings/export`) {
				t.Error("the manager sees the export link")
			}
			body := mustBody(t, owner, "/o/a/settings/export")
			if !strings.Contains(body, `id="org-export-download"`) {
				t.Fatalf("export page: %.2000s", body)
			}
			resp, zipBody := owner.do("GET", "/o/a/settings/export/zip", nil)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
				t.Fatalf("zip: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			checkZip(t, []byte(zipBody))
			for _, p := range []string{"/o/a/settings/export", "/o/a/settings/export/zip"} {
				if resp, _ := manager.do("GET", p, nil); resp.StatusCode == 200 {
					t.Errorf("manager got %s", p)
				}
			}
			// The API: an owner's admin token gets the zip, a manager's is refused.
			oa, _ := e.Accounts.UserIDByEmail(ctx, "eigenaar@a.nl")
			ownerActor, err := e.Accounts.ActorFor(ctx, oa, "a")
			if err != nil {
				t.Fatal(err)
			}
			mgrActor, err := e.Accounts.ActorFor(ctx, mid, "a")
			if err != nil {
				t.Fatal(err)
			}
			otok, err := e.Accounts.CreateAPIToken(ctx, ownerActor, "o", []account.Scope{account.ScopeRead, account.ScopeAdmin})
			if err != nil {
				t.Fatal(err)
			}
			mtok, err := e.Accounts.CreateAPIToken(ctx, mgrActor, "m", []account.Scope{account.ScopeRead, account.ScopeAdmin})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Accounts.ChangeRole(ctx, ownerActor, mid, account.Manager); err != nil {
				t.Fatal(err)
			}
			get := func(tok string) (int, string, []byte) {
				req, _ := http.NewRequest("GET", e.URL()+"/api/v1/export", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, resp.Header.Get("Content-Type"), b
			}
			if st, ct, b := get(otok); st != 200 || ct != "application/zip" {
				t.Fatalf("API owner: %d %s", st, ct)
			} else {
				checkZip(t, b)
			}
			if st, _, _ := get(mtok); st != http.StatusForbidden {
				t.Errorf("API manager: %d", st)
			}
		})
	}
}

func checkZip(t *testing.T, b []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	if !names["README.txt"] || !names["json/relations.json"] || !names["csv/audit_events.csv"] {
		t.Errorf("zip holds %v", names)
	}
}

// The export page at 1280 and 390 px: reached from the organisation
// settings, the download link present, no sideways scroll.
func TestOrgExportBrowser(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
	e := apptest.Start(t, "sqlite", apptest.Options{Clock: clk})
	_, pw := createUser(t, e, "a", "eigenaar@a.nl", account.Owner)
	for _, width := range []struct {
		name string
		new  func(testing.TB) *browsertest.Browser
	}{{"1280px", browsertest.New}, {"390px", browsertest.NewMobile}} {
		t.Run(width.name, func(t *testing.T) {
			b := width.new(t)
			browserLogin(t, b, e.URL(), "eigenaar@a.nl", pw)
			b.Run(t, chromedp.Navigate(e.URL()+"/o/a/settings/organisation"), chromedp.Click(css("#org-export-link")),
				chromedp.WaitVisible(css("#org-export-download")))
			href := browsertest.Get(t, b, chromedp.Evaluate[string](`document.querySelector("#org-export-download").getAttribute("href")`))
			over := browsertest.Get(t, b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`))
			if href != "/o/a/settings/export/zip" || over {
				t.Errorf("download link %q, scrolls sideways: %v", href, over)
			}
			shot(t, b, "org-export-"+width.name)
		})
	}
}
