// Package ratelimit counts attempts in fixed windows in the database, so a
// limit holds across every instance of hms serve.
package ratelimit

import (
	"context"
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
// attempts per window. Keys carry their kind ("login-ip:…", "login-acct:…")
// and never plaintext personal data (callers pass blind indexes or hashes).
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, error) {
	now := l.clk.Now()
	start := now.Truncate(window)
	var hits int
	err := l.db.System(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `
			INSERT INTO rate_counters (key, window_start, hits) VALUES ($1, $2, 1)
			ON CONFLICT (key) DO UPDATE SET
				hits = CASE WHEN rate_counters.window_start = excluded.window_start THEN rate_counters.hits + 1 ELSE 1 END,
				window_start = excluded.window_start
			RETURNING hits`, key, db.TS(start)).Scan(&hits)
	})
	if err != nil {
		return false, fmt.Errorf("rate limit %s: %w", key, err)
	}
	return hits <= limit, nil
}

// Reset forgets the attempts for key (after a successful login).
func (l *Limiter) Reset(ctx context.Context, key string) error {
	return l.db.System(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM rate_counters WHERE key = $1`, key)
		return err
	})
}

// Sweep removes counters whose window ended before cutoff.
func (l *Limiter) Sweep(ctx context.Context, cutoff time.Time) error {
	return l.db.System(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM rate_counters WHERE window_start < $1`, db.TS(cutoff))
		return err
	})
}
