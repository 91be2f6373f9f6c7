package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app/apptest"
)

type call struct {
	t     *testing.T
	base  string
	token string
}

func (c call) do(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+"/api/v1"+path, strings.NewReader(body))
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		c.t.Errorf("%s %s: error %d is not a problem document (%s)", method, path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return resp.StatusCode, m
}

type org struct {
	slug    string
	ownerID int64
	tokens  map[string]string // by scope set name
}

func setupOrg(t *testing.T, e *apptest.Env, slug string) *org {
	t.Helper()
	ctx := context.Background()
	_, id, err := e.Accounts.CreateUser(ctx,
		account.CreateUserInput{OrgSlug: slug, Email: "owner@" + slug + ".nl", Name: "Owner " + slug, Role: account.Owner})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Accounts.CreateUser(ctx,
		account.CreateUserInput{OrgSlug: slug, Email: "viewer@" + slug + ".nl", Name: "Viewer " + slug, Role: account.Viewer}); err != nil {
		t.Fatal(err)
	}
	a, _ := e.Accounts.ActorFor(ctx, id, slug)
	o := &org{slug: slug, ownerID: id, tokens: map[string]string{}}
	for name, scopes := range map[string][]account.Scope{
		"read":  {account.ScopeRead},
		"write": {account.ScopeWrite},
		"admin": {account.ScopeRead, account.ScopeWrite, account.ScopeAdmin},
	} {
		tok, err := e.Accounts.CreateAPIToken(ctx, a, name, scopes)
		if err != nil {
			t.Fatal(err)
		}
		o.tokens[name] = tok
	}
	return o
}

// Every API operation: refused without a token, with a malformed or unknown
// one, and with too few scopes; allowed with the right one; and organisation
// B never sees or changes organisation A.
func TestAPIRoutesAndIsolation(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := setupOrg(t, e, "alpha")
		b := setupOrg(t, e, "beta")
		base := e.URL()
		viewerA, _ := e.Accounts.UserIDByEmail(context.Background(), "viewer@alpha.nl")

		// The OpenAPI document is public and lists every operation.
		status, doc := call{t: t, base: base}.do("GET", "/openapi.json", "")
		if status != 200 || !strings.HasPrefix(fmt.Sprint(doc["openapi"]), "3.1") {
			t.Fatalf("openapi.json: %d %v", status, doc["openapi"])
		}
		paths, _ := doc["paths"].(map[string]any)
		for _, op := range e.API.Operations() {
			p, ok := paths["/api/v1"+op.Path].(map[string]any)
			if !ok || p[strings.ToLower(op.Method)] == nil {
				t.Errorf("operation %s %s missing from the OpenAPI document", op.Method, op.Path)
			}
		}

		for _, op := range e.API.Operations() {
			path := strings.ReplaceAll(op.Path, "{user_id}", fmt.Sprint(viewerA))
			path = strings.ReplaceAll(path, "{id}", "999999")
			body := map[string]string{
				"POST /members/invitations": `{"role":"viewer","email":"new@alpha.nl"}`,
				"PATCH /members/{user_id}":  `{"role":"viewer"}`,
				"POST /tokens":              `{"name":"t","scopes":["read"]}`,
			}[op.Method+" "+op.Path]
			for _, bad := range []string{"", "not-a-token", "hms_" + strings.Repeat("a", 32)} {
				if st, _ := (call{t, base, bad}).do(op.Method, path, body); st != 401 {
					t.Errorf("%s %s with token %q: %d, want 401", op.Method, path, bad, st)
				}
			}
			// The narrowest token that lacks the permission is refused.
			for _, scope := range []string{"read", "write"} {
				tokActor, _ := e.Accounts.AuthenticateAPIToken(context.Background(), a.tokens[scope])
				if !tokActor.Can(op.Perm) {
					if st, _ := (call{t, base, a.tokens[scope]}).do(op.Method, path, body); st != 403 {
						t.Errorf("%s %s with %s token: %d, want 403", op.Method, path, scope, st)
					}
				}
			}
			// Organisation B's admin token never reaches A's member.
			if strings.Contains(op.Path, "{user_id}") {
				if st, _ := (call{t, base, b.tokens["admin"]}).do(op.Method, path, body); st != 404 {
					t.Errorf("%s %s from organisation B: %d, want 404", op.Method, path, st)
				}
			}
		}

		ca := call{t, base, a.tokens["admin"]}
		cb := call{t, base, b.tokens["admin"]}
		st, me := ca.do("GET", "/me", "")
		if st != 200 || me["organisation"] != "alpha" || me["role"] != "owner" {
			t.Fatalf("/me: %d %v", st, me)
		}
		st, members := cb.do("GET", "/members", "")
		items, _ := members["items"].([]any)
		if st != 200 || len(items) != 2 {
			t.Fatalf("beta members: %d %v", st, members)
		}
		for _, it := range items {
			if strings.Contains(fmt.Sprint(it), "alpha") {
				t.Fatalf("organisation B sees A's member %v", it)
			}
		}
		// Paging: one per page, cursor to the next.
		st, page := ca.do("GET", "/members?limit=1", "")
		if st != 200 || len(page["items"].([]any)) != 1 || page["next_cursor"] == nil {
			t.Fatalf("first page: %d %v", st, page)
		}
		st, page2 := ca.do("GET", fmt.Sprintf("/members?limit=1&cursor=%v", page["next_cursor"]), "")
		if st != 200 || len(page2["items"].([]any)) != 1 || page2["next_cursor"] != nil {
			t.Fatalf("second page: %d %v", st, page2)
		}
		// Bad input names the field and changes nothing.
		st, prob := ca.do("POST", "/members/invitations", `{"email":"nope","role":"viewer"}`)
		if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.email") {
			t.Fatalf("bad invite: %d %v", st, prob)
		}
		if st, _ := ca.do("PATCH", fmt.Sprintf("/members/%d", a.ownerID), `{"role":"viewer"}`); st != 409 {
			t.Fatalf("demoting the last owner: %d, want 409", st)
		}
		if st, _ := ca.do("PATCH", fmt.Sprintf("/members/%d", viewerA), `{"role":"bookkeeper"}`); st != 204 {
			t.Fatalf("role change: %d", st)
		}
		if st, _ := ca.do("POST", "/members/invitations", `{"email":"nieuw@alpha.nl","role":"manager"}`); st != 202 {
			t.Fatalf("invite: %d", st)
		}
		st, created := ca.do("POST", "/tokens", `{"name":"ci","scopes":["read"]}`)
		if st != 201 || !strings.HasPrefix(fmt.Sprint(created["token"]), "hms_") {
			t.Fatalf("create token: %d %v", st, created)
		}
		if st, _ := (call{t, base, fmt.Sprint(created["token"])}).do("GET", "/organisation", ""); st != 200 {
			t.Fatalf("new token: %d", st)
		}
		// English on request.
		req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
		req.Header.Set("Accept-Language", "en")
		resp, _ := http.DefaultClient.Do(req)
		b2, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 401 || !strings.Contains(string(b2), "Log in to continue") {
			t.Fatalf("English problem: %d %s", resp.StatusCode, b2)
		}
	})
}
