// Package ratelimit counts attempts in the database, so a limit holds across
// every instance of hms serve: sliding windows for requests, and a growing
// delay after failures (Backoff) where a hard limit would lock people out.
package ratelimit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hms/internal/platform/clock"
	"hms/internal/platform/db"
)

// Limiter checks and counts attempts per key.
type Limiter struct {
	db  *db.DB
	clk clock.Clock
}

// New returns a limiter on d.
func New(d *db.DB, clk clock.Clock) *Limiter { return &Limiter{db: d, clk: clk} }

// Allow counts one attempt for key and reports whether it is within limit
// attempts per window. The window slides: the previous fixed window's hits
// count for the part of it that still lies within the last window, so a
// burst at a window's edge cannot pass twice the limit. Keys carry their
// kind ("login-addr:…") and never plaintext personal data (callers pass
// blind indexes or hashes).
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error) {
	now := l.clk.Now()
	start := now.Truncate(window)
	prevStart := start.Add(-window)
	var hits, prev int64
	err := l.db.System(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO rate_counters (key, window_start, hits, prev_hits) VALUES ($1, $2, 1, 0)
			ON CONFLICT (key) DO UPDATE SET
				prev_hits = CASE WHEN rate_counters.window_start = excluded.window_start THEN rate_counters.prev_hits
					WHEN rate_counters.window_start = $3 THEN rate_counters.hits ELSE 0 END,
				hits = CASE WHEN rate_counters.window_start = excluded.window_start THEN rate_counters.hits + 1 ELSE 1 END,
				window_start = excluded.window_start
			RETURNING hits, prev_hits`, key, db.TS(start), db.TS(prevStart)).Scan(&hits, &prev)
	})
	if err != nil {
		return false, fmt.Errorf("rate limit %s: %w", key, err)
	}
	// The share of the previous window still inside the sliding one.
	left := float64(window-now.Sub(start)) / float64(window)
	return float64(hits)+float64(prev)*left <= float64(limit), nil
}

// Reset forgets the attempts for key.
func (l *Limiter) Reset(ctx context.Context, key string) error {
	return l.db.System(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM rate_counters WHERE key = $1`, key)
		return err
	})
}

// Sweep removes counters whose window ended before cutoff, and failures
// older than cutoff.
func (l *Limiter) Sweep(ctx context.Context, cutoff time.Time) error {
	return l.db.System(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM rate_counters WHERE window_start < $1`, db.TS(cutoff)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE last_failure < $1`, db.TS(cutoff))
		return err
	})
}

// Backoff is a delay after failures: the first Free failures cost nothing,
// each one after doubles the wait from Base up to Max, and failures are
// forgotten Forget after the last one. Nobody is locked out for good: once
// the wait has passed, the next attempt is judged on its merits.
type Backoff struct {
	Free   int
	Base   time.Duration
	Max    time.Duration
	Forget time.Duration
}

// Delay is the wait after n failures.
func (b Backoff) Delay(n int) time.Duration {
	if n <= b.Free {
		return 0
	}
	d := b.Base
	for i := b.Free + 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Wait is how long key must still wait before its next attempt (0: now).
func (l *Limiter) Wait(ctx context.Context, key string, b Backoff) (time.Duration, error) {
	var failures int
	var last string
	err := l.db.ReadSystem(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT failures, last_failure FROM login_failures WHERE key = $1`, key).Scan(&failures, &last)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("failures of %s: %w", key, err)
	}
	at, err := db.ParseTS(last)
	if err != nil {
		return 0, fmt.Errorf("failures of %s: %w", key, err)
	}
	since := l.clk.Now().Sub(at)
	if since >= b.Forget {
		return 0, nil
	}
	return max(0, b.Delay(failures)-since), nil
}

// Fail counts a failure for key (failures older than b.Forget are
// forgotten first).
func (l *Limiter) Fail(ctx context.Context, key string, b Backoff) error {
	now := l.clk.Now()
	return l.db.System(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, failures, last_failure) VALUES ($1, 1, $2)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN login_failures.last_failure < $3 THEN 1 ELSE login_failures.failures + 1 END,
				last_failure = excluded.last_failure`, key, db.TS(now), db.TS(now.Add(-b.Forget)))
		if err != nil {
			return fmt.Errorf("count failure of %s: %w", key, err)
		}
		return nil
	})
}

// Forget clears key's failures (after a success).
func (l *Limiter) Forget(ctx context.Context, key string) error {
	return l.db.System(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key)
		return err
	})
}

// First counts a hit of key in the current period (fixed, e.g. the current
// minute) and reports whether it is the period's first: for writing one
// record per period instead of one per request.
func (l *Limiter) First(ctx context.Context, key string, period time.Duration) (bool, error) {
	start := l.clk.Now().Truncate(period)
	var hits int64
	err := l.db.System(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO rate_counters (key, window_start, hits, prev_hits) VALUES ($1, $2, 1, 0)
			ON CONFLICT (key) DO UPDATE SET
				hits = CASE WHEN rate_counters.window_start = excluded.window_start THEN rate_counters.hits + 1 ELSE 1 END,
				window_start = excluded.window_start
			RETURNING hits`, key, db.TS(start)).Scan(&hits)
	})
	if err != nil {
		return false, fmt.Errorf("count %s: %w", key, err)
	}
	return hits == 1, nil
}
