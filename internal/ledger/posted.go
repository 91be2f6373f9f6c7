package ledger

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// PostedThrough is the last day of the last rent period posted for a lease
// (zero: none). Rent increases start after it: posted charges are never
// changed.
func (s *Service) PostedThrough(ctx context.Context, tx *db.Tx, leaseID int64) (civil.Date, error) {
	periods, err := postedPeriods(ctx, tx, leaseID)
	if err != nil {
		return civil.Date{}, err
	}
	var last civil.Date
	for _, p := range periods {
		end, ok := PeriodEnd(p)
		if !ok {
			return civil.Date{}, fmt.Errorf("ledger: posted period %q of lease %d is not a month or quarter", p, leaseID)
		}
		if end.After(last) {
			last = end
		}
	}
	return last, nil
}

// PeriodEnd is the last day of a rent period key: "2026-01" or "2026-Q1".
func PeriodEnd(p string) (civil.Date, bool) {
	if len(p) != 7 || p[4] != '-' {
		return civil.Date{}, false
	}
	y, err := strconv.Atoi(p[:4])
	if err != nil {
		return civil.Date{}, false
	}
	if p[5] == 'Q' {
		q, err := strconv.Atoi(p[6:])
		if err != nil || q < 1 || q > 4 {
			return civil.Date{}, false
		}
		return civil.New(y, time.Month(q*3), 1).LastOfMonth(), true
	}
	m, err := strconv.Atoi(p[5:])
	if err != nil || m < 1 || m > 12 {
		return civil.Date{}, false
	}
	return civil.New(y, time.Month(m), 1).LastOfMonth(), true
}
