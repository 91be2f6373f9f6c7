package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"hms/internal/platform/audit"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// Access grants (PRIVACY.md P14, DESIGN.md §5): platform staff see an
// organisation's data only through a grant that a member of staff asks for
// with a reason and an owner of the organisation approves, for at most
// MaxGrantHours. Under a grant staff act as a viewer (they read, never
// change); each request they make is an audit event of the organisation
// (staff.request), which its owners read beside the grant. A grant ends by
// itself when its time is up, or earlier when an owner or the staff member
// ends it.

// GrantState is where a grant stands.
type GrantState string

// The states of a grant.
const (
	GrantRequested GrantState = "requested"
	GrantApproved  GrantState = "approved"
	GrantRefused   GrantState = "refused"
	GrantEnded     GrantState = "ended"
	// GrantExpired is how an approved grant whose time is up is shown; it
	// is never stored.
	GrantExpired GrantState = "expired"
)

// GrantStatesShown are the states a grant is shown in.
var GrantStatesShown = []GrantState{GrantRequested, GrantApproved, GrantRefused, GrantEnded, GrantExpired}

// Bounds of a grant's request.
const (
	MaxGrantHours   = 72
	minGrantReason  = 10
	maxGrantReason  = 500
	ActionStaffView = "staff.request" // the audit action of a request under a grant
)

// ErrGrantDecided answers a decision on a grant that is no longer waiting.
var ErrGrantDecided = &validation.Problem{Status: http.StatusConflict, Code: "grant.decided"}

// Grant is a request for access and what became of it.
type Grant struct {
	ID          int64
	OrgID       int64
	OrgSlug     string // filled for the staff member's own list
	OrgName     string
	StaffUserID int64
	StaffName   string
	Reason      string
	Hours       int
	State       GrantState
	RequestedAt time.Time
	DecidedAt   time.Time
	DecidedBy   int64
	ExpiresAt   time.Time
	EndedAt     time.Time
	// Expired is an approved grant whose time was up when it was read.
	Expired bool
}

// ActiveAt reports whether the grant lets its staff member in at t.
func (g Grant) ActiveAt(t time.Time) bool {
	return g.State == GrantApproved && t.Before(g.ExpiresAt)
}

// Shown is the grant's state as people read it: an approved grant whose
// time is up is "expired".
func (g Grant) Shown() GrantState {
	if g.Expired {
		return GrantExpired
	}
	return g.State
}

