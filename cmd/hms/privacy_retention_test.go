package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// hms privacy retention --dry-run names the former tenant whose period
// passed and changes nothing; without it the tenant is erased.
func TestPrivacyRetentionCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			today := civil.Today(cliClock.Now())
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			_, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "alpha", Email: "owner@alpha.nl", Role: account.Owner})
			if err != nil {
				t.Fatal(err)
			}
			owner, _ := a.Accounts.ActorFor(ctx, uid, "alpha")
			if err := a.Privacy.AcceptProcessorAgreement(ctx, owner, a.Privacy.Current().Version); err != nil {
				t.Fatal(err)
			}
			u, err := a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: "1",
				Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentVrij})
			if err != nil {
				t.Fatal(err)
			}
			p, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Anna", Surname: "Oudhuurder"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: today.AddMonths(-60),
				End: today.AddMonths(-30), PaymentMethod: lease.Transfer,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}}); err != nil {
				t.Fatal(err)
			}
			a.Close()
			cmd := func(args ...string) string {
				t.Helper()
				var out bytes.Buffer
				if err := run(ctx, append(append([]string{"privacy", "retention"}, args...), storage...), &out, io.Discard); err != nil {
					t.Fatalf("%v: %v\n%s", args, err, out.String())
				}
				return out.String()
			}
			out := cmd("--org", "alpha", "--dry-run")
			if !strings.Contains(out, "former tenants erased: 1") || !strings.Contains(out, "Oudhuurder") ||
				!strings.Contains(out, "(dry run)") {
				t.Fatalf("dry run:\n%s", out)
			}
			if again := cmd("--org", "alpha", "--dry-run"); again != out {
				t.Fatalf("the dry run changed something:\n%s", again)
			}
			if out := cmd("--org", "alpha"); !strings.Contains(out, "Oudhuurder") || !strings.Contains(out, "(done)") {
				t.Fatalf("run:\n%s", out)
			}
			if out := cmd("--org", "alpha", "--dry-run"); !strings.Contains(out, "former tenants erased: 0") {
				t.Fatalf("after the run:\n%s", out)
			}
		})
	}
}
