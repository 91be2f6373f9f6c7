package api_test

import (
	"fmt"
	"testing"

	"hms/internal/app/apptest"
)

// A person's restriction and objections over the API: restricting needs a
// known ground, shows in the relation, lifts by DELETE and by POST …/lift;
// an objection is recorded, listed and decided upheld, which restricts the
// person; a read token cannot write and another organisation gets 404.
func TestRelationRestrictionAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := setupOrg(t, e, "alpha")
		b := setupOrg(t, e, "beta")
		base := e.URL()
		cw, cr := call{t, base, a.tokens["write"]}, call{t, base, a.tokens["read"]}
		cb := call{t, base, b.tokens["admin"]}
		st, created := cw.do("POST", "/relations", `{"kind":"person","first_names":"Anna","surname":"Beperkt"}`)
		if st != 201 {
			t.Fatalf("create: %d %v", st, created)
		}
		path := fmt.Sprintf("/relations/%v", created["id"])
		if st, _ := cw.do("POST", path+"/restriction", `{"ground":"whim"}`); st != 422 {
			t.Fatalf("bad ground: %d", st)
		}
		if st, _ := cr.do("POST", path+"/restriction", `{"ground":"accuracy"}`); st != 403 {
			t.Fatalf("read token restricted: %d", st)
		}
		if st, _ := cb.do("POST", path+"/restriction", `{"ground":"accuracy"}`); st != 404 {
			t.Fatalf("other organisation: %d", st)
		}
		if st, out := cw.do("POST", path+"/restriction", `{"ground":"accuracy"}`); st != 204 {
			t.Fatalf("restrict: %d %v", st, out)
		}
		if _, got := cr.do("GET", path, ""); got["restriction"] == nil {
			t.Fatalf("relation without its restriction: %v", got)
		}
		if st, out := cw.do("DELETE", path+"/restriction", ""); st != 204 {
			t.Fatalf("lift: %d %v", st, out)
		}
		if _, got := cr.do("GET", path, ""); got["restriction"] != nil {
			t.Fatalf("lifted, still restricted: %v", got)
		}
		if st, _ := cw.do("POST", path+"/restriction", `{"ground":"claims"}`); st != 204 {
			t.Fatal("restrict again")
		}
		if st, out := cw.do("POST", path+"/restriction/lift", ""); st != 204 {
			t.Fatalf("lift by POST: %d %v", st, out)
		}
		if _, got := cr.do("GET", path, ""); got["restriction"] != nil {
			t.Fatalf("lifted by POST, still restricted: %v", got)
		}
		st, ob := cw.do("POST", path+"/objections", `{"processing":"mail","grounds":"Geen e-mail","received_on":"2026-01-10"}`)
		if st != 201 {
			t.Fatalf("object: %d %v", st, ob)
		}
		if st, list := cr.do("GET", path+"/objections", ""); st != 200 || len(list["items"].([]any)) != 1 {
			t.Fatalf("objections: %d %v", st, list)
		}
		if st, _ := cw.do("POST", fmt.Sprintf("%s/objections/%v/decide", path, ob["id"]), `{"decision":"upheld"}`); st != 204 {
			t.Fatalf("decide: %d", st)
		}
		if _, got := cr.do("GET", path, ""); got["restriction"] == nil {
			t.Fatalf("upheld objection did not restrict: %v", got)
		}
	})
}
