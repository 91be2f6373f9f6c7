package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/i18n"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// A user's own data, for subject requests where HMS is controller
// (PRIVACY.md P20): what the account holds (SubjectData), correcting it
// (RectifyUser) and erasing it (EraseUser). Privacy turns SubjectData into
// the export's sections and the erasure's counts into its receipt; staff act
// from the console or the CLI (requests.Service).

// SubjectData is everything HMS holds about one user as controller: the
// account, memberships, API tokens (never their secrets), access grants the
// user asked for or decided, acceptances and dismissed notices, sessions and
// the platform's audit events by or about the user.
type SubjectData struct {
	User        *User
	Memberships []SubjectMembership
	Tokens      []SubjectToken
	Grants      []SubjectGrant
	Agreements  []SubjectAcceptance // processor agreements accepted for an organisation
	Dismissals  []SubjectAcceptance // policy and terms notices dismissed
	Sessions    SessionSummary
	Events      []audit.Event // the platform's chain (organisation 0), newest first
}

// SubjectMembership is one organisation the user belongs to.
type SubjectMembership struct {
	OrgID   int64
	OrgName string
	Role    Role
	Since   time.Time
}

// SubjectToken is one API token of the user, without its secret.
type SubjectToken struct {
	OrgName    string
	Name       string
	Scopes     string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// SubjectGrant is an access grant the user asked for (staff) or decided
// (an owner).
type SubjectGrant struct {
	OrgName     string
	Asked       bool // the user is the staff member who asked
	State       GrantState
	Hours       int
	RequestedAt time.Time
	DecidedAt   time.Time
}

// SubjectAcceptance is a version of a document the user accepted or whose
// notice they dismissed.
type SubjectAcceptance struct {
	OrgName  string // agreements: the organisation it was accepted for
	Document string // dismissals: "policy" or "terms"
	Version  string
	At       time.Time
}

// SubjectData reads what HMS holds about user id as controller.
func (s *Service) SubjectData(ctx context.Context, id int64) (*SubjectData, error) {
	d := &SubjectData{}
	var orgs []Organisation
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		r, err := userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if d.User, err = s.open(ctx, tx, r); err != nil {
			if errors.Is(err, vault.ErrShredded) {
				return validation.ErrNotFound // erased: nothing of theirs left to show
			}
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT o.id, o.name, m.role, m.created_at FROM memberships m
			JOIN organisations o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.name, o.id`, id)
		if err != nil {
			return fmt.Errorf("subject memberships: %w", err)
		}
		for rows.Next() {
			var m SubjectMembership
			var since string
			if err := rows.Scan(&m.OrgID, &m.OrgName, &m.Role, &since); err != nil {
				rows.Close()
				return err
			}
			m.Since = db.ShownTS(since)
			d.Memberships = append(d.Memberships, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if d.Dismissals, err = acceptances(ctx, tx, `SELECT '', document, version, dismissed_at FROM policy_dismissals
			WHERE user_id = $1 ORDER BY dismissed_at, document`, id); err != nil {
			return err
		}
		sums, err := s.sessionSummaries(ctx, tx, []int64{id})
		if err != nil {
			return err
		}
		d.Sessions = sums[id]
		by, err := s.audit.List(ctx, tx, audit.Filter{ActorUserID: id, Limit: 1000})
		if err != nil {
			return err
		}
		about, err := s.audit.List(ctx, tx, audit.Filter{TargetType: "user", TargetID: fmt.Sprint(id), Limit: 1000})
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, e := range append(by, about...) {
			if !seen[e.ID] {
				seen[e.ID] = true
				d.Events = append(d.Events, e)
			}
		}
		sort.Slice(d.Events, func(i, j int) bool { return d.Events[i].Seq > d.Events[j].Seq })
		orgs, err = allOrgs(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	// Tokens, grants and agreements are the organisations' rows: read in
	// each organisation's own transaction (row-level security).
	for _, o := range orgs {
		err := s.db.ReadOrg(ctx, o.ID, func(tx *db.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT name, scopes, created_at, last_used_at, revoked_at FROM api_tokens
				WHERE org_id = $1 AND user_id = $2 ORDER BY id`, tx.OrgID(), id)
			if err != nil {
				return fmt.Errorf("subject tokens: %w", err)
			}
			for rows.Next() {
				t := SubjectToken{OrgName: o.Name}
				var created string
				var used, revoked sql.NullString
				if err := rows.Scan(&t.Name, &t.Scopes, &created, &used, &revoked); err != nil {
					rows.Close()
					return err
				}
				t.CreatedAt = db.ShownTS(created)
				if used.Valid {
					t.LastUsedAt = db.ShownTS(used.String)
				}
				if revoked.Valid {
					t.RevokedAt = db.ShownTS(revoked.String)
				}
				d.Tokens = append(d.Tokens, t)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			gs, err := listGrants(ctx, tx, `org_id = $1 AND (staff_user_id = $2 OR decided_by = $2 OR ended_by = $2)`, tx.OrgID(), id)
			if err != nil {
				return err
			}
			for _, g := range gs {
				d.Grants = append(d.Grants, SubjectGrant{OrgName: o.Name, Asked: g.StaffUserID == id, State: g.Shown(), Hours: g.Hours,
					RequestedAt: g.RequestedAt, DecidedAt: g.DecidedAt})
			}
			as, err := acceptances(ctx, tx, `SELECT '', 'agreement', version, accepted_at FROM privacy_agreement_acceptances
				WHERE org_id = $1 AND accepted_by = $2 ORDER BY accepted_at`, tx.OrgID(), id)
			for i := range as {
				as[i].OrgName = o.Name
			}
			d.Agreements = append(d.Agreements, as...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

func acceptances(ctx context.Context, tx *db.Tx, q string, args ...any) ([]SubjectAcceptance, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("subject acceptances: %w", err)
	}
	defer rows.Close()
	var out []SubjectAcceptance
	for rows.Next() {
		var a SubjectAcceptance
		var at string
		if err := rows.Scan(&a.OrgName, &a.Document, &a.Version, &at); err != nil {
			return nil, err
		}
		a.At = db.ShownTS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

func allOrgs(ctx context.Context, tx *db.Tx) ([]Organisation, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list organisations: %w", err)
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// UserByEmail finds the user with the address, for a subject request that
// names it (a System read; validation.ErrNotFound when there is none).
func (s *Service) UserByEmail(ctx context.Context, email string) (int64, error) {
	email = NormalizeEmail(email)
	if email == "" {
		return 0, validation.ErrNotFound
	}
	return s.UserIDByEmail(ctx, email)
}

// RectifyUser corrects a user's name and language on a subject request
// (staff, PRIVACY.md P20); empty leaves a field as it is. A new e-mail
// address is not set here: it changes only through the verified flow (a
// link mailed to the new address, RequestEmailChange or
// ProposeEmailChange). It returns the fields changed.
func (s *Service) RectifyUser(ctx context.Context, staffID, id int64, name, lang string) ([]string, error) {
	name, lang = strings.TrimSpace(name), strings.TrimSpace(lang)
	fe := validation.Errors{}
	if len(name) > 120 {
		fe.Add("name", "field.invalid")
	}
	if lang != "" && i18n.Supported(lang) != lang {
		fe.Add("lang", "field.invalid")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	var changed []string
	err := s.db.System(ctx, func(tx *db.Tx) error {
		r, err := userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		u, err := s.open(ctx, tx, r)
		if err != nil {
			return err
		}
		if name != "" && name != u.Name {
			sealed, err := s.vault.SealString(ctx, tx, vault.SubjectID(r.subject), "users.name", name)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET name_sealed = $1 WHERE id = $2`, sealed, id); err != nil {
				return fmt.Errorf("rectify name: %w", err)
			}
			changed = append(changed, "name")
		}
		if lang != "" && lang != u.Lang {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET lang = $1 WHERE id = $2`, lang, id); err != nil {
				return fmt.Errorf("rectify language: %w", err)
			}
			changed = append(changed, "lang")
		}
		if len(changed) == 0 {
			return nil
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: staffID, ActorKind: audit.ActorStaff, Action: "user.rectified",
			TargetType: "user", TargetID: fmt.Sprint(id), Details: map[string]string{"fields": strings.Join(changed, " ")}})
	})
	return changed, err
}

// ProposeEmailChange mails a confirmation link to newEmail on a
// rectification request: the address changes only when that link is
// followed (the verified flow of RequestEmailChange, without the password
// the user gave on a request instead).
func (s *Service) ProposeEmailChange(ctx context.Context, staffID, id int64, newEmail string) error {
	email := NormalizeEmail(newEmail)
	if email == "" {
		return validation.Errors{"email": "email.invalid"}
	}
	return s.db.System(ctx, func(tx *db.Tx) error {
		index, err := s.vault.BlindIndex(ctx, tx, "email", email)
		if err != nil {
			return err
		}
		if other, err := userByEmailIndex(ctx, tx, index); err == nil && other.id != id {
			return validation.Errors{"email": "email.taken"}
		} else if err == nil {
			return nil // already the address
		}
		r, err := userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.sendConfirmation(ctx, tx, id, email, r.lang, "email_change"); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: staffID, ActorKind: audit.ActorStaff, Action: "user.email_change_proposed",
			TargetType: "user", TargetID: fmt.Sprint(id)})
	})
}

// SoleOwner refuses to erase an account that is the only owner of an
// organisation: the organisation would be left without anyone who can
// act for it. Its Problem is ErrSoleOwner; Orgs names the organisations.
type SoleOwner struct{ Orgs []string }

// ErrSoleOwner is SoleOwner's problem (message id).
var ErrSoleOwner = &validation.Problem{Status: 409, Code: "account.erase_sole_owner"}

func (e *SoleOwner) Error() string { return ErrSoleOwner.Code }

// Unwrap makes the refusal a validation.Problem.
func (e *SoleOwner) Unwrap() error { return ErrSoleOwner }

// UserErasure counts what EraseUser removed and kept.
type UserErasure struct {
	AlreadyErased bool
	Memberships   int // removed
	Tokens        int // API tokens deleted
	Sessions      int // browsers signed out
	Links         int // one-time links and recovery codes deleted
	Dismissals    int // dismissed notices deleted
	// Kept: ids only, no name or address any more.
	Events     int // the platform's audit events by or about the user
	Agreements int // processor agreements accepted for an organisation
	Grants     int // access grants asked or decided
}

// EraseUser erases an account on a subject request (staff, PRIVACY.md
// P20): it refuses while the user is the only owner of an organisation
// (SoleOwner: transfer ownership or cancel first); otherwise it removes the
// memberships and API tokens (in each organisation's transaction), then in
// the platform's: ends every session (sessions carry their user), deletes
// one-time links, recovery codes and dismissed notices, shreds the user's
// keys (name and e-mail unreadable everywhere, backups included) and
// replaces the blind index and password so nobody signs in as them. The
// user's row stays as a number, so audit events, acceptances and grants
// that name it keep their meaning, pseudonymised. Running it again on an
// erased user changes nothing.
func (s *Service) EraseUser(ctx context.Context, staffID, id int64) (*UserErasure, error) {
	out := &UserErasure{}
	var orgs []Organisation
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		r, err := userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := s.open(ctx, tx, r); errors.Is(err, vault.ErrShredded) {
			out.AlreadyErased = true
		} else if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT o.name FROM memberships m JOIN organisations o ON o.id = m.org_id
			WHERE m.user_id = $1 AND m.role = 'owner'
			AND (SELECT count(*) FROM memberships x WHERE x.org_id = m.org_id AND x.role = 'owner') = 1 ORDER BY o.name`, id)
		if err != nil {
			return fmt.Errorf("sole owner: %w", err)
		}
		var sole []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return err
			}
			sole = append(sole, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(sole) > 0 {
			return &SoleOwner{Orgs: sole}
		}
		orgs, err = allOrgs(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	count := func(tx *db.Tx, q string, args ...any) (int, error) {
		var n int
		err := tx.QueryRowContext(ctx, q, args...).Scan(&n)
		return n, err
	}
	exec := func(tx *db.Tx, q string, args ...any) (int, error) {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return 0, fmt.Errorf("erase user %d: %w", id, err)
		}
		n, _ := res.RowsAffected()
		return int(n), nil
	}
	for _, o := range orgs {
		err := s.db.InOrg(ctx, o.ID, func(tx *db.Tx) error {
			m, err := exec(tx, `DELETE FROM memberships WHERE org_id = $1 AND user_id = $2`, tx.OrgID(), id)
			if err != nil {
				return err
			}
			t, err := exec(tx, `DELETE FROM api_tokens WHERE org_id = $1 AND user_id = $2`, tx.OrgID(), id)
			if err != nil {
				return err
			}
			a, err := count(tx, `SELECT count(*) FROM privacy_agreement_acceptances WHERE org_id = $1 AND accepted_by = $2`, tx.OrgID(), id)
			if err != nil {
				return err
			}
			g, err := count(tx, `SELECT count(*) FROM access_grants WHERE org_id = $1
				AND (staff_user_id = $2 OR decided_by = $2 OR ended_by = $2)`, tx.OrgID(), id)
			if err != nil {
				return err
			}
			out.Memberships, out.Tokens, out.Agreements, out.Grants = out.Memberships+m, out.Tokens+t, out.Agreements+a, out.Grants+g
			if m+t == 0 {
				return nil
			}
			return s.audit.Record(ctx, tx, audit.Event{ActorUserID: staffID, ActorKind: audit.ActorStaff, Action: "member.erased",
				TargetType: "user", TargetID: fmt.Sprint(id), Details: map[string]string{"memberships": fmt.Sprint(m), "tokens": fmt.Sprint(t)}})
		})
		if err != nil {
			return nil, err
		}
	}
	err = s.db.System(ctx, func(tx *db.Tx) error {
		r, err := userByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if out.Sessions, err = exec(tx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return err
		}
		links, err := exec(tx, `DELETE FROM user_tokens WHERE user_id = $1`, id)
		if err != nil {
			return err
		}
		codes, err := exec(tx, `DELETE FROM recovery_codes WHERE user_id = $1`, id)
		if err != nil {
			return err
		}
		out.Links = links + codes
		if out.Dismissals, err = exec(tx, `DELETE FROM policy_dismissals WHERE user_id = $1`, id); err != nil {
			return err
		}
		if err := s.vault.Shred(ctx, tx, vault.SubjectID(r.subject)); err != nil {
			return err
		}
		if _, err := exec(tx, `UPDATE users SET email_index = $1, password_hash = '', totp_secret_sealed = NULL,
			totp_enabled_at = NULL, email_confirmed_at = NULL WHERE id = $2`, fmt.Sprintf("erased:%d", id), id); err != nil {
			return err
		}
		if out.Events, err = count(tx, `SELECT count(*) FROM audit_events WHERE org_id = 0
			AND (actor_user_id = $1 OR (target_type = 'user' AND target_id = $2))`, id, fmt.Sprint(id)); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: staffID, ActorKind: audit.ActorStaff, Action: "user.erased",
			TargetType: "user", TargetID: fmt.Sprint(id), Details: map[string]string{"already_erased": fmt.Sprint(out.AlreadyErased),
				"memberships": fmt.Sprint(out.Memberships), "tokens": fmt.Sprint(out.Tokens), "sessions": fmt.Sprint(out.Sessions),
				"links": fmt.Sprint(out.Links), "dismissals": fmt.Sprint(out.Dismissals)}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// StaffContacts lists the e-mail addresses and languages of the platform's
// staff, for the console's reminders (privacy requests). tx must be a
// System transaction; an erased staff member is passed over.
func (s *Service) StaffContacts(ctx context.Context, tx *db.Tx) ([]OwnerContact, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE is_staff = $1 ORDER BY id`, true)
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	var users []*userRow
	for rows.Next() {
		r, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		users = append(users, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	var out []OwnerContact
	for _, r := range users {
		u, err := s.open(ctx, tx, r)
		if errors.Is(err, vault.ErrShredded) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, OwnerContact{Email: u.Email, Lang: u.Lang})
	}
	return out, nil
}
