package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// Members lists the actor's organisation's members and open invitations.
func (s *Service) Members(ctx context.Context, a Actor) ([]Member, []Invitation, error) {
	if !a.Can(PermOrgRead) {
		return nil, nil, validation.ErrForbidden
	}
	type row struct {
		userID  int64
		role    Role
		created string
	}
	var rows []row
	var invs []Invitation
	var sessions map[int64]SessionSummary
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		rs, err := tx.QueryContext(ctx, `SELECT user_id, role, created_at FROM memberships WHERE org_id = $1`, tx.OrgID())
		if err != nil {
			return fmt.Errorf("list members: %w", err)
		}
		defer rs.Close()
		for rs.Next() {
			var r row
			if err := rs.Scan(&r.userID, &r.role, &r.created); err != nil {
				return err
			}
			rows = append(rows, r)
		}
		if err := rs.Err(); err != nil {
			return err
		}
		if !a.Can(PermMembersManage) {
			return nil
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			ids[i] = r.userID
		}
		if sessions, err = s.sessionSummaries(ctx, tx, ids); err != nil {
			return err
		}
		is, err := tx.QueryContext(ctx, `SELECT id, email_sealed, role, created_at, expires_at FROM invitations
			WHERE org_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY id`, tx.OrgID(), db.TS(s.clk.Now()))
		if err != nil {
			return fmt.Errorf("list invitations: %w", err)
		}
		// Read all rows before opening: PostgreSQL cannot run a query on a
		// connection while another result set is still open.
		var sealed [][]byte
		for is.Next() {
			var inv Invitation
			var s []byte
			var created, expires string
			if err := is.Scan(&inv.ID, &s, &inv.Role, &created, &expires); err != nil {
				is.Close()
				return err
			}
			inv.CreatedAt, _ = db.ParseTS(created)
			inv.ExpiresAt, _ = db.ParseTS(expires)
			invs = append(invs, inv)
			sealed = append(sealed, s)
		}
		is.Close()
		if err := is.Err(); err != nil {
			return err
		}
		for i := range invs {
			email, err := s.vault.OpenOrg(ctx, tx, "invitations.email", sealed[i])
			if err != nil {
				return err
			}
			invs[i].Email = string(email)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	members := make([]Member, 0, len(rows))
	// Users are platform subjects: their names are opened in a platform read.
	err = s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		for _, r := range rows {
			ur, err := userByID(ctx, tx, r.userID)
			if err != nil {
				return err
			}
			u, err := s.open(ctx, tx, ur)
			if err != nil {
				return err
			}
			since, _ := db.ParseTS(r.created)
			members = append(members, Member{UserID: u.ID, Name: u.Name, Email: u.Email, Role: r.role, Since: since, Sessions: sessions[u.ID]})
		}
		return nil
	})
	return members, invs, err
}

// Invite mails an invitation to join the actor's organisation with role.
func (s *Service) Invite(ctx context.Context, a Actor, email string, role Role) error {
	if !a.Can(PermMembersManage) {
		return validation.ErrForbidden
	}
	email = NormalizeEmail(email)
	fe := validation.Errors{}
	if email == "" {
		fe.Add("email", "email.invalid")
	}
	if !role.Valid() {
		fe.Add("role", "role.invalid")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	var existingUser int64
	var orgName, inviterName string
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		index, err := s.vault.BlindIndex(ctx, tx, "email", email)
		if err != nil {
			return err
		}
		if r, err := userByEmailIndex(ctx, tx, index); err == nil {
			existingUser = r.id
		} else if !errors.Is(err, validation.ErrNotFound) {
			return err
		}
		o, err := orgByID(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		orgName = o.Name
		ir, err := userByID(ctx, tx, a.UserID)
		if err != nil {
			return err
		}
		inviter, err := s.open(ctx, tx, ir)
		if err != nil {
			return err
		}
		inviterName = inviter.Name
		return nil
	})
	if err != nil {
		return err
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if existingUser != 0 {
			if _, err := membershipRole(ctx, tx, existingUser); err == nil {
				return validation.Errors{"email": "member.exists"}
			}
		}
		index, err := s.vault.BlindIndex(ctx, tx, "invitation.email", email)
		if err != nil {
			return err
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM invitations WHERE org_id = $1 AND email_index = $2
			AND accepted_at IS NULL AND expires_at > $3`, tx.OrgID(), index, db.TS(s.clk.Now())).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return validation.Errors{"email": "member.invited"}
		}
		sealed, err := s.vault.SealOrg(ctx, tx, "invitations.email", []byte(email))
		if err != nil {
			return err
		}
		token, hash := newSecret("i_")
		now := s.clk.Now()
		var id int64
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO invitations (org_id, email_index, email_sealed, role, token_hash, invited_by, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, tx.OrgID(), index, sealed, string(role), hash, a.UserID,
			db.TS(now), db.TS(now.Add(invitationTTL))).Scan(&id); err != nil {
			return fmt.Errorf("insert invitation: %w", err)
		}
		if err := s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: a.Kind, Action: "member.invited",
			TargetType: "invitation", TargetID: fmt.Sprint(id), Details: map[string]string{"role": string(role)}}); err != nil {
			return err
		}
		link := s.baseURL() + "/invitation?token=" + url.QueryEscape(token)
		return s.sendMail(ctx, tx, email, "nl", "mail.invite", map[string]any{"Link": link, "Org": orgName, "Inviter": inviterName})
	})
}

// InvitationInfo is what the invitation page shows.
type InvitationInfo struct {
	OrgName    string
	Email      string
	Role       Role
	UserExists bool
}

type invitationRow struct {
	id, orgID int64
	role      Role
	email     string
}

// findInvitation reads an open invitation by its link token.
func (s *Service) findInvitation(ctx context.Context, token string) (*invitationRow, error) {
	var inv invitationRow
	var sealed []byte
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var expires string
		var accepted sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT id, org_id, role, email_sealed, expires_at, accepted_at FROM invitations WHERE token_hash = $1`,
			hashSecret(strings.TrimSpace(token))).Scan(&inv.id, &inv.orgID, &inv.role, &sealed, &expires, &accepted)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrLinkInvalid
		}
		if err != nil {
			return err
		}
		exp, _ := db.ParseTS(expires)
		if accepted.Valid || !s.clk.Now().Before(exp) {
			return ErrLinkInvalid
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The address is sealed under the inviting organisation's key.
	err = s.db.ReadOrg(ctx, inv.orgID, func(tx *db.Tx) error {
		email, err := s.vault.OpenOrg(ctx, tx, "invitations.email", sealed)
		inv.email = string(email)
		return err
	})
	return &inv, err
}

// Invitation describes an open invitation for its page.
func (s *Service) Invitation(ctx context.Context, token string) (*InvitationInfo, error) {
	inv, err := s.findInvitation(ctx, token)
	if err != nil {
		return nil, err
	}
	info := &InvitationInfo{Email: inv.email, Role: inv.role}
	err = s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		o, err := orgByID(ctx, tx, inv.orgID)
		if err != nil {
			return err
		}
		info.OrgName = o.Name
		index, err := s.vault.BlindIndex(ctx, tx, "email", inv.email)
		if err != nil {
			return err
		}
		_, err = userByEmailIndex(ctx, tx, index)
		info.UserExists = err == nil
		return nil
	})
	return info, err
}

