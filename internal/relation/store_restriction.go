package relation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// restrictedIDs are the organisation's restricted relations (few: the
// partial index relations_restricted holds only them).
func restrictedIDs(ctx context.Context, tx *db.Tx) ([]int64, error) {
	ids, err := queryIDs(ctx, tx, `SELECT id FROM relations WHERE org_id = $1 AND restricted_at IS NOT NULL ORDER BY id`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("relation: restricted relations: %w", err)
	}
	return ids, nil
}

// setRestriction sets (ground not "") or lifts the restriction of relation id.
func setRestriction(ctx context.Context, tx *db.Tx, id int64, ground Ground, by int64, at string) error {
	var err error
	if ground == "" {
		_, err = tx.ExecContext(ctx, `UPDATE relations SET restricted_at = NULL, restriction_ground = NULL, restricted_by = 0, updated_at = $1
			WHERE org_id = $2 AND id = $3`, at, tx.OrgID(), id)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE relations SET restricted_at = $1, restriction_ground = $2, restricted_by = $3, updated_at = $1
			WHERE org_id = $4 AND id = $5`, at, string(ground), by, tx.OrgID(), id)
	}
	if err != nil {
		return fmt.Errorf("relation: set restriction of %d: %w", id, err)
	}
	return nil
}

// objectionRow is a relation_objections row as stored.
type objectionRow struct {
	id, relationID         int64
	processing, decision   string
	grounds, decisionText  []byte
	receivedOn, recordedAt string
	decidedAt              sql.NullString
	recordedBy, decidedBy  int64
}

const objectionColumns = `id, relation_id, processing, decision, grounds_sealed, decision_sealed, received_on, recorded_at, decided_at,
	recorded_by, decided_by`

func scanObjection(sc scanner) (*objectionRow, error) {
	var o objectionRow
	err := sc.Scan(&o.id, &o.relationID, &o.processing, &o.decision, &o.grounds, &o.decisionText, &o.receivedOn, &o.recordedAt,
		&o.decidedAt, &o.recordedBy, &o.decidedBy)
	return &o, err
}

// objectionRows are relation id's objections, oldest first.
func objectionRows(ctx context.Context, tx *db.Tx, relationID int64) ([]*objectionRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+objectionColumns+` FROM relation_objections WHERE org_id = $1 AND relation_id = $2
		ORDER BY id`, tx.OrgID(), relationID)
	if err != nil {
		return nil, fmt.Errorf("relation: objections of %d: %w", relationID, err)
	}
	defer rows.Close()
	var out []*objectionRow
	for rows.Next() {
		o, err := scanObjection(rows)
		if err != nil {
			return nil, fmt.Errorf("relation: objections of %d: %w", relationID, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// objectionRowByID reads one objection of relation relationID.
func objectionRowByID(ctx context.Context, tx *db.Tx, relationID, id int64) (*objectionRow, error) {
	o, err := scanObjection(tx.QueryRowContext(ctx, `SELECT `+objectionColumns+` FROM relation_objections
		WHERE org_id = $1 AND relation_id = $2 AND id = $3`, tx.OrgID(), relationID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("relation: objection %d: %w", id, err)
	}
	return o, nil
}

func insertObjection(ctx context.Context, tx *db.Tx, o *objectionRow) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO relation_objections (org_id, relation_id, processing, decision, grounds_sealed,
		decision_sealed, received_on, recorded_at, decided_at, recorded_by, decided_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, tx.OrgID(), o.relationID, o.processing, o.decision,
		o.grounds, o.decisionText, o.receivedOn, o.recordedAt, o.decidedAt, o.recordedBy, o.decidedBy).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("relation: record objection: %w", err)
	}
	return id, nil
}

func decideObjectionRow(ctx context.Context, tx *db.Tx, id int64, decision string, text []byte, at string, by int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE relation_objections SET decision = $1, decision_sealed = $2, decided_at = $3, decided_by = $4
		WHERE org_id = $5 AND id = $6`, decision, text, at, by, tx.OrgID(), id); err != nil {
		return fmt.Errorf("relation: decide objection %d: %w", id, err)
	}
	return nil
}

// deleteObjections removes relation id's objections (erasure: their
// sealed texts no longer open once the keys are shredded).
func deleteObjections(ctx context.Context, tx *db.Tx, relationID int64) (int, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM relation_objections WHERE org_id = $1 AND relation_id = $2`, tx.OrgID(), relationID)
	if err != nil {
		return 0, fmt.Errorf("relation: erase objections of %d: %w", relationID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
