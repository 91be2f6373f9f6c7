package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
)

// One return rule in the API (art. 7:261b BW, DOMAIN.md §2.5): 14 days
// after the end without deductions, 30 days with any (here the EPV, not
// damage); the specification is made, listed and downloaded as a PDF with
// the figures.
func TestDepositSpecificationAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 10, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			a, b := setupOrg(t, e, "alpha"), setupOrg(t, e, "beta")
			homes, _, tenant := leaseSetup(t, e, a)
			ctx := context.Background()
			owner, _ := e.Accounts.ActorFor(ctx, a.ownerID, a.slug)
			leaseID, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{homes[0]}, TenantIDs: []int64{tenant},
				Start: civil.New(2025, time.January, 1), End: civil.New(2026, time.February, 28), PaymentMethod: lease.Transfer, DepositCents: 180000,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Leases.AddDepositEntry(ctx, owner, leaseID, lease.DepositEntryInput{Kind: lease.DepositReceived,
				Date: civil.New(2025, time.January, 1), AmountCents: 180000}); err != nil {
				t.Fatal(err)
			}
			base := e.URL()
			ca, cb, read := call{t, base, a.tokens["admin"]}, call{t, base, b.tokens["admin"]}, call{t, base, a.tokens["read"]}
			lp := fmt.Sprintf("/leases/%d", leaseID)
			if st, s := read.do("GET", lp+"/deposit-status", ""); st != 200 || s["deadline"] != "2026-03-14" || s["term_days"] != float64(14) ||
				s["with_deductions"] != false {
				t.Fatalf("status: %d %v", st, s)
			}
			if st, s := ca.do("POST", lp+"/deposit-deductions", `{"amount_cents":25000,"reason":"epv","note":"EPV februari"}`); st != 200 ||
				s["deadline"] != "2026-03-30" || s["term_days"] != float64(30) || s["with_deductions"] != true {
				t.Fatalf("deduction: %d %v", st, s)
			}
			if st, _ := read.do("POST", lp+"/deposit-specifications", ""); st != 403 {
				t.Fatalf("read token made a specification: %d", st)
			}
			st, sp := ca.do("POST", lp+"/deposit-specifications", "")
			if st != 201 || sp["id"] == nil || sp["sha256"] == "" {
				t.Fatalf("make: %d %v", st, sp)
			}
			if _, s := read.do("GET", lp+"/deposit-status", ""); len(s["specifications"].([]any)) != 1 {
				t.Fatalf("status lists %v", s["specifications"])
			}
			path := fmt.Sprintf("%s/deposit-specifications/%v", lp, sp["id"])
			pdf, ct := raw(t, base, a.tokens["read"], path)
			if ct != "application/pdf" {
				t.Fatalf("content type %s", ct)
			}
			text := apptest.PDFText(t, []byte(pdf))
			for _, want := range []string{"Energieprestatievergoeding: EPV februari € 250,00", "Ontvangen waarborgsom € 1.800,00",
				"Terug te betalen aan u € 1.550,00", "uiterlijk op 30 maart 2026"} {
				if !strings.Contains(text, want) {
					t.Errorf("specification lacks %q: %s", want, text)
				}
			}
			if st, _ := cb.do("GET", path, ""); st != 404 {
				t.Fatalf("other organisation: %d", st)
			}
		})
	}
}