// RequestGrant asks the owners of the organisation slug for access for the
// staff member staffID, for hours hours, for reason; the owners get an
// e-mail. Only staff may ask.
func (s *Service) RequestGrant(ctx context.Context, staffID int64, slug, reason string, hours int) (int64, error) {
	u, err := s.User(ctx, staffID)
	if err != nil {
		return 0, err
	}
	if !u.IsStaff {
		return 0, validation.ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	fe := validation.Errors{}
	fe.CheckText("reason", reason, true)
	if n := utf8.RuneCountInString(reason); n < minGrantReason || n > maxGrantReason {
		fe.Add("reason", "grant.reason_length")
	}
	if hours < 1 || hours > MaxGrantHours {
		fe.Add("hours", "grant.hours_range")
	}
	var org *Organisation
	if err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		org, err = orgBySlug(ctx, tx, slug)
		return err
	}); err != nil {
		fe.Add("org", "grant.org_unknown")
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	var owners []int64
	err = s.db.InOrg(ctx, org.ID, func(tx *db.Tx) error {
		if s.guard != nil {
			// The reason is free text the owners read: no BSN or special
			// categories in it (PRIVACY.md P10), or a reason for them.
			if err := s.guard(ctx, tx, Actor{UserID: staffID, OrgID: org.ID, Kind: "staff"}, "reason", reason); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO access_grants (org_id, staff_user_id, reason, hours, requested_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, tx.OrgID(), staffID, reason, hours, db.TS(s.clk.Now())).Scan(&id); err != nil {
			return fmt.Errorf("request access grant: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT user_id FROM memberships WHERE org_id = $1 AND role = 'owner'`, tx.OrgID())
		if err != nil {
			return fmt.Errorf("request access grant: owners: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var o int64
			if err := rows.Scan(&o); err != nil {
				return err
			}
			owners = append(owners, o)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: staffID, ActorKind: "staff", Action: "grant.requested",
			TargetType: "grant", TargetID: fmt.Sprint(id), Details: map[string]string{"hours": fmt.Sprint(hours)}})
	})
	if err != nil {
		return 0, err
	}
	// The owners learn of the request by mail; the request stands even if
	// a mail cannot be queued (they also see it on the access page).
	link := s.baseURL() + "/o/" + org.Slug + "/settings/access"
	for _, o := range owners {
		owner, err := s.User(ctx, o)
		if err != nil {
			return id, err
		}
		if err := s.db.System(ctx, func(tx *db.Tx) error {
			return s.sendMail(ctx, tx, owner.Email, owner.Lang, "mail.grant_requested", map[string]any{"Staff": u.Name, "Org": org.Name,
				"Hours": hours, "Link": link})
		}); err != nil {
			return id, err
		}
	}
	return id, nil
}

// Grants lists the organisation's grants, newest first, for its owners.
func (s *Service) Grants(ctx context.Context, a Actor) ([]Grant, error) {
	if !a.Can(PermMembersManage) {
		return nil, validation.ErrForbidden
	}
	var out []Grant
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = listGrants(ctx, tx, `org_id = $1`, tx.OrgID())
		return err
	})
	if err != nil {
		return nil, err
	}
	names := map[int64]string{} // a few staff members ask many times: read each once
	for i := range out {
		out[i].Expired = out[i].State == GrantApproved && !out[i].ActiveAt(s.clk.Now())
		id := out[i].StaffUserID
		if _, ok := names[id]; !ok {
			if u, err := s.User(ctx, id); err == nil {
				names[id] = u.Name
			}
		}
		out[i].StaffName = names[id]
	}
	return out, nil
}

// StaffGrants lists the grants a staff member asked for, in every
// organisation, newest first (the console).
func (s *Service) StaffGrants(ctx context.Context, staffID int64) ([]Grant, error) {
	orgs, err := s.ConsoleOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	var out []Grant
	for _, o := range orgs {
		err := s.db.ReadOrg(ctx, o.ID, func(tx *db.Tx) error {
			gs, err := listGrants(ctx, tx, `org_id = $1 AND staff_user_id = $2`, tx.OrgID(), staffID)
			for i := range gs {
				gs[i].OrgSlug, gs[i].OrgName = o.Slug, o.Name
				gs[i].Expired = gs[i].State == GrantApproved && !gs[i].ActiveAt(s.clk.Now())
			}
			out = append(out, gs...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DecideGrant approves or refuses a waiting grant; an owner decides. An
// approved grant runs from now for the hours asked.
func (s *Service) DecideGrant(ctx context.Context, a Actor, id int64, approve bool) error {
	if !a.Can(PermMembersManage) || a.Role != Owner {
		return validation.ErrForbidden
	}
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		g, err := grantByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if g.State != GrantRequested {
			return ErrGrantDecided
		}
		now := s.clk.Now()
		state, expires, action := GrantRefused, sql.NullString{}, "grant.refused"
		if approve {
			state, action = GrantApproved, "grant.approved"
			expires = sql.NullString{String: db.TS(now.Add(time.Duration(g.Hours) * time.Hour)), Valid: true}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE access_grants SET state = $1, decided_at = $2, decided_by = $3, expires_at = $4
			WHERE id = $5 AND org_id = $6`, string(state), db.TS(now), a.UserID, expires, id, tx.OrgID()); err != nil {
			return fmt.Errorf("decide access grant: %w", err)
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: a.Kind, Action: action,
			TargetType: "grant", TargetID: fmt.Sprint(id)})
	})
}

// EndGrant ends an approved grant before its time: an owner of the
// organisation may, or the staff member it was given to (staffID).
func (s *Service) EndGrant(ctx context.Context, a Actor, id int64) error {
	if !a.Can(PermMembersManage) || a.Role != Owner {
		return validation.ErrForbidden
	}
	return s.endGrant(ctx, a.OrgID, a.UserID, a.Kind, id, 0)
}

// EndOwnGrant is the staff member ending their own grant in orgID.
func (s *Service) EndOwnGrant(ctx context.Context, staffID, orgID, id int64) error {
	return s.endGrant(ctx, orgID, staffID, "staff", id, staffID)
}

func (s *Service) endGrant(ctx context.Context, orgID, userID int64, kind string, id, onlyStaff int64) error {
	return s.db.InOrg(ctx, orgID, func(tx *db.Tx) error {
		g, err := grantByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if onlyStaff != 0 && g.StaffUserID != onlyStaff {
			return validation.ErrNotFound
		}
		now := s.clk.Now()
		if !g.ActiveAt(now) {
			return ErrGrantDecided
		}
		if _, err := tx.ExecContext(ctx, `UPDATE access_grants SET state = 'ended', ended_at = $1, ended_by = $2 WHERE id = $3 AND org_id = $4`,
			db.TS(now), userID, id, tx.OrgID()); err != nil {
			return fmt.Errorf("end access grant: %w", err)
		}
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: userID, ActorKind: kind, Action: "grant.ended",
			TargetType: "grant", TargetID: fmt.Sprint(id)})
	})
}

// StaffActorFor lets a member of staff into the organisation slug while a
// grant for them is active: as a viewer, with the grant's id as TokenID
// (so what they do can be told apart). The caller has checked that userID
// is staff who signed in with a second factor.
func (s *Service) StaffActorFor(ctx context.Context, userID int64, slug string) (Actor, error) {
	var a Actor
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		o, err := orgBySlug(ctx, tx, slug)
		if err != nil {
			return err
		}
		a = Actor{UserID: userID, OrgID: o.ID, OrgSlug: o.Slug, Kind: "staff", Role: Viewer}
		return nil
	})
	if err != nil {
		return Actor{}, err
	}
	err = s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		gs, err := listGrants(ctx, tx, `org_id = $1 AND staff_user_id = $2 AND state = 'approved'`, tx.OrgID(), userID)
		if err != nil {
			return err
		}
		for _, g := range gs {
			if g.ActiveAt(s.clk.Now()) {
				a.TokenID = g.ID
				return nil
			}
		}
		return validation.ErrNotFound
	})
	if err != nil {
		return Actor{}, err
	}
	return a, nil
}

// RecordStaffRequest writes what a member of staff asked for under a grant
// to the organisation's audit chain.
func (s *Service) RecordStaffRequest(ctx context.Context, a Actor, method, path string) error {
	return s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		return s.audit.Record(ctx, tx, audit.Event{ActorUserID: a.UserID, ActorKind: "staff", Action: ActionStaffView,
			TargetType: "path", TargetID: method + " " + path, Details: map[string]string{"grant": fmt.Sprint(a.TokenID)}})
	})
}

// StaffRequests lists what staff did in the organisation under grants,
// newest first, for its owners.
func (s *Service) StaffRequests(ctx context.Context, a Actor, limit int) ([]audit.Event, error) {
	if !a.Can(PermMembersManage) {
		return nil, validation.ErrForbidden
	}
	var out []audit.Event
	err := s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = s.audit.List(ctx, tx, audit.Filter{Action: ActionStaffView, Limit: limit})
		return err
	})
	return out, err
}

const grantColumns = `id, org_id, staff_user_id, reason, hours, state, requested_at, decided_at, decided_by, expires_at, ended_at`

func listGrants(ctx context.Context, tx *db.Tx, where string, args ...any) ([]Grant, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+grantColumns+` FROM access_grants WHERE `+where+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list access grants: %w", err)
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func grantByID(ctx context.Context, tx *db.Tx, id int64) (Grant, error) {
	g, err := scanGrant(tx.QueryRowContext(ctx, `SELECT `+grantColumns+` FROM access_grants WHERE id = $1 AND org_id = $2`, id, tx.OrgID()))
	if errors.Is(err, sql.ErrNoRows) {
		return Grant{}, validation.ErrNotFound
	}
	return g, err
}

func scanGrant(sc interface{ Scan(...any) error }) (Grant, error) {
	var g Grant
	var state, requested string
	var decided, expires, ended sql.NullString
	if err := sc.Scan(&g.ID, &g.OrgID, &g.StaffUserID, &g.Reason, &g.Hours, &state, &requested, &decided, &g.DecidedBy, &expires,
		&ended); err != nil {
		return Grant{}, fmt.Errorf("read access grant: %w", err)
	}
	g.State, g.RequestedAt = GrantState(state), db.ShownTS(requested)
	if decided.Valid {
		g.DecidedAt = db.ShownTS(decided.String)
	}
	if expires.Valid {
		g.ExpiresAt = db.ShownTS(expires.String)
	}
	if ended.Valid {
		g.EndedAt = db.ShownTS(ended.String)
	}
	return g, nil
}
