package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
	"hms/internal/settlement"
)

// hms settlement costs import and hms settlement run: a file with a bad row
// is refused with line and column (exit code 2) and imports nothing; the
// fixed file imports, and again changes nothing; the complex's year runs
// with the vacant home on the landlord; a leaving tenant's run stops at the
// lease's end; another organisation cannot run the complex.
func TestSettlementRunCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			var owner account.Actor
			for _, slug := range []string{"alpha", "beta"} {
				_, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: slug, Email: "owner@" + slug + ".nl", Role: account.Owner})
				if err != nil {
					t.Fatal(err)
				}
				act, _ := a.Accounts.ActorFor(ctx, uid, slug)
				if err := a.Privacy.AcceptProcessorAgreement(ctx, act, a.Privacy.Current().Version); err != nil {
					t.Fatal(err)
				}
				if slug == "alpha" {
					owner = act
				}
			}
			cx, err := a.Portfolio.CreateComplex(ctx, owner, portfolio.ComplexInput{Name: "De Linde", City: "Utrecht"})
			if err != nil {
				t.Fatal(err)
			}
			var units []int64
			for i := range 2 {
				u, err := a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{ComplexID: cx, Street: "Parkweg", HouseNumber: fmt.Sprint(i + 1),
					Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentVrij})
				if err != nil {
					t.Fatal(err)
				}
				units = append(units, u)
			}
			p, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Anna", Surname: "Visser"})
			if err != nil {
				t.Fatal(err)
			}
			leaving, err := a.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{units[0]}, TenantIDs: []int64{p},
				Start: civil.New(2023, time.January, 1), End: civil.New(2024, time.June, 30), PaymentMethod: lease.Transfer,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Relations.CreateCompany(ctx, owner, relation.CompanyInput{Name: "Schoon BV", KvK: "12345678",
				Address: relation.Address{Street: "Industrieweg", HouseNumber: "1", Postcode: "3542 AD", City: "Utrecht"},
				IBANs:   []string{"NL91ABNA0417164300"}, Roles: relation.RolesOf(relation.RoleSupplier)}); err != nil {
				t.Fatal(err)
			}
			if err := a.Settlement.SetKey(ctx, owner, cx, 2024,
				settlement.CategoryKey{Category: "schoonmaak", Key: settlement.KeyEqual}); err != nil {
				t.Fatal(err)
			}
			a.Close() // SQLite has one writer: the commands open their own.

			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			dir := t.TempDir()
			file := func(name, rows string) string {
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path,
					[]byte("supplier;invoice_number;invoice_date;period_start;period_end;amount;category;complex\n"+rows), 0o600); err != nil {
					t.Fatal(err)
				}
				return path
			}
			good := "12345678;S-1;2024-12-31;2024-01-01;2024-12-31;1200.00;schoonmaak;De Linde\n" +
				"12345678;S-2;2025-01-15;2024-07-01;2025-06-30;730,00;Schoonmaak;De Linde\n"
			bad := file("bad.csv", strings.Replace(good, "730,00", "zeven", 1))
			out, err := run1("settlement", "costs", "import", "--org", "alpha", bad)
			if err == nil || exitCode(err) != 2 || !strings.Contains(out, "line 3, amount: ") || !strings.Contains(err.Error(), "nothing imported") {
				t.Fatalf("bad file: %q %v", out, err)
			}
			if out, err := run1("settlement", "costs", "import", "--org", "alpha"); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Fatalf("no file: %q %v", out, err)
			}
			path := file("good.csv", good)
			if out, err := run1("settlement", "costs", "import", "--org", "alpha", path); err != nil ||
				!strings.Contains(out, "imported: 2 new, 0 changed, 0 unchanged") {
				t.Fatalf("import: %q %v", out, err)
			}
			if out, err := run1("settlement", "costs", "import", "--org", "alpha", path); err != nil ||
				!strings.Contains(out, "imported: 0 new, 0 changed, 2 unchanged") {
				t.Fatalf("import again: %q %v", out, err)
			}

			// KNMI daily temperatures (DOMAIN.md §7.6): January 2024 at 2.0 °C is
			// 31 × 16.0 × 1.1 = 545.60 weighted degree days; a bad TG is line and column.
			knmi := "# STN,YYYYMMDD,   TG\n"
			for day := 1; day <= 31; day++ {
				knmi += fmt.Sprintf("  260,202401%02d,   20\n", day)
			}
			knmiPath := filepath.Join(dir, "etmgeg_260.txt")
			if err := os.WriteFile(knmiPath, []byte(strings.Replace(knmi, "20240105,   20", "20240105,  2.0", 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := run1("settlement", "degreedays", "import", "--org", "alpha", "--station", "260", knmiPath); exitCode(err) != 2 ||
				!strings.Contains(out, "line 6, TG: ") {
				t.Fatalf("bad KNMI file: %q %v", out, err)
			}
			if err := os.WriteFile(knmiPath, []byte(knmi), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := run1("settlement", "degreedays", "import", "--org", "alpha", "--station", "260", knmiPath); err != nil ||
				!strings.Contains(out, "station 260: 31 days imported, 2024-01-01 to 2024-01-31") ||
				!strings.Contains(out, "2024-01  545.60 weighted degree days") {
				t.Fatalf("KNMI import: %q %v", out, err)
			}
			_, err = run1("settlement", "degreedays", "import", "--org", "alpha", knmiPath)
			if err == nil || !strings.Contains(err.Error(), "usage") {
				t.Fatalf("no station: %v", err)
			}

			if _, err := run1("settlement", "run", "--org", "alpha", "--complex", fmt.Sprint(cx)); err == nil ||
				!strings.Contains(err.Error(), "usage") {
				t.Fatalf("run without year: %v", err)
			}
			// 2024: 1200.00 and S-2's 184 of 365 days (368.00) make 1568.00,
			// 784.00 a home; the tenant had the first for 182 of 366 days
			// (389.86), the rest is vacancy on the landlord (1178.14).
			out, err = run1("settlement", "run", "--org", "alpha", "--complex", fmt.Sprint(cx), "--year", "2024")
			if err != nil || !regexp.MustCompile(`run \d+ \(draft\): 2024-01-01 to 2024-12-31, 1 occupancies, 1 costs, vacancy 1178\.14; `+
				`degree days: table; settled against advances charged\n`).MatchString(out) ||
				!strings.Contains(out, "total 389.86, advances 0.00 (received 0.00, open 0.00), balance 389.86") {
				t.Fatalf("run: %q %v", out, err)
			}
			out, err = run1("settlement", "run", "--org", "alpha", "--lease", fmt.Sprint(leaving))
			if err != nil || !strings.Contains(out, "2024-01-01 to 2024-06-30") {
				t.Fatalf("leaving tenant: %q %v", out, err)
			}
			if _, err := run1("settlement", "run", "--org", "beta", "--complex", fmt.Sprint(cx), "--year", "2024"); err == nil {
				t.Fatal("another organisation ran the complex")
			}
		})
	}
}
