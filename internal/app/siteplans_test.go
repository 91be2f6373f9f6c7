package app_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"hms/internal/app/apptest"
	"hms/internal/money"
	"hms/internal/platform/dbtest"
)

// The website's pricing pages show the plans as they are in the database,
// in each language, with the fee per unit where a plan has one.
func TestPricingPagesShowThePlans(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := apptest.Start(t, engine)
			plans, err := e.Subscriptions.PublicPlans(context.Background())
			if err != nil || len(plans) == 0 {
				t.Fatalf("plans: %v, %d", err, len(plans))
			}
			for _, c := range []struct{ path, lang string }{{"/prijzen", "nl"}, {"/en/pricing", "en"}} {
				res, err := http.Get(e.BaseURL + c.path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				page := string(body)
				if res.StatusCode != http.StatusOK || strings.Contains(page, `id="plans-on-request"`) {
					t.Fatalf("%s: %d, plans missing", c.path, res.StatusCode)
				}
				for _, p := range plans {
					if !strings.Contains(page, p.Name(c.lang)) || !strings.Contains(page, money.Format(p.Base, c.lang)) {
						t.Errorf("%s lacks plan %q at %s", c.path, p.Name(c.lang), money.Format(p.Base, c.lang))
					}
					if p.PerUnit > 0 && !strings.Contains(page, money.Format(p.PerUnit, c.lang)) {
						t.Errorf("%s lacks the fee per unit of %q", c.path, p.Name(c.lang))
					}
				}
			}
		})
	}
}
