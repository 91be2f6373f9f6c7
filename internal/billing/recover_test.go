package billing_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/validation"
)

// portfolio gives both organisations the same n leases (some quarterly,
// some starting in the run's month), so a clean run of one can be compared
// with the interrupted run of the other.
func (e *env) portfolio(n int) {
	e.T.Helper()
	for _, a := range []account.Actor{e.Owner, e.OwnerB} {
		e.RestartNumbers()
		for i := range n {
			f := lease.Monthly
			if i%5 == 0 {
				f = lease.Quarterly
			}
			start := fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%27)
			if i%7 == 0 {
				start = fmt.Sprintf("2026-01-%02d", 2+i%25)
			}
			e.lease(a, start, int64(50000+i*1234), int64(i%3*2500), f)
		}
	}
}

// invoiceFacts counts an organisation's invoices and the distinct
// (lease, period) pairs they are for: equal when nothing is posted twice.
func invoiceFacts(t *testing.T, e *env, a account.Actor) (invoices, distinct int) {
	t.Helper()
	err := e.DB.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT CAST(lease_id AS TEXT) || '/' || period)
			FROM ledger_invoices WHERE org_id = $1`, tx.OrgID()).Scan(&invoices, &distinct)
	})
	if err != nil {
		t.Fatal(err)
	}
	return invoices, distinct
}

// Hardening, "runs and jobs recover" (DESIGN.md §1: long work survives a
// restart): a rent run started from the web whose worker is killed midway
// stays "running"; the restarted server's worker takes the job over once
// the dead worker's lease lapses, and the run is done within a minute of
// the restart with exactly the books of a clean run: every invoice once,
// numbers gapless, and the run's counters the sum of both attempts.
func TestKilledWorkerRunIsResumedAfterRestart(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		const leases = 40
		e.portfolio(leases)
		e.Billing.SetBatch(4)
		in := billing.RunInput{Period: "2026-01"}
		if _, err := e.Billing.PostRun(ctx, e.Owner, in, nil); err != nil {
			t.Fatal(err)
		}
		want := books(t, e, e.Owner)
		wantInvoices, _ := invoiceFacts(t, e, e.Owner)
		if wantInvoices < leases/2 {
			t.Fatalf("clean run booked only %d invoices", wantInvoices)
		}

		// The worker dies after its third batch: Abandon stops it as a
		// killed process stops, recording nothing.
		midway := make(chan struct{})
		batches := 0
		e.Billing.SetFaultContext(func(ctx context.Context, point string) error {
			if point != "batch.after" {
				return nil
			}
			if batches++; batches == 3 {
				close(midway)
				<-ctx.Done()
				return context.Cause(ctx)
			}
			return nil
		})
		run, err := e.Billing.StartRun(ctx, e.OwnerB, in)
		if err != nil {
			t.Fatal(err)
		}
		e.Jobs.Start(ctx, 1)
		<-midway
		e.Jobs.Abandon()
		killed, err := e.Billing.GetRun(ctx, e.OwnerB, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if killed.State != "running" || killed.Invoices == 0 || killed.Invoices >= int64(wantInvoices) {
			t.Fatalf("after the kill: %s with %d of %d invoices", killed.State, killed.Invoices, wantInvoices)
		}
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}

		// The new process starts after the dead worker's lease has lapsed
		// (on the tests' clock; the wall-clock minute below is real).
		e.Clock.Advance(jobs.DefaultLease)
		restarted := time.Now()
		e2 := &env{e.Reopen(t, apptest.Options{})}
		var r *billing.Run
		for {
			if r, err = e2.Billing.GetRun(ctx, e.OwnerB, run.ID); err != nil {
				t.Fatal(err)
			}
			if r.State != "queued" && r.State != "running" {
				break
			}
			if time.Since(restarted) > time.Minute {
				t.Fatalf("run still %s a minute after the restart (%d invoices)", r.State, r.Invoices)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if r.State != "done" || r.Error != "" {
			t.Fatalf("resumed run: %s %q", r.State, r.Error)
		}
		got := books(t, e2, e.OwnerB)
		if !slices.Equal(got, want) {
			t.Fatalf("books differ from a clean run: clean %d lines, resumed %d lines", len(want), len(got))
		}
		invoices, distinct := invoiceFacts(t, e2, e.OwnerB)
		if invoices != wantInvoices || distinct != invoices || r.Invoices != int64(invoices) {
			t.Fatalf("invoices %d (distinct %d, run says %d), clean run %d", invoices, distinct, r.Invoices, wantInvoices)
		}
		// The run is done a moment before its job records its outcome.
		var js jobs.Status
		for js.State == "" || !js.Finished() && time.Since(restarted) < time.Minute {
			if err := e2.DB.ReadOrg(ctx, e.OwnerB.OrgID, func(tx *db.Tx) error {
				js, err = e2.Jobs.Status(ctx, tx, r.JobID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		if js.State != jobs.StateDone || js.Attempts != 2 {
			t.Fatalf("run's job: %s after %d attempts", js.State, js.Attempts)
		}
	})
}

// Hardening, "runs and jobs recover": a run posted by the CLI (in-process,
// no job) whose process was killed stays "running" until the next start-up
// notices that its process stopped renewing it; then it is failed with the
// reason the run page shows, and running the period again posts only what
// is missing. A run whose process is still alive is left alone, and so is a
// web run while the queue owns its job; once that job died without closing
// the run (its lease ran out on the last attempt), the run is failed too.
func TestStoppedCLIRunIsFailedOnStartUp(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.portfolio(12)
		e.Billing.SetBatch(3)
		in := billing.RunInput{Period: "2026-01"}
		if _, err := e.Billing.PostRun(ctx, e.Owner, in, nil); err != nil {
			t.Fatal(err)
		}
		want := books(t, e, e.Owner)

		// Play `hms rentrun --confirm` killed after its second batch: the
		// batches it committed stay, and the run says running, last
		// renewed now.
		batches := 0
		e.Billing.SetFault(func(point string) error {
			if point == "batch.after" {
				if batches++; batches == 2 {
					return fmt.Errorf("killed")
				}
			}
			return nil
		})
		if _, err := e.Billing.PostRun(ctx, e.OwnerB, in, nil); err == nil {
			t.Fatal("the run was not interrupted")
		}
		e.Billing.SetFault(nil)
		var runID int64
		if err := e.DB.InOrg(ctx, e.OwnerB.OrgID, func(tx *db.Tx) error {
			if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM ledger_runs WHERE org_id = $1`, tx.OrgID()).Scan(&runID); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE ledger_runs SET state = 'running', error = '', finished_at = NULL, alive_until = $1
				WHERE id = $2 AND org_id = $3`, db.TS(now.Add(jobs.DefaultLease)), runID, tx.OrgID())
			return err
		}); err != nil {
			t.Fatal(err)
		}

		// A web run whose job waits in the queue.
		web, err := e.Billing.StartRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"})
		if err != nil {
			t.Fatal(err)
		}

		// Within the lease the process may still be posting: left alone.
		if n, err := e.Billing.RecoverRuns(ctx); err != nil || n != 0 {
			t.Fatalf("RecoverRuns while alive = %d, %v", n, err)
		}
		if r, _ := e.Billing.GetRun(ctx, e.OwnerB, runID); r.State != "running" {
			t.Fatalf("a live run was closed: %+v", r)
		}

		if r, _ := e.Billing.GetRun(ctx, e.Owner, web.ID); r.State != "queued" {
			t.Fatalf("a queued web run was closed: %+v", r)
		}
		// Its job dies as when the lease runs out on the last attempt.
		if err := e.DB.System(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'dead', attempts = 3, last_error = 'lease expired' WHERE id = $1`, web.JobID)
			return err
		}); err != nil {
			t.Fatal(err)
		}

		// The next start-up, after the lease, closes both.
		if err := e.Close(); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(jobs.DefaultLease + time.Second)
		e2 := &env{e.Reopen(t, apptest.Options{NoServer: true})}
		r, err := e2.Billing.GetRun(ctx, e.OwnerB, runID)
		if err != nil {
			t.Fatal(err)
		}
		if r.State != "failed" || r.Error != billing.RunStoppedReason || r.FinishedAt.IsZero() {
			t.Fatalf("stopped run after start-up: %s %q", r.State, r.Error)
		}
		if r, err := e2.Billing.GetRun(ctx, e.Owner, web.ID); err != nil || r.State != "failed" || r.Error != billing.RunStoppedReason {
			t.Fatalf("web run whose job died, after start-up: %+v %v", r, err)
		}
		if n := e2.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'billing.run_stopped' AND target_id = $1`, fmt.Sprint(runID)); n != 1 {
			t.Fatalf("%d audit events for the stopped run", n)
		}
		if n, err := e2.Billing.RecoverRuns(ctx); err != nil || n != 0 {
			t.Fatalf("RecoverRuns again = %d, %v", n, err)
		}
		if _, err := e2.Billing.PostRun(ctx, e.OwnerB, in, nil); err != nil {
			t.Fatal(err)
		}
		if got := books(t, e2, e.OwnerB); !slices.Equal(got, want) {
			t.Fatalf("books after running the period again differ: clean %d lines, now %d", len(want), len(got))
		}
	})
}

// A period is posted by one run at a time: while a run of it is queued or
// running, a second start (on this instance or another; internal/app's
// TestTwoInstancesOnOnePostgres starts two at once) is refused with 409 and
// records nothing. Another period, another organisation, and the same
// period once the first run's job is gone, may start.
func TestSecondRunOfAPeriodWaitsForTheFirst(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.lease(e.Owner, "2025-06-01", 80000, 0, lease.Monthly)
		e.lease(e.OwnerB, "2025-06-01", 80000, 0, lease.Monthly)
		first, err := e.Billing.StartRun(ctx, e.Owner, billing.RunInput{Period: "2026-01"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Billing.StartRun(ctx, e.Owner, billing.RunInput{Period: "2026-01"})
		var p *validation.Problem
		if !errors.As(err, &p) || p.Status != 409 || p.Code != "billing.run.in_progress" {
			t.Fatalf("second start of the period: %v", err)
		}
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-01"}, nil); !errors.As(err, &p) ||
			p.Code != "billing.run.in_progress" {
			t.Fatalf("the CLI's run of the period: %v", err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM ledger_runs`); n != 1 {
			t.Fatalf("%d runs recorded, want 1", n)
		}
		if _, err := e.Billing.StartRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"}); err != nil {
			t.Fatalf("another period: %v", err)
		}
		if _, err := e.Billing.StartRun(ctx, e.OwnerB, billing.RunInput{Period: "2026-01"}); err != nil {
			t.Fatalf("another organisation: %v", err)
		}
		// The first run's job gone (finished without closing its run): the
		// run no longer counts as in progress.
		err = e.DB.System(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'dead' WHERE id = $1`, first.JobID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Billing.StartRun(ctx, e.Owner, billing.RunInput{Period: "2026-01"}); err != nil {
			t.Fatalf("the period again after the first run stopped: %v", err)
		}
	})
}
