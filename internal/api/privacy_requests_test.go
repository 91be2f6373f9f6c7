package api_test

import (
	"fmt"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/dbtest"
)

// A language is for a request about an HMS account (the console's): the
// organisation's API refuses it, proposed on a recorded request or given
// on a rectification, at its field, and nothing changes.
func TestPrivacyRequestLanguageIsForAccounts(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{Clock: clocktest.Fixed()})
			a := setupOrg(t, e, "alpha")
			w := call{t, e.URL(), a.tokens["admin"]}
			st, out := w.do("POST", "/privacy/requests", `{"kind":"rectification","name":"Piet","email":"piet@voorbeeld.nl",
				"proposed":{"language":"en"}}`)
			if st != 422 || fmt.Sprint(out["errors"]) == "" || !contains(out, "proposed.language", "body.proposed.language", "proposed_language") {
				t.Fatalf("a proposed language: %d %v", st, out)
			}
			st, out = w.do("POST", "/privacy/requests", `{"kind":"rectification","name":"Piet","email":"piet@voorbeeld.nl",
				"proposed":{"surname":"Puk"},"note":"aan de balie"}`)
			if st != 200 {
				t.Fatalf("record: %d %v", st, out)
			}
			id := fmt.Sprint(out["id"])
			st, out = w.do("POST", "/privacy/requests/"+id+"/rectify", `{"language":"en"}`)
			if st != 422 || !contains(out, "language", "body.language") {
				t.Fatalf("rectify with a language: %d %v", st, out)
			}
			if _, got := w.do("GET", "/privacy/requests/"+id, ""); got["state"] != "in_progress" {
				t.Fatalf("after the refusal: %v", got)
			}
		})
	}
}

// contains reports whether the problem document names one of the fields.
func contains(problem map[string]any, fields ...string) bool {
	errs, _ := problem["errors"].([]any)
	for _, x := range errs {
		m, _ := x.(map[string]any)
		for _, f := range fields {
			if m["location"] == f || m["location"] == "body."+f || m["field"] == f {
				return true
			}
		}
	}
	return false
}
