package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/jobs"
	"hms/internal/platform/migrations"
)

var t0 = time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)

func enqueue(t *testing.T, d *db.DB, q *jobs.Queue, org int64, kind string, payload any, opts ...jobs.EnqueueOption) int64 {
	t.Helper()
	var id int64
	run := func(fn func(*db.Tx) error) error { return d.InOrg(context.Background(), org, fn) }
	if org == 0 {
		run = func(fn func(*db.Tx) error) error { return d.System(context.Background(), fn) }
	}
	err := run(func(tx *db.Tx) error {
		var err error
		id, err = q.Enqueue(context.Background(), tx, kind, payload, opts...)
		return err
	})
	if err != nil {
		t.Fatalf("enqueue %s: %v", kind, err)
	}
	return id
}

func status(t *testing.T, d *db.DB, q *jobs.Queue, id int64) jobs.Status {
	t.Helper()
	var s jobs.Status
	if err := d.ReadSystem(context.Background(), func(tx *db.Tx) error {
		var err error
		s, err = q.Status(context.Background(), tx, id)
		return err
	}); err != nil {
		t.Fatalf("status of job %d: %v", id, err)
	}
	return s
}

func runOnce(t *testing.T, q *jobs.Queue) (bool, error) {
	t.Helper()
	return q.RunOnce(context.Background())
}

func noop(context.Context, *jobs.Job) error { return nil }

func TestRunsJobWithPayloadAndOrg(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFixed(t0)
		q := jobs.New(d, clk)
		type payload struct {
			UnitID int64  `json:"unit_id"`
			Period string `json:"period"`
		}
		var got payload
		var gotJob jobs.Job
		q.Register("rent.run", func(ctx context.Context, j *jobs.Job) error {
			gotJob = *j
			return j.Decode(&got)
		})
		id := enqueue(t, d, q, 3, "rent.run", payload{UnitID: 12, Period: "2025-07"})
		if s := status(t, d, q, id); s.State != jobs.StateQueued || s.OrgID != 3 || s.Kind != "rent.run" || !s.RunAt.Equal(t0) {
			t.Fatalf("after enqueue: %+v", s)
		}
		ran, err := runOnce(t, q)
		if !ran || err != nil {
			t.Fatalf("RunOnce = %v, %v", ran, err)
		}
		if got != (payload{12, "2025-07"}) || gotJob.ID != id || gotJob.OrgID != 3 || gotJob.Attempt != 1 ||
			gotJob.MaxAttempts != jobs.DefaultMaxAttempts {
			t.Fatalf("handler saw %+v / %+v", got, gotJob)
		}
		s := status(t, d, q, id)
		if s.State != jobs.StateDone || s.Attempts != 1 || !s.FinishedAt.Equal(t0) || !s.Finished() {
			t.Fatalf("after run: %+v", s)
		}
		if ran, err := runOnce(t, q); ran || err != nil {
			t.Fatalf("second RunOnce = %v, %v; the job ran twice", ran, err)
		}
	})
}

