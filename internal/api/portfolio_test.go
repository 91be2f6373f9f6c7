package api_test

import (
	"fmt"
	"strings"
	"testing"

	"hms/internal/app/apptest"
)

func pfProblemAt(t *testing.T, status int, body map[string]any, wantStatus int, locations ...string) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("status %d, want %d: %v", status, wantStatus, body)
	}
	errs := fmt.Sprint(body["errors"])
	for _, l := range locations {
		if !strings.Contains(errs, "location:"+l+" ") && !strings.Contains(errs, "location:"+l+"]") {
			t.Fatalf("no error at %s: %v", l, body)
		}
	}
}

func pfItems(m map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := m["items"].([]any)
	for _, it := range list {
		out = append(out, it.(map[string]any))
	}
	return out
}

const pfUnitBody = `{"street":"Kerkstraat","house_number":12,"addition":"a","postcode":"1234ab","city":"Utrecht",
	"type":"zelfstandig","floor_area_tenths":625,"rooms":3,"segment":"sociaal","wws_points":140,"energy_label":"B"%s}`

// CRUD of complexes, units, meters and readings through the API; bad input
// answers problem documents naming the field and changes nothing; another
// organisation sees none of it and changes none of it.
func TestPortfolioAPI(t *testing.T) {
	apptest.Each(t, func(t *testing.T, e *apptest.Env) {
		a := setupOrg(t, e, "alpha")
		b := setupOrg(t, e, "beta")
		ca := call{t, e.URL(), a.tokens["admin"]}
		cr := call{t, e.URL(), a.tokens["read"]}
		cb := call{t, e.URL(), b.tokens["admin"]}

		st, cx := ca.do("POST", "/complexes", `{"name":"Hof","street":"Parklaan","house_number":1,"postcode":"3511aa","city":"Utrecht"}`)
		if st != 201 || cx["postcode"] != "3511 AA" || cx["address"] != "Parklaan 1, 3511 AA Utrecht" {
			t.Fatalf("create complex: %d %v", st, cx)
		}
		cid := int64(cx["id"].(float64))
		st, prob := ca.do("POST", "/complexes", `{"name":"hof"}`)
		pfProblemAt(t, st, prob, 422, "body.name")

		st, u := ca.do("POST", "/units", fmt.Sprintf(pfUnitBody, fmt.Sprintf(`,"complex_id":%d`, cid)))
		if st != 201 || u["postcode"] != "1234 AB" || u["addition"] != "A" || u["address"] != "Kerkstraat 12-A, 1234 AB Utrecht" ||
			u["status"] != "vacant" || u["floor_area_tenths"] != 625.0 || u["residential"] != true || u["complex_name"] != "Hof" {
			t.Fatalf("create unit: %d %v", st, u)
		}
		uid := int64(u["id"].(float64))

		// Bad input names each field and writes nothing.
		st, prob = ca.do("POST", "/units", `{"street":"Markt","house_number":1,"postcode":"nope","city":"Utrecht","type":"zelfstandig",
			"floor_area_tenths":-5,"segment":"sociaal","energy_label":"Z"}`)
		pfProblemAt(t, st, prob, 422, "body.postcode", "body.floor_area_tenths", "body.energy_label")
		st, prob = ca.do("POST", "/units", fmt.Sprintf(pfUnitBody, ""))
		pfProblemAt(t, st, prob, 422, "body.postcode")
		if !strings.Contains(fmt.Sprint(prob), "Er is al een eenheid op dit adres") {
			t.Fatalf("problem not in Dutch: %v", prob)
		}
		st, prob = ca.do("POST", "/units",
			`{"street":"Markt","house_number":1,"postcode":"1234 AB","city":"Utrecht","type":"kasteel","segment":"sociaal"}`)
		pfProblemAt(t, st, prob, 422, "body.type")
		if _, list := ca.do("GET", "/units", ""); len(pfItems(list)) != 1 {
			t.Fatalf("refused units were written: %v", list)
		}

		// A second unit, then lists: search, complex filter, cursor.
		st, u2 := ca.do("POST", "/units",
			`{"street":"Dorpsweg","house_number":3,"postcode":"3701AB","city":"Zeist","type":"parkeerplaats","segment":"vrije_sector"}`)
		if st != 201 || u2["wws_points"] != nil {
			t.Fatalf("second unit: %d %v", st, u2)
		}
		uid2 := int64(u2["id"].(float64))
		for q, want := range map[string]int{"?q=zeist": 1, "?q=1234ab": 1, fmt.Sprintf("?complex=%d", cid): 1, "": 2, "?q=nergens": 0} {
			if st, list := cr.do("GET", "/units"+q, ""); st != 200 || len(pfItems(list)) != want {
				t.Fatalf("GET /units%s: %d %v", q, st, list)
			}
		}
		st, p1 := cr.do("GET", "/units?limit=1", "")
		if st != 200 || len(pfItems(p1)) != 1 || p1["next_cursor"] == nil {
			t.Fatalf("first page: %v", p1)
		}
		st, p2 := cr.do("GET", fmt.Sprintf("/units?limit=1&cursor=%v", p1["next_cursor"]), "")
		if st != 200 || len(pfItems(p2)) != 1 || p2["next_cursor"] != nil || pfItems(p2)[0]["id"] == pfItems(p1)[0]["id"] {
			t.Fatalf("second page: %v", p2)
		}
		if st, cl := cr.do("GET", "/complexes?q=hof", ""); st != 200 || len(pfItems(cl)) != 1 || pfItems(cl)[0]["units"] != 1.0 {
			t.Fatalf("complexes: %d %v", st, cl)
		}
		if st, one := cr.do("GET", fmt.Sprintf("/complexes/%d", cid), ""); st != 200 || one["occupancy"].(map[string]any)["vacant"] != 1.0 {
			t.Fatalf("complex occupancy: %d %v", st, one)
		}

		// Update.
		st, u = ca.do("PUT", fmt.Sprintf("/units/%d", uid), strings.Replace(fmt.Sprintf(pfUnitBody, ""), `"rooms":3`, `"rooms":4`, 1))
		if st != 200 || u["rooms"] != 4.0 || u["complex_id"] != nil {
			t.Fatalf("update unit: %d %v", st, u)
		}
		st, prob = ca.do("PUT", fmt.Sprintf("/units/%d", uid2), fmt.Sprintf(pfUnitBody, ""))
		pfProblemAt(t, st, prob, 422, "body.postcode")
		st, cx = ca.do("PUT", fmt.Sprintf("/complexes/%d", cid), `{"name":"Hof Noord","city":"Utrecht"}`)
		if st != 200 || cx["name"] != "Hof Noord" || cx["street"] != "" {
			t.Fatalf("update complex: %d %v", st, cx)
		}

		// Meters and readings.
		st, m := ca.do("POST", fmt.Sprintf("/units/%d/meters", uid), `{"kind":"electricity","number":"E-1"}`)
		if st != 201 || m["unit"] != "kWh" {
			t.Fatalf("create meter: %d %v", st, m)
		}
		mid := int64(m["id"].(float64))
		st, prob = ca.do("POST", fmt.Sprintf("/units/%d/meters", uid), `{"kind":"electricity","number":"E-1"}`)
		pfProblemAt(t, st, prob, 422, "body.number")
		readings := fmt.Sprintf("/units/%d/meters/%d/readings", uid, mid)
		for _, r := range []string{`{"date":"2025-01-01","value":100}`, `{"date":"2025-06-01","value":250}`} {
			if st, rd := ca.do("POST", readings, r); st != 201 || rd["unit"] != "kWh" {
				t.Fatalf("reading %s: %d %v", r, st, rd)
			}
		}
		st, prob = ca.do("POST", readings, `{"date":"2025-07-01","value":200}`)
		pfProblemAt(t, st, prob, 422, "body.value")
		st, prob = ca.do("POST", readings, `{"date":"2025-05-01","value":300}`)
		pfProblemAt(t, st, prob, 422, "body.date")
		st, rl := cr.do("GET", readings+"?limit=1", "")
		if st != 200 || len(pfItems(rl)) != 1 || pfItems(rl)[0]["value"] != 100.0 ||
			pfItems(rl)[0]["date"] != "2025-01-01" || rl["next_cursor"] == nil {
			t.Fatalf("readings page: %d %v", st, rl)
		}
		if st, ml := cr.do("GET", fmt.Sprintf("/units/%d/meters", uid), ""); st != 200 || len(pfItems(ml)) != 1 ||
			pfItems(ml)[0]["last_reading"].(map[string]any)["value"] != 250.0 {
			t.Fatalf("meters: %d %v", st, ml)
		}
		// A meter through another unit is not found.
		if st, _ := cr.do("GET", fmt.Sprintf("/units/%d/meters/%d/readings", uid2, mid), ""); st != 404 {
			t.Fatalf("meter via other unit: %d", st)
		}

		// Organisation B sees and changes nothing of A.
		for _, req := range []struct{ method, path, body string }{
			{"GET", fmt.Sprintf("/complexes/%d", cid), ""},
			{"PUT", fmt.Sprintf("/complexes/%d", cid), `{"name":"Van B"}`},
			{"DELETE", fmt.Sprintf("/complexes/%d", cid), ""},
			{"GET", fmt.Sprintf("/units/%d", uid), ""},
			{"PUT", fmt.Sprintf("/units/%d", uid), fmt.Sprintf(pfUnitBody, "")},
			{"DELETE", fmt.Sprintf("/units/%d", uid2), ""},
			{"GET", fmt.Sprintf("/units/%d/meters", uid), ""},
			{"POST", fmt.Sprintf("/units/%d/meters", uid), `{"kind":"gas","number":"G"}`},
			{"GET", readings, ""},
			{"POST", readings, `{"date":"2025-08-01","value":900}`},
		} {
			if st, body := cb.do(req.method, req.path, req.body); st != 404 {
				t.Errorf("%s %s from organisation B: %d %v", req.method, req.path, st, body)
			}
		}
		for _, path := range []string{"/units", "/complexes", fmt.Sprintf("/units?complex=%d", cid)} {
			if st, list := cb.do("GET", path, ""); st != 200 || len(pfItems(list)) != 0 {
				t.Errorf("B lists %s: %d %v", path, st, list)
			}
		}
		if st, one := ca.do("GET", fmt.Sprintf("/units/%d", uid), ""); st != 200 || one["rooms"] != 4.0 {
			t.Fatalf("A's unit changed: %v", one)
		}

		// Deleting: a complex with units is refused with a problem; units go.
		if st, _ := ca.do("PUT", fmt.Sprintf("/units/%d", uid),
			strings.Replace(fmt.Sprintf(pfUnitBody, fmt.Sprintf(`,"complex_id":%d`, cid)), `"rooms":3`, `"rooms":4`, 1)); st != 200 {
			t.Fatalf("move unit into complex: %d", st)
		}
		st, prob = ca.do("DELETE", fmt.Sprintf("/complexes/%d", cid), "")
		if st != 409 || !strings.Contains(fmt.Sprint(prob["detail"]), "eenheden") {
			t.Fatalf("delete complex with units: %d %v", st, prob)
		}
		if st, _ := cr.do("DELETE", fmt.Sprintf("/units/%d", uid), ""); st != 403 {
			t.Fatalf("read token deletes: %d", st)
		}
		if st, _ := ca.do("DELETE", fmt.Sprintf("/units/%d", uid), ""); st != 204 {
			t.Fatalf("delete unit: %d", st)
		}
		if st, _ := ca.do("DELETE", fmt.Sprintf("/complexes/%d", cid), ""); st != 204 {
			t.Fatalf("delete empty complex: %d", st)
		}
		if st, _ := ca.do("GET", fmt.Sprintf("/units/%d", uid), ""); st != 404 {
			t.Fatalf("deleted unit: %d", st)
		}
	})
}
