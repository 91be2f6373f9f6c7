package dunning_test

import (
	"testing"
	"time"

	"hms/internal/dunning"
	"hms/internal/platform/db"
)

// The daily job queues a run for every organisation, each run proposes as
// the system, and the next day's job is scheduled; queuing the same day
// again proposes nothing twice.
func TestDailyJobProposesForEachOrganisation(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner)
		a := e.personLease(e.Owner, "Aarts", "")
		e.charge(e.Owner, a, "2025-12-20", "2026-01-01", 80000)
		b := e.personLease(e.OwnerB, "Bakker", "")
		e.charge(e.OwnerB, b, "2025-12-20", "2026-01-01", 60000)
		e.at("2026-01-09")
		for range 2 {
			if err := e.Dunning.ScheduleDaily(ctx, e.Clock.Now()); err != nil {
				t.Fatal(err)
			}
			e.drain()
		}
		for _, c := range []struct {
			name  string
			a     func() []dunning.Proposal
			total int
		}{
			{"alpha", func() []dunning.Proposal { return e.waiting(a) }, 80000},
			{"beta", func() []dunning.Proposal {
				ps, err := e.Dunning.Proposals(ctx, e.OwnerB, dunning.ProposalFilter{})
				if err != nil {
					t.Fatal(err)
				}
				return ps
			}, 60000},
		} {
			ps := c.a()
			if len(ps) != 1 || ps[0].Stage != dunning.StageReminder || int(ps[0].Overdue) != c.total {
				t.Fatalf("%s: %+v", c.name, ps)
			}
		}
		// Tomorrow's run waits, at 06:00 in Amsterdam.
		var runAt string
		if err := e.DB.ReadSystem(ctx, func(tx *db.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT run_at FROM jobs WHERE kind = $1 AND state = 'queued'`, dunning.JobDaily).Scan(&runAt)
		}); err != nil {
			t.Fatal(err)
		}
		want := db.TS(time.Date(2026, time.January, 10, 5, 0, 0, 0, time.UTC))
		if runAt != want {
			t.Fatalf("next run at %s, want %s", runAt, want)
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'dunning.proposed' AND actor_kind = 'system'`); n != 2 {
			t.Fatalf("%d proposal runs recorded, want one per organisation", n)
		}
	})
}
