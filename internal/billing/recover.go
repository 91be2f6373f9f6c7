package billing

import (
	"context"
	"fmt"

	"hms/internal/platform/audit"
	"hms/internal/platform/db"
)

// RunStoppedReason is the error (a message id the run page shows) of a run
// whose process stopped while it posted.
const RunStoppedReason = "finance.run.process_stopped"

// RecoverRuns closes the runs that say queued or running but that nothing
// is running any more, for every organisation; start-up (`hms serve` and
// every CLI command) and the regular upkeep call it. Such a run is marked
// failed with RunStoppedReason: its batches are whole, and running the
// period again posts only what is missing.
//
//   - A run started from the web or API is a job: while its job is queued,
//     retrying or running, the job queue owns it, and a dead worker's lease
//     lapses so that another worker resumes the run (it adds only what is
//     missing). Only a run whose job has finished or is gone (the lease ran
//     out on the job's last attempt) is closed here.
//   - A run posted in-process by the CLI has no job: it is closed once its
//     process stopped renewing alive_until. It is not resumed, because the
//     person who ran it at the terminal decides whether to run it again.
//
// It returns how many runs it closed.
func (s *Service) RecoverRuns(ctx context.Context) (int, error) {
	var found []staleRun
	now := s.now()
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		found, err = stoppedRuns(ctx, tx, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("find stopped runs: %w", err)
	}
	closed := 0
	for _, r := range found {
		err := s.db.InOrg(ctx, r.org, func(tx *db.Tx) error {
			// The state check again: the run may have finished meanwhile.
			ok, err := failStoppedRun(ctx, tx, r.id, RunStoppedReason, now)
			if err != nil || !ok {
				return err
			}
			closed++
			return s.audit.Record(ctx, tx, audit.Event{ActorKind: audit.ActorSystem, Action: "billing.run_stopped",
				TargetType: "run", TargetID: fmt.Sprint(r.id)})
		})
		if err != nil {
			return closed, fmt.Errorf("close stopped run %d: %w", r.id, err)
		}
	}
	return closed, nil
}
