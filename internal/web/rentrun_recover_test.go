package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/jobs"
)

// Hardening, "runs and jobs recover": a run whose process stopped is shown
// as failed with that reason and what to do, not as "running" for ever.
func TestStoppedRunPageShowsTheReason(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
			e := apptest.Start(t, engine, apptest.Options{Clock: clk})
			f := newLeaseFixture(t, e, "a")
			financeLease(t, e, f)
			run, err := e.Billing.PostRun(ctx, f.owner, billing.RunInput{Period: "2026-03"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Play a CLI process killed while it posted.
			if err := e.DB.InOrg(ctx, f.owner.OrgID, func(tx *db.Tx) error {
				_, err := tx.ExecContext(ctx, `UPDATE ledger_runs SET state = 'running', finished_at = NULL, alive_until = $1
					WHERE id = $2 AND org_id = $3`, db.TS(clk.Now()), run.ID, tx.OrgID())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			c := newClient(t, e.URL())
			c.login(f.email, f.pw)
			page := fmt.Sprintf("/o/a/finance/runs/%d", run.ID)
			if body := mustBody(t, c, page); !strings.Contains(body, `id="run-progress"`) {
				t.Fatalf("a running run shows no progress: %.2000s", body)
			}
			clk.Advance(jobs.DefaultLease)
			if n, err := e.Billing.RecoverRuns(ctx); err != nil || n != 1 {
				t.Fatalf("RecoverRuns = %d, %v", n, err)
			}
			body := mustBody(t, c, page)
			if !strings.Contains(body, "Het proces dat de run uitvoerde is gestopt") || !strings.Contains(body, `id="run-state">afgebroken<`) {
				t.Fatalf("stopped run page: %.3000s", body)
			}
		})
	}
}
