package account

import (
	"context"
	"fmt"
	"time"

	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// Browser sessions live in the sessions table (the web stores them there,
// keyed by a hash of the cookie, with the user they belong to). The rules
// of when they end are the account's: a new password, a password reset and
// turning two-factor login on or off end every session of the user (the
// web gives the browser that made the change a fresh one), and so does
// removing a member; owners see and can end a member's sessions.

// SessionSummary is what an owner sees of a member's sessions.
type SessionSummary struct {
	Active     int       // sessions that have not expired
	LastSignIn time.Time // the newest session's start (zero: none)
}

// endSessions deletes every session of userID, in tx.
func endSessions(ctx context.Context, tx *db.Tx, userID int64) (int64, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, fmt.Errorf("end sessions of user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// sessionSummaries reads the active sessions of users, in one query.
func (s *Service) sessionSummaries(ctx context.Context, tx *db.Tx, users []int64) (map[int64]SessionSummary, error) {
	out := map[int64]SessionSummary{}
	if len(users) == 0 {
		return out, nil
	}
	// scs stamps a session's expiry by the wall clock, so "still active" is
	// judged by it too (not by the service's clock, which tests may move).
	args := []any{db.TS(time.Now())}
	for _, u := range users {
		args = append(args, u)
	}
	rows, err := tx.QueryContext(ctx,
		`SELECT user_id, COUNT(*), MAX(created_at) FROM sessions WHERE expiry > `+tx.Params(1, 1)+` AND user_id IN (`+
			tx.Params(2, len(users))+`) GROUP BY user_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("session summaries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sum SessionSummary
		var last string
		if err := rows.Scan(&id, &sum.Active, &last); err != nil {
			return nil, err
		}
		sum.LastSignIn, _ = db.ParseTS(last)
		out[id] = sum
	}
	return out, rows.Err()
}

// EndSessions signs a member of the actor's organisation out of every
// browser; it returns how many sessions ended.
func (s *Service) EndSessions(ctx context.Context, a Actor, userID int64) (int64, error) {
	if !a.Can(PermMembersManage) {
		return 0, validation.ErrForbidden
	}
	if err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		_, err := membershipRole(ctx, tx, userID)
		return err
	}); err != nil {
		return 0, err
	}
	// Sessions are the platform's: the organisation's role may not delete
	// them (injected SQL could sign everybody out), so the platform does.
	var n int64
	if err := s.db.System(ctx, func(tx *db.Tx) error {
		var err error
		n, err = endSessions(ctx, tx, userID)
		return err
	}); err != nil {
		return 0, err
	}
	return n, s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: a.Kind, Action: "member.sessions_ended",
			TargetType: "user", TargetID: fmt.Sprint(userID), Details: map[string]string{"sessions": fmt.Sprint(n)}})
	})
}
