package reconcile

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

// JobKind is the background job that imports an uploaded statement file.
const JobKind = "bank.import"

// Upload is an uploaded statement file and what became of it.
type Upload struct {
	ID        int64
	FileName  string
	CreatedAt time.Time
	State     string // queued, done, failed
	ImportID  int64
	Result    *Result
	Warnings  []Warning
	Refused   *Refused
	Job       *jobs.Status // while queued: its job's progress
}

type uploadOutcome struct {
	Result   *Result   `json:"result,omitempty"`
	Warnings []Warning `json:"warnings,omitempty"`
	Refused  *Refused  `json:"refused,omitempty"`
	Failed   bool      `json:"failed,omitempty"`
}

// Submit stores an uploaded file (sealed) and queues its import; the page
// follows the job and reads the outcome with GetUpload.
func (s *Service) Submit(ctx context.Context, a account.Actor, fileName string, data []byte, addAccount bool) (int64, error) {
	if !a.Can(account.PermFinanceWrite) {
		return 0, validation.ErrForbidden
	}
	if len(data) == 0 {
		return 0, validation.Errors{"file": "bank.upload.no_file"}
	}
	if len(data) > MaxFileBytes {
		return 0, validation.Errors{"file": "bankfile.error.too_large"}
	}
	if len(fileName) > 200 {
		fileName = fileName[:200]
	}
	var id int64
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if err := guard.Review(ctx, tx, s.audit, a, guard.Text{Field: "file", Value: fileName}); err != nil {
			return err
		}
		sealed, err := s.vault.SealOrg(ctx, tx, "bank_uploads.file", data)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO bank_uploads (org_id, file_name, file_sealed, add_account, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			tx.OrgID(), fileName, sealed, boolInt(addAccount), s.now(), a.UserID).Scan(&id); err != nil {
			return fmt.Errorf("reconcile: store upload: %w", err)
		}
		jobID, err := s.jobs.Enqueue(ctx, tx, JobKind, map[string]int64{"upload_id": id})
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE bank_uploads SET job_id = $1 WHERE id = $2 AND org_id = $3`, jobID, id, tx.OrgID())
		return err
	})
	return id, err
}

// GetUpload reads an upload of the actor's organisation.
func (s *Service) GetUpload(ctx context.Context, a account.Actor, id int64) (*Upload, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	u := &Upload{ID: id}
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var created, outcome string
		var jobID int64
		err := tx.QueryRowContext(ctx, `SELECT file_name, created_at, job_id, state, import_id, outcome FROM bank_uploads
			WHERE id = $1 AND org_id = $2`, id, tx.OrgID()).Scan(&u.FileName, &created, &jobID, &u.State, &u.ImportID, &outcome)
		if errors.Is(err, sql.ErrNoRows) {
			return validation.ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("reconcile: read upload: %w", err)
		}
		u.CreatedAt = db.ShownTS(created)
		if outcome != "" {
			var o uploadOutcome
			if err := json.Unmarshal([]byte(outcome), &o); err != nil {
				return fmt.Errorf("reconcile: read upload: %w", err)
			}
			u.Result, u.Warnings, u.Refused = o.Result, o.Warnings, o.Refused
		}
		if u.State != "queued" {
			return nil
		}
		st, err := s.jobs.Status(ctx, tx, jobID)
		if errors.Is(err, jobs.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		u.Job = &st
		return nil
	})
	return u, err
}

// runUpload is the job: open the file, drop it from the database, import as
// the uploader (with their role of now), keep the outcome.
func (s *Service) runUpload(ctx context.Context, j *jobs.Job) error {
	var p struct {
		UploadID int64 `json:"upload_id"`
	}
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var data []byte
	var userID int64
	var add int
	var name string
	err := s.db.InOrg(ctx, j.OrgID, func(tx *db.Tx) error {
		var sealed []byte
		if err := tx.QueryRowContext(ctx, `SELECT created_by, file_name, add_account, file_sealed FROM bank_uploads
			WHERE id = $1 AND org_id = $2`, p.UploadID, tx.OrgID()).Scan(&userID, &name, &add, &sealed); err != nil {
			return err
		}
		if sealed == nil {
			return errors.New("upload already processed")
		}
		var err error
		if data, err = s.vault.OpenOrg(ctx, tx, "bank_uploads.file", sealed); err != nil {
			return err
		}
		// Data minimisation: the file is needed only for this run; the
		// statements keep what the books need.
		_, err = tx.ExecContext(ctx, `UPDATE bank_uploads SET file_sealed = NULL WHERE id = $1 AND org_id = $2`, p.UploadID, tx.OrgID())
		return err
	})
	if err != nil {
		return jobs.Permanent(fmt.Errorf("bank upload %d: %w", p.UploadID, err))
	}
	var out uploadOutcome
	state := "failed"
	actor, err := s.accounts.ActorIn(ctx, userID, j.OrgID)
	if err == nil {
		progress, stop := j.ProgressAsync(ctx)
		var res Result
		res, err = s.Import(ctx, actor, bytes.NewReader(data), ImportOptions{FileName: name, AddAccount: add == 1, Progress: progress,
			Size: int64(len(data)), nameReviewed: true})
		stop()
		if err == nil {
			state, out.Result, out.Warnings = "done", &res, res.Warnings
		}
	}
	if r, ok := errors.AsType[*Refused](err); ok {
		out.Refused = r
	} else if err != nil {
		out.Failed = true
	}
	b, _ := json.Marshal(out) // plain structs always marshal
	return s.db.InOrg(ctx, j.OrgID, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE bank_uploads SET state = $1, outcome = $2, import_id = $3 WHERE id = $4 AND org_id = $5`,
			state, string(b), resultImport(out.Result), p.UploadID, tx.OrgID())
		return err
	})
}

func resultImport(r *Result) int64 {
	if r == nil {
		return 0
	}
	return r.ImportID
}

// RecentUploads lists the organisation's latest uploaded statement files,
// newest first, with what became of each (the statements page links them).
func (s *Service) RecentUploads(ctx context.Context, a account.Actor, limit int) ([]Upload, error) {
	if !a.Can(account.PermFinanceRead) {
		return nil, validation.ErrForbidden
	}
	var out []Upload
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, file_name, created_at, state, outcome FROM bank_uploads
			WHERE org_id = $1 ORDER BY id DESC LIMIT $2`, tx.OrgID(), limit)
		if err != nil {
			return fmt.Errorf("reconcile: list uploads: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var u Upload
			var created, outcome string
			if err := rows.Scan(&u.ID, &u.FileName, &created, &u.State, &outcome); err != nil {
				return fmt.Errorf("reconcile: list uploads: %w", err)
			}
			u.CreatedAt = db.ShownTS(created)
			if outcome != "" {
				var o uploadOutcome
				if err := json.Unmarshal([]byte(outcome), &o); err != nil {
					return fmt.Errorf("reconcile: list uploads: %w", err)
				}
				u.Result, u.Refused = o.Result, o.Refused
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	return out, err
}
