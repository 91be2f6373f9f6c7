package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/relation"
)

// A person's export (owners and managers) and erasure (owners with an admin
// token) over the API: refused roles and scopes, the zip, the receipt, the
// erased person answering 404, a second erasure, and a running lease's
// tenant refused with a problem document.
func TestPrivacyRightsAPI(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Server: true}, func(t *testing.T, org *apptest.Org) {
		ctx := context.Background()
		token := func(a account.Actor, scopes ...account.Scope) string {
			tok, err := org.Accounts.CreateAPIToken(ctx, a, "t", scopes)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		base := org.URL()
		owner := call{t, base, token(org.Owner, account.ScopeRead, account.ScopeWrite, account.ScopeAdmin)}
		ownerRW := call{t, base, token(org.Owner, account.ScopeRead, account.ScopeWrite)}
		// Tokens act as the owner who made them (only owners make them),
		// within their scopes.
		reader := call{t, base, token(org.Owner, account.ScopeRead)}
		writer := call{t, base, token(org.Owner, account.ScopeWrite)}
		adminOnly := call{t, base, token(org.Owner, account.ScopeAdmin)}
		other := call{t, base, token(org.OwnerB, account.ScopeRead, account.ScopeWrite, account.ScopeAdmin)}

		today := civil.Today(org.Clock.Now())
		p := org.Person(org.Owner, relation.PersonInput{Surname: "Exportvelt", Email: "exportvelt@voorbeeld.nl"})
		org.Lease(org.Owner, lease.Input{TenantIDs: []int64{p}, Start: today.AddMonths(-6), End: today.AddMonths(-1)})
		running := org.Person(org.Owner, relation.PersonInput{Surname: "Loopt"})
		org.Lease(org.Owner, lease.Input{TenantIDs: []int64{running}, Start: today.AddMonths(-6)})

		get := func(c call, path string) (int, string, []byte) {
			req, _ := http.NewRequest("GET", base+"/api/v1"+path, nil)
			req.Header.Set("Authorization", "Bearer "+c.token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, resp.Header.Get("Content-Type"), b
		}
		st, ct, body := get(reader, fmt.Sprintf("/relations/%d/export?lang=en", p))
		if st != 200 || ct != "application/zip" {
			t.Fatalf("export: %d %s %s", st, ct, body)
		}
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatal(err)
		}
		var report string
		for _, f := range zr.File {
			if f.Name == "report.html" {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				report = string(b)
			}
		}
		if !strings.Contains(report, "Exportvelt") || !strings.Contains(report, "exportvelt@voorbeeld.nl") ||
			!strings.Contains(report, "Leases") {
			t.Fatalf("report:\n%s", report)
		}
		if st, _, _ := get(writer, fmt.Sprintf("/relations/%d/export", p)); st != 403 {
			t.Errorf("export with a write token: %d", st)
		}
		if st, _, _ := get(other, fmt.Sprintf("/relations/%d/export", p)); st != 404 {
			t.Errorf("another organisation's export: %d", st)
		}

		path := fmt.Sprintf("/relations/%d/erase", p)
		for name, c := range map[string]call{"read and write scopes": ownerRW, "admin scope alone": adminOnly,
			"read scope": reader} {
			if st, _ := c.do("POST", path, ""); st != 403 {
				t.Errorf("%s erases: %d", name, st)
			}
		}
		if st, _ := other.do("POST", path, ""); st != 404 {
			t.Errorf("another organisation erases: %d", st)
		}
		if st, prob := owner.do("POST", fmt.Sprintf("/relations/%d/erase", running), ""); st != 409 ||
			!strings.Contains(fmt.Sprint(prob["detail"]), "nog loopt") {
			t.Errorf("erase a running lease's tenant: %d %v", st, prob)
		}
		st, rc := owner.do("POST", path, "")
		if st != 200 || rc["already_erased"] != false || rc["person_id"] != float64(p) {
			t.Fatalf("erase: %d %v", st, rc)
		}
		if s := fmt.Sprint(rc["sources"]); !strings.Contains(s, "privacy.what.keys") || !strings.Contains(s, "privacy.why.fiscal") &&
			!strings.Contains(s, "privacy.why.relation_stub") {
			t.Errorf("receipt sources: %s", s)
		}
		if st, _ := owner.do("GET", fmt.Sprintf("/relations/%d", p), ""); st != 404 {
			t.Errorf("erased person: %d, want 404", st)
		}
		if st, rc := owner.do("POST", path, ""); st != 200 || rc["already_erased"] != true {
			t.Errorf("erase again: %d %v", st, rc)
		}
		if _, _, b := get(reader, fmt.Sprintf("/relations/%d/export", p)); bytes.Contains(b, []byte("Exportvelt")) {
			t.Errorf("the export after erasure names the person")
		}
	})
}
