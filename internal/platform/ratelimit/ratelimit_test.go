package ratelimit_test

import (
	"context"
	"testing"
	"time"

	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/ratelimit"
)

func TestLimiterWindows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))
		// Two limiters on one database act like two instances.
		a, b := ratelimit.New(d, clk), ratelimit.New(d, clk)
		for i := 1; i <= 5; i++ {
			l := a
			if i%2 == 0 {
				l = b
			}
			ok, err := l.Allow(ctx, "login-ip:x", 3, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if want := i <= 3; ok != want {
				t.Fatalf("attempt %d: allowed=%v, want %v", i, ok, want)
			}
		}
		if ok, _ := a.Allow(ctx, "login-ip:other", 3, time.Minute); !ok {
			t.Fatal("another key is limited too")
		}
		// The window slides: a minute later the burst still counts in full
		// (it lies within the last minute); two minutes later it is gone.
		clk.Advance(time.Minute)
		if ok, _ := a.Allow(ctx, "login-ip:x", 3, time.Minute); ok {
			t.Fatal("a burst at the end of one window passed again at the start of the next")
		}
		clk.Advance(time.Minute)
		if ok, _ := a.Allow(ctx, "login-ip:x", 3, time.Minute); !ok {
			t.Fatal("a window after the burst is still limited")
		}
		if err := a.Reset(ctx, "login-ip:x"); err != nil {
			t.Fatal(err)
		}
	})
}

// Failures slow an account down without locking it out: free at first, then
// a doubling wait up to the cap, forgotten after a quiet hour; each period
// has exactly one first hit.
func TestBackoffAndFirst(t *testing.T) {
	b := ratelimit.Backoff{Free: 5, Base: 2 * time.Second, Max: 15 * time.Minute, Forget: time.Hour}
	for n, want := range map[int]time.Duration{0: 0, 5: 0, 6: 2 * time.Second, 7: 4 * time.Second, 10: 32 * time.Second, 14: 512 * time.Second,
		15: 15 * time.Minute, 100: 15 * time.Minute} {
		if got := b.Delay(n); got != want {
			t.Errorf("delay after %d failures: %v, want %v", n, got, want)
		}
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))
		l := ratelimit.New(d, clk)
		wait := func() time.Duration {
			w, err := l.Wait(ctx, "k", b)
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		for range 6 {
			if err := l.Fail(ctx, "k", b); err != nil {
				t.Fatal(err)
			}
		}
		if w := wait(); w != 2*time.Second {
			t.Fatalf("wait after 6 failures: %v", w)
		}
		clk.Advance(time.Second)
		if w := wait(); w != time.Second {
			t.Fatalf("wait a second later: %v", w)
		}
		clk.Advance(time.Second)
		if w := wait(); w != 0 {
			t.Fatalf("wait when the delay has passed: %v", w)
		}
		clk.Advance(time.Hour)
		_ = l.Fail(ctx, "k", b) // an hour of quiet: counting starts again
		if w := wait(); w != 0 {
			t.Fatalf("failures outlived an hour of quiet: %v", w)
		}
		if err := l.Forget(ctx, "k"); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false, false} {
			if first, err := l.First(ctx, "denied", time.Minute); err != nil || first != want {
				t.Fatalf("hit %d of a minute: first=%v %v", i, first, err)
			}
		}
		clk.Advance(time.Minute)
		if first, _ := l.First(ctx, "denied", time.Minute); !first {
			t.Fatal("a new minute has no first hit")
		}
	})
}
