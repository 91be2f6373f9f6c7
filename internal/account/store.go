package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// userRow is a user as stored: personal fields still sealed.
type userRow struct {
	id, subject                int64
	emailSealed, nameSealed    []byte
	passwordHash               string
	confirmedAt, totpEnabledAt sql.NullString
	totpSealed                 []byte
	totpLastStep               int64
	lang                       string
	isStaff                    bool
	createdAt                  string
}

const userColumns = `id, subject_id, email_sealed, name_sealed, password_hash, email_confirmed_at, totp_enabled_at,
	totp_secret_sealed, totp_last_step, lang, is_staff, created_at`

func scanUser(row interface{ Scan(...any) error }) (*userRow, error) {
	u := &userRow{}
	err := row.Scan(&u.id, &u.subject, &u.emailSealed, &u.nameSealed, &u.passwordHash, &u.confirmedAt, &u.totpEnabledAt,
		&u.totpSealed, &u.totpLastStep, &u.lang, &u.isStaff, &u.createdAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	return u, nil
}

// Users belong to the platform: these run in System transactions.
func userByID(ctx context.Context, tx *db.Tx, id int64) (*userRow, error) {
	return scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

func userByEmailIndex(ctx context.Context, tx *db.Tx, index string) (*userRow, error) {
	return scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email_index = $1`, index))
}

// open decrypts the personal fields of a stored user.
func (s *Service) open(ctx context.Context, tx *db.Tx, r *userRow) (*User, error) {
	subj := vault.SubjectID(r.subject)
	email, err := s.vault.OpenString(ctx, tx, subj, "users.email", r.emailSealed)
	if err != nil {
		return nil, fmt.Errorf("open user %d e-mail: %w", r.id, err)
	}
	name, err := s.vault.OpenString(ctx, tx, subj, "users.name", r.nameSealed)
	if err != nil {
		return nil, fmt.Errorf("open user %d name: %w", r.id, err)
	}
	created, _ := db.ParseTS(r.createdAt)
	return &User{
		ID: r.id, Email: email, Name: name, EmailConfirmed: r.confirmedAt.Valid, TOTPEnabled: r.totpEnabledAt.Valid,
		Lang: r.lang, IsStaff: r.isStaff, CreatedAt: created,
	}, nil
}

// insertUser seals and stores a new user; tx must be a System transaction.
func (s *Service) insertUser(ctx context.Context, tx *db.Tx, email, name, password, lang string, confirmed bool) (int64, error) {
	index, err := s.vault.BlindIndex(ctx, tx, "email", email)
	if err != nil {
		return 0, err
	}
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE email_index = $1`, index).Scan(&exists); err != nil {
		return 0, fmt.Errorf("check e-mail: %w", err)
	}
	if exists > 0 {
		return 0, validation.Errors{"email": "email.taken"}
	}
	subj, err := s.vault.NewSubject(ctx, tx, "user")
	if err != nil {
		return 0, err
	}
	emailSealed, err := s.vault.SealString(ctx, tx, subj, "users.email", email)
	if err != nil {
		return 0, err
	}
	nameSealed, err := s.vault.SealString(ctx, tx, subj, "users.name", name)
	if err != nil {
		return 0, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return 0, err
	}
	now := s.clk.Now()
	var confirmedAt sql.NullString
	if confirmed {
		confirmedAt = db.NullTS(now)
	}
	var id int64
	err = tx.QueryRowContext(ctx,
		`INSERT INTO users (subject_id, email_index, email_sealed, name_sealed, password_hash, email_confirmed_at, lang, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		int64(subj), index, emailSealed, nameSealed, hash, confirmedAt, lang, db.TS(now)).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, validation.Errors{"email": "email.taken"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert user: %w", err)
	}
	return id, nil
}

func scanOrg(row interface{ Scan(...any) error }) (*Organisation, error) {
	o := &Organisation{}
	var created string
	var trial sql.NullString
	err := row.Scan(&o.ID, &o.Slug, &o.Name, &created, &trial)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read organisation: %w", err)
	}
	o.CreatedAt, _ = db.ParseTS(created)
	o.TrialEndsAt, _ = db.ParseNullTS(trial)
	return o, nil
}

const orgColumns = `id, slug, name, created_at, trial_ends_at`

func orgBySlug(ctx context.Context, tx *db.Tx, slug string) (*Organisation, error) {
	return scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE slug = $1`, slug))
}

func orgByID(ctx context.Context, tx *db.Tx, id int64) (*Organisation, error) {
	return scanOrg(tx.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, id))
}

