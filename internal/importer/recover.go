package importer

import (
	"context"
	"encoding/json"
	"fmt"

	"hms/internal/platform/audit"
	"hms/internal/platform/db"
)

// StoppedReason is the problem (a message id the status page shows) of an
// upload whose import stopped with its process.
const StoppedReason = "import.process_stopped"

// RecoverUploads closes the uploads that still say "queued" while their job
// is over (done, or dead because its worker's lease ran out on the only
// attempt): the import ran in one transaction, so nothing of it was kept,
// and the status page says to upload the file again (the file itself was
// dropped when the run began). Start-up and the regular upkeep call it; it
// returns how many it closed.
func (s *Service) RecoverUploads(ctx context.Context) (int, error) {
	type stale struct{ id, org int64 }
	var found []stale
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT u.id, u.org_id FROM imports u
			LEFT JOIN jobs j ON j.id = u.job_id AND j.org_id = u.org_id
			WHERE u.state = 'queued' AND u.job_id <> 0 AND (j.id IS NULL OR j.state IN ('done','dead'))
			ORDER BY u.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u stale
			if err := rows.Scan(&u.id, &u.org); err != nil {
				return err
			}
			found = append(found, u)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, fmt.Errorf("find stopped imports: %w", err)
	}
	result, _ := json.Marshal(uploadResult{Problem: StoppedReason})
	closed := 0
	for _, u := range found {
		err := s.db.InOrg(ctx, u.org, func(tx *db.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE imports SET state = 'failed', result = $1, file_sealed = NULL
				WHERE id = $2 AND org_id = $3 AND state = 'queued'`, string(result), u.id, tx.OrgID())
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err
			}
			closed++
			return s.audit.Record(ctx, tx, audit.Event{ActorKind: audit.ActorSystem, Action: "import.stopped",
				TargetType: "import", TargetID: fmt.Sprint(u.id)})
		})
		if err != nil {
			return closed, fmt.Errorf("close stopped import %d: %w", u.id, err)
		}
	}
	return closed, nil
}
