package app

import (
	"context"
	"fmt"
	"time"

	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
)

// JobRetention prunes what HMS keeps only for a while: jobs that finished
// and mail that will not be sent any more (sent, held, failed), older than
// Config.Retention. It runs once a day: Start schedules one now, and each
// run schedules the next a day later.
const JobRetention = "retention.prune"

// DefaultRetention is how long finished jobs and mail are kept when
// Config.Retention is zero.
const DefaultRetention = 30 * 24 * time.Hour

func (a *App) registerRetention() {
	a.Jobs.Register(JobRetention, func(ctx context.Context, j *jobs.Job) error {
		now := a.Clock.Now()
		keep := a.Retention
		if keep <= 0 {
			keep = DefaultRetention
		}
		nJobs, err := a.Jobs.Prune(ctx, now.Add(-keep))
		if err != nil {
			return err
		}
		nMail, err := a.Outbox.Prune(ctx, now.Add(-keep))
		if err != nil {
			return err
		}
		a.Log.Info("retention", "jobs_pruned", nJobs, "mail_pruned", nMail)
		return a.scheduleRetention(ctx, now.Add(24*time.Hour))
	}, jobs.MaxAttempts(3))
}

// scheduleRetention queues the retention job for at. The key is the day, so
// every instance that starts on a day, and the run that schedules the next
// day, agree on one job per day (a restart may prune once more: pruning is
// idempotent).
func (a *App) scheduleRetention(ctx context.Context, at time.Time) error {
	err := a.DB.System(ctx, func(tx *db.Tx) error {
		_, err := a.Jobs.Enqueue(ctx, tx, JobRetention, nil, jobs.UniqueKey(at.UTC().Format(time.DateOnly)), jobs.RunAt(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("schedule retention: %w", err)
	}
	return nil
}
