package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// hms deposits due: ended leases with money held, by deadline, with the
// overdue ones marked; a running lease and another organisation's lease
// are not listed.
func TestDepositsDueCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			today := civil.Today(cliClock.Now())
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			refs := map[string]string{}
			for _, slug := range []string{"alpha", "beta"} {
				_, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: slug, Email: "owner@" + slug + ".nl", Role: account.Owner})
				if err != nil {
					t.Fatal(err)
				}
				owner, _ := a.Accounts.ActorFor(ctx, uid, slug)
				if err := a.Privacy.AcceptProcessorAgreement(ctx, owner, a.Privacy.Current().Version); err != nil {
					t.Fatal(err)
				}
				n := 0
				for i, end := range map[string]civil.Date{"soon": today.AddDays(-5), "late": today.AddDays(-20), "running": {}} {
					n++
					u, err := a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(n),
						Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentVrij})
					if err != nil {
						t.Fatal(err)
					}
					p, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Anna", Surname: "Huurder " + i})
					if err != nil {
						t.Fatal(err)
					}
					start := today.AddDays(-400)
					id, err := a.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: start, End: end,
						PaymentMethod: lease.Transfer, DepositCents: 150000, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}})
					if err != nil {
						t.Fatal(err)
					}
					if _, err := a.Leases.AddDepositEntry(ctx, owner, id,
						lease.DepositEntryInput{Kind: lease.DepositReceived, Date: start, AmountCents: 150000}); err != nil {
						t.Fatal(err)
					}
					l, _ := a.Leases.Get(ctx, owner, id)
					refs[slug+"/"+i] = l.Reference
				}
			}
			a.Close()

			var out, errOut bytes.Buffer
			if err := run(ctx, append([]string{"deposits", "due"}, storage...), &out, &errOut); err == nil ||
				!strings.Contains(err.Error(), "--org") {
				t.Fatalf("without --org: %v", err)
			}
			if err := run(ctx, append([]string{"deposits", "due", "--org", "nobody"}, storage...), &out, &errOut); err == nil {
				t.Fatal("unknown organisation accepted")
			}
			out.Reset()
			if err := run(ctx, append([]string{"deposits", "due", "--org", "alpha"}, storage...), &out, &errOut); err != nil {
				t.Fatalf("deposits due: %v %s", err, errOut.String())
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			eur := money.Format(150000, "en")
			// Oldest deadline first: late (overdue by 6 days), then soon (9 days left).
			want := []string{
				fmt.Sprintf("%s\tends %s\treturn by %s\t%s\tOVERDUE by 6 days", refs["alpha/late"], today.AddDays(-20), today.AddDays(-6), eur),
				fmt.Sprintf("%s\tends %s\treturn by %s\t%s\t9 days left", refs["alpha/soon"], today.AddDays(-5), today.AddDays(9), eur),
				"2 deposits to return, " + money.Format(300000, "en") + " held",
			}
			if strings.Join(lines, "\n") != strings.Join(want, "\n") {
				t.Fatalf("got\n%s\nwant\n%s", out.String(), strings.Join(want, "\n"))
			}
		})
	}
}
