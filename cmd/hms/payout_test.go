package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/bank"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
	"hms/internal/sepa"
)

// hms payouts export: with nothing to pay a message, exit 0 and no file;
// then the approved deposit refunds due in time become an XSD-valid
// pain.001 file with count and sum printed (a tenant without an IBAN is
// named as left out); a second export finds nothing left; another
// organisation's refunds are not in it.
func TestPayoutsExportCommand(t *testing.T) {
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
				if _, err := a.Bank.AddAccount(ctx, owner, bank.AccountInput{IBAN: "NL02ABNA0123456789", Name: "Vastgoed " + slug,
					Purpose: bank.PurposeDeposits, TransferVersion: sepa.Pain001V09}); err != nil {
					t.Fatal(err)
				}
				for i, iban := range []string{"NL91ABNA0417164300", "", "NL86INGB0002445588"} {
					u, err := a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(i + 1),
						Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentVrij})
					if err != nil {
						t.Fatal(err)
					}
					in := relation.PersonInput{FirstNames: "Anna", Surname: fmt.Sprintf("Huurder %d", i)}
					if iban != "" {
						in.IBANs = []string{iban}
					}
					p, err := a.Relations.CreatePerson(ctx, owner, in)
					if err != nil {
						t.Fatal(err)
					}
					// The third lease ends later: its refund is due after the others.
					end := today.AddDays(-10)
					if i == 2 {
						end = today.AddDays(-1)
					}
					id, err := a.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: today.AddDays(-400), End: end,
						PaymentMethod: lease.Transfer, DepositCents: 150000, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}})
					if err != nil {
						t.Fatal(err)
					}
					if _, err := a.Leases.AddDepositEntry(ctx, owner, id, lease.DepositEntryInput{Kind: lease.DepositReceived, Date: today.AddDays(-400),
						AmountCents: 150000}); err != nil {
						t.Fatal(err)
					}
					l, _ := a.Leases.Get(ctx, owner, id)
					refs[fmt.Sprintf("%s/%d", slug, i)] = l.Reference
					if slug == "beta" || i > 0 {
						if _, err := a.Deposits.Settle(ctx, owner, id); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			a.Close()

			dir := t.TempDir()
			file := filepath.Join(dir, "uitbetalingen.xml")
			var out, errOut bytes.Buffer
			if err := run(ctx, append([]string{"payouts", "export", "--org", "alpha"}, storage...), &out, &errOut); err == nil ||
				!strings.Contains(err.Error(), "--out") {
				t.Fatalf("without --out: %v", err)
			}
			if err := run(ctx, append([]string{"payouts", "export", "--org", "nobody", "--out", file}, storage...), &out, &errOut); err == nil {
				t.Fatal("unknown organisation accepted")
			}
			if err := run(ctx, append([]string{"payouts", "export", "--org", "alpha", "--due-until", "2026-02-30", "--out", file}, storage...),
				&out, &errOut); err == nil || exitCode(err) != 2 {
				t.Fatalf("a bad date: %v", err)
			}
			// A refund is due 14 days after the lease ended: lease 1's (its
			// tenant has no IBAN) in 4 days, lease 2's in 13.
			due := today.AddDays(13).String()
			out.Reset()
			if err := run(ctx, append([]string{"payouts", "export", "--org", "alpha", "--due-until", today.AddDays(3).String(), "--out", file},
				storage...), &out, &errOut); err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(out.String()) != "nothing to pay: no approved payout with a known account; no file written" {
				t.Fatalf("nothing due yet: %s", out.String())
			}
			if _, err := os.Stat(file); !os.IsNotExist(err) {
				t.Fatalf("a file was written with nothing to pay: %v", err)
			}
			out.Reset()
			if err := run(ctx, append([]string{"payouts", "export", "--org", "alpha", "--due-until", due, "--out", file}, storage...),
				&out, &errOut); err != nil {
				t.Fatalf("export: %v %s", err, errOut.String())
			}
			eur := money.Format(150000, "en")
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 3 || !strings.HasPrefix(lines[0], "left out: "+refs["alpha/1"]) ||
				lines[1] != fmt.Sprintf("%s: 1 payment, %s from NL02ABNA0123456789 (pain.001.001.09)", file, eur) || lines[2] != "1 payment, "+eur {
				t.Fatalf("output:\n%s", out.String())
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
				t.Errorf("file mode %v", fi.Mode())
			}
			validateXSD(t, "pain.001.001.09", data)
			if !strings.Contains(string(data), "Terugbetaling waarborgsom "+refs["alpha/2"]) || strings.Count(string(data), "<CdtTrfTxInf>") != 1 ||
				strings.Contains(string(data), "Vastgoed beta") {
				t.Fatalf("file: %.2000s", data)
			}
			os.Remove(file)
			out.Reset()
			if err := run(ctx, append([]string{"payouts", "export", "--org", "alpha", "--out", file}, storage...), &out, &errOut); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "left out: "+refs["alpha/1"]+" Deposit") || !strings.Contains(out.String(), "nothing to pay") {
				t.Fatalf("second export: %s", out.String())
			}
			if _, err := os.Stat(file); !os.IsNotExist(err) {
				t.Fatal("the second export wrote a file")
			}
		})
	}
}

// validateXSD checks doc against the ISO schema of version with xmllint.
func validateXSD(t *testing.T, version string, doc []byte) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		if os.Getenv("HMS_TEST_REQUIRE") == "all" {
			t.Fatal("xmllint (libxml2-utils) is required")
		}
		t.Skip("xmllint not installed")
	}
	f := filepath.Join(t.TempDir(), version+".xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	xsd := filepath.Join("..", "..", "internal", "sepa", "testdata", "xsd", version+".xsd")
	if out, err := exec.Command("xmllint", "--noout", "--schema", xsd, f).CombinedOutput(); err != nil {
		t.Fatalf("%s file does not validate: %v\n%s", version, err, out)
	}
}
