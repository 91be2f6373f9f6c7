package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/http"
	"reflect"
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

// sessionRefreshGrain is how far a session's idle expiry may lag before a
// request that changed nothing in it writes it back: scs marks every loaded
// session modified when an idle timeout is set, which would make every page
// a write (SQLite: through the one writer).
const sessionRefreshGrain = time.Minute

// sessionSeen is what the store found for this request's session; Commit
// compares against it to leave an unchanged session alone. withSessionSeen
// puts one in every request's context, outside LoadAndSave.
type sessionSeen struct {
	key    string
	data   []byte
	expiry time.Time
}

type sessionSeenKey struct{}

func withSessionSeen(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionSeenKey{}, &sessionSeen{})))
	})
}

func (s *sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// FindCtx loads a session and notes what it found for CommitCtx.
func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	var expiry string
	key := sessionKey(token)
	err := s.db.ReadSystem(context.WithoutCancel(ctx), func(tx *db.Tx) error {
		return tx.QueryRow(`SELECT data, expiry FROM sessions WHERE token = $1`, key).Scan(&data, &expiry)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	exp, err := db.ParseTS(expiry)
	if err != nil || !time.Now().Before(exp) {
		return nil, false, nil
	}
	if seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen); ok {
		*seen = sessionSeen{key: key, data: data, expiry: exp}
	}
	return data, true, nil
}

func (s *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx writes the session back, unless this request found it with the
// same contents and an expiry less than sessionRefreshGrain older than the
// new one: then the row stays as it is (the idle expiry is refreshed at most
// once a minute, so a session may end up to a minute before its cookie).
func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	key := sessionKey(token)
	if seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen); ok && seen.key == key &&
		!expiry.Before(seen.expiry) && expiry.Sub(seen.expiry) < sessionRefreshGrain && sameSession(seen.data, b) {
		return nil
	}
	user := sessionUser(b)
	// A context that ends (the browser left) must not cut the write short:
	// the session would be lost (TestLeavingAPageKeepsTheSession).
	return s.db.System(context.WithoutCancel(ctx), func(tx *db.Tx) error {
		_, err := tx.Exec(`INSERT INTO sessions (token, data, expiry, user_id, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry, user_id = excluded.user_id`,
			key, b, db.TS(expiry), user, db.TS(time.Now()))
		return err
	})
}

// sameSession tells whether two encoded sessions hold the same deadline and
// values. The bytes themselves may differ: gob writes a map in its random
// iteration order.
func sameSession(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	da, va, err := scs.GobCodec{}.Decode(a)
	if err != nil {
		return false
	}
	dl, vb, err := scs.GobCodec{}.Decode(b)
	if err != nil {
		return false
	}
	return da.Equal(dl) && reflect.DeepEqual(va, vb)
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
	return s.DeleteCtx(context.Background(), token)
}

// DeleteCtx removes a session.
func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.db.System(context.WithoutCancel(ctx), func(tx *db.Tx) error {
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