// AcceptInvitation adds the invited person to the organisation. A signed-in
// user (userID ≠ 0) must be the invited address; without an account, name and
// password create one (the link proves the address).
func (s *Service) AcceptInvitation(ctx context.Context, token string, userID int64, name, password string) (int64, string, error) {
	inv, err := s.findInvitation(ctx, token)
	if err != nil {
		return 0, "", err
	}
	var slug string
	err = s.db.System(ctx, func(tx *db.Tx) error {
		o, err := orgByID(ctx, tx, inv.orgID)
		if err != nil {
			return err
		}
		slug = o.Slug
		if userID != 0 {
			u, err := userByID(ctx, tx, userID)
			if err != nil {
				return err
			}
			user, err := s.open(ctx, tx, u)
			if err != nil {
				return err
			}
			if user.Email != inv.email {
				return validation.Errors{"email": "invitation.other_address"}
			}
			return nil
		}
		name = strings.TrimSpace(name)
		fe := validation.Errors{}
		if name == "" {
			fe.Add("name", "field.required")
		}
		if msg := CheckPassword(password); msg != "" {
			fe.Add("password", msg)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		userID, err = s.insertUser(ctx, tx, inv.email, name, password, "nl", true)
		return err
	})
	if err != nil {
		return 0, "", err
	}
	err = s.db.InOrg(ctx, inv.orgID, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET accepted_at = $1 WHERE id = $2 AND org_id = $3 AND accepted_at IS NULL`,
			db.TS(s.clk.Now()), inv.id, tx.OrgID())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrLinkInvalid
		}
		if err := s.insertMembership(ctx, tx, userID, inv.role, s.clk.Now()); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: userID, ActorKind: "user", Action: "member.joined",
			TargetType: "user", TargetID: fmt.Sprint(userID), Details: map[string]string{"role": string(inv.role)}})
	})
	return userID, slug, err
}

// ChangeRole gives a member another role; the last owner cannot step down.
func (s *Service) ChangeRole(ctx context.Context, a Actor, userID int64, role Role) error {
	if !a.Can(PermMembersManage) {
		return validation.ErrForbidden
	}
	if !role.Valid() {
		return validation.Errors{"role": "role.invalid"}
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		old, err := membershipRole(ctx, tx, userID)
		if err != nil {
			return err
		}
		if old == Owner && role != Owner {
			if n, err := countOwners(ctx, tx); err != nil {
				return err
			} else if n <= 1 {
				return ErrLastOwner
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3`, string(role),
			tx.OrgID(), userID); err != nil {
			return fmt.Errorf("change role: %w", err)
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: a.Kind, Action: "member.role_changed",
			TargetType: "user", TargetID: fmt.Sprint(userID), Details: map[string]string{"from": string(old), "to": string(role)}})
	})
}

// RemoveMember takes a member out of the organisation (not the last owner).
func (s *Service) RemoveMember(ctx context.Context, a Actor, userID int64) error {
	if !a.Can(PermMembersManage) {
		return validation.ErrForbidden
	}
	err := s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		old, err := membershipRole(ctx, tx, userID)
		if err != nil {
			return err
		}
		if old == Owner {
			if n, err := countOwners(ctx, tx); err != nil {
				return err
			} else if n <= 1 {
				return ErrLastOwner
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE org_id = $1 AND user_id = $2`, tx.OrgID(), userID); err != nil {
			return fmt.Errorf("remove member: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE org_id = $2 AND user_id = $3 AND revoked_at IS NULL`,
			db.TS(s.clk.Now()), tx.OrgID(), userID); err != nil {
			return fmt.Errorf("revoke tokens of removed member: %w", err)
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: a.Kind, Action: "member.removed",
			TargetType: "user", TargetID: fmt.Sprint(userID)})
	})
	if err != nil {
		return err
	}
	// Their browsers are signed out (of every organisation: they sign in
	// again). Sessions are the platform's: the organisation's role may not
	// delete them, so this is a platform transaction of its own.
	return s.db.System(ctx, func(tx *db.Tx) error {
		_, err := endSessions(ctx, tx, userID)
		return err
	})
}
