package directdebit

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"hms/internal/account"
	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
)

// JobExpire expires the mandates unused for 36 months, in every
// organisation, once a day: the app schedules it at start (ScheduleExpiry),
// and each run schedules the next a day later.
const JobExpire = "directdebit.expire"

func (s *Service) registerExpiry() {
	s.jobs.Register(JobExpire, func(ctx context.Context, j *jobs.Job) error {
		var orgs []int64
		// Organisations are the platform's: the system role lists them; the
		// mandates are read in each organisation's own transaction.
		err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
			return scanRows(ctx, tx, `SELECT id FROM organisations ORDER BY id`, nil, func(r *sql.Rows) error {
				var id int64
				if err := r.Scan(&id); err != nil {
					return err
				}
				orgs = append(orgs, id)
				return nil
			})
		})
		if err != nil {
			return fmt.Errorf("directdebit: organisations: %w", err)
		}
		for _, org := range orgs {
			if err := s.ExpireUnused(ctx, org); err != nil {
				return err
			}
		}
		return s.ScheduleExpiry(ctx, s.clk.Now().Add(24*time.Hour))
	}, jobs.MaxAttempts(3))
}

// ScheduleExpiry queues the expiry job for at, once per day (the key is
// the day, so instances starting on one day agree on one job).
func (s *Service) ScheduleExpiry(ctx context.Context, at time.Time) error {
	if s.jobs == nil {
		return nil
	}
	err := s.db.System(ctx, func(tx *db.Tx) error {
		_, err := s.jobs.Enqueue(ctx, tx, JobExpire, nil, jobs.UniqueKey(at.UTC().Format(time.DateOnly)), jobs.RunAt(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("directdebit: schedule expiry: %w", err)
	}
	return nil
}

// ExpireUnused marks organisation org's current mandates that were not
// used for 36 months expired, as the platform (the daily job).
func (s *Service) ExpireUnused(ctx context.Context, org int64) error {
	a := account.Actor{OrgID: org, Kind: audit.ActorSystem}
	return s.db.InOrg(ctx, org, func(tx *db.Tx) error {
		_, err := s.expireTx(ctx, tx, a)
		return err
	})
}

// expireTx marks tx's current mandates unused for 36 months by today
// expired and records each; it returns how many.
func (s *Service) expireTx(ctx context.Context, tx *db.Tx, a account.Actor) (int, error) {
	ms, err := listMandates(ctx, tx, "m.status IN ('active','suspended')")
	if err != nil {
		return 0, err
	}
	today := s.today()
	n := 0
	for _, m := range ms {
		if !m.ExpiredOn(today) {
			continue
		}
		if err := setMandateStatus(ctx, tx, m.ID, Expired, "unused", today, s.now()); err != nil {
			return n, err
		}
		if err := s.record(ctx, tx, a, "directdebit.mandate_expired", "dd_mandate", m.ID, map[string]string{
			"expires_on": m.ExpiresOn().String()}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
