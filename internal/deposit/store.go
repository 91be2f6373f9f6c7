package deposit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func insertEvidence(ctx context.Context, tx *db.Tx, leaseID, entryID int64, name []byte, ct string, size int64, sum string, content []byte,
	subject vault.SubjectID, now string, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx,
		`INSERT INTO deposit_evidence (org_id, lease_id, entry_id, name_sealed, content_type, size_bytes, sha256, content_sealed,
			created_at, created_by, subject_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		RETURNING id`, tx.OrgID(), leaseID, entryID, name, ct, size, sum, content, now, by, int64(subject)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert evidence: %w", err)
	}
	return id, nil
}

func countEvidence(ctx context.Context, tx *db.Tx, entryID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM deposit_evidence WHERE org_id = $1 AND entry_id = $2`, tx.OrgID(), entryID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count evidence: %w", err)
	}
	return n, nil
}

const evidenceColumns = `id, lease_id, entry_id, content_type, size_bytes, sha256, created_at, created_by`

func scanEvidence(r interface{ Scan(...any) error }, extra ...any) (Evidence, error) {
	var e Evidence
	var created string
	if err := r.Scan(append([]any{&e.ID, &e.LeaseID, &e.EntryID, &e.ContentType, &e.Size, &e.SHA256, &created,
		&e.CreatedBy}, extra...)...); err != nil {
		return e, err
	}
	e.CreatedAt = db.ShownTS(created)
	return e, nil
}

// evidenceOfLease lists a lease's evidence by deduction entry, without
// names (they are sealed; the page shows the type and size).
func evidenceOfLease(ctx context.Context, tx *db.Tx, leaseID int64) (map[int64][]Evidence, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT `+evidenceColumns+` FROM deposit_evidence WHERE org_id = $1 AND lease_id = $2 ORDER BY id`, tx.OrgID(), leaseID)
	if err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Evidence{}
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, fmt.Errorf("scan evidence: %w", err)
		}
		out[e.EntryID] = append(out[e.EntryID], e)
	}
	return out, rows.Err()
}

// evidenceRow reads an evidence file with its sealed name and content and
// the subject they are sealed under (0: sealed per organisation, before
// migration 00040).
func evidenceRow(ctx context.Context, tx *db.Tx, leaseID, id int64) (Evidence, []byte, []byte, vault.SubjectID, error) {
	var name, content []byte
	var subject sql.NullInt64
	e, err := scanEvidence(tx.QueryRowContext(ctx, `SELECT `+evidenceColumns+`, name_sealed, content_sealed, subject_id
		FROM deposit_evidence WHERE id = $1 AND lease_id = $2 AND org_id = $3`, id, leaseID, tx.OrgID()), &name, &content, &subject)
	if errors.Is(err, sql.ErrNoRows) {
		return e, nil, nil, 0, validation.ErrNotFound
	}
	if err != nil {
		return e, nil, nil, 0, fmt.Errorf("read evidence: %w", err)
	}
	return e, name, content, vault.SubjectID(subject.Int64), nil
}

// documentSubjectsTx lists the subjects of a lease's evidence files and
// specifications.
func documentSubjectsTx(ctx context.Context, tx *db.Tx, leaseID int64) ([]vault.SubjectID, error) {
	rows, err := tx.QueryContext(ctx, `SELECT subject_id FROM deposit_evidence WHERE org_id = $1 AND lease_id = $2
		AND subject_id IS NOT NULL
		UNION ALL SELECT subject_id FROM deposit_specifications WHERE org_id = $1 AND lease_id = $2 AND subject_id IS NOT NULL`,
		tx.OrgID(), leaseID)
	if err != nil {
		return nil, fmt.Errorf("deposit document subjects: %w", err)
	}
	defer rows.Close()
	var out []vault.SubjectID
	for rows.Next() {
		var s int64
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("deposit document subjects: %w", err)
		}
		out = append(out, vault.SubjectID(s))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("deposit document subjects: %w", err)
	}
	return out, nil
}

// dueLeases are the leases ending on or before until with a positive
// deposit balance, whose reference contains search.
func dueLeases(ctx context.Context, tx *db.Tx, until civil.Date, search string, complexID int64) ([]DueItem, error) {
	rows, err := tx.QueryContext(ctx, `SELECT l.id, l.reference, l.ends_on,
		SUM(CASE WHEN e.kind = 'received' THEN e.amount_cents ELSE -e.amount_cents END) AS held,
		MAX(CASE WHEN e.kind = 'deducted' THEN 1 ELSE 0 END) AS deducted
		FROM leases l JOIN lease_deposit_entries e ON e.org_id = l.org_id AND e.lease_id = l.id
		WHERE l.org_id = $1 AND l.ends_on IS NOT NULL AND l.ends_on <> '' AND l.ends_on <= $2 AND LOWER(l.reference) LIKE $3 ESCAPE '\'
		AND (CAST($4 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM lease_units lu
			WHERE lu.org_id = l.org_id AND lu.lease_id = l.id AND lu.complex_id = $4))
		GROUP BY l.id, l.reference, l.ends_on
		HAVING SUM(CASE WHEN e.kind = 'received' THEN e.amount_cents ELSE -e.amount_cents END) > 0`,
		tx.OrgID(), until, "%"+strings.ToLower(listing.EscapeLike(search))+"%", complexID)
	if err != nil {
		return nil, fmt.Errorf("list deposits due: %w", err)
	}
	defer rows.Close()
	var out []DueItem
	for rows.Next() {
		var it DueItem
		var held, deducted int64
		if err := rows.Scan(&it.LeaseID, &it.Reference, &it.EndsOn, &held, &deducted); err != nil {
			return nil, fmt.Errorf("scan deposit due: %w", err)
		}
		it.Held, it.WithDeductions = money.Cents(held), deducted != 0
		out = append(out, it)
	}
	return out, rows.Err()
}
