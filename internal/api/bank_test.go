package api_test

import (
	"fmt"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/platform/dbtest"
)

// Bank accounts and creditor settings through the API: the BIC of a Dutch
// IBAN is derived, a wrong IBAN or Incassant-ID is named at its field and
// stores nothing, and the other organisation sees none of it.
func TestBankAccountsAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine, apptest.Options{})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			ca, cb := call{t, e.URL(), a.tokens["admin"]}, call{t, e.URL(), b.tokens["admin"]}
			st, ac := ca.do("POST", "/bank-accounts", `{"iban":"NL44 RABO 0123 4567 89","name":"Alpha Vastgoed","purpose":"rent","bic":""}`)
			if st != 201 || ac["iban"] != "NL44RABO0123456789" || ac["bic"] != "RABONL2U" || ac["direct_debit_version"] != "pain.008.001.02" {
				t.Fatalf("add: %d %v", st, ac)
			}
			st, prob := ca.do("POST", "/bank-accounts", `{"iban":"NL44RABO0123456780","name":"X","purpose":"rent","bic":""}`)
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.iban") {
				t.Fatalf("a wrong IBAN: %d %v", st, prob)
			}
			if st, prob := ca.do("POST", "/bank-accounts", `{"iban":"NL86INGB0002445588","name":"X","purpose":"savings","bic":""}`); st != 422 {
				t.Fatalf("an unknown purpose: %d %v", st, prob)
			}
			if _, list := ca.do("GET", "/bank-accounts", ""); len(list["items"].([]any)) != 1 {
				t.Fatalf("list: %v", list)
			}
			id := fmt.Sprint(ac["id"])
			if st, _ := cb.do("GET", "/bank-accounts/"+id, ""); st != 404 {
				t.Fatalf("beta reads alpha's account: %d", st)
			}
			if _, list := cb.do("GET", "/bank-accounts", ""); len(list["items"].([]any)) != 0 {
				t.Fatalf("beta's list: %v", list)
			}
			st, up := ca.do("PUT", "/bank-accounts/"+id, `{"iban":"NL44RABO0123456789","name":"Alpha","purpose":"deposits","bic":"",
				"direct_debit_version":"pain.008.001.08","archived":true}`)
			if st != 200 || up["purpose"] != "deposits" || up["archived"] != true || up["direct_debit_version"] != "pain.008.001.08" {
				t.Fatalf("update: %d %v", st, up)
			}
			st, prob = ca.do("PUT", "/bank-settings", `{"creditor_id":"NL52ZZZ405365330000","creditor_name":""}`)
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.creditor_id") {
				t.Fatalf("a wrong Incassant-ID: %d %v", st, prob)
			}
			if _, s := ca.do("GET", "/bank-settings", ""); s["creditor_id"] != "" {
				t.Fatalf("a refused Incassant-ID was stored: %v", s)
			}
			st, s := ca.do("PUT", "/bank-settings", `{"creditor_id":"NL51ZZZ405365330000","creditor_name":"Alpha Vastgoed"}`)
			if st != 200 || s["creditor_id"] != "NL51ZZZ405365330000" || s["prenotice_days"] != float64(14) ||
				s["lead_business_days"] != float64(2) {
				t.Fatalf("settings: %d %v", st, s)
			}
			if _, s := cb.do("GET", "/bank-settings", ""); s["creditor_id"] != "" {
				t.Fatalf("beta sees alpha's settings: %v", s)
			}
		})
	}
}
