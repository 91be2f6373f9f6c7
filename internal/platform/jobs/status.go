package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// Status is what a page or the console shows of a job.
type Status struct {
	ID         int64
	OrgID      int64
	Kind       string
	State      string // StateQueued, StateRunning, StateFailed, StateDone, StateDead
	Done       int64  // progress, as last reported by the handler
	Total      int64
	Note       string
	LastError  string
	Attempts   int
	RunAt      time.Time // when it is (or was) due; for a failed job, the next try
	CreatedAt  time.Time
	StartedAt  time.Time // the last claim; zero before the first
	FinishedAt time.Time // zero until done or dead
	UpdatedAt  time.Time
}

// Finished reports whether the job will not run again.
func (s Status) Finished() bool { return s.State == StateDone || s.State == StateDead }

const statusColumns = `id, org_id, kind, state, progress_done, progress_total, progress_note, last_error, attempts,
	run_at, created_at, started_at, finished_at, updated_at`

func scanStatus(sc interface{ Scan(...any) error }) (Status, error) {
	var s Status
	var runAt, created, updated string
	var started, finished sql.NullString
	if err := sc.Scan(&s.ID, &s.OrgID, &s.Kind, &s.State, &s.Done, &s.Total, &s.Note, &s.LastError, &s.Attempts,
		&runAt, &created, &started, &finished, &updated); err != nil {
		return s, err
	}
	var errs [5]error
	s.RunAt, errs[0] = db.ParseTS(runAt)
	s.CreatedAt, errs[1] = db.ParseTS(created)
	s.StartedAt, errs[2] = db.ParseNullTS(started)
	s.FinishedAt, errs[3] = db.ParseNullTS(finished)
	s.UpdatedAt, errs[4] = db.ParseTS(updated)
	return s, errors.Join(errs[:]...)
}

// Status returns the job id as the transaction's organisation may see it:
// a job of another organisation is ErrNotFound. A System transaction sees
// every job.
func (q *Queue) Status(ctx context.Context, tx *db.Tx, id int64) (Status, error) {
	query := `SELECT ` + statusColumns + ` FROM jobs WHERE id = $1`
	args := []any{id}
	if !tx.IsSystem() {
		query += ` AND org_id = $2`
		args = append(args, tx.OrgID())
	}
	s, err := scanStatus(tx.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Status{}, fmt.Errorf("job %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Status{}, fmt.Errorf("job %d status: %w", id, err)
	}
	return s, nil
}

// List returns the most recent jobs (newest first, at most limit, default
// 50) of the transaction's organisation, or of every organisation in a
// System transaction (the console).
func (q *Queue) List(ctx context.Context, tx *db.Tx, limit int) ([]Status, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	query := `SELECT ` + statusColumns + ` FROM jobs ORDER BY id DESC LIMIT $1`
	args := []any{limit}
	if !tx.IsSystem() {
		query = `SELECT ` + statusColumns + ` FROM jobs WHERE org_id = $2 ORDER BY id DESC LIMIT $1`
		args = append(args, tx.OrgID())
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	var out []Status
	for rows.Next() {
		s, err := scanStatus(rows)
		if err != nil {
			return nil, fmt.Errorf("list jobs: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	return out, nil
}

// Prune deletes jobs that finished (done or dead) before the given instant,
// for the retention schedule, and returns how many it removed.
func (q *Queue) Prune(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := q.d.System(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE state IN ('done','dead') AND finished_at < $1`, db.TS(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune jobs: %w", err)
	}
	return n, nil
}

// Viewer is who follows a job's progress on a page. The queue sits below
// account (whose mail it carries), so it asks the actor through this
// interface; account.Actor answers it with its permission.
type Viewer interface {
	// JobsOrg is the organisation whose jobs the viewer may follow, or 0
	// when it may follow none.
	JobsOrg() int64
}

// ListFor returns the viewer's organisation's most recent jobs (newest
// first, at most limit), only those waiting or running when open is set.
func (q *Queue) ListFor(ctx context.Context, v Viewer, open bool, limit int) ([]Status, error) {
	org := v.JobsOrg()
	if org == 0 {
		return nil, validation.ErrForbidden
	}
	var out []Status
	err := q.d.ReadOrg(ctx, org, func(tx *db.Tx) error {
		all, err := q.List(ctx, tx, limit)
		for _, st := range all {
			if !open || st.State == StateQueued || st.State == StateRunning {
				out = append(out, st)
			}
		}
		return err
	})
	return out, err
}

// StatusFor returns job id as the viewer may see it, read in a transaction
// of its own: validation.ErrForbidden for a viewer that may follow no jobs,
// validation.ErrNotFound for a job of another organisation.
func (q *Queue) StatusFor(ctx context.Context, v Viewer, id int64) (Status, error) {
	org := v.JobsOrg()
	if org == 0 {
		return Status{}, validation.ErrForbidden
	}
	var st Status
	err := q.d.ReadOrg(ctx, org, func(tx *db.Tx) error {
		var err error
		st, err = q.Status(ctx, tx, id)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return Status{}, validation.ErrNotFound
	}
	return st, err
}
