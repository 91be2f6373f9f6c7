package requests

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// The two tables have the same columns; a System transaction works on the
// platform's, an organisation transaction on its inbox. scope gives the
// table and the condition that keeps a query to the transaction's own rows
// ($1 is always tx.OrgID(); the platform table has no org_id and its
// transaction's organisation is 0).
func scope(tx *db.Tx) (table, where string) {
	if tx.IsSystem() {
		return "privacy_platform_requests", "$1 = 0"
	}
	return "privacy_requests", "org_id = $1"
}

const columns = `id, kind, about, channel, state, priority, lang, received_at, due_on, first_due_on, verified_at,
	verified_how, code_hash, code_expires_at, code_attempts, code_sends, person_id, refusal_id, outcome, closed_at,
	forwarded_org_id, linked_request_id, export_sealed IS NOT NULL, subject_id, data_sealed`

func scanRequest(sc interface{ Scan(...any) error }, org int64) (*Request, []byte, error) {
	r := &Request{OrgID: org}
	var received string
	var verified, expires, closed sql.NullString
	var priority int
	var sealed []byte
	err := sc.Scan(&r.ID, &r.Kind, &r.About, &r.Channel, &r.State, &priority, &r.Lang, &received, &r.DueOn, &r.FirstDueOn,
		&verified, &r.VerifiedBy, &r.codeHash, &expires, &r.attempts, &r.sends, &r.PersonID, &r.RefusalID, &r.Outcome, &closed,
		&r.Forwarded, &r.Linked, &r.HasExport, &r.subject, &sealed)
	if err != nil {
		return nil, nil, err
	}
	r.Priority = priority != 0
	r.ReceivedAt = db.ShownTS(received)
	r.VerifiedAt = db.ShownNullTS(verified)
	r.codeExpiry = db.ShownNullTS(expires)
	r.ClosedAt = db.ShownNullTS(closed)
	return r, sealed, nil
}

func insertRequest(ctx context.Context, tx *db.Tx, r *Request, subject int64, sealed []byte) (int64, error) {
	table, _ := scope(tx)
	cols := `subject_id, kind, about, channel, state, priority, lang, received_at, due_on, first_due_on, verified_at,
		verified_how, person_id, forwarded_org_id, linked_request_id, data_sealed`
	args := []any{subject, string(r.Kind), string(r.About), string(r.Channel), string(r.State), boolInt(r.Priority), r.Lang,
		db.TS(r.ReceivedAt), r.DueOn, r.FirstDueOn, db.NullTS(r.VerifiedAt), r.VerifiedBy, r.PersonID, r.Forwarded, r.Linked, sealed}
	if !tx.IsSystem() {
		cols += ", org_id"
		args = append(args, tx.OrgID())
	}
	marks := make([]string, len(args))
	for i := range args {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO `+table+` (`+cols+`) VALUES (`+strings.Join(marks, ", ")+`) RETURNING id`,
		args...).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("subject requests: insert: %w", err)
	}
	return id, nil
}

// getRequest reads one request with its sealed document; forUpdate is
// ignored by SQLite (one writer) and locks the row on PostgreSQL.
func getRequest(ctx context.Context, tx *db.Tx, id int64, forUpdate bool) (*Request, []byte, error) {
	table, where := scope(tx)
	q := `SELECT ` + columns + ` FROM ` + table + ` WHERE ` + where + ` AND id = $2`
	if forUpdate && tx.Dialect() == db.Postgres {
		q += ` FOR UPDATE`
	}
	r, sealed, err := scanRequest(tx.QueryRowContext(ctx, q, tx.OrgID(), id), tx.OrgID())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("subject requests: get %d: %w", id, err)
	}
	return r, sealed, nil
}

// Filter narrows a list.
type Filter struct {
	Open    bool       // only requests still waiting for an answer
	Overdue civil.Date // non-zero: only open requests due before this day
	ByID    bool       // in id order after AfterID (the API's pages)
	AfterID int64
	Limit   int // 0: no limit
}

// listRequests lists requests: overdue first (the oldest due day first),
// then open ones, those with priority (P12) first, by due day, then closed
// ones newest first.
func listRequests(ctx context.Context, tx *db.Tx, f Filter, today civil.Date) ([]*Request, [][]byte, error) {
	table, where := scope(tx)
	q := `SELECT ` + columns + ` FROM ` + table + ` WHERE ` + where
	args := []any{tx.OrgID()}
	if f.Open || !f.Overdue.IsZero() {
		q += ` AND state NOT IN ('completed', 'refused')`
	}
	if !f.Overdue.IsZero() {
		args = append(args, f.Overdue)
		q += fmt.Sprintf(` AND due_on < $%d`, len(args))
	}
	if f.ByID {
		args = append(args, f.AfterID)
		q += fmt.Sprintf(` AND id > $%d ORDER BY id`, len(args))
	} else {
		args = append(args, today)
		q += fmt.Sprintf(` ORDER BY CASE WHEN state IN ('completed', 'refused') THEN 2 WHEN due_on < $%d THEN 0 ELSE 1 END,
			CASE WHEN state IN ('completed', 'refused') THEN 0 ELSE priority END DESC,
			CASE WHEN state IN ('completed', 'refused') THEN '' ELSE due_on END, received_at DESC, id DESC`, len(args))
	}
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("subject requests: list: %w", err)
	}
	defer rows.Close()
	var out []*Request
	var sealed [][]byte
	for rows.Next() {
		r, s, err := scanRequest(rows, tx.OrgID())
		if err != nil {
			return nil, nil, fmt.Errorf("subject requests: list: %w", err)
		}
		out = append(out, r)
		sealed = append(sealed, s)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("subject requests: list: %w", err)
	}
	return out, sealed, nil
}

// updateRequest writes the request's changing columns (and the sealed
// document when given).
func updateRequest(ctx context.Context, tx *db.Tx, r *Request, sealed []byte) error {
	table, where := scope(tx)
	_, err := tx.ExecContext(ctx, `UPDATE `+table+` SET state = $3, due_on = $4, verified_at = $5, verified_how = $6,
		code_hash = $7, code_expires_at = $8, code_attempts = $9, code_sends = $10, person_id = $11, refusal_id = $12,
		outcome = $13, closed_at = $14, forwarded_org_id = $15, linked_request_id = $16,
		data_sealed = COALESCE($17, data_sealed)
		WHERE `+where+` AND id = $2`,
		tx.OrgID(), r.ID, string(r.State), r.DueOn, db.NullTS(r.VerifiedAt), r.VerifiedBy, r.codeHash, db.NullTS(r.codeExpiry),
		r.attempts, r.sends, r.PersonID, r.RefusalID, r.Outcome, db.NullTS(r.ClosedAt), r.Forwarded, r.Linked, sealed)
	if err != nil {
		return fmt.Errorf("subject requests: update %d: %w", r.ID, err)
	}
	return nil
}

func setExport(ctx context.Context, tx *db.Tx, id int64, sealed []byte) error {
	table, where := scope(tx)
	if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET export_sealed = $3 WHERE `+where+` AND id = $2`,
		tx.OrgID(), id, sealed); err != nil {
		return fmt.Errorf("subject requests: store export %d: %w", id, err)
	}
	return nil
}

