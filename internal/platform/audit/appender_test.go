package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"hms/internal/platform/audit"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// holdChain records an event in org's chain in a transaction that stays
// open (holding the chain head) until the returned function is called.
func holdChain(t *testing.T, d *db.DB, l *audit.Log, org int64) func() {
	t.Helper()
	held, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- d.InOrg(context.Background(), org, func(tx *db.Tx) error {
			if err := l.Record(context.Background(), tx, ev("lease.changed", 0)); err != nil {
				return err
			}
			close(held)
			<-release
			return nil
		})
	}()
	select {
	case <-held:
	case err := <-done:
		t.Fatalf("hold chain: %v", err)
	}
	return func() {
		close(release)
		if err := <-done; err != nil {
			t.Fatalf("hold chain: %v", err)
		}
	}
}

// waitPending waits until n appended events are queued or being written.
func waitPending(t *testing.T, a *audit.Appender, n int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for a.Pending() != n {
		if time.Now().After(deadline) {
			t.Fatalf("pending %d, want %d", a.Pending(), n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Openings of records appended while the chain is busy are written
// together: many readers, one or two transactions, every event in the
// chain, the chain intact. Append returns only once its event is committed.
func TestAppenderBatchesReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := audit.New(clock.NewFixed(t0))
		a := audit.NewAppender(d, l)
		defer a.Close()
		release := holdChain(t, d, l, 1)
		const readers = 20
		var wg sync.WaitGroup
		errs := make([]error, readers)
		for i := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = a.Append(ctx, 1, ev("relation.viewed", i))
			}()
		}
		waitPending(t, a, readers)
		release()
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("reader %d: %v", i, err)
			}
		}
		if n := a.Batches(); n < 1 || n > 2 {
			t.Fatalf("%d readers took %d transactions, want 1 or 2", readers, n)
		}
		rep := mustVerify(t, d)
		if rep.Broken != nil || rep.Events != readers+1 {
			t.Fatalf("report = %+v (broken %v), want %d events, intact", rep, rep.Broken, readers+1)
		}
		var evs []audit.Event
		if err := d.ReadOrg(ctx, 1, func(tx *db.Tx) error {
			var err error
			evs, err = l.List(ctx, tx, audit.Filter{Action: "relation.viewed"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range evs {
			seen[e.TargetID] = true
		}
		for i := range readers {
			if !seen[fmt.Sprint(100+i)] {
				t.Fatalf("opening %d missing from the log (%d events)", i, len(evs))
			}
		}
		// What Record refuses is refused before it is queued.
		if err := a.Append(ctx, 1, audit.Event{ActorKind: "nobody", Action: "x"}); err == nil {
			t.Fatal("unknown actor kind appended")
		}
		if err := a.Append(ctx, 0, ev("relation.viewed", 0)); !errors.Is(err, db.ErrNoOrg) {
			t.Fatalf("append without organisation: %v", err)
		}
	})
}

// A reader that stops waiting does not lose its event: Close waits for it.
func TestAppenderCloseWritesWhatIsQueued(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		l := audit.New(clock.NewFixed(t0))
		a := audit.NewAppender(d, l)
		release := holdChain(t, d, l, 2)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Append(ctx, 2, ev("relation.viewed", 1)) }()
		waitPending(t, a, 1)
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("append after its reader left: %v", err)
		}
		release()
		a.Close()
		rep := mustVerify(t, d)
		if rep.Broken != nil || rep.Events != 2 {
			t.Fatalf("report = %+v (broken %v), want 2 events, intact", rep, rep.Broken)
		}
		// After Close an append is written at once.
		if err := a.Append(context.Background(), 2, ev("relation.viewed", 2)); err != nil {
			t.Fatal(err)
		}
		if rep := mustVerify(t, d); rep.Broken != nil || rep.Events != 3 {
			t.Fatalf("report = %+v after close, want 3 events", rep)
		}
	})
}
