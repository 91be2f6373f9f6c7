package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// After the trial without a subscription the API refuses writes with a
// message that says where to subscribe and lets reads through; PUT
// /subscription checks the details at their fields and, signed, lifts it.
func TestSubscriptionAPIReadOnlyAfterTrial(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2027, time.June, 14, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a := setupOrg(t, e, "alpha")
			b := setupOrg(t, e, "beta")
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			ca, cb := call{t, e.URL(), a.tokens["admin"]}, call{t, e.URL(), b.tokens["admin"]}
			if st, c := ca.do("POST", "/complexes", `{"name":"Hof 1"}`); st != 201 {
				t.Fatalf("a write in no trial: %d %v", st, c)
			}
			st, person := ca.do("POST", "/relations", `{"kind":"person","first_names":"Anna","surname":"Beperkt"}`)
			if st != 201 {
				t.Fatalf("a person in the trial: %d %v", st, person)
			}
			if err := e.Subscriptions.ExtendTrial(ctx, 0, owner.OrgID, civil.New(2027, time.June, 13)); err != nil {
				t.Fatal(err)
			}
			st, prob := ca.do("POST", "/complexes", `{"name":"Hof 2"}`)
			if st != 403 || !strings.Contains(fmt.Sprint(prob["detail"]), "/o/alpha/settings/subscription") {
				t.Fatalf("a write after the trial: %d %v", st, prob)
			}
			// The law's duties go on: a person can still be restricted.
			if st, out := ca.do("POST", fmt.Sprintf("/relations/%v/restriction", person["id"]), `{"ground":"accuracy"}`); st != 204 {
				t.Fatalf("a restriction after the trial: %d %v", st, out)
			}
			if st, list := ca.do("GET", "/complexes", ""); st != 200 || len(list["items"].([]any)) != 1 {
				t.Fatalf("a read after the trial: %d %v", st, list)
			}
			if st, _ := cb.do("POST", "/complexes", `{"name":"Hof B"}`); st != 201 {
				t.Fatalf("beta refused: %d", st)
			}
			st, sub := ca.do("GET", "/subscription", "")
			if st != 200 || sub["state"] != "expired" || sub["plan"] != "Start" || sub["monthly_cents"] != float64(1900) ||
				!strings.Contains(fmt.Sprint(sub["mandate_text"]), "HMS Huurbeheer B.V.") {
				t.Fatalf("subscription: %d %v", st, sub)
			}
			body := `{"kind":"company","name":"Alfa B.V.","street":"Stationsplein","house_number":"1","postcode":"%s",` +
				`"city":"Utrecht","email":"facturen@alfa.example","kvk":"%s","iban":"%s","sign_mandate":true}`
			st, prob = ca.do("PUT", "/subscription", fmt.Sprintf(body, "3511 ED", "123", "NL91ABNA0417164301"))
			if st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), "body.kvk") || !strings.Contains(fmt.Sprint(prob["errors"]), "body.iban") {
				t.Fatalf("bad details: %d %v", st, prob)
			}
			if st, _ := ca.do("POST", "/complexes", `{"name":"Hof 2"}`); st != 403 {
				t.Fatalf("bad details lifted read-only: %d", st)
			}
			cw := call{t, e.URL(), a.tokens["write"]}
			if st, _ := cw.do("PUT", "/subscription", fmt.Sprintf(body, "3511 ED", "40536533", "NL91ABNA0417164300")); st != 403 {
				t.Fatalf("a write token subscribed: %d", st)
			}
			st, sub = ca.do("PUT", "/subscription", fmt.Sprintf(body, "3511 ED", "40536533", "NL91ABNA0417164300"))
			s, _ := sub["subscription"].(map[string]any)
			if st != 200 || sub["state"] != "active" || s == nil || s["bic"] != "ABNANL2A" || s["creditor_id"] != "NL51ZZZ405365330000" {
				t.Fatalf("subscribe: %d %v", st, sub)
			}
			if st, c := ca.do("POST", "/complexes", `{"name":"Hof 2"}`); st != 201 {
				t.Fatalf("a write after subscribing: %d %v", st, c)
			}
		})
	}
}
