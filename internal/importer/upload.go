package importer

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"hms/internal/account"
	"hms/internal/platform/db"
	"hms/internal/platform/jobs"
	"hms/internal/platform/validation"
	"hms/internal/privacy/guard"
)

// JobKind is the background job that runs an uploaded import.
const JobKind = "import.run"

// Upload is an uploaded rent roll and what became of it.
type Upload struct {
	ID          int64
	FileName    string
	CreatedAt   time.Time
	JobID       int64
	State       string // queued, done, failed
	Result      *Result
	Errors      []CellError
	Problem     string            // a whole-file problem (format, agreement) as a message id
	ProblemArgs map[string]string // its arguments
	Job         *jobs.Status      // while queued: its job's progress (nil once the job is gone)
}

type uploadResult struct {
	Result      *Result           `json:"result,omitempty"`
	Errors      []CellError       `json:"errors,omitempty"`
	Problem     string            `json:"problem,omitempty"`
	ProblemArgs map[string]string `json:"problem_args,omitempty"`
}

// Submit stores an uploaded file (sealed) and queues its import. The page
// polls the job for progress and reads the result with GetUpload.
func (s *Service) Submit(ctx context.Context, a account.Actor, fileName string, data []byte) (int64, error) {
	if !a.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	if len(data) == 0 {
		return 0, validation.Errors{"file": "import.no_file"}
	}
	if len(data) > MaxFileSize {
		return 0, validation.Errors{"file": "import.too_large"}
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "file", Value: fileName}); err != nil {
			return err
		}
		sealed, err := s.vault.SealOrg(ctx, tx, "imports.file", data)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO imports (org_id, created_by, created_at, file_name, file_sealed)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, tx.OrgID(), a.UserID, db.TS(time.Now()), clip(fileName, 200), sealed).Scan(&id); err != nil {
			return fmt.Errorf("store upload: %w", err)
		}
		jobID, err := s.jobs.Enqueue(ctx, tx, JobKind, map[string]int64{"import_id": id})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE imports SET job_id = $1 WHERE id = $2 AND org_id = $3`, jobID, id, tx.OrgID())
		return err
	})
	return id, err
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// GetUpload reads an upload of the actor's organisation.
func (s *Service) GetUpload(ctx context.Context, a account.Actor, id int64) (*Upload, error) {
	if !a.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	u := &Upload{ID: id}
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var created, result string
		err := tx.QueryRowContext(ctx, `SELECT file_name, created_at, job_id, state, result FROM imports WHERE id = $1 AND org_id = $2`,
			id, tx.OrgID()).Scan(&u.FileName, &created, &u.JobID, &u.State, &result)
		if errors.Is(err, sql.ErrNoRows) {
			return validation.ErrNotFound
		}
		if err != nil {
			return err
		}
		u.CreatedAt = db.ShownTS(created)
		if result != "" {
			var r uploadResult
			if err := json.Unmarshal([]byte(result), &r); err != nil {
				return err
			}
			u.Result, u.Errors, u.Problem, u.ProblemArgs = r.Result, r.Errors, r.Problem, r.ProblemArgs
		}
		if u.State != "queued" || s.jobs == nil {
			return nil
		}
		st, err := s.jobs.Status(ctx, tx, u.JobID)
		if errors.Is(err, jobs.ErrNotFound) {
			return nil
		}
		if err != nil { // jobs.Status names the job
			return err
		}
		u.Job = &st
		return nil
	})
	return u, err
}

// runUpload is the job: open the file, drop it from the database, import as
// the uploader (with their role of now), store the outcome.
func (s *Service) runUpload(ctx context.Context, j *jobs.Job) error {
	var p struct {
		ImportID int64 `json:"import_id"`
	}
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var data []byte
	var userID int64
	err := s.db.InOrg(ctx, j.OrgID, func(tx *db.Tx) error {
		var sealed []byte
		if err := tx.QueryRowContext(ctx, `SELECT created_by, file_sealed FROM imports WHERE id = $1 AND org_id = $2`, p.ImportID, tx.OrgID()).
			Scan(&userID, &sealed); err != nil {
			return err
		}
		if sealed == nil {
			return errors.New("upload already processed")
		}
		var err error
		if data, err = s.vault.OpenOrg(ctx, tx, "imports.file", sealed); err != nil {
			return err
		}
		// Data minimisation: the file is needed only for this run.
		_, err = tx.ExecContext(ctx, `UPDATE imports SET file_sealed = NULL WHERE id = $1 AND org_id = $2`, p.ImportID, tx.OrgID())
		return err
	})
	if err != nil {
		return jobs.Permanent(fmt.Errorf("import %d: %w", p.ImportID, err))
	}
	var out uploadResult
	actor, err := s.accounts.ActorIn(ctx, userID, j.OrgID)
	if err == nil {
		progress, stop := j.ProgressAsync(ctx)
		out.Result, out.Errors, err = s.Import(ctx, actor, bytes.NewReader(data), progress)
		stop()
	}
	state := "done"
	if err != nil {
		state = "failed"
		var fe *FormatError
		switch pr, ok := validation.AsProblem(err); {
		case errors.Is(err, ErrRows):
		case ok:
			out.Problem = pr.Code
		case errors.As(err, &fe):
			out.Problem, out.ProblemArgs = fe.ID, fe.Args
		case errors.Is(err, ErrFormat):
			out.Problem = "import.format.unreadable"
		default:
			out.Problem = "error.internal"
		}
	}
	b, _ := json.Marshal(out)
	return s.db.InOrg(ctx, j.OrgID, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE imports SET state = $1, result = $2 WHERE id = $3 AND org_id = $4`, state,
			string(b), p.ImportID, tx.OrgID())
		return err
	})
}

// RecentUploads lists the organisation's latest uploaded rent rolls, newest
// first, with what became of each (the import page links them).
func (s *Service) RecentUploads(ctx context.Context, a account.Actor, limit int) ([]Upload, error) {
	if !a.Can(account.PermPortfolioRead) {
		return nil, validation.ErrForbidden
	}
	var out []Upload
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, file_name, created_at, state, result FROM imports
			WHERE org_id = $1 ORDER BY id DESC LIMIT $2`, tx.OrgID(), limit)
		if err != nil {
			return fmt.Errorf("importer: list uploads: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var u Upload
			var created, result string
			if err := rows.Scan(&u.ID, &u.FileName, &created, &u.State, &result); err != nil {
				return fmt.Errorf("importer: list uploads: %w", err)
			}
			u.CreatedAt = db.ShownTS(created)
			if result != "" {
				var r uploadResult
				if err := json.Unmarshal([]byte(result), &r); err != nil {
					return fmt.Errorf("importer: list uploads: %w", err)
				}
				u.Result, u.Problem = r.Result, r.Problem
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, err
}
