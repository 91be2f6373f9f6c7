package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/jobs"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// The reads that pages used to do in their own transactions are service
// methods now: each checks the actor's permission and keeps to the
// actor's organisation, on both engines.
func TestServiceReadsCheckTheActor(t *testing.T) {
	ctx := context.Background()
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			// No workers: queued jobs stay queued, so their progress can be read.
			e := apptest.Start(t, engine, apptest.Options{NoServer: true, Clock: clk})
			owner := e.Actor(t, "alpha", "owner@alpha.nl", account.Owner)
			bookkeeper := e.Actor(t, "alpha", "bookkeeper@alpha.nl", account.Bookkeeper)
			ownerB := e.Actor(t, "beta", "owner@beta.nl", account.Owner)
			// A token that may manage members but read neither portfolio nor books.
			admin := owner
			admin.Kind, admin.Scopes = "api", []account.Scope{account.ScopeAdmin}
			// A token without scopes may do nothing, not even follow a job.
			nothing := owner
			nothing.Kind, nothing.Scopes = "api", nil
			if err := e.Privacy.AcceptProcessorAgreement(ctx, owner, e.Privacy.Current().Version); err != nil {
				t.Fatal(err)
			}

			want := func(t *testing.T, what string, err, want error) {
				t.Helper()
				if !errors.Is(err, want) {
					t.Errorf("%s: want %v, got %v", what, want, err)
				}
			}

			person, err := e.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Jan", Surname: "Vries", SurnamePrefix: "de",
				Address: relation.Address{Street: "Oudegracht", HouseNumber: "12", Postcode: "3511 AB", City: "Utrecht"}})
			if err != nil {
				t.Fatal(err)
			}
			t.Run("relation names", func(t *testing.T) {
				for _, a := range []account.Actor{owner, bookkeeper} {
					names, err := e.Relations.Names(ctx, a, person)
					if err != nil || names[person] != "J. de Vries" {
						t.Errorf("Names as %s = %v, %v", a.Role, names, err)
					}
					want(t, "Exists", e.Relations.Exists(ctx, a, person), nil)
				}
				_, err := e.Relations.Names(ctx, admin, person)
				want(t, "Names without permission", err, validation.ErrForbidden)
				want(t, "Exists without permission", e.Relations.Exists(ctx, admin, person), validation.ErrForbidden)
				_, err = e.Relations.Names(ctx, ownerB, person)
				want(t, "Names of another organisation", err, validation.ErrNotFound)
				want(t, "Exists in another organisation", e.Relations.Exists(ctx, ownerB, person), validation.ErrNotFound)
			})

			unit, err := e.Portfolio.CreateUnit(ctx, owner, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: "7",
				Postcode: "3521 CD", City: "Utrecht", Type: portfolio.TypeZelfstandig, FloorArea: "60", Segment: portfolio.SegmentVrij})
			if err != nil {
				t.Fatal(err)
			}
			t.Run("unit names", func(t *testing.T) {
				names, err := e.Portfolio.UnitNames(ctx, owner, unit)
				if err != nil || names[unit] == "" {
					t.Errorf("UnitNames = %v, %v", names, err)
				}
				// Finance work picks units too (settlement keys and costs).
				names, err = e.Portfolio.UnitNames(ctx, bookkeeper, unit)
				if err != nil || names[unit] == "" {
					t.Errorf("UnitNames with finance.read = %v, %v", names, err)
				}
				_, err = e.Portfolio.UnitNames(ctx, admin, unit)
				want(t, "UnitNames without permission", err, validation.ErrForbidden)
				_, err = e.Portfolio.UnitNames(ctx, ownerB, unit)
				want(t, "UnitNames of another organisation", err, validation.ErrNotFound)
			})

			t.Run("an upload's job", func(t *testing.T) {
				id, err := e.Importer.Submit(ctx, owner, "huurlijst.csv", []byte("a;b\n1;2\n"))
				if err != nil {
					t.Fatal(err)
				}
				u, err := e.Importer.GetUpload(ctx, owner, id)
				if err != nil || u.Job == nil || u.Job.ID != u.JobID || u.Job.State != jobs.StateQueued {
					t.Fatalf("GetUpload = %+v, %v", u, err)
				}
				_, err = e.Importer.GetUpload(ctx, bookkeeper, id)
				want(t, "GetUpload without portfolio.read", err, validation.ErrForbidden)

				st, err := e.Jobs.StatusFor(ctx, bookkeeper, u.JobID)
				if err != nil || st.ID != u.JobID || st.Kind != u.Job.Kind {
					t.Errorf("StatusFor = %+v, %v", st, err)
				}
				_, err = e.Jobs.StatusFor(ctx, nothing, u.JobID)
				want(t, "StatusFor without org.read", err, validation.ErrForbidden)
				_, err = e.Jobs.StatusFor(ctx, ownerB, u.JobID)
				want(t, "StatusFor of another organisation", err, validation.ErrNotFound)
			})

			t.Run("a rent run's job", func(t *testing.T) {
				run, err := e.Billing.StartRun(ctx, owner, billing.RunInput{Period: "2026-02"})
				if err != nil {
					t.Fatal(err)
				}
				got, err := e.Billing.GetRun(ctx, bookkeeper, run.ID)
				if err != nil || got.Job == nil || got.Job.ID != got.JobID || got.Job.Kind != billing.JobRentRun {
					t.Fatalf("GetRun = %+v, %v", got, err)
				}
				_, err = e.Billing.GetRun(ctx, admin, run.ID)
				want(t, "GetRun without finance.read", err, validation.ErrForbidden)
				_, err = e.Billing.GetRun(ctx, ownerB, run.ID)
				want(t, "GetRun of another organisation", err, validation.ErrNotFound)
			})

			t.Run("statements with their send job", func(t *testing.T) {
				_, err := e.Statements.ReviewSending(ctx, admin, 1, 1)
				want(t, "ReviewSending without finance.read", err, validation.ErrForbidden)
			})
		})
	}
}
