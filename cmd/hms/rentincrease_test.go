package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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

func TestRentIncreaseAndCPICommands(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			hms := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			// The effective date lies four months ahead of today, whenever
			// the test runs; the organisation sets that year's free-sector
			// cap itself, so the shipped table's years do not matter.
			on := civil.Today(cliClock.Now()).FirstOfMonth().AddMonths(4)
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			_, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "acme", Email: "owner@acme.nl", Role: account.Owner})
			if err != nil {
				t.Fatal(err)
			}
			owner, _ := a.Accounts.ActorFor(ctx, uid, "acme")
			if err := a.Privacy.AcceptProcessorAgreement(ctx, owner, a.Privacy.Current().Version); err != nil {
				t.Fatal(err)
			}
			unit, err := a.Portfolio.CreateUnit(ctx, owner,
				portfolio.UnitInput{Street: "Kerkstraat", HouseNumber: "1", Postcode: "1234 AB", City: "Ede",
					Type: portfolio.TypeZelfstandig, FloorArea: "70", Segment: portfolio.SegmentVrij})
			if err != nil {
				t.Fatal(err)
			}
			p, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Jan", Surname: "Smit"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Leases.Create(ctx, owner,
				lease.Input{Reference: "H-1", UnitIDs: []int64{unit}, TenantIDs: []int64{p}, Start: civil.MustParse("2020-01-01"),
					Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}}); err != nil {
				t.Fatal(err)
			}
			if err := a.RentIncreases.SetCapOverride(ctx, owner, portfolio.SegmentVrij, on.Year, "4", "test"); err != nil {
				t.Fatal(err)
			}
			a.Close()

			if _, err := hms("rentincrease", "propose", "--org", "acme", "--date", "1-7-2027x"); err == nil ||
				!strings.Contains(err.Error(), "--date") {
				t.Fatalf("bad date: %v", err)
			}
			if _, err := hms("rentincrease", "propose", "--org", "nope", "--date", on.String()); err == nil ||
				!strings.Contains(err.Error(), "nope") {
				t.Fatalf("unknown organisation: %v", err)
			}
			out, err := hms("rentincrease", "propose", "--org", "acme", "--date", on.String())
			if err != nil || !strings.Contains(out, "H-1") || !strings.Contains(out, "1,000.00") || !strings.Contains(out, "1,040.00") ||
				!strings.Contains(out, "4%") || !strings.Contains(out, "draft") {
				t.Fatalf("propose: %q %v", out, err)
			}
			out, err = hms("rentincrease", "propose", "--org", "acme", "--date", on.String(), "--confirm")
			if err != nil || !strings.Contains(out, "confirmed 1 proposals") {
				t.Fatalf("confirm: %q %v", out, err)
			}
			out, _ = hms("rentincrease", "propose", "--org", "acme", "--date", on.String())
			if !strings.Contains(out, "confirmed") {
				t.Fatalf("after confirm: %q", out)
			}

			// The file comes last: flags after it would not be read.
			hmsFile := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, args, &out, &errOut)
				return out.String(), err
			}
			dir := t.TempDir()
			bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "good.csv")
			_ = os.WriteFile(bad, []byte("reeks;maand;index\nCPI-2015;2025-01;128,4\nCPI-2015;2025-1x;128,9\n"), 0o600)
			_ = os.WriteFile(good, []byte("reeks;maand;index\nCPI-2015;2025-01;128,4\nCPI-2015;2025-02;128,9\n"), 0o600)
			out, err = hmsFile(append([]string{"cpi", "import", "--org", "acme"}, append(storage, bad)...)...)
			if err == nil || !strings.Contains(out, "line 3, month") {
				t.Fatalf("bad cpi: %q %v", out, err)
			}
			out, err = hmsFile(append([]string{"cpi", "import", "--org", "acme"}, append(storage, good)...)...)
			if err != nil || !strings.Contains(out, "2 added") {
				t.Fatalf("good cpi: %q %v", out, err)
			}
			out, err = hmsFile(append([]string{"cpi", "import", "--org", "acme"}, append(storage, good)...)...)
			if err != nil || !strings.Contains(out, "2 unchanged") {
				t.Fatalf("cpi again: %q %v", out, err)
			}
		})
	}
}
