package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/subscription"
)

// The owner lists HMS's invoices and downloads each; another organisation
// gets 404 for the number, a token without members.manage 403.
func TestSubscriptionInvoicesAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2027, time.June, 1, 8, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a := setupOrg(t, e, "alpha")
			b := setupOrg(t, e, "beta")
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			if _, err := e.Subscriptions.Subscribe(ctx, owner, subscription.Input{Kind: subscription.Company, Name: "Alfa B.V.",
				Street: "Stationsplein", HouseNumber: "1", Postcode: "3511 ED", City: "Utrecht", Email: "facturen@alfa.example",
				KvK: "40536533", IBAN: "NL91ABNA0417164300", Sign: true}); err != nil {
				t.Fatal(err)
			}
			if n, err := e.Subscriptions.IssueMonth(ctx, civil.Month{Year: 2027, Month: time.June}); n != 1 || err != nil {
				t.Fatalf("run: %d %v", n, err)
			}
			ca := call{t, e.URL(), a.tokens["admin"]}
			st, list := ca.do("GET", "/subscription/invoices", "")
			items, _ := list["items"].([]any)
			if st != 200 || len(items) != 1 {
				t.Fatalf("list: %d %v", st, list)
			}
			inv := items[0].(map[string]any)
			if inv["number"] != "HMS0000001" || inv["total_cents"] != float64(2299) || inv["vat_cents"] != float64(399) ||
				inv["vat_rate"] != "21%" || inv["collect_on"] != "2027-06-15" || inv["plan"] != "Start" {
				t.Fatalf("invoice %v", inv)
			}
			body, ct := raw(t, e.URL(), a.tokens["admin"], "/subscription/invoices/HMS0000001/pdf")
			if ct != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
				t.Fatalf("pdf: %s", ct)
			}
			if st, _ := (call{t, e.URL(), b.tokens["admin"]}).do("GET", "/subscription/invoices/HMS0000001/pdf", ""); st != 404 {
				t.Fatalf("beta fetched alpha's invoice: %d", st)
			}
			if st, l := (call{t, e.URL(), b.tokens["admin"]}).do("GET", "/subscription/invoices", ""); st != 200 ||
				len(l["items"].([]any)) != 0 {
				t.Fatalf("beta's list: %d %v", st, l)
			}
			if st, _ := (call{t, e.URL(), a.tokens["read"]}).do("GET", "/subscription/invoices", ""); st != 403 {
				t.Fatalf("a read token listed the invoices: %d", st)
			}
		})
	}
}