func TestUniqueKeyDeduplicates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, clock.NewFixed(t0))
		q.Register("mail.send", noop)
		q.Register("other", noop)
		a := enqueue(t, d, q, 1, "mail.send", 1, jobs.UniqueKey("m-1"))
		b := enqueue(t, d, q, 1, "mail.send", 2, jobs.UniqueKey("m-1"))
		if a != b {
			t.Fatalf("same unique key gave jobs %d and %d", a, b)
		}
		// In one transaction too.
		var c, e int64
		if err := d.InOrg(context.Background(), 1, func(tx *db.Tx) error {
			var err error
			if c, err = q.Enqueue(context.Background(), tx, "mail.send", 3, jobs.UniqueKey("m-2")); err != nil {
				return err
			}
			e, err = q.Enqueue(context.Background(), tx, "mail.send", 4, jobs.UniqueKey("m-2"))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if c != e || c == a {
			t.Fatalf("same tx: %d, %d", c, e)
		}
		others := []int64{
			enqueue(t, d, q, 1, "other", 1, jobs.UniqueKey("m-1")), // other kind
			enqueue(t, d, q, 2, "mail.send", 1, jobs.UniqueKey("m-1")),
			enqueue(t, d, q, 1, "mail.send", 1), // no key
			enqueue(t, d, q, 1, "mail.send", 1), // no key
		}
		seen := map[int64]bool{a: true, c: true}
		for _, id := range others {
			if seen[id] {
				t.Fatalf("job %d reused: %v", id, others)
			}
			seen[id] = true
		}
		var n int
		if err := d.ReadSystem(context.Background(), func(tx *db.Tx) error {
			return tx.QueryRow(`SELECT count(*) FROM jobs`).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		if n != 6 {
			t.Fatalf("%d jobs stored, want 6", n)
		}
		// Once the job is finished, the key is free again.
		for {
			ran, err := runOnce(t, q)
			if err != nil {
				t.Fatal(err)
			}
			if !ran {
				break
			}
		}
		if again := enqueue(t, d, q, 1, "mail.send", 1, jobs.UniqueKey("m-1")); again == a {
			t.Fatalf("finished job %d reused for a new enqueue", a)
		}
	})
}

func TestEnqueueFollowsTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, clock.NewFixed(t0))
		q.Register("x", noop)
		boom := errors.New("rolled back")
		err := d.InOrg(context.Background(), 1, func(tx *db.Tx) error {
			if _, err := q.Enqueue(context.Background(), tx, "x", nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if ran, err := runOnce(t, q); ran || err != nil {
			t.Fatalf("a job of a rolled-back transaction ran: %v %v", ran, err)
		}
		err = d.InOrg(context.Background(), 1, func(tx *db.Tx) error {
			_, err := q.Enqueue(context.Background(), tx, "nope", nil)
			return err
		})
		if !errors.Is(err, jobs.ErrUnknownKind) {
			t.Fatalf("unknown kind: %v", err)
		}
	})
}

func TestRetryBackoffThenDead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFixed(t0)
		q := jobs.New(d, clk)
		calls := 0
		q.Register("flaky", func(ctx context.Context, j *jobs.Job) error {
			calls++
			if j.Attempt != calls {
				t.Errorf("attempt %d on call %d", j.Attempt, calls)
			}
			return fmt.Errorf("smtp said no to jan@example.nl (call %d)", calls)
		}, jobs.MaxAttempts(3))
		id := enqueue(t, d, q, 1, "flaky", nil)

		ran, err := runOnce(t, q)
		if !ran || err == nil || !strings.Contains(err.Error(), "call 1") {
			t.Fatalf("first run: %v %v", ran, err)
		}
		s := status(t, d, q, id)
		if s.State != jobs.StateFailed || s.Attempts != 1 || !s.RunAt.Equal(t0.Add(10*time.Second)) {
			t.Fatalf("after attempt 1: %+v", s)
		}
		if !strings.Contains(s.LastError, "call 1") || strings.Contains(s.LastError, "jan@example.nl") {
			t.Fatalf("last error %q: want the message with the address redacted", s.LastError)
		}

		clk.Advance(9 * time.Second)
		if ran, _ := runOnce(t, q); ran {
			t.Fatal("retried before its backoff was over")
		}
		clk.Advance(time.Second)
		if ran, _ := runOnce(t, q); !ran {
			t.Fatal("not retried when due")
		}
		s = status(t, d, q, id)
		if want := t0.Add(10*time.Second + 20*time.Second); s.State != jobs.StateFailed || s.Attempts != 2 || !s.RunAt.Equal(want) {
			t.Fatalf("after attempt 2: %+v, want retry at %v", s, want)
		}
		clk.Advance(19 * time.Second)
		if ran, _ := runOnce(t, q); ran {
			t.Fatal("second retry came early")
		}
		clk.Advance(time.Second)
		if ran, err := runOnce(t, q); !ran || err == nil {
			t.Fatalf("third run: %v %v", ran, err)
		}
		s = status(t, d, q, id)
		if s.State != jobs.StateDead || s.Attempts != 3 || !strings.Contains(s.LastError, "call 3") || s.FinishedAt.IsZero() {
			t.Fatalf("after the last attempt: %+v", s)
		}
		clk.Advance(1000 * time.Hour)
		if ran, _ := runOnce(t, q); ran || calls != 3 {
			t.Fatalf("a dead job ran again (calls %d)", calls)
		}
	})
}

