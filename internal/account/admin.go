package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"

	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// CreateUserInput is the operator's `hms user create`.
type CreateUserInput struct {
	OrgSlug string // organisation to join; created when missing
	OrgName string // name of a created organisation (default: the slug)
	Email   string
	Name    string
	Role    Role
	Staff   bool // platform staff (HMS employee), no organisation needed
}

// CreateUser creates or finds a user and, with OrgSlug, makes them a member.
// It returns a generated one-time password for a new user ("" for an
// existing one) and the user's id. Operators use it; the address counts as
// confirmed.
func (s *Service) CreateUser(ctx context.Context, in CreateUserInput) (password string, userID int64, err error) {
	email := NormalizeEmail(in.Email)
	fe := validation.Errors{}
	if email == "" {
		fe.Add("email", "email.invalid")
	}
	if in.OrgSlug == "" && !in.Staff {
		fe.Add("org", "field.required")
	}
	if in.OrgSlug != "" && !in.Role.Valid() {
		fe.Add("role", "role.invalid")
	}
	if err := fe.Err(); err != nil {
		return "", 0, err
	}
	if in.Name == "" {
		in.Name = email
	}
	var org *Organisation
	err = s.db.System(ctx, func(tx *db.Tx) error {
		index, err := s.vault.BlindIndex(ctx, tx, "email", email)
		if err != nil {
			return err
		}
		r, err := userByEmailIndex(ctx, tx, index)
		switch {
		case err == nil:
			userID = r.id
		case errors.Is(err, validation.ErrNotFound):
			password = generatePassword()
			if userID, err = s.insertUser(ctx, tx, email, in.Name, password, "nl", true); err != nil {
				return err
			}
		default:
			return err
		}
		if in.Staff {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET is_staff = $1 WHERE id = $2`, true, userID); err != nil {
				return err
			}
		}
		if in.OrgSlug != "" {
			org, err = orgBySlug(ctx, tx, in.OrgSlug)
			if errors.Is(err, validation.ErrNotFound) {
				now := s.clk.Now()
				name := in.OrgName
				if name == "" {
					name = in.OrgSlug
				}
				// An organisation the operator sets up has no trial (no end,
				// never read-only: package subscription); sign-up starts one.
				org, err = insertOrg(ctx, tx, in.OrgSlug, name, now, time.Time{}, "")
			}
			if err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, tx,
			audit.Event{ActorKind: "system", Action: "user.created_by_operator", TargetType: "user", TargetID: fmt.Sprint(userID)})
	})
	if err != nil || org == nil {
		return password, userID, err
	}
	err = s.db.InOrg(ctx, org.ID, func(tx *db.Tx) error {
		if _, err := membershipRole(ctx, tx, userID); err == nil {
			_, err := tx.ExecContext(ctx, `UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3`, string(in.Role), tx.OrgID(), userID)
			return err
		}
		if err := s.insertMembership(ctx, tx, userID, in.Role, s.clk.Now()); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx,
			audit.Event{ActorKind: "system", Action: "member.added_by_operator", TargetType: "user", TargetID: fmt.Sprint(userID),
				Details: map[string]string{"role": string(in.Role)}})
	})
	return password, userID, err
}

// OrgBySlug finds an organisation (operators, CLI).
func (s *Service) OrgBySlug(ctx context.Context, slug string) (*Organisation, error) {
	var o *Organisation
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		o, err = orgBySlug(ctx, tx, slug)
		return err
	})
	return o, err
}

// UserIDByEmail finds a user id by address (operators, CLI).
func (s *Service) UserIDByEmail(ctx context.Context, email string) (int64, error) {
	var id int64
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		index, err := s.vault.BlindIndex(ctx, tx, "email", NormalizeEmail(email))
		if err != nil {
			return err
		}
		r, err := userByEmailIndex(ctx, tx, index)
		if err != nil {
			return err
		}
		id = r.id
		return nil
	})
	return id, err
}

// OrgSummary is what platform staff see of a customer: no customer data.
type OrgSummary struct {
	Organisation
	Members int
}

// ConsoleOrganisations lists customers for the staff console.
func (s *Service) ConsoleOrganisations(ctx context.Context) ([]OrgSummary, error) {
	var out []OrgSummary
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT o.id, o.slug, o.name, o.created_at, o.trial_ends_at,
			(SELECT count(*) FROM memberships m WHERE m.org_id = o.id) FROM organisations o ORDER BY o.id DESC LIMIT 500`)
		if err != nil {
			return fmt.Errorf("list organisations: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var o OrgSummary
			var created string
			var trial sql.NullString
			if err := rows.Scan(&o.ID, &o.Slug, &o.Name, &created, &trial, &o.Members); err != nil {
				return err
			}
			o.CreatedAt, _ = db.ParseTS(created)
			o.TrialEndsAt, _ = db.ParseNullTS(trial)
			out = append(out, o)
		}
		return rows.Err()
	})
	return out, err
}

const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func generatePassword() string {
	b := make([]byte, 16)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(passwordAlphabet))))
		b[i] = passwordAlphabet[n.Int64()]
	}
	return string(b)
}

// ActorIn is the actor a user is in organisation orgID now (for background
// work done on a user's behalf): their current role, or ErrNotFound when they
// are no longer a member.
func (s *Service) ActorIn(ctx context.Context, userID, orgID int64) (Actor, error) {
	var slug string
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		o, err := orgByID(ctx, tx, orgID)
		if err != nil {
			return err
		}
		slug = o.Slug
		return nil
	})
	if err != nil {
		return Actor{}, err
	}
	return s.ActorFor(ctx, userID, slug)
}

// OwnerContact is an owner to send a platform notice to.
type OwnerContact struct {
	Email, Lang string
}

// OwnerContacts lists the e-mail addresses and languages of an
// organisation's owners, for a platform notice such as a data breach
// (privacy). tx must be a System transaction.
func (s *Service) OwnerContacts(ctx context.Context, tx *db.Tx, orgID int64) ([]OwnerContact, error) {
	rows, err := tx.QueryContext(ctx, `SELECT user_id FROM memberships WHERE org_id = $1 AND role = 'owner' ORDER BY user_id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("owners of %d: %w", orgID, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []OwnerContact
	for _, id := range ids {
		r, err := userByID(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		u, err := s.open(ctx, tx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, OwnerContact{Email: u.Email, Lang: u.Lang})
	}
	return out, nil
}
