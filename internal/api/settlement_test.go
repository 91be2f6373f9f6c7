package api_test

import (
	"fmt"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/platform/db"
)

const settlementScenario = `{
  "period": {"start": "2025-01-01", "end": "2025-12-31"},
  "admin_fee_percent": "5",
  "units": [{"id": "1", "area_m2": "60"}, {"id": "2", "area_m2": "40"}],
  "occupancies": [
    {"id": "L1", "tenant": "Visser", "unit": "1", "start": "2020-01-01", "advances_paid": "600.00"},
    {"id": "L2", "tenant": "Jansen", "unit": "2", "start": "2020-01-01", "end": "2025-06-30", "advances_paid": "300.00"}
  ],
  "costs": [{"id": "cleaning", "amount": "1000.00", "key": "area", "admin_fee": true}]
}`

// POST /settlement/compute answers what `hms settlement compute` prints:
// the settlement, or a 422 problem document with the calculator's error and
// field. It touches no organisation data (the route test covers the
// permission on both engines), so one engine is enough here.
func TestSettlementComputeAPI(t *testing.T) {
	e := apptest.Start(t, db.SQLite)
	o := setupOrg(t, e, "alpha")
	read := call{t, e.URL(), o.tokens["read"]}

	st, res := read.do("POST", "/settlement/compute", settlementScenario)
	if st != 200 {
		t.Fatalf("compute: %d %v", st, res)
	}
	occ, _ := res["occupancies"].([]any)
	if len(occ) != 2 {
		t.Fatalf("occupancies: %v", res)
	}
	first, second := occ[0].(map[string]any), occ[1].(map[string]any)
	landlord, _ := res["landlord"].(map[string]any)
	// Unit 2 (40% of 1000.00) is let for 181 of 365 days: 198.36, plus 5% = 208.28.
	if first["total"] != "630.00" || first["balance"] != "30.00" || second["total"] != "208.28" ||
		second["balance"] != "-91.72" || landlord["total"] != "201.64" {
		t.Fatalf("settlement: %v", res)
	}
	costs, _ := res["costs"].([]any)
	if c := costs[0].(map[string]any); c["amount"] != "1000.00" || c["allocated"] != "1000.00" {
		t.Fatalf("costs: %v", costs)
	}

	for _, c := range []struct{ body, field, msg string }{
		{strings.Replace(settlementScenario, `"key": "area"`, `"key": "m2"`, 1), "costs[0].key", "unknown key"},
		{strings.Replace(settlementScenario, `"end": "2025-06-30"`, `"end": "2019-12-31"`, 1), "occupancies[1].end", "before the start"},
		{strings.Replace(settlementScenario, `"period"`, `"periode"`, 1), "periode", "unknown field"},
		// The administration fee is capped at 5% (DOMAIN.md §7.5).
		{strings.Replace(settlementScenario, `"admin_fee_percent": "5"`, `"admin_fee_percent": "12"`, 1), "admin_fee_percent", "at most 5%"},
		{`{"units": [`, "", "ends too early"},
		{``, "", "no input"},
	} {
		st, prob := read.do("POST", "/settlement/compute", c.body)
		if st != 422 || prob["field"] != c.field || !strings.Contains(fmt.Sprint(prob["error"]), c.msg) || prob["status"] != float64(422) {
			t.Errorf("invalid scenario (%s): %d %v", c.field, st, prob)
		}
	}

	// Computing reads no books but is financial: a token without finance.read is refused.
	if st, _ := (call{t, e.URL(), o.tokens["write"]}).do("POST", "/settlement/compute", settlementScenario); st != 403 {
		t.Fatalf("write-only token: %d, want 403", st)
	}

	// The OpenAPI document describes the body as a scenario, not as bytes.
	_, doc := call{t: t, base: e.URL()}.do("GET", "/openapi.json", "")
	body := fmt.Sprint(doc["paths"].(map[string]any)["/api/v1/settlement/compute"].(map[string]any)["post"].(map[string]any)["requestBody"])
	if !strings.Contains(body, "#/components/schemas/SettlementInput") {
		t.Fatalf("request body in the OpenAPI document: %s", body)
	}
	schemas := fmt.Sprint(doc["components"].(map[string]any)["schemas"].(map[string]any)["SettlementInput"])
	for _, field := range []string{"admin_fee_percent", "degree_days", "occupancies", "costs"} {
		if !strings.Contains(schemas, field) {
			t.Errorf("SettlementInput schema lacks %s: %s", field, schemas)
		}
	}
}