func TestDefaultBackoff(t *testing.T) {
	for a, want := range map[int]time.Duration{1: 10 * time.Second, 2: 20 * time.Second, 3: 40 * time.Second, 9: 2560 * time.Second,
		10: time.Hour, 60: time.Hour} {
		if got := jobs.DefaultBackoff(a); got != want {
			t.Errorf("DefaultBackoff(%d) = %v, want %v", a, got, want)
		}
	}
}

func TestPanicAndPermanentFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, clock.NewFixed(t0))
		q.Logger = nil
		q.Register("panics", func(context.Context, *jobs.Job) error { panic("nil map somewhere") })
		q.Register("hopeless", func(context.Context, *jobs.Job) error {
			return jobs.Permanent(errors.New("recipient rejected"))
		})
		p := enqueue(t, d, q, 1, "panics", nil)
		h := enqueue(t, d, q, 1, "hopeless", nil)
		for range 2 {
			if ran, err := runOnce(t, q); !ran || err == nil {
				t.Fatalf("RunOnce = %v, %v", ran, err)
			}
		}
		if s := status(t, d, q, p); s.State != jobs.StateFailed || !strings.Contains(s.LastError, "panic: nil map somewhere") {
			t.Fatalf("panicking job: %+v", s)
		}
		if s := status(t, d, q, h); s.State != jobs.StateDead || s.Attempts != 1 || s.LastError != "recipient rejected" {
			t.Fatalf("permanent failure: %+v", s)
		}
	})
}

func TestRunAtDelaysJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFixed(t0)
		q := jobs.New(d, clk)
		q.Register("later", noop)
		enqueue(t, d, q, 1, "later", nil, jobs.RunAt(t0.Add(time.Hour)))
		if ran, _ := runOnce(t, q); ran {
			t.Fatal("ran before RunAt")
		}
		clk.Advance(time.Hour)
		if ran, err := runOnce(t, q); !ran || err != nil {
			t.Fatalf("at RunAt: %v %v", ran, err)
		}
	})
}

// A worker that hangs past its lease (or died) loses the job to another
// worker; when the first one comes back it cannot overwrite the outcome.
func TestExpiredLeaseIsReclaimed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFixed(t0)
		a, b := jobs.New(d, clk), jobs.New(d, clk)
		hung := make(chan struct{})
		release := make(chan struct{})
		var mu sync.Mutex
		var runs []string
		handler := func(name string) jobs.Handler {
			return func(ctx context.Context, j *jobs.Job) error {
				mu.Lock()
				runs = append(runs, fmt.Sprintf("%s:%d", name, j.Attempt))
				mu.Unlock()
				if name == "a" {
					close(hung)
					<-release
					if err := j.Progress(ctx, 1, 1, "late"); !errors.Is(err, jobs.ErrLeaseLost) {
						t.Errorf("progress of a worker that lost its lease: %v", err)
					}
					return errors.New("a failed late")
				}
				return nil
			}
		}
		a.Register("slow", handler("a"), jobs.Timeout(time.Minute))
		b.Register("slow", handler("b"), jobs.Timeout(time.Minute))
		id := enqueue(t, d, a, 1, "slow", nil)

		done := make(chan error, 1)
		go func() {
			_, err := a.RunOnce(context.Background())
			done <- err
		}()
		<-hung
		if ran, _ := runOnce(t, b); ran {
			t.Fatal("b claimed a job whose lease is still valid")
		}
		if s := status(t, d, a, id); s.State != jobs.StateRunning {
			t.Fatalf("while a holds it: %+v", s)
		}
		clk.Advance(time.Minute)
		if ran, err := runOnce(t, b); !ran || err != nil {
			t.Fatalf("b after the lease expired: %v %v", ran, err)
		}
		close(release)
		if err := <-done; !errors.Is(err, jobs.ErrLeaseLost) {
			t.Fatalf("a's RunOnce = %v, want ErrLeaseLost", err)
		}
		s := status(t, d, a, id)
		if s.State != jobs.StateDone || s.Attempts != 2 || s.LastError != "" {
			t.Fatalf("final: %+v", s)
		}
		if strings.Join(runs, " ") != "a:1 b:2" {
			t.Fatalf("runs %v", runs)
		}
	})
}

