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
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// hms dunning propose: the proposals of the organisation, count and total;
// a second run proposes nothing new; another organisation's arrears are
// not listed.
func TestDunningProposeCommand(t *testing.T) {
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
				for i, days := range []int{10, 3} { // 10 days overdue: a reminder; 3: not yet
					u, err := a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(i + 1),
						Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentVrij})
					if err != nil {
						t.Fatal(err)
					}
					p, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Anna", Surname: fmt.Sprintf("Huurder%d", i)})
					if err != nil {
						t.Fatal(err)
					}
					id, err := a.Leases.Create(ctx, owner, lease.Input{UnitIDs: []int64{u}, TenantIDs: []int64{p}, Start: today.AddDays(-400),
						PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 100000}}})
					if err != nil {
						t.Fatal(err)
					}
					due := today.AddDays(-days)
					if err := a.DB.InOrg(ctx, owner.OrgID, func(tx *db.Tx) error {
						_, err := ledger.PostTx(ctx, tx, []ledger.Draft{{LeaseID: id, IssueDate: due.AddDays(-10), DueDate: due,
							Lines: []ledger.DraftLine{{Line: ledger.Line("bare_rent", "", ""), From: due, To: due.AddDays(29), Net: 100000}}}},
							db.TS(cliClock.Now()), owner.UserID)
						return err
					}); err != nil {
						t.Fatal(err)
					}
					l, _ := a.Leases.Get(ctx, owner, id)
					refs[fmt.Sprintf("%s/%d", slug, i)] = l.Reference
				}
			}
			a.Close()

			var out, errOut bytes.Buffer
			if err := run(ctx, append([]string{"dunning", "propose"}, storage...), &out,
				&errOut); err == nil || !strings.Contains(err.Error(), "--org") {
				t.Fatalf("without --org: %v", err)
			}
			if err := run(ctx, append([]string{"dunning", "propose", "--org", "nobody"}, storage...), &out, &errOut); err == nil {
				t.Fatal("unknown organisation accepted")
			}
			want := strings.Join([]string{
				fmt.Sprintf("%s\tA. Huurder0\treminder\t%s\toldest due %s (10 days)", refs["alpha/0"], money.Format(100000, "en"), today.AddDays(-10)),
				fmt.Sprintf("1 proposals waiting on %s: 1 letters (%s overdue), 0 hand-overs, 0 collection costs (%s)", today,
					money.Format(100000, "en"), money.Format(0, "en")),
			}, "\n")
			for range 2 { // the second run proposes nothing twice
				out.Reset()
				if err := run(ctx, append([]string{"dunning", "propose", "--org", "alpha"}, storage...), &out, &errOut); err != nil {
					t.Fatalf("dunning propose: %v %s", err, errOut.String())
				}
				if got := strings.TrimSpace(out.String()); got != want {
					t.Fatalf("got\n%s\nwant\n%s", got, want)
				}
			}
		})
	}
}
