package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
)

// The API answers text the privacy guard warns about with 422 at the body
// field, takes the reason in the HMS-Guard-Reasons header (documented on the
// operation), and takes the guard mode in the privacy settings (owners).
func TestGuardReasonsHeader(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Server: true}, func(t *testing.T, e *apptest.Org) {
		ctx := context.Background()
		owner, err := e.Accounts.CreateAPIToken(ctx, e.Owner, "admin", []account.Scope{account.ScopeRead, account.ScopeWrite,
			account.ScopeAdmin})
		if err != nil {
			t.Fatal(err)
		}
		writer, err := e.Accounts.CreateAPIToken(ctx, e.Owner, "write", []account.Scope{account.ScopeRead, account.ScopeWrite})
		if err != nil {
			t.Fatal(err)
		}
		id := e.Lease(e.Owner, lease.Input{DepositCents: 160000})
		send := func(method, path, token, body, reasons string) (int, map[string]any) {
			t.Helper()
			req, _ := http.NewRequest(method, e.URL()+"/api/v1"+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept-Language", "en")
			if reasons != "" {
				req.Header.Set("HMS-Guard-Reasons", reasons)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			var doc map[string]any
			_ = json.Unmarshal(raw, &doc) // 204 has no body
			return resp.StatusCode, doc
		}
		path := fmt.Sprintf("/leases/%d/deposit", id)
		body := `{"kind":"received","date":"2026-01-05","amount_cents":1000,"note":"tenant is in hospital"}`
		st, doc := send("POST", path, writer, body, "")
		if st != 422 || !strings.Contains(fmt.Sprint(doc["errors"]), "body.note") || !strings.Contains(fmt.Sprint(doc["errors"]), "(health)") {
			t.Fatalf("warned: %d %v", st, doc)
		}
		st, doc = send("POST", path, writer, body, "note=%zz")
		if st != 422 || !strings.Contains(fmt.Sprint(doc["errors"]), "HMS-Guard-Reasons") {
			t.Fatalf("malformed header: %d %v", st, doc)
		}
		if st, doc = send("POST", path, writer, body, "note="+url.QueryEscape("Agreed with the tenant")); st != 201 {
			t.Fatalf("with a reason: %d %v", st, doc)
		}
		if n := e.Count(`SELECT COUNT(*) FROM lease_deposit_entries WHERE lease_id = $1`, id); n != 1 {
			t.Fatalf("entries = %d, want 1", n)
		}

		// The mode: owners (admin scope) only; refuse then refuses with a reason.
		if st, _ = send("PUT", "/privacy/settings", writer, `{"guard_mode":"refuse","optional_fields":{}}`, ""); st != 403 {
			t.Fatalf("write token sets the mode: %d", st)
		}
		if st, doc = send("PUT", "/privacy/settings", owner, `{"guard_mode":"refuse","optional_fields":{}}`, ""); st != 204 {
			t.Fatalf("set refuse: %d %v", st, doc)
		}
		if st, doc = send("GET", "/privacy/settings", writer, "", ""); st != 200 || doc["guard_mode"] != "refuse" {
			t.Fatalf("settings: %d %v", st, doc)
		}
		if st, doc = send("POST", path, writer, body, "note="+url.QueryEscape("Agreed with the tenant")); st != 422 ||
			!strings.Contains(fmt.Sprint(doc["errors"]), "does not allow") {
			t.Fatalf("refused: %d %v", st, doc)
		}

		// The header is in the OpenAPI document of the operation.
		st, doc = send("GET", "/openapi.json", writer, "", "")
		op := doc["paths"].(map[string]any)["/api/v1/leases/{id}/deposit"].(map[string]any)["post"].(map[string]any)
		if st != 200 || !strings.Contains(fmt.Sprint(op["parameters"]), "HMS-Guard-Reasons") {
			t.Fatalf("openapi parameters: %v", op["parameters"])
		}
	})
}