// A lease that expires on the last attempt makes the job dead instead of
// running it once more.
func TestExpiredLeaseOnLastAttemptIsDead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFixed(t0)
		q := jobs.New(d, clk)
		q.Register("once", noop, jobs.MaxAttempts(1), jobs.Timeout(time.Minute))
		id := enqueue(t, d, q, 1, "once", nil)
		// Play a worker that claimed it and died.
		if err := d.System(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(`UPDATE jobs SET state = 'running', attempts = 1, locked_by = 'gone', locked_until = $1 WHERE id = $2`,
				db.TS(t0.Add(time.Minute)), id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if ran, _ := runOnce(t, q); ran {
			t.Fatal("claimed before the lease expired")
		}
		clk.Advance(time.Minute)
		if ran, err := runOnce(t, q); !ran || err == nil {
			t.Fatalf("RunOnce = %v, %v", ran, err)
		}
		if s := status(t, d, q, id); s.State != jobs.StateDead || !strings.Contains(s.LastError, "lease expired") {
			t.Fatalf("%+v", s)
		}
	})
}

func TestProgressVisibleThroughStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, clock.NewFixed(t0))
		reported := make(chan struct{})
		release := make(chan struct{})
		q.Register("import", func(ctx context.Context, j *jobs.Job) error {
			if err := j.Progress(ctx, 30, 120, "statements"); err != nil {
				return err
			}
			close(reported)
			<-release
			return nil
		})
		id := enqueue(t, d, q, 4, "import", nil)
		done := make(chan error, 1)
		go func() { _, err := q.RunOnce(context.Background()); done <- err }()
		<-reported
		var s jobs.Status
		if err := d.ReadOrg(context.Background(), 4, func(tx *db.Tx) error {
			var err error
			s, err = q.Status(context.Background(), tx, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if s.State != jobs.StateRunning || s.Done != 30 || s.Total != 120 || s.Note != "statements" || s.Attempts != 1 {
			t.Fatalf("while running: %+v", s)
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if s := status(t, d, q, id); s.State != jobs.StateDone || s.Done != 30 {
			t.Fatalf("after: %+v", s)
		}
	})
}

func TestStatusIsOrganisationScoped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, clock.NewFixed(t0))
		q.Register("x", noop)
		a := enqueue(t, d, q, 1, "x", nil)
		enqueue(t, d, q, 1, "x", nil)
		b := enqueue(t, d, q, 2, "x", nil)
		p := enqueue(t, d, q, 0, "x", nil)
		ctx := context.Background()
		check := func(org int64, fn func(tx *db.Tx) error) {
			t.Helper()
			if err := d.ReadOrg(ctx, org, fn); err != nil {
				t.Fatal(err)
			}
		}
		check(2, func(tx *db.Tx) error {
			if _, err := q.Status(ctx, tx, a); !errors.Is(err, jobs.ErrNotFound) {
				t.Errorf("org 2 reading org 1's job: %v", err)
			}
			if s, err := q.Status(ctx, tx, b); err != nil || s.ID != b {
				t.Errorf("org 2 reading its own job: %+v %v", s, err)
			}
			if _, err := q.Status(ctx, tx, p); !errors.Is(err, jobs.ErrNotFound) {
				t.Errorf("org 2 reading a platform job: %v", err)
			}
			l, err := q.List(ctx, tx, 10)
			if err != nil || len(l) != 1 || l[0].ID != b {
				t.Errorf("org 2 lists %+v %v", l, err)
			}
			return nil
		})
		check(1, func(tx *db.Tx) error {
			l, err := q.List(ctx, tx, 10)
			if err != nil || len(l) != 2 || l[0].ID <= l[1].ID {
				t.Errorf("org 1 lists %+v %v", l, err)
			}
			return nil
		})
		if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
			l, err := q.List(ctx, tx, 10)
			if err != nil || len(l) != 4 {
				t.Errorf("console lists %d jobs, %v", len(l), err)
			}
			_, err = q.Status(ctx, tx, a)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// Start's workers pick up a job enqueued in this process right after the
