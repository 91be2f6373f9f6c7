package web

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/alexedwards/scs/v2"

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
	user := sessionUser(b)
	return s.db.System(context.Background(), func(tx *db.Tx) error {
		_, err := tx.Exec(`INSERT INTO sessions (token, data, expiry, user_id, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry, user_id = excluded.user_id`,
			sessionKey(token), b, db.TS(expiry), user, db.TS(time.Now()))
		return err
	})
}

// sessionUser is the user a session belongs to: signed in, or half-way
// through a two-factor login (0: nobody yet). It is kept beside the data so
// a user's sessions can be found and ended.
func sessionUser(b []byte) int64 {
	_, values, err := scs.GobCodec{}.Decode(b)
	if err != nil {
		return 0
	}
	for _, k := range []string{"user_id", "pending_user"} {
		if id, ok := values[k].(int64); ok && id != 0 {
			return id
		}
	}
	return 0
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
