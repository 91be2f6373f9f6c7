package mail

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"hms/internal/platform/db"
)

type storedRow struct {
	Stored
	sealed []byte
}

// List returns the newest messages (at most limit, default 50) of the
// transaction's organisation, decrypted; a System transaction lists the
// platform's own mail (organisation 0: sign-up, password reset), never a
// customer's, because staff see customer data only through an approved
// access grant. A message that cannot be opened is returned with Unreadable
// set instead of failing the list.
func (o *Outbox) List(ctx context.Context, tx *db.Tx, limit int) ([]Stored, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	const cols = `id, org_id, message_sealed, state, message_id, attempts, last_error, created_at, sent_at`
	rows, err := tx.QueryContext(ctx, `SELECT `+cols+` FROM mail_outbox WHERE org_id = $1 ORDER BY id DESC LIMIT $2`, tx.OrgID(), limit)
	if err != nil {
		return nil, fmt.Errorf("list mail: %w", err)
	}
	var list []*storedRow
	for rows.Next() {
		r := &storedRow{}
		var created string
		var sent sql.NullString
		if err := rows.Scan(&r.ID, &r.OrgID, &r.sealed, &r.State, &r.MessageID, &r.Attempts, &r.LastError, &created, &sent); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list mail: %w", err)
		}
		var e1, e2 error
		r.CreatedAt, e1 = db.ParseTS(created)
		r.SentAt, e2 = db.ParseNullTS(sent)
		if err := errors.Join(e1, e2); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list mail: message %d: %w", r.ID, err)
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list mail: %w", err)
	}

	for _, r := range list {
		o.open(ctx, tx, r)
	}
	out := make([]Stored, len(list))
	for i, r := range list {
		out[i] = r.Stored
	}
	return out, nil
}

func (o *Outbox) open(ctx context.Context, tx *db.Tx, r *storedRow) {
	plain, err := o.sealer.OpenOrg(ctx, tx, SealField, r.sealed)
	if err == nil {
		err = json.Unmarshal(plain, &r.Message)
	}
	if err != nil {
		r.Message = Message{}
		r.Unreadable = true
	}
}

// Prune deletes messages created before the given instant that will not be
// sent any more (sent, held, failed), for the retention schedule, and
// returns how many it removed.
func (o *Outbox) Prune(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := o.d.System(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM mail_outbox WHERE state IN ('sent','held','failed') AND created_at < $1`, db.TS(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune mail: %w", err)
	}
	return n, nil
}