// commit, without waiting for the poll.
func TestWorkersWakeOnCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, clock.Real{})
		q.PollInterval = time.Hour
		ran := make(chan int64, 10)
		q.Register("ping", func(ctx context.Context, j *jobs.Job) error { ran <- j.ID; return nil })
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		q.Start(ctx, 2)
		time.Sleep(50 * time.Millisecond) // let the workers go idle
		for i := range 3 {
			id := enqueue(t, d, q, 1, "ping", i)
			select {
			case got := <-ran:
				if got != id {
					t.Fatalf("ran job %d, want %d", got, id)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("workers were not woken by the commit")
			}
		}
		q.Stop()
	})
}

// Stop waits for running jobs to finish instead of abandoning them.
func TestStopDrainsRunningJobs(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	q := jobs.New(d, clock.Real{})
	q.PollInterval = 10 * time.Millisecond
	started := make(chan struct{})
	q.Register("slow", func(ctx context.Context, j *jobs.Job) error {
		close(started)
		time.Sleep(200 * time.Millisecond)
		return ctx.Err()
	})
	id := enqueue(t, d, q, 1, "slow", nil)
	q.Start(context.Background(), 1)
	<-started
	q.Stop()
	if s := status(t, d, q, id); s.State != jobs.StateDone {
		t.Fatalf("after Stop: %+v", s)
	}
}

