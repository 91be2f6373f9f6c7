package main

import (
	"bytes"
	"context"
	"fmt"
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

// hms privacy hold places a legal hold on a lease by its reference (the dry
// run then holds its former tenant instead of erasing them), hold lift lifts
// it, and a hold on a person by id works the same; a hold on both, or on a
// reference the organisation does not have, is refused.
func TestPrivacyHoldCommand(t *testing.T) {
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
			lid, err := a.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: today.AddMonths(-60),
				End: today.AddMonths(-30), PaymentMethod: lease.Transfer,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}})
			if err != nil {
				t.Fatal(err)
			}
			l, err := a.Leases.Get(ctx, owner, lid)
			if err != nil {
				t.Fatal(err)
			}
			a.Close()
			cmd := func(args ...string) (string, error) {
				t.Helper()
				var out bytes.Buffer
				err := run(ctx, append(append([]string{"privacy"}, args...), storage...), &out, io.Discard)
				return out.String(), err
			}
			must := func(args ...string) string {
				t.Helper()
				out, err := cmd(args...)
				if err != nil {
					t.Fatalf("%v: %v\n%s", args, err, out)
				}
				return out
			}
			if _, err := cmd("hold", "--org", "alpha", "--person", fmt.Sprint(p), "--lease", l.Reference, "--reason", "x"); err == nil {
				t.Fatal("a hold on a person and a lease at once was accepted")
			}
			if _, err := cmd("hold", "--org", "alpha", "--lease", "1999-9999", "--reason", "Procedure"); err == nil ||
				!strings.Contains(err.Error(), "--lease") {
				t.Fatalf("an unknown lease: %v", err)
			}
			out := must("hold", "--org", "alpha", "--lease", l.Reference, "--reason", "Procedure over de huur")
			var id int64
			if _, err := fmt.Sscanf(out[strings.LastIndex(out, "(")+1:], "%d)", &id); err != nil || id <= 0 {
				t.Fatalf("hold: %q (%v)", out, err)
			}
			if out := must("retention", "--org", "alpha", "--dry-run"); !strings.Contains(out, "former tenants erased: 0") ||
				!strings.Contains(out, "former tenants under a legal hold: 1") {
				t.Fatalf("dry run with the lease held:\n%s", out)
			}
			must("hold", "lift", "--org", "alpha", "--id", fmt.Sprint(id))
			if out := must("retention", "--org", "alpha", "--dry-run"); !strings.Contains(out, "former tenants erased: 1") {
				t.Fatalf("dry run after the lift:\n%s", out)
			}
			must("hold", "--org", "alpha", "--person", fmt.Sprint(p), "--reason", "Geschil")
			if out := must("retention", "--org", "alpha", "--dry-run"); !strings.Contains(out, "former tenants under a legal hold: 1") {
				t.Fatalf("dry run with the person held:\n%s", out)
			}
		})
	}
}
