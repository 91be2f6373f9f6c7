package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
	"hms/internal/settlement"
)

// hms settlement send and deadlines: a draft run is refused; the final run
// of a complex with a tenant change sends all three statements with
// progress and books each balance; sending again sends nothing twice;
// another organisation cannot send it; the deadline list shows the year
// sent, and a complex without a run as "none".
func TestSettlementSendCommand(t *testing.T) {
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
			var complexes []int64
			for _, name := range []string{"De Linde", "Zonnehof"} {
				cx, err := a.Portfolio.CreateComplex(ctx, owner, portfolio.ComplexInput{Name: name, City: "Utrecht"})
				if err != nil {
					t.Fatal(err)
				}
				complexes = append(complexes, cx)
			}
			var units []int64
			for i, cx := range []int64{complexes[0], complexes[0], complexes[1]} {
				u, err := a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{ComplexID: cx, Street: "Parkweg", HouseNumber: fmt.Sprint(i + 1),
					Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentVrij})
				if err != nil {
					t.Fatal(err)
				}
				units = append(units, u)
			}
			p, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Anna", Surname: "Visser", Email: "anna@example.nl"})
			if err != nil {
				t.Fatal(err)
			}
			mk := func(unit int64, start, end civil.Date) {
				if _, err := a.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{unit}, TenantIDs: []int64{p}, Start: start, End: end,
					PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000},
						{Kind: lease.ServiceCosts, Category: "schoonmaak", AmountCents: 4000}}}); err != nil {
					t.Fatal(err)
				}
			}
			mk(units[0], civil.New(2024, time.January, 1), civil.New(2025, time.June, 30))
			mk(units[0], civil.New(2025, time.July, 1), civil.Date{})
			mk(units[1], civil.New(2025, time.January, 1), civil.Date{})
			mk(units[2], civil.New(2025, time.January, 1), civil.Date{})
			for m := 1; m <= 12; m++ {
				if _, err := a.Billing.PostRun(ctx, owner, billing.RunInput{Period: fmt.Sprintf("2025-%02d", m)}, nil); err != nil {
					t.Fatal(err)
				}
			}
			sup, err := a.Relations.CreateCompany(ctx, owner, relation.CompanyInput{Name: "Schoon BV", KvK: "12345678",
				Address: relation.Address{Street: "Industrieweg", HouseNumber: "1", Postcode: "3542 AD", City: "Utrecht"},
				IBANs:   []string{"NL91ABNA0417164300"}, Roles: relation.RolesOf(relation.RoleSupplier)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Settlement.CreateCost(ctx, owner, settlement.CostInput{ComplexID: complexes[0], SupplierID: sup, InvoiceNumber: "S-1",
				InvoiceDate: "2025-12-31", PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", Amount: "1200.00", Category: "schoonmaak"}); err != nil {
				t.Fatal(err)
			}
			if err := a.Settlement.SetKey(ctx, owner, complexes[0], 2025,
				settlement.CategoryKey{Category: "schoonmaak", Key: settlement.KeyEqual}); err != nil {
				t.Fatal(err)
			}
			draft, err := a.Settlement.Run(ctx, owner, complexes[0], 2025)
			if err != nil {
				t.Fatal(err)
			}
			a.Close() // SQLite has one writer: the commands open their own.

			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			if _, err := run1("settlement", "send", "--org", "alpha"); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Fatalf("send without a run: %v", err)
			}
			if _, err := run1("settlement", "send", "--org", "alpha", "--run", fmt.Sprint(draft.ID)); err == nil ||
				!strings.Contains(err.Error(), "final first") {
				t.Fatalf("send a draft: %v", err)
			}
			// Finalised, the same run can be sent.
			if a, err = app.Open(ctx, appConfig(cfg, key)); err != nil {
				t.Fatal(err)
			}
			if err := a.Settlement.Finalise(ctx, owner, draft.ID); err != nil {
				t.Fatal(err)
			}
			a.Close()
			final := draft
			if _, err := run1("settlement", "send", "--org", "beta", "--run", fmt.Sprint(final.ID)); err == nil ||
				!strings.Contains(err.Error(), "does not exist") {
				t.Fatalf("another organisation sent the run: %v", err)
			}
			// 600.00 a home: the leaver 181 days (297.53), the newcomer 184
			// (302.47), B 600.00 against 480.00 advances.
			out, err := run1("settlement", "send", "--org", "alpha", "--run", fmt.Sprint(final.ID))
			if err != nil || !strings.Contains(out, "De Linde 2025: 3 statements to send, to pay ") || !strings.Contains(out, "nothing was sent") {
				t.Fatalf("send plan: %q %v", out, err)
			}
			out, err = run1("settlement", "send", "--org", "alpha", "--run", fmt.Sprint(final.ID), "--confirm")
			if err != nil || !strings.Contains(out, "3 / 3 statements") ||
				!strings.Contains(out, "3 statements sent, 3 balances booked, 3 mails queued, 0 sent before") {
				t.Fatalf("send: %q %v", out, err)
			}
			out, err = run1("settlement", "send", "--org", "alpha", "--run", fmt.Sprint(final.ID), "--confirm")
			if err != nil || !strings.Contains(out, "0 statements sent, 0 balances booked, 0 mails queued, 3 sent before") {
				t.Fatalf("send again: %q %v", out, err)
			}
			out, err = run1("settlement", "deadlines", "--org", "alpha", "--year", "2025")
			if err != nil || !strings.Contains(out, "settlement 2025, due 2026-06-30") ||
				!strings.Contains(out, fmt.Sprintf("%d\tDe Linde\t3 leases\tsent", complexes[0])) ||
				!strings.Contains(out, fmt.Sprintf("%d\tZonnehof\t1 leases\tnone", complexes[1])) {
				t.Fatalf("deadlines: %q %v", out, err)
			}
			if out, err := run1("settlement", "deadlines", "--org", "beta", "--year", "2025"); err != nil ||
				!strings.Contains(out, "no complex had leases in 2025") {
				t.Fatalf("another organisation's deadlines: %q %v", out, err)
			}
			if _, err := run1("settlement", "deadlines", "--org", "alpha", "--year", "1999"); err == nil || exitCode(err) != 2 {
				t.Fatalf("year 1999: %v", err)
			}
		})
	}
}
