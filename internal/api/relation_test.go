package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/platform/audit"
	"hms/internal/platform/db"
)

// Relations over the API: create, read (logged as via api), search with
// cursor paging, replace; the processor agreement gate and its acceptance
// by an admin token only; bad input at its body field; and another
// organisation's token never reaches A's relations.
func TestRelationsAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := setupOrg(t, e, "alpha")
		b := setupOrg(t, e, "beta")
		base := e.URL()
		ca, cw, cr := call{t, base, a.tokens["admin"]}, call{t, base, a.tokens["write"]}, call{t, base, a.tokens["read"]}
		cb := call{t, base, b.tokens["admin"]}

		person := `{"kind":"person","initials":"j","first_names":"Jan","surname":"Jansen","email":"Jan@Jansen.example","phones":["06-12345678"],
			"ibans":["nl91 abna 0417 1643 00"],"postcode":"1234ab","street":"Dorpsstraat","house_number":"1","city":"Ergens",
			"birth_date":"1984-07-21","roles":["tenant"]}`
		// No tenant before the processor agreement.
		st, prob := cw.do("POST", "/relations", person)
		if st != 409 || !strings.Contains(fmt.Sprint(prob["detail"]), "processor-agreement") {
			t.Fatalf("tenant before agreement: %d %v", st, prob)
		}
		st, ag := cr.do("GET", "/privacy/processor-agreement", "")
		if st != 200 || ag["accepted"] != false || ag["current_version"] != "2026-01" || !strings.Contains(fmt.Sprint(ag["text"]), "artikel 28") {
			t.Fatalf("agreement status: %d %v", st, ag)
		}
		// A write token cannot accept; the owner's admin token can.
		if st, _ := cw.do("POST", "/privacy/processor-agreement", `{"version":"2026-01"}`); st != 403 {
			t.Fatalf("write token accepted: %d", st)
		}
		if st, prob := ca.do("POST", "/privacy/processor-agreement", `{"version":"2025-01"}`); st != 422 ||
			!strings.Contains(fmt.Sprint(prob["errors"]), "body.version") {
			t.Fatalf("wrong version: %d %v", st, prob)
		}
		if st, _ := ca.do("POST", "/privacy/processor-agreement", `{"version":"2026-01"}`); st != 204 {
			t.Fatalf("accept: %d", st)
		}
		if _, ag := cr.do("GET", "/privacy/processor-agreement", ""); ag["accepted"] != true || ag["accepted_by_user_id"] == nil {
			t.Fatalf("after acceptance: %v", ag)
		}

		st, created := cw.do("POST", "/relations", person)
		if st != 201 {
			t.Fatalf("create person: %d %v", st, created)
		}
		id := int64(created["id"].(float64))
		st, got := cr.do("GET", fmt.Sprintf("/relations/%d", id), "")
		if st != 200 || got["display_name"] != "J. Jansen" || got["email"] != "jan@jansen.example" || got["postcode"] != "1234 AB" ||
			fmt.Sprint(got["ibans"]) != "[NL91ABNA0417164300]" || got["birth_date"] != "1984-07-21" ||
			fmt.Sprint(got["roles"]) != "[tenant]" || got["minor"] != false {
			t.Fatalf("get person: %d %v", st, got)
		}
		// Bad input names the body field.
		for body, field := range map[string]string{
			`{"kind":"person","surname":"X","ibans":["NL00BANK0123456789"]}`: "body.ibans[0]",
			`{"kind":"person","surname":"X","postcode":"12345"}`:             "body.postcode",
			`{"kind":"company","name":"X","kvk":"123"}`:                      "body.kvk",
			`{"kind":"company","name":"X","btw_id":"NL123456782B01"}`:        "body.btw_id",
			`{"kind":"person","surname":"X","roles":["landlord"]}`:           "body.roles",
			`{"kind":"person","surname":"X","birth_place":"Delft"}`:          "body.birth_place",
		} {
			st, prob := cw.do("POST", "/relations", body)
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), field) {
				t.Errorf("%s: %d %v, want error at %s", body, st, prob, field)
			}
		}
		st, c := cw.do("POST", "/relations",
			fmt.Sprintf(`{"kind":"company","name":"Jansen Bouw BV","legal_form":"bv","kvk":"12345678","contact_person_ids":[%d]}`, id))
		if st != 201 {
			t.Fatalf("create company: %d %v", st, c)
		}
		cid := int64(c["id"].(float64))
		if _, got := cr.do("GET", fmt.Sprintf("/relations/%d", cid), ""); fmt.Sprint(got["linked_ids"]) != fmt.Sprintf("[%d]", id) {
			t.Fatalf("company links: %v", got)
		}
		// Replace: kind must match; a change is visible.
		if st, _ := cw.do("PUT", fmt.Sprintf("/relations/%d", cid), `{"kind":"person","surname":"X"}`); st != 409 {
			t.Fatalf("kind change: %d", st)
		}
		if st, _ := cw.do("PUT", fmt.Sprintf("/relations/%d", id), strings.Replace(person, `"Jansen"`, `"Janssen"`, 1)); st != 204 {
			t.Fatalf("update: %d", st)
		}
		// Search and cursor paging.
		for i := range 3 {
			if st, _ := cw.do("POST", "/relations", fmt.Sprintf(`{"kind":"person","surname":"Jantje%d"}`, i)); st != 201 {
				t.Fatal(st)
			}
		}
		st, page := cr.do("GET", "/relations?q=jan&limit=2", "")
		items, _ := page["items"].([]any)
		if st != 200 || len(items) != 2 || page["next_cursor"] == nil {
			t.Fatalf("first page: %d %v", st, page)
		}
		var names []string
		for cursor := ""; ; {
			_, page := cr.do("GET", "/relations?q=jan&limit=2"+cursor, "")
			for _, it := range page["items"].([]any) {
				names = append(names, fmt.Sprint(it.(map[string]any)["name"]))
			}
			if page["next_cursor"] == nil {
				break
			}
			cursor = fmt.Sprintf("&cursor=%v", page["next_cursor"])
		}
		if strings.Join(names, "|") != "Janssen, J.|Jansen Bouw BV|Jantje0|Jantje1|Jantje2" {
			t.Fatalf("paged search: %q", names)
		}
		if _, page := cr.do("GET", "/relations?q=NL91ABNA0417164300", ""); len(page["items"].([]any)) != 1 {
			t.Fatalf("IBAN search: %v", page)
		}
		if _, page := cr.do("GET", "/relations?role=tenant", ""); len(page["items"].([]any)) != 1 {
			t.Fatalf("role filter: %v", page)
		}
		// Organisation B: not found, not listed, cannot change.
		if st, _ := cb.do("GET", fmt.Sprintf("/relations/%d", id), ""); st != 404 {
			t.Fatalf("B reads A's relation: %d", st)
		}
		if st, _ := cb.do("PUT", fmt.Sprintf("/relations/%d", id), `{"kind":"person","surname":"Gestolen"}`); st != 404 {
			t.Fatalf("B changes A's relation: %d", st)
		}
		if _, page := cb.do("GET", "/relations?q=jan", ""); len(page["items"].([]any)) != 0 {
			t.Fatalf("B lists A's relations: %v", page)
		}
		// The read of the person through the API is in the access log.
		var evs []audit.Event
		orgA, _ := e.Accounts.OrgBySlug(context.Background(), "alpha")
		if err := e.DB.ReadOrg(context.Background(), orgA.ID, func(tx *db.Tx) error {
			var err error
			evs, err = e.Audit.List(context.Background(), tx, audit.Filter{Action: "relation.viewed", TargetID: fmt.Sprint(id)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || evs[0].Details["via"] != "api" || evs[0].ActorKind != "api" {
			t.Fatalf("access events %+v", evs)
		}
	})
}
