package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/relation"
)

// Retention over the API: the rules with their bounds, a period out of
// bounds refused at its field, the dry run naming the former tenant, and a
// legal hold placed (owners only), listed and lifted.
func TestRetentionAPI(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{Server: true, Now: time.Date(2029, time.March, 1, 10, 0, 0, 0, time.UTC)},
		func(t *testing.T, org *apptest.Org) {
			ctx := context.Background()
			// The day's retention job ran at the start; the former tenant comes after it.
			deadline := time.Now().Add(20 * time.Second)
			for org.Count(`SELECT COUNT(*) FROM jobs WHERE kind = 'privacy.retention' AND state = 'done'`) == 0 {
				if time.Now().After(deadline) {
					t.Fatal("the day's retention job did not run")
				}
				time.Sleep(50 * time.Millisecond)
			}
			token := func(a account.Actor, scopes ...account.Scope) call {
				tok, err := org.Accounts.CreateAPIToken(ctx, a, "t", scopes)
				if err != nil {
					t.Fatal(err)
				}
				return call{t, org.URL(), tok}
			}
			owner := token(org.Owner, account.ScopeRead, account.ScopeWrite, account.ScopeAdmin)
			reader := token(org.Owner, account.ScopeRead)
			p := org.Person(org.Owner, relation.PersonInput{Surname: "Bewaartermijn"})
			l := org.Lease(org.Owner, lease.Input{TenantIDs: []int64{p}, Start: civil.New(2025, 1, 1), End: civil.New(2026, 6, 30)})

			st, body := reader.do("GET", "/privacy/retention", "")
			if st != 200 || !strings.Contains(fmt.Sprint(body["rules"]), "bookkeeping") {
				t.Fatalf("rules: %d %v", st, body)
			}
			st, body = owner.do("PUT", "/privacy/retention", `{"periods":{"bookkeeping":6}}`)
			if st != 422 || !strings.Contains(fmt.Sprint(body), "bookkeeping") {
				t.Fatalf("six years of bookkeeping: %d %v", st, body)
			}
			if st, body = reader.do("PUT", "/privacy/retention", `{"periods":{"bookkeeping":8}}`); st != 403 {
				t.Fatalf("a read token set the rules: %d %v", st, body)
			}
			if st, body = owner.do("PUT", "/privacy/retention", `{"periods":{"bookkeeping":8}}`); st != 200 ||
				!strings.Contains(fmt.Sprint(body), "period:8") {
				t.Fatalf("eight years: %d %v", st, body)
			}
			st, body = reader.do("GET", "/privacy/retention/preview", "")
			if st != 200 || !strings.Contains(fmt.Sprint(body["erase"]), "Bewaartermijn") {
				t.Fatalf("preview: %d %v", st, body)
			}
			st, body = owner.do("POST", "/privacy/retention/holds", fmt.Sprintf(`{"kind":"lease","target_id":%d,"reason":"Procedure"}`, l))
			if st != 200 || body["kind"] != "lease" {
				t.Fatalf("hold: %d %v", st, body)
			}
			id := int64(body["id"].(float64))
			st, body = reader.do("GET", "/privacy/retention/preview", "")
			if st != 200 || !strings.Contains(fmt.Sprint(body["held"]), "Bewaartermijn") {
				t.Fatalf("preview with the hold: %d %v", st, body)
			}
			if st, body = reader.do("GET", "/privacy/retention/holds", ""); st != 200 || len(body["items"].([]any)) != 1 {
				t.Fatalf("holds: %d %v", st, body)
			}
			if st, body = owner.do("POST", fmt.Sprintf("/privacy/retention/holds/%d/lift", id), ""); st != 200 || body["lifted_at"] == nil {
				t.Fatalf("lift: %d %v", st, body)
			}
			other := token(org.OwnerB, account.ScopeRead, account.ScopeWrite, account.ScopeAdmin)
			if st, _ := other.do("POST", fmt.Sprintf("/privacy/retention/holds/%d/lift", id), ""); st != 404 {
				t.Fatalf("another organisation lifted the hold: %d", st)
			}
		})
}
