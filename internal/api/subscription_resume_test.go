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

// PUT /subscription while a cancellation is pending is a 409 whose message
// points to undoing the cancellation, and changes nothing; after the
// cancellation took effect it makes the organisation active again and
// withdraws the cancellation (no shred).
func TestSubscriptionAPIAfterCancellation(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2027, time.October, 12, 10, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			ctx := context.Background()
			body := `{"kind":"company","name":"Alfa B.V.","street":"Stationsplein","house_number":"1","postcode":"3511 ED",` +
				`"city":"Utrecht","email":"facturen@alfa.example","kvk":"40536533","iban":"NL91ABNA0417164300","sign_mandate":true}`
			b := setupOrg(t, e, "beta")
			cb := call{t, e.URL(), b.tokens["admin"]}
			owner, _ := e.Accounts.ActorFor(ctx, b.ownerID, b.slug)
			if err := e.Subscriptions.ExtendTrial(ctx, 0, owner.OrgID, civil.New(2027, time.October, 20)); err != nil {
				t.Fatal(err)
			}
			if st, _ := cb.do("POST", "/subscription/cancel", ""); st != 200 {
				t.Fatalf("cancel: %d", st)
			}
			st, prob := cb.do("PUT", "/subscription", body)
			if st != 409 || !strings.Contains(fmt.Sprint(prob["detail"]), "opzegging ongedaan") {
				t.Fatalf("subscribing while the cancellation is pending: %d %v", st, prob)
			}
			if st, c := cb.do("GET", "/subscription", ""); st != 200 || c["subscription"] != nil {
				t.Fatalf("the refusal subscribed: %d %v", st, c)
			}
			// The trial ends, the cancellation takes effect: subscribing again.
			clk.Set(time.Date(2027, time.October, 22, 10, 0, 0, 0, time.UTC))
			if st, c := cb.do("GET", "/subscription", ""); st != 200 || c["state"] != "cancelled" {
				t.Fatalf("after the trial: %d %v", st, c)
			}
			st, sub := cb.do("PUT", "/subscription", body)
			s, _ := sub["subscription"].(map[string]any)
			if st != 200 || sub["state"] != "active" || s == nil || s["started_on"] != "2027-10-22" {
				t.Fatalf("subscribing after the cancellation: %d %v", st, sub)
			}
			if st, _ := cb.do("GET", "/subscription/cancel", ""); st != 404 {
				t.Fatalf("the cancellation after subscribing again: %d", st)
			}
			if st, _ := cb.do("POST", "/complexes", `{"name":"Hof B"}`); st != 201 {
				t.Fatalf("a write after subscribing again: %d", st)
			}
		})
	}
}
