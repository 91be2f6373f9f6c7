package account

import (
	"context"
	"errors"
	"fmt"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/vault"
)

// MailEveryUser sends every user one message in their own language, in tx
// (a System transaction: users are the platform's): the message id's
// subject and body, with data(lang) for its placeholders. A user whose
// address cannot be opened any more (erased) is passed over. It returns how
// many were sent. Only users whose account was made before the day
// joinedBefore (Amsterdam) are written to; the zero day writes to all.
func (s *Service) MailEveryUser(ctx context.Context, tx *db.Tx, id string, joinedBefore civil.Date,
	data func(lang string) map[string]any) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("list users: %w", err)
	}
	var users []*userRow
	for rows.Next() {
		r, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		users = append(users, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("list users: %w", err)
	}
	n := 0
	for _, r := range users {
		if created, err := db.ParseTS(r.createdAt); err == nil && !joinedBefore.IsZero() && !civil.Today(created).Before(joinedBefore) {
			continue
		}
		u, err := s.open(ctx, tx, r)
		if errors.Is(err, vault.ErrShredded) {
			continue // erased: nobody to write to
		}
		if err != nil {
			return n, err
		}
		if err := s.sendMail(ctx, tx, u.Email, u.Lang, id, data(u.Lang)); err != nil {
			return n, fmt.Errorf("mail user %d: %w", u.ID, err)
		}
		n++
	}
	return n, nil
}
