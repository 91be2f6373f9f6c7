package dunning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/validation"
)

// The daily run. JobDaily runs once a day for the platform: it queues a
// JobPropose for every organisation (each in its own organisation, so one
// organisation's run cannot hold up another's) and schedules the next day's
// JobDaily, as the retention job does (app.scheduleRetention). JobPropose
// runs Propose as the system. Both are keyed by the day, and Propose is
// idempotent, so a restart that queues a day's run again changes nothing.
const (
	JobDaily   = "dunning.daily"
	JobPropose = "dunning.propose"
)

// dailyHour is the hour (Europe/Amsterdam) the daily run is scheduled at
// after the first.
const dailyHour = 6

type proposePayload struct {
	Day civil.Date `json:"day"`
}

func (s *Service) registerJobs(q *jobs.Queue) {
	q.Register(JobDaily, func(ctx context.Context, j *jobs.Job) error {
		now := s.clk.Now()
		day := civil.Today(now)
		var orgs []int64
		if err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
			var err error
			orgs, err = organisationIDs(ctx, tx)
			return err
		}); err != nil {
			return err
		}
		for _, org := range orgs {
			if err := s.db.InOrg(ctx, org, func(tx *db.Tx) error {
				_, err := q.Enqueue(ctx, tx, JobPropose, proposePayload{Day: day}, jobs.UniqueKey(day.String()))
				return err
			}); err != nil {
				return fmt.Errorf("queue the dunning run of organisation %d: %w", org, err)
			}
		}
		return s.ScheduleDaily(ctx, nextRun(now))
	}, jobs.MaxAttempts(3))
	q.Register(JobPropose, func(ctx context.Context, j *jobs.Job) error {
		var p proposePayload
		if err := j.Decode(&p); err != nil {
			return jobs.Permanent(err)
		}
		// The day it was queued for, or a later one if it ran late: a run
		// never proposes for a day before the one it runs on.
		day := civil.Today(s.clk.Now())
		if p.Day.After(day) {
			day = p.Day
		}
		_, err := s.Propose(ctx, SystemActor(j.OrgID), day)
		if errors.Is(err, validation.ErrForbidden) {
			return jobs.Permanent(err)
		}
		return err
	}, jobs.MaxAttempts(5), jobs.Timeout(time.Hour))
}

// nextRun is the next daily run after now: dailyHour in Amsterdam the next
// day.
func nextRun(now time.Time) time.Time {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return now.Add(24 * time.Hour)
	}
	t := now.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day()+1, dailyHour, 0, 0, 0, loc)
}

// ScheduleDaily queues the daily run for at. The key is the day, so every
// instance that starts on a day, and the run that schedules the next day,
// agree on one daily run per day.
func (s *Service) ScheduleDaily(ctx context.Context, at time.Time) error {
	if s.jobs == nil {
		return nil
	}
	err := s.db.System(ctx, func(tx *db.Tx) error {
		_, err := s.jobs.Enqueue(ctx, tx, JobDaily, nil, jobs.UniqueKey(civil.Today(at).String()), jobs.RunAt(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("schedule the dunning run: %w", err)
	}
	return nil
}