func TestPrune(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	clk := clock.NewFixed(t0)
	q := jobs.New(d, clk)
	q.Register("x", noop)
	old := enqueue(t, d, q, 1, "x", nil)
	if ran, err := runOnce(t, q); !ran || err != nil {
		t.Fatal(ran, err)
	}
	clk.Advance(48 * time.Hour)
	fresh := enqueue(t, d, q, 1, "x", nil)
	n, err := q.Prune(context.Background(), t0.Add(24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v", n, err)
	}
	if err := d.ReadSystem(context.Background(), func(tx *db.Tx) error {
		if _, err := q.Status(context.Background(), tx, old); !errors.Is(err, jobs.ErrNotFound) {
			t.Errorf("old job still there: %v", err)
		}
		_, err := q.Status(context.Background(), tx, fresh)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// Two instances (separate connection pools, separate queues) work the same
// PostgreSQL queue at once: every job runs exactly once.
func TestTwoInstancesNeverRunAJobTwice(t *testing.T) {
	cfg := dbtest.Config(t, db.Postgres)
	ctx := context.Background()
	open := func() *db.DB {
		d, err := db.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	d1, d2 := open(), open()
	if err := migrations.Migrate(ctx, d1); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	count := map[int64]int{}
	by := map[string]int{}
	handler := func(name string) jobs.Handler {
		return func(ctx context.Context, j *jobs.Job) error {
			mu.Lock()
			count[j.ID]++
			by[name]++
			mu.Unlock()
			time.Sleep(2 * time.Millisecond)
			return nil
		}
	}
	q1, q2 := jobs.New(d1, clock.Real{}), jobs.New(d2, clock.Real{})
	for _, q := range []*jobs.Queue{q1, q2} {
		q.PollInterval = 5 * time.Millisecond
	}
	q1.Register("count", handler("one"))
	q2.Register("count", handler("two"))

	const n = 60
	ids := make([]int64, 0, n)
	err := d1.InOrg(ctx, 1, func(tx *db.Tx) error {
		for i := range n {
			id, err := q1.Enqueue(ctx, tx, "count", i)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	q1.Start(ctx, 4)
	q2.Start(ctx, 4)
	deadline := time.Now().Add(60 * time.Second)
	for {
		var left int
		if err := d1.ReadSystem(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(`SELECT count(*) FROM jobs WHERE state <> 'done'`).Scan(&left)
		}); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still not done", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
	q1.Stop()
	q2.Stop()
	for _, id := range ids {
		if count[id] != 1 {
			t.Errorf("job %d ran %d times", id, count[id])
		}
	}
	t.Logf("instance one ran %d jobs, instance two %d", by["one"], by["two"])
}

// A live worker renews its lease while the handler runs, however long that
// takes; once the worker is gone (Abandon plays the process dying) nothing
// is recorded and another worker resumes the job when the lease lapses.
// A handler whose lease was taken over hears ErrLeaseLost from its context.
func TestHeartbeatKeepsLeaseAndDeadWorkersJobIsResumed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFixed(t0)
		a, b := jobs.New(d, clk), jobs.New(d, clk)
		a.Lease, a.Heartbeat = time.Minute, 5*time.Millisecond
		b.Lease = time.Minute
		started := make(chan struct{}, 1)
		cause := make(chan error, 1)
		a.Register("long", func(ctx context.Context, j *jobs.Job) error {
			started <- struct{}{}
			<-ctx.Done()
			cause <- context.Cause(ctx)
			return ctx.Err()
		}, jobs.Timeout(time.Hour))
		var bRan []int
		b.Register("long", func(ctx context.Context, j *jobs.Job) error {
			bRan = append(bRan, j.Attempt)
			return nil
		}, jobs.Timeout(time.Hour))
		id := enqueue(t, d, a, 1, "long", nil)
		a.Start(context.Background(), 1)
		<-started
		lockedUntil := func() string {
			var s string
			if err := d.ReadSystem(context.Background(), func(tx *db.Tx) error {
				return tx.QueryRow(`SELECT locked_until FROM jobs WHERE id = $1`, id).Scan(&s)
			}); err != nil {
				t.Fatal(err)
			}
			return s
		}
		// Three leases go by on the clock; the heartbeat keeps renewing.
		clk.Advance(3 * time.Minute)
		want := db.TS(t0.Add(4 * time.Minute))
		for deadline := time.Now().Add(10 * time.Second); lockedUntil() != want; {
			if time.Now().After(deadline) {
				t.Fatalf("lease not renewed: locked until %s, want %s", lockedUntil(), want)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if ran, err := b.RunOnce(context.Background()); ran || err != nil {
			t.Fatalf("b claimed a job whose worker is alive: %v %v", ran, err)
		}
		a.Abandon()
		if c := <-cause; !errors.Is(c, jobs.ErrAbandoned) {
			t.Fatalf("handler's cause = %v, want ErrAbandoned", c)
		}
		if s := status(t, d, a, id); s.State != jobs.StateRunning || s.Attempts != 1 || s.LastError != "" {
			t.Fatalf("after the worker died: %+v", s)
		}
		if ran, _ := b.RunOnce(context.Background()); ran {
			t.Fatal("claimed before the dead worker's lease lapsed")
		}
		clk.Advance(time.Minute)
		if ran, err := b.RunOnce(context.Background()); !ran || err != nil {
			t.Fatalf("b after the lease lapsed: %v %v (locked until %s, now %s)", ran, err, lockedUntil(), db.TS(clk.Now()))
		}
		if s := status(t, d, b, id); s.State != jobs.StateDone || s.Attempts != 2 || fmt.Sprint(bRan) != "[2]" {
			t.Fatalf("resumed: %+v, b ran %v", s, bRan)
		}

		// A worker whose job was taken over stops at its next heartbeat.
		c := jobs.New(d, clk)
		c.Lease, c.Heartbeat = time.Minute, 5*time.Millisecond
		c.Register("long", func(ctx context.Context, j *jobs.Job) error {
			started <- struct{}{}
			<-ctx.Done()
			cause <- context.Cause(ctx)
			return ctx.Err()
		}, jobs.Timeout(time.Hour))
		id = enqueue(t, d, c, 1, "long", nil)
		done := make(chan error, 1)
		go func() {
			_, err := c.RunOnce(context.Background())
			done <- err
		}()
		<-started
		if err := d.System(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(`UPDATE jobs SET locked_by = 'other', attempts = 2 WHERE id = $1`, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := <-cause; !errors.Is(got, jobs.ErrLeaseLost) {
			t.Fatalf("cause after take-over = %v, want ErrLeaseLost", got)
		}
		if err := <-done; !errors.Is(err, jobs.ErrLeaseLost) {
			t.Fatalf("RunOnce = %v, want ErrLeaseLost", err)
		}
	})
}

// Fair queues (hardening: runs and jobs recover): one organisation's hundred
// queued PDF jobs do not hold back another organisation's work. An
// interactive job (a rent run) is claimed next; a bulk job of a second
// organisation gets the very next turn after the first organisation's.
func TestOneOrganisationsBulkJobsCannotStarveAnother(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFixed(t0)
		q := jobs.New(d, clk)
		var order []string
		record := func(ctx context.Context, j *jobs.Job) error {
			order = append(order, fmt.Sprintf("%s@%d", j.Kind, j.OrgID))
			return nil
		}
		q.Register("pdf", record)
		q.Register("rentrun", record, jobs.Interactive())
		err := d.InOrg(context.Background(), 1, func(tx *db.Tx) error {
			for i := range 100 {
				if _, err := q.Enqueue(context.Background(), tx, "pdf", i); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second) // enqueued later than every PDF job
		enqueue(t, d, q, 2, "rentrun", nil)
		clk.Advance(time.Second)
		enqueue(t, d, q, 3, "pdf", nil)
		for range 4 {
			if ran, err := q.RunOnce(context.Background()); !ran || err != nil {
				t.Fatalf("RunOnce = %v, %v", ran, err)
			}
		}
		// The rent run first; then organisation 1 and 3 take turns (3 has
		// never had one, so it goes before 1's second).
		if got := strings.Join(order, " "); got != "rentrun@2 pdf@1 pdf@3 pdf@1" && got != "rentrun@2 pdf@3 pdf@1 pdf@1" {
			t.Fatalf("claim order %s", got)
		}
	})
}

// A queue never takes over a job its own workers are running, even when
// the lease looks lapsed (on SQLite a handler's long transaction holds the
// one writer, so its heartbeat waits); another process does.
func TestQueueDoesNotTakeOverItsOwnRunningJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clk := clock.NewFixed(t0)
		a, b := jobs.New(d, clk), jobs.New(d, clk)
		a.Lease, a.Heartbeat = time.Minute, time.Hour // a heartbeat that cannot get through
		started, release := make(chan struct{}), make(chan struct{})
		runs := make(chan int, 4)
		h := func(ctx context.Context, j *jobs.Job) error {
			runs <- j.Attempt
			if j.Attempt == 1 {
				close(started)
				<-release
			}
			return nil
		}
		a.Register("long", h, jobs.Timeout(time.Hour))
		b.Register("long", h, jobs.Timeout(time.Hour))
		enqueue(t, d, a, 1, "long", nil)
		done := make(chan error, 1)
		go func() {
			_, err := a.RunOnce(context.Background())
			done <- err
		}()
		<-started
		clk.Advance(2 * time.Minute)
		if ran, err := a.RunOnce(context.Background()); ran || err != nil {
			t.Fatalf("the queue took over its own running job: %v %v", ran, err)
		}
		if ran, err := b.RunOnce(context.Background()); !ran || err != nil {
			t.Fatalf("another process could not take over a lapsed lease: %v %v", ran, err)
		}
		close(release)
		if err := <-done; !errors.Is(err, jobs.ErrLeaseLost) {
			t.Fatalf("a's RunOnce = %v, want ErrLeaseLost", err)
		}
		if got := fmt.Sprint(<-runs, <-runs); got != "1 2" {
			t.Fatalf("attempts %s", got)
		}
	})
}

// While Hold says true the workers claim nothing, woken or not; once it says
// false they run what waited.
func TestHoldKeepsWorkersFromClaiming(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		q := jobs.New(d, clock.Real{})
		q.PollInterval = 5 * time.Millisecond
		var mu sync.Mutex
		held, asked := true, 0
		q.Hold = func() bool {
			mu.Lock()
			defer mu.Unlock()
			asked++
			return held
		}
		askedSoFar := func() int {
			mu.Lock()
			defer mu.Unlock()
			return asked
		}
		ran := make(chan int64, 1)
		q.Register("ping", func(ctx context.Context, j *jobs.Job) error { ran <- j.ID; return nil })
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		q.Start(ctx, 2)
		id := enqueue(t, d, q, 1, "ping", nil)
		// The workers look again and again (woken by the commit, then every
		// poll) and leave the job where it is.
		for n := askedSoFar(); askedSoFar() < n+10; {
			time.Sleep(time.Millisecond)
		}
		select {
		case got := <-ran:
			t.Fatalf("job %d ran while the queue was held", got)
		default:
		}
		if s := status(t, d, q, id); s.State != jobs.StateQueued {
			t.Fatalf("held job: %+v", s)
		}
		mu.Lock()
		held = false
		mu.Unlock()
		select {
		case got := <-ran:
			if got != id {
				t.Fatalf("ran job %d, want %d", got, id)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the job did not run after the hold ended")
		}
		q.Stop()
	})
}
