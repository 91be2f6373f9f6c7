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
		clk.Advance(time.Minute)
		if ok, _ := a.Allow(ctx, "login-ip:x", 3, time.Minute); !ok {
			t.Fatal("a new window is still limited")
		}
		if err := a.Reset(ctx, "login-ip:x"); err != nil {
			t.Fatal(err)
		}
	})
}