func readExport(ctx context.Context, tx *db.Tx, id int64) (subject int64, sealed []byte, err error) {
	table, where := scope(tx)
	err = tx.QueryRowContext(ctx, `SELECT subject_id, export_sealed FROM `+table+` WHERE `+where+` AND id = $2`,
		tx.OrgID(), id).Scan(&subject, &sealed)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && sealed == nil) {
		return 0, nil, validation.ErrNotFound
	}
	if err != nil {
		return 0, nil, fmt.Errorf("subject requests: read export %d: %w", id, err)
	}
	return subject, sealed, nil
}

// remindable lists open requests due on or before until and not reminded
// on today.
func remindable(ctx context.Context, tx *db.Tx, until, today civil.Date) ([]int64, error) {
	table, where := scope(tx)
	rows, err := tx.QueryContext(ctx, `SELECT id FROM `+table+` WHERE `+where+`
		AND state NOT IN ('completed', 'refused') AND due_on <= $2 AND (reminded_on IS NULL OR reminded_on < $3) ORDER BY id`,
		tx.OrgID(), until, today)
	if err != nil {
		return nil, fmt.Errorf("subject requests: remindable: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("subject requests: remindable: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func markReminded(ctx context.Context, tx *db.Tx, ids []int64, today civil.Date) error {
	table, where := scope(tx)
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET reminded_on = $3 WHERE `+where+` AND id = $2`,
			tx.OrgID(), id, today); err != nil {
			return fmt.Errorf("subject requests: mark reminded: %w", err)
		}
	}
	return nil
}

// orgsByName finds the organisations with this name (case and surrounding
// spaces ignored); at most two, since only one is a match.
func orgsByName(ctx context.Context, tx *db.Tx, name string) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM organisations WHERE lower(trim(name)) = $1 ORDER BY id LIMIT 2`,
		strings.ToLower(strings.TrimSpace(name)))
	if err != nil {
		return nil, fmt.Errorf("subject requests: match landlord: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("subject requests: match landlord: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func orgIDs(ctx context.Context, tx *db.Tx) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM organisations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("subject requests: organisations: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("subject requests: organisations: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func orgName(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", validation.Errors{"org": "subject_request.org_unknown"}
	}
	if err != nil {
		return "", fmt.Errorf("subject requests: organisation %d: %w", id, err)
	}
	return name, nil
}

func orgSlug(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var slug string
	if err := tx.QueryRowContext(ctx, `SELECT slug FROM organisations WHERE id = $1`, id).Scan(&slug); err != nil {
		return "", fmt.Errorf("subject requests: organisation %d: %w", id, err)
	}
	return slug, nil
}

// Tokens (System transactions): a link's secret → the request it opens.

func insertToken(ctx context.Context, tx *db.Tx, hash string, org, id int64, purpose string, expires time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO privacy_request_tokens (token_hash, owner_org, request_id, purpose, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, hash, org, id, purpose, db.TS(expires)); err != nil {
		return fmt.Errorf("subject requests: store link: %w", err)
	}
	return nil
}

// findToken finds an unused, unexpired link; use marks it used.
func findToken(ctx context.Context, tx *db.Tx, hash, purpose string, now time.Time, use bool) (org, id int64, err error) {
	err = tx.QueryRowContext(ctx, `SELECT owner_org, request_id FROM privacy_request_tokens
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`, hash, purpose, db.TS(now)).Scan(&org, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, ErrLinkInvalid
	}
	if err != nil {
		return 0, 0, fmt.Errorf("subject requests: find link: %w", err)
	}
	if use {
		if _, err := tx.ExecContext(ctx, `UPDATE privacy_request_tokens SET used_at = $2 WHERE token_hash = $1`,
			hash, db.TS(now)); err != nil {
			return 0, 0, fmt.Errorf("subject requests: use link: %w", err)
		}
	}
	return org, id, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
