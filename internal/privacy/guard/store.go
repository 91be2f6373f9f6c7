package guard

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/platform/db"
)

// ModeTx is the guard mode of the transaction's organisation (ModeWarn
// when it never chose).
func ModeTx(ctx context.Context, tx *db.Tx) (Mode, error) {
	var m string
	err := tx.QueryRowContext(ctx, `SELECT guard_mode FROM privacy_settings WHERE org_id = $1`, tx.OrgID()).Scan(&m)
	if errors.Is(err, sql.ErrNoRows) {
		return ModeWarn, nil
	}
	if err != nil {
		return "", fmt.Errorf("guard: read mode: %w", err)
	}
	return Mode(m), nil
}

// SetModeTx stores the organisation's guard mode (the privacy settings
// check who may).
func SetModeTx(ctx context.Context, tx *db.Tx, m Mode, by int64, at string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO privacy_settings (org_id, guard_mode, updated_by, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id) DO UPDATE SET guard_mode = excluded.guard_mode, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at`, tx.OrgID(), string(m), by, at)
	if err != nil {
		return fmt.Errorf("guard: set mode: %w", err)
	}
	return nil
}
