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

// hms rentincrease caps import agrees with the page and the API (DOMAIN
// §4.1): the 2027 proposal without a published free-sector cap names the
// caps page; a bad file is refused line by line and imports nothing; the
// good file makes the proposal €1,000.00 + 4% = €1,040.00.
func TestRentIncreaseCapsImportCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			hms := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			// The file comes after the flags.
			importCaps := func(file string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, append(append([]string{"rentincrease", "caps", "import", "--org", "acme"}, storage...), file), &out, &errOut)
				return out.String(), err
			}
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
			unit, err := a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Kerkstraat", HouseNumber: "1", Postcode: "1234 AB",
				City: "Ede",
				Type: portfolio.TypeZelfstandig, FloorArea: "70", Segment: portfolio.SegmentVrij})
			if err != nil {
				t.Fatal(err)
			}
			p, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Jan", Surname: "Smit"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Leases.Create(ctx, owner, lease.Input{Reference: "H-1", UnitIDs: []int64{unit}, TenantIDs: []int64{p},
				Start:      civil.MustParse("2020-01-01"),
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}}); err != nil {
				t.Fatal(err)
			}
			a.Close()

			out, err := hms("rentincrease", "propose", "--org", "acme", "--date", "2027-07-01")
			if err != nil || !strings.Contains(out, "skipped") || !strings.Contains(out, "free sector in 2027") ||
				!strings.Contains(out, "Maximums, CPI and letter") {
				t.Fatalf("propose without a cap: %q %v", out, err)
			}
			dir := t.TempDir()
			bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "caps.csv")
			_ = os.WriteFile(bad, []byte("segment;year;percent;source\n"+
				"vrije_sector;2027;4;https://www.rijksoverheid.nl/2027\nwinkel;2027;4;x\n"), 0o600)
			_ = os.WriteFile(good, []byte("vrije_sector;2027;4;https://www.rijksoverheid.nl/2027\n"), 0o600)
			if _, err := hms("rentincrease", "caps", "import", "--org", "acme"); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Fatalf("without a file: %v", err)
			}
			out, err = importCaps(bad)
			if err == nil || !strings.Contains(out, "line 3, segment: The segment is sociaal, middenhuur or vrije_sector.") {
				t.Fatalf("bad file: %q %v", out, err)
			}
			out, err = importCaps(good)
			if err != nil || !strings.Contains(out, "read 1 maximums: 1 added, 0 changed, 0 unchanged") {
				t.Fatalf("import: %q %v", out, err)
			}
			out, err = hms("rentincrease", "propose", "--org", "acme", "--date", "2027-07-01")
			if err != nil || !strings.Contains(out, "1,040.00") || !strings.Contains(out, "draft") {
				t.Fatalf("propose with the cap: %q %v", out, err)
			}
		})
	}
}
