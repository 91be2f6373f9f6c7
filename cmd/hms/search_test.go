package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/platform/dbtest"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// hms search: the organisation's person and unit, exact match first, as
// text and as JSON; another organisation's are not found; without --org or
// a query it says how to use it.
func TestSearchCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]int64{}
			for _, slug := range []string{"alpha", "beta"} {
				_, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: slug, Email: "owner@" + slug + ".nl", Role: account.Owner})
				if err != nil {
					t.Fatal(err)
				}
				owner, _ := a.Accounts.ActorFor(ctx, uid, slug)
				if err := a.Privacy.AcceptProcessorAgreement(ctx, owner, a.Privacy.Current().Version); err != nil {
					t.Fatal(err)
				}
				if ids[slug+"/unit"], err = a.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Bakkerstraat", HouseNumber: "4",
					Postcode: "3511 AA", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentVrij}); err != nil {
					t.Fatal(err)
				}
				ids[slug+"/person"], err = a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Piet", Surname: "Bakker"})
				if err != nil {
					t.Fatal(err)
				}
			}
			a.Close()

			var out, errOut bytes.Buffer
			if err := run(ctx, append([]string{"search", "bakker"}, storage...), &out, &errOut); err == nil ||
				!strings.Contains(err.Error(), "--org") {
				t.Fatalf("without --org: %v", err)
			}
			if err := run(ctx, append([]string{"search", "--org", "alpha"}, storage...), &out, &errOut); err == nil {
				t.Fatal("no query accepted")
			}
			if err := run(ctx, append([]string{"search", "--org", "alpha", "bakker"}, storage...), &out, &errOut); err != nil {
				t.Fatalf("search: %v %s", err, errOut.String())
			}
			want := fmt.Sprintf("person\tBakker, P.\t\t/o/alpha/relations/%d\n"+
				"unit\tBakkerstraat 4, 3511 AA Utrecht\tUtrecht\t/o/alpha/units/%d\n2 found\n",
				ids["alpha/person"], ids["alpha/unit"])
			if out.String() != want {
				t.Fatalf("got\n%q\nwant\n%q", out.String(), want)
			}
			out.Reset()
			if err := run(ctx, append([]string{"search", "--org", "beta", "3511", "AA", "--json"}, storage...), &out, &errOut); err != nil {
				t.Fatalf("search --json: %v", err)
			}
			var doc struct {
				Items []searchJSON `json:"items"`
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatal(err, out.String())
			}
			if len(doc.Items) != 1 || doc.Items[0].ID != ids["beta/unit"] || doc.Items[0].Kind != "unit" || doc.Items[0].Rank != 0 ||
				doc.Items[0].URL != fmt.Sprintf("/o/beta/units/%d", ids["beta/unit"]) {
				t.Fatalf("json: %s", out.String())
			}
		})
	}
}
