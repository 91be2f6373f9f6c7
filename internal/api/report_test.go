package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
)

// The report operations: rows and totals of each report, the complex
// filter, pages by cursor, bad input at its query parameter, another
// organisation's books left out.
func TestReportsAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 1, 9, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			homes, _, tenant := leaseSetup(t, e, a)
			leaseSetup(t, e, b)
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			complexID, err := e.Portfolio.CreateComplex(ctx, owner, portfolio.ComplexInput{Name: "De Linden", City: "Utrecht"})
			if err != nil {
				t.Fatal(err)
			}
			home, _ := e.Portfolio.Unit(ctx, owner, homes[0])
			in := portfolio.UnitInput{ComplexID: complexID, Street: "Lindelaan", HouseNumber: "1", Postcode: "3521 CD", City: "Utrecht",
				Type: home.Type, FloorArea: "70", Segment: home.Segment}
			if err := e.Portfolio.UpdateUnit(ctx, owner, homes[0], in); err != nil {
				t.Fatal(err)
			}
			leaseID, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{homes[0]}, TenantIDs: []int64{tenant},
				Start: civil.New(2025, time.June, 1), End: civil.New(2026, 1, 31), PaymentMethod: lease.Transfer, DepositCents: 150000,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Leases.AddDepositEntry(ctx, owner, leaseID, lease.DepositEntryInput{Kind: lease.DepositReceived,
				Date: civil.New(2025, 6, 1), AmountCents: 150000}); err != nil {
				t.Fatal(err)
			}
			if err := e.DB.InOrg(ctx, owner.OrgID, func(tx *db.Tx) error {
				_, err := ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: leaseID, IssueDate: civil.New(2025, 12, 20), DueDate: civil.New(2026, 1, 1),
					Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: civil.New(2026, 1, 1), To: civil.New(2026, 1, 31),
						Net: 90000}}}}, db.TS(clk.Now()), owner.UserID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Ledger.RecordPayment(ctx, owner, ledger.PaymentInput{LeaseID: leaseID, Date: civil.New(2026, 1, 10), Amount: 40000,
				Method: ledger.Transfer}); err != nil {
				t.Fatal(err)
			}
			l, _ := e.Leases.Get(ctx, owner, leaseID)
			base := e.URL()
			read, cb := call{t, base, a.tokens["read"]}, call{t, base, b.tokens["admin"]}

			// On 15 January the lease ran: the rent roll has it on Lindelaan 1.
			st, rr := read.do("GET", "/reports/rent-roll?date=2026-01-15&limit=2", "")
			items, _ := rr["items"].([]any)
			if st != 200 || len(items) != 2 || rr["units"] != float64(3) || rr["vacant"] != float64(2) || rr["total_cents"] != float64(90000) ||
				rr["deposit_cents"] != float64(150000) || rr["next_cursor"] == nil {
				t.Fatalf("rent roll: %d %v", st, rr)
			}
			first := items[0].(map[string]any)
			if first["lease_reference"] != l.Reference || first["complex"] != "De Linden" || first["bare_rent_cents"] != float64(90000) ||
				fmt.Sprint(first["tenants"]) != "[A. Visser]" || first["start"] != "2025-06-01" {
				t.Fatalf("rent roll row: %v", first)
			}
			st, next := read.do("GET", "/reports/rent-roll?date=2026-01-15&limit=2&cursor="+rr["next_cursor"].(string), "")
			if items, _ := next["items"].([]any); st != 200 || len(items) != 1 || next["next_cursor"] != nil {
				t.Fatalf("rent roll page 2: %d %v", st, next)
			}

			st, ar := read.do("GET", fmt.Sprintf("/reports/arrears?complex=%d", complexID), "")
			if items, _ := ar["items"].([]any); st != 200 || len(items) != 1 || ar["overdue_cents"] != float64(50000) ||
				ar["days_31_60_cents"] != float64(50000) || ar["complex"] != "De Linden" {
				t.Fatalf("arrears: %d %v", st, ar)
			}

			st, v := read.do("GET", "/reports/vacancy?from=2026-01-01&to=2026-02-28", "")
			if st != 200 || v["period_days"] != float64(59) || v["units"] != float64(3) || v["days_empty"] != float64(28+59+59) ||
				v["lost_cents"] != float64(90000) || v["rate"] != "82.5%" {
				t.Fatalf("vacancy: %d %v", st, v)
			}

			st, inc := read.do("GET", "/reports/income?from=2025-12&to=2026-01", "")
			items, _ = inc["items"].([]any)
			if st != 200 || len(items) != 2 || inc["charged_cents"] != float64(90000) || inc["received_cents"] != float64(40000) {
				t.Fatalf("income: %d %v", st, inc)
			}
			if row := items[0].(map[string]any); row["month"] != "2025-12" || row["charged_cents"] != float64(90000) ||
				row["complex"] != "De Linden" {
				t.Fatalf("income row: %v", row)
			}

			st, dep := read.do("GET", "/reports/deposits", "")
			items, _ = dep["items"].([]any)
			if st != 200 || len(items) != 1 || dep["held_cents"] != float64(150000) {
				t.Fatalf("deposits: %d %v", st, dep)
			}
			if row := items[0].(map[string]any); row["ends_on"] != "2026-01-31" || row["return_deadline"] != "2026-02-14" {
				t.Fatalf("deposit row: %v", row)
			}

			for path, at := range map[string]string{
				"/reports/vacancy?from=2026-03-01&to=2026-02-01":          "query.to",
				"/reports/income?from=2026-13":                            "query.from",
				"/reports/rent-roll?date=2026-02-30":                      "query.date",
				fmt.Sprintf("/reports/deposits?complex=%d", complexID+99): "query.complex",
			} {
				if st, prob := read.do("GET", path, ""); st != 422 || !strings.Contains(fmt.Sprint(prob["errors"]), at) {
					t.Errorf("%s: %d %v", path, st, prob)
				}
			}

			// Beta sees its own units, none of alpha's books.
			for _, n := range []string{"rent-roll", "arrears", "vacancy", "income", "deposits"} {
				st, body := cb.do("GET", "/reports/"+n, "")
				if st != 200 || strings.Contains(fmt.Sprint(body), "Visser") && n != "rent-roll" || strings.Contains(fmt.Sprint(body), "De Linden") {
					t.Errorf("beta's %s: %d %v", n, st, body)
				}
			}
			if st, prob := cb.do("GET", fmt.Sprintf("/reports/rent-roll?complex=%d", complexID), ""); st != 422 {
				t.Errorf("beta with alpha's complex: %d %v", st, prob)
			}
		})
	}
}
