package main

import (
	"bytes"
	"context"
	"encoding/json"
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

// hms report: the rent roll as CSV on stdout (the whole organisation, or a
// complex by its name), as JSON, as a PDF file; another organisation's units
// are not listed; bad flags and an unknown complex exit with 2.
func TestReportCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			today := civil.Today(cliClock.Now())
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			var ref string
			for _, slug := range []string{"alpha", "beta"} {
				_, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: slug, Email: "owner@" + slug + ".nl", Role: account.Owner})
				if err != nil {
					t.Fatal(err)
				}
				owner, _ := a.Accounts.ActorFor(ctx, uid, slug)
				if err := a.Privacy.AcceptProcessorAgreement(ctx, owner, a.Privacy.Current().Version); err != nil {
					t.Fatal(err)
				}
				c, err := a.Portfolio.CreateComplex(ctx, owner, portfolio.ComplexInput{Name: "De Linden " + slug, City: "Utrecht"})
				if err != nil {
					t.Fatal(err)
				}
				street := map[string]string{"alpha": "Lindelaan", "beta": "Betaweg"}[slug]
				var units []int64
				for i, cid := range []int64{c, 0} {
					u, err := a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{ComplexID: cid, Street: street, HouseNumber: string(rune('1' + i)),
						Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentVrij})
					if err != nil {
						t.Fatal(err)
					}
					units = append(units, u)
				}
				p, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Anna", Surname: "Huurder"})
				if err != nil {
					t.Fatal(err)
				}
				id, err := a.Leases.Create(ctx, owner, lease.Input{UnitIDs: units[:1], TenantIDs: []int64{p}, Start: today.AddDays(-100),
					PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}})
				if err != nil {
					t.Fatal(err)
				}
				if slug == "alpha" {
					l, _ := a.Leases.Get(ctx, owner, id)
					ref = l.Reference
				}
			}
			a.Close()

			var out, errOut bytes.Buffer
			run1 := func(args ...string) error {
				out.Reset()
				return run(ctx, append(append([]string{"report"}, args...), storage...), &out, &errOut)
			}
			if err := run1("rent-roll", "--org", "alpha"); err != nil {
				t.Fatalf("report: %v %s", err, errOut.String())
			}
			want := strings.Join([]string{
				"\ufeffAdres;Complex;Huurder(s);Contract;Ingang;Kale huur;Servicekosten;Overig;Totaal per maand;Waarborgsom",
				"Lindelaan 1, 3521 CD Utrecht;De Linden alpha;A. Huurder;" + ref + ";" + today.AddDays(-100).String() +
					";1.000,00;0,00;0,00;1.000,00;0,00",
				"Lindelaan 2, 3521 CD Utrecht;;Leegstand;;;;;;;",
				"Totaal;2 eenheden, 1 leeg;;;;1.000,00;0,00;0,00;1.000,00;0,00",
			}, "\n") + "\n"
			if out.String() != want {
				t.Fatalf("CSV\n got %q\nwant %q", out.String(), want)
			}
			if err := run1("rent-roll", "--org", "alpha", "--complex", "de linden ALPHA", "--lang", "en", "--date", today.String()); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); !strings.Contains(got, "Address;Complex") || strings.Contains(got, "Lindelaan 2") ||
				!strings.Contains(got, "Total;1 units, 0 vacant") {
				t.Fatalf("De Linden alpha: %q", got)
			}
			if err := run1("deposits", "--org", "alpha", "--format", "json"); err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc["report"] != "deposits" || doc["made"] != today.String() {
				t.Fatalf("json: %v %s", err, out.String())
			}
			if err := run1("income", "--org", "alpha", "--year", "2025", "--format", "json"); err != nil {
				t.Fatal(err)
			}
			// The same snake_case names as the API, amounts in cents.
			if !strings.Contains(out.String(), `"from": "2025-01"`) || !strings.Contains(out.String(), `"to": "2025-12"`) ||
				!strings.Contains(out.String(), `"charged_cents": `) || strings.Contains(out.String(), `"Charged"`) {
				t.Fatalf("income json: %s", out.String())
			}
			file := filepath.Join(t.TempDir(), "leegstand.pdf")
			if err := run1("vacancy", "--org", "alpha", "--from", today.AddDays(-30).String(), "--to", today.String(), "--format", "pdf",
				"--out", file); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(file); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) || out.Len() != 0 {
				t.Fatalf("pdf: %v %d bytes, stdout %d", err, len(b), out.Len())
			}
			if err := run1("rent-roll", "--org", "beta"); err != nil || strings.Contains(out.String(), "Lindelaan") ||
				!strings.Contains(out.String(), "Betaweg 1") {
				t.Fatalf("beta: %v %q", err, out.String())
			}

			for _, bad := range [][]string{
				{"rent-roll", "--org", "alpha", "--complex", "De Linden beta"},
				{"rent-roll", "--org", "alpha", "--date", "2026-02-30"},
				{"vacancy", "--org", "alpha", "--from", "2026-03-01", "--to", "2026-02-01"},
				{"rent-roll", "--org", "alpha", "--format", "xls"},
			} {
				if err := run1(bad...); exitCode(err) != 2 {
					t.Errorf("%v: %v (exit %d)", bad, err, exitCode(err))
				}
			}
			if err := run1("nonsense", "--org", "alpha"); err == nil || !strings.Contains(err.Error(), "usage: hms report") {
				t.Fatalf("unknown report: %v", err)
			}
		})
	}
}
