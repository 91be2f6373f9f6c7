package web

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"hms/internal/platform/db"
)

// sessionStore keeps scs sessions in the database so every instance of
// hms serve sees them. Rows are keyed by a hash of the cookie token: a
// database leak does not hand out live sessions.
type sessionStore struct {
	db *db.DB
}

func sessionKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func (s *sessionStore) Find(token string) ([]byte, bool, error) {
	var data []byte
	var expiry string
	err := s.db.ReadSystem(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(`SELECT data, expiry FROM sessions WHERE token = $1`, sessionKey(token)).Scan(&data, &expiry)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if exp, err := db.ParseTS(expiry); err != nil || !time.Now().Before(exp) {
		return nil, false, nil
	}
	return data, true, nil
}

func (s *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.db.System(context.Background(), func(tx *db.Tx) error {
		_, err := tx.Exec(`INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, sessionKey(token), b, db.TS(expiry))
		return err
	})
}

func (s *sessionStore) Delete(token string) error {
	return s.db.System(context.Background(), func(tx *db.Tx) error {
		_, err := tx.Exec(`DELETE FROM sessions WHERE token = $1`, sessionKey(token))
		return err
	})
}

// SweepSessions removes expired sessions.
func SweepSessions(ctx context.Context, d *db.DB, now time.Time) error {
	return d.System(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expiry < $1`, db.TS(now))
		return err
	})
}
