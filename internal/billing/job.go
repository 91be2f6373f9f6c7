package billing

import (
	"context"
	"fmt"
	"time"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/platform/jobs"
)

// JobRentRun is the job kind of a rent run started from the UI or API.
const JobRentRun = "billing.rentrun"

type runPayload struct {
	RunID  int64              `json:"run_id"`
	UserID int64              `json:"user_id"`
	Period string             `json:"period"`
	Scope  lease.BillingScope `json:"scope"`
}

// registerJobs registers the rent-run and documents jobs; it acts as the user who started
// the run, with their role of now. The rent run is interactive (claimed before bulk work);
// its timeout bounds the whole run, while a dead worker's run is resumed as soon as its
// lease lapses (a minute), adding only what is missing.
func (s *Service) registerJobs(q *jobs.Queue, accounts *account.Service) {
	s.jobs = q
	q.Register(JobRentRun, func(ctx context.Context, j *jobs.Job) error {
		var p runPayload
		if err := j.Decode(&p); err != nil {
			return jobs.Permanent(err)
		}
		a, err := accounts.ActorIn(ctx, p.UserID, j.OrgID)
		if err != nil {
			return jobs.Permanent(fmt.Errorf("rent run %d: %w", p.RunID, err))
		}
		per, err := ParsePeriod(p.Period)
		if err != nil {
			return jobs.Permanent(err)
		}
		// Progress is shown, not needed: a failure to record it does not stop
		// the run (a lost lease ends ctx instead).
		progress := func(done, total int) { _ = j.Progress(ctx, int64(done), int64(total), "") }
		// A failed attempt leaves whole batches; the retry adds what is missing.
		return s.post(ctx, a, p.RunID, per, p.Scope, progress)
	}, jobs.MaxAttempts(3), jobs.Timeout(4*time.Hour), jobs.Interactive())
	s.registerDocuments(q, accounts)
}
