package migrations_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pressly/goose/v3"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/migrations"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// Migration 00017 gives existing leases the segment of their units as it
// is when it runs (DOMAIN.md §2.2: from then on the lease keeps it):
// residential leases their units' common segment, ” when the units differ,
// commercial leases commercieel.
func TestLeaseSegmentBackfill(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			e := apptest.Start(t, engine, apptest.Options{NoServer: true})
			owner := e.Actor(t, "alpha", "owner@alpha.nl", account.Owner)
			if err := e.Privacy.AcceptProcessorAgreement(ctx, owner, e.Privacy.Current().Version); err != nil {
				t.Fatal(err)
			}
			tenant, err := e.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Anna", Surname: "Visser"})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			unit := func(typ portfolio.UnitType, seg portfolio.Segment) int64 {
				n++
				id, err := e.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(n),
					Postcode: "3521 CD", City: "Utrecht", Type: typ, FloorArea: "60", Segment: seg})
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
			mk := func(units ...int64) int64 {
				id, err := e.Leases.Create(ctx, owner, lease.Input{UnitIDs: units, TenantIDs: []int64{tenant}, Start: civil.MustParse("2020-01-01"),
					Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000}}})
				if err != nil {
					t.Fatal(err)
				}
				return id
			}
			social := unit(portfolio.TypeZelfstandig, portfolio.SegmentSociaal)
			single := mk(social)
			mixed := mk(unit(portfolio.TypeZelfstandig, portfolio.SegmentVrij), unit(portfolio.TypeZelfstandig, portfolio.SegmentMiddenhuur))
			shop := mk(unit(portfolio.TypeBedrijfsruimte, portfolio.SegmentCommercieel))

			dialect := goose.DialectSQLite3
			if engine == db.Postgres {
				dialect = goose.DialectPostgres
			}
			files, err := migrations.Files(engine)
			if err != nil {
				t.Fatal(err)
			}
			p, err := goose.NewProvider(dialect, e.DB.Raw(), files)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.DownTo(ctx, 16); err != nil {
				t.Fatalf("down: %v", err)
			}
			// Before the migration the unit moved to the free sector: the
			// backfill takes the segment as it is then.
			if _, err := e.DB.Raw().ExecContext(ctx, `UPDATE units SET segment = 'vrije_sector' WHERE id = $1`, social); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatalf("up: %v", err)
			}
			for id, want := range map[int64]string{single: "vrije_sector", mixed: "", shop: "commercieel"} {
				var got string
				if err := e.DB.Raw().QueryRowContext(ctx, `SELECT segment FROM leases WHERE id = $1`, id).Scan(&got); err != nil || got != want {
					t.Errorf("lease %d: segment %q (%v), want %q", id, got, err, want)
				}
			}
		})
	}
}
