package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

const tokenPrefix = "hms_"

// CreateAPIToken makes a bearer token for the actor's organisation acting
// with the creator's role, narrowed to scopes. The secret is returned once.
func (s *Service) CreateAPIToken(ctx context.Context, a Actor, name string, scopes []Scope) (string, error) {
	if !a.Can(PermTokensManage) {
		return "", validation.ErrForbidden
	}
	name = strings.TrimSpace(name)
	fe := validation.Errors{}
	if name == "" || len(name) > 80 {
		fe.Add("name", "field.required")
	}
	if len(scopes) == 0 {
		fe.Add("scopes", "token.scopes_required")
	}
	for _, sc := range scopes {
		if !slices.Contains(Scopes, sc) {
			fe.Add("scopes", "token.scope_invalid")
		}
	}
	if err := fe.Err(); err != nil {
		return "", err
	}
	token, hash := newSecret(tokenPrefix)
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var id int64
		strs := make([]string, len(scopes))
		for i, sc := range scopes {
			strs[i] = string(sc)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (org_id, user_id, name, token_hash, scopes, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING id`, tx.OrgID(), a.UserID, name, hash, strings.Join(strs, " "), db.TS(s.clk.Now())).Scan(&id); err != nil {
			return fmt.Errorf("insert api token: %w", err)
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: a.Kind, Action: "api_token.created",
			TargetType: "api_token", TargetID: fmt.Sprint(id), Details: map[string]string{"scopes": strings.Join(strs, " ")}})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// APITokens lists the organisation's tokens (never their secrets).
func (s *Service) APITokens(ctx context.Context, a Actor) ([]APIToken, error) {
	if !a.Can(PermTokensManage) {
		return nil, validation.ErrForbidden
	}
	var out []APIToken
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, user_id, name, scopes, created_at, last_used_at, revoked_at FROM api_tokens
			WHERE org_id = $1 ORDER BY id DESC`, tx.OrgID())
		if err != nil {
			return fmt.Errorf("list api tokens: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var t APIToken
			var scopes, created string
			var used, revoked sql.NullString
			if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &scopes, &created, &used, &revoked); err != nil {
				return err
			}
			for _, sc := range strings.Fields(scopes) {
				t.Scopes = append(t.Scopes, Scope(sc))
			}
			t.CreatedAt, _ = db.ParseTS(created)
			t.LastUsedAt, _ = db.ParseNullTS(used)
			t.Revoked = revoked.Valid
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}

// RevokeAPIToken stops a token from working.
func (s *Service) RevokeAPIToken(ctx context.Context, a Actor, id int64) error {
	if !a.Can(PermTokensManage) {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND org_id = $3 AND revoked_at IS NULL`,
			db.TS(s.clk.Now()), id, tx.OrgID())
		if err != nil {
			return fmt.Errorf("revoke api token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return validation.ErrNotFound
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: a.Kind, Action: "api_token.revoked",
			TargetType: "api_token", TargetID: fmt.Sprint(id)})
	})
}

// tokenUseGrain is how stale a token's last_used_at may become before a
// request writes it again: the UI shows it to the minute, and writing it on
// every request would send every API call through the writer (SQLite: the one
// write connection, behind background jobs).
const tokenUseGrain = time.Minute

// AuthenticateAPIToken turns a bearer token into the actor it stands for.
// The token's creator must still be a member; the role is read now, so a
// demoted creator's token loses rights at once. The look-up only reads; the
// token's last use is written only when the stored one is a minute old or
// more (at most one write per token per minute).
func (s *Service) AuthenticateAPIToken(ctx context.Context, token string) (Actor, error) {
	token = strings.TrimSpace(token)
	if !strings.HasPrefix(token, tokenPrefix) || len(token) != len(tokenPrefix)+32 ||
		strings.Trim(token[len(tokenPrefix):], "abcdefghijklmnopqrstuvwxyz234567") != "" {
		return Actor{}, ErrTokenMalformed
	}
	var a Actor
	var used sql.NullString
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var scopes string
		err := tx.QueryRowContext(ctx, `SELECT t.id, t.org_id, t.user_id, t.scopes, t.last_used_at, o.slug, m.role
			FROM api_tokens t JOIN organisations o ON o.id = t.org_id
			JOIN memberships m ON m.org_id = t.org_id AND m.user_id = t.user_id
			WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, hashSecret(token)).Scan(
			&a.TokenID, &a.OrgID, &a.UserID, &scopes, &used, &a.OrgSlug, &a.Role)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrTokenInvalid
		}
		if err != nil {
			return fmt.Errorf("look up api token: %w", err)
		}
		a.Kind = "api"
		for _, sc := range strings.Fields(scopes) {
			a.Scopes = append(a.Scopes, Scope(sc))
		}
		return nil
	})
	if err != nil {
		return Actor{}, err
	}
	now := s.clk.Now()
	last, _ := db.ParseNullTS(used)
	if !last.IsZero() && now.Sub(last) < tokenUseGrain && !now.Before(last) {
		return a, nil
	}
	// The condition repeats the comparison, so of several requests that saw
	// the same stale value only one changes the row.
	err = s.db.System(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1
			WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3 OR last_used_at > $1)`,
			db.TS(now), a.TokenID, db.TS(now.Add(-tokenUseGrain)))
		if err != nil {
			return fmt.Errorf("note api token use: %w", err)
		}
		return nil
	})
	if err != nil {
		return Actor{}, err
	}
	return a, nil
}