// insertOrg creates an organisation with a unique slug derived from name.
func insertOrg(ctx context.Context, tx *db.Tx, slug, name string, now, trialEnds time.Time, termsVersion string) (*Organisation, error) {
	base := slug
	for i := 2; ; i++ {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE slug = $1`, slug).Scan(&n); err != nil {
			return nil, fmt.Errorf("check slug: %w", err)
		}
		if n == 0 {
			break
		}
		slug = fmt.Sprintf("%s-%d", base, i)
	}
	var terms sql.NullString
	if termsVersion != "" {
		terms = db.NullTS(now)
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO organisations (slug, name, created_at, trial_ends_at, terms_version, terms_accepted_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, slug, name, db.TS(now), db.NullTS(trialEnds), termsVersion, terms).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("insert organisation: %w", err)
	}
	return &Organisation{ID: id, Slug: slug, Name: name, CreatedAt: now, TrialEndsAt: trialEnds}, nil
}

// insertMembership runs in the organisation's own transaction (RLS checks it).
// It also makes sure the organisation has its keys, so later read-only
// transactions can compute blind indexes.
func (s *Service) insertMembership(ctx context.Context, tx *db.Tx, userID int64, role Role, now time.Time) error {
	if err := s.vault.EnsureOrgKeys(ctx, tx); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)`,
		tx.OrgID(), userID, string(role), db.TS(now))
	if db.IsUniqueViolation(err) {
		return validation.Errors{"email": "member.exists"}
	}
	if err != nil {
		return fmt.Errorf("insert membership: %w", err)
	}
	return nil
}

// memberships are user userID's organisations with the role in each, by
// name (a system transaction: they span organisations).
func memberships(ctx context.Context, tx *db.Tx, userID int64) ([]Membership, error) {
	rows, err := tx.QueryContext(ctx, `SELECT o.id, o.slug, o.name, o.created_at, o.trial_ends_at, m.role
		FROM memberships m JOIN organisations o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.name, o.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		var created string
		var trial sql.NullString
		if err := rows.Scan(&m.Org.ID, &m.Org.Slug, &m.Org.Name, &created, &trial, &m.Role); err != nil {
			return nil, fmt.Errorf("list memberships: %w", err)
		}
		m.Org.CreatedAt, _ = db.ParseTS(created)
		m.Org.TrialEndsAt, _ = db.ParseNullTS(trial)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	return out, nil
}

// memberOf is user userID as a member of the organisation slug names
// (validation.ErrNotFound when there is no such organisation or the user is
// not in it), read in a system transaction.
func memberOf(ctx context.Context, tx *db.Tx, userID int64, slug string) (Actor, error) {
	a := Actor{UserID: userID, Kind: "user"}
	var role string
	err := tx.QueryRowContext(ctx, `SELECT o.id, o.slug, m.role FROM organisations o
		JOIN memberships m ON m.org_id = o.id AND m.user_id = $2
		WHERE o.slug = $1`, slug, userID).Scan(&a.OrgID, &a.OrgSlug, &role)
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, validation.ErrNotFound
	}
	if err != nil {
		return Actor{}, fmt.Errorf("read membership: %w", err)
	}
	a.Role = Role(role)
	return a, nil
}

func membershipRole(ctx context.Context, tx *db.Tx, userID int64) (Role, error) {
	var role string
	err := tx.QueryRowContext(ctx, `SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2`, tx.OrgID(), userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", validation.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("read membership: %w", err)
	}
	return Role(role), nil
}

func countOwners(ctx context.Context, tx *db.Tx) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM memberships WHERE org_id = $1 AND role = 'owner'`, tx.OrgID()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count owners: %w", err)
	}
	return n, nil
}

// insertUserToken stores a one-time token (confirm, reset, email change).
func insertUserToken(ctx context.Context, tx *db.Tx, userID int64, purpose, hash string, data []byte,
	now time.Time, ttl time.Duration) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO user_tokens (user_id, purpose, token_hash, data_sealed, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, userID, purpose, hash, data, db.TS(now), db.TS(now.Add(ttl)))
	if err != nil {
		return fmt.Errorf("store %s token: %w", purpose, err)
	}
	return nil
}

// takeUserToken marks a valid, unused, unexpired token used and returns its
// user and data. Every failure is the same problem: the link is not valid.
func takeUserToken(ctx context.Context, tx *db.Tx, purpose, token string, now time.Time) (int64, []byte, error) {
	var id, userID int64
	var data []byte
	var expires string
	var used sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT id, user_id, data_sealed, expires_at, used_at FROM user_tokens
		WHERE token_hash = $1 AND purpose = $2`, hashSecret(strings.TrimSpace(token)), purpose).Scan(&id, &userID, &data, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, ErrLinkInvalid
	}
	if err != nil {
		return 0, nil, fmt.Errorf("read token: %w", err)
	}
	exp, _ := db.ParseTS(expires)
	if used.Valid || !now.Before(exp) {
		return 0, nil, ErrLinkInvalid
	}
	if _, err := tx.ExecContext(ctx, `UPDATE user_tokens SET used_at = $1 WHERE id = $2`, db.TS(now), id); err != nil {
		return 0, nil, fmt.Errorf("use token: %w", err)
	}
	return userID, data, nil
}
