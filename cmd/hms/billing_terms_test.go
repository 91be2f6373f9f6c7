package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/lease"
	"hms/internal/orgprofile"
	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// hms rentrun agrees with the page and the API (DOMAIN §3.1, §3.4): a
// quarterly VAT lease from 10 February 2026 at €900 a month is €2,700 ×
// 50/90 = €1,500.00 (+ 21% = €1,815.00) for Q1; without the issuer's KvK
// number, btw-id and address the preview names them and posting refuses.
func TestRentRunCommandVATIssuerAndQuarter(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			_, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "winkel", Email: "owner@winkel.nl", Role: account.Owner})
			if err != nil {
				t.Fatal(err)
			}
			owner, _ := a.Accounts.ActorFor(ctx, uid, "winkel")
			if err := a.Privacy.AcceptProcessorAgreement(ctx, owner, a.Privacy.Current().Version); err != nil {
				t.Fatal(err)
			}
			shop, err := a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Vismarkt", HouseNumber: "3", Postcode: "3511 KB",
				City: "Utrecht", Type: portfolio.TypeBedrijfsruimte, FloorArea: "120", Segment: portfolio.SegmentCommercieel})
			if err != nil {
				t.Fatal(err)
			}
			co, err := a.Relations.CreateCompany(ctx, owner, relation.CompanyInput{Name: "Bakkerij Korstmos B.V.", KvK: "69599084",
				Address: relation.Address{Street: "Vismarkt", HouseNumber: "3", Postcode: "3511 KB", City: "Utrecht"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{shop}, TenantIDs: []int64{co}, Start: civil.New(2026,
				time.February, 10),
				BillingFrequency: lease.Quarterly, PaymentMethod: lease.Transfer, VATOpted: true,
				Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 90000, VAT: lease.VATStandard}}}); err != nil {
				t.Fatal(err)
			}
			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			out, err := run1("rentrun", "--org", "winkel", "--period", "2026-Q1")
			for _, want := range []string{"2026-Q1", "€1,815.00", "blocked:",
				"KvK number: /o/winkel/settings/organisation", "VAT id: /o/winkel/settings/organisation",
				"Street: /o/winkel/settings/organisation", "Postcode: /o/winkel/settings/organisation"} {
				if err != nil || !strings.Contains(out, want) {
					t.Fatalf("preview lacks %q: %q %v", want, out, err)
				}
			}
			out, err = run1("rentrun", "--org", "winkel", "--period", "2026-Q1", "--confirm")
			if err == nil || !strings.Contains(err.Error(), "VAT") {
				t.Fatalf("blocked run posted: %q %v", out, err)
			}
			ls := lease.DefaultSettings()
			ls.LandlordName, ls.LandlordAddress = "Vastgoed Winkel", "Stationsplein 1\n3511 ED Utrecht"
			if err := a.Leases.UpdateSettings(ctx, owner, ls); err != nil {
				t.Fatal(err)
			}
			if err := a.OrgProfile.Save(ctx, owner, orgprofile.Input{Street: "Stationsplein", HouseNumber: "1", Postcode: "3511 ED",
				City: "Utrecht", KvK: "40536533", VATID: "NL000099998B57"}); err != nil {
				t.Fatal(err)
			}
			a.Close()
			out, err = run1("rentrun", "--org", "winkel", "--period", "2026-Q1", "--confirm")
			if err != nil || !strings.Contains(out, "1 invoices posted, 1 lines, €1,815.00") {
				t.Fatalf("run: %q %v", out, err)
			}
		})
	}
}

// hms rentrun shows and posts a correction like the page and the API: the
// rent set back into January after January was charged (€950.00 →
// €975.00) is a €25.00 correcting invoice with its reason; a second run
// posts nothing (DOMAIN §3.1).
func TestRentRunCommandCorrection(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			open := func() *app.App {
				a, err := app.Open(ctx, appConfig(cfg, key))
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			a := open()
			_, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "huis", Email: "owner@huis.nl", Role: account.Owner})
			if err != nil {
				t.Fatal(err)
			}
			owner, _ := a.Accounts.ActorFor(ctx, uid, "huis")
			if err := a.Privacy.AcceptProcessorAgreement(ctx, owner, a.Privacy.Current().Version); err != nil {
				t.Fatal(err)
			}
			u, err := a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Kerkstraat", HouseNumber: "1", Postcode: "1234 AB",
				City: "Ede",
				Type: portfolio.TypeZelfstandig, FloorArea: "70", Segment: portfolio.SegmentVrij})
			if err != nil {
				t.Fatal(err)
			}
			p, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Jan", Surname: "Smit"})
			if err != nil {
				t.Fatal(err)
			}
			l, err := a.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: civil.MustParse("2025-01-01"),
				PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 95000}}})
			if err != nil {
				t.Fatal(err)
			}
			a.Close()
			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			post := func() (string, error) { return run1("rentrun", "--org", "huis", "--period", "2026-01", "--confirm") }
			if out, err := post(); err != nil || !strings.Contains(out, "1 invoices posted") {
				t.Fatalf("January: %q %v", out, err)
			}
			a = open()
			if _, err := a.Leases.SetComponent(ctx, owner, l, lease.ComponentInput{Kind: lease.BareRent, AmountCents: 97500,
				ValidFrom: civil.MustParse("2026-01-01")}); err != nil {
				t.Fatal(err)
			}
			a.Close()
			out, err := run1("rentrun", "--org", "huis", "--period", "2026-01")
			if err != nil || !strings.Contains(out,
				"invoice: correctie kale huur januari 2026: € 950,00 → € 975,00") || !strings.Contains(out, "1 invoices") {
				t.Fatalf("preview: %q %v", out, err)
			}
			if out, err := post(); err != nil || !strings.Contains(out, "1 invoices posted, 1 lines, €25.00") {
				t.Fatalf("run: %q %v", out, err)
			}
			if out, err := post(); err != nil || !strings.Contains(out, ": 0 invoices posted") {
				t.Fatalf("second run: %q %v", out, err)
			}
		})
	}
}
