package rentincrease

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// --- caps ---

func loadOverrides(ctx context.Context, tx *db.Tx) ([]override, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT segment, year, percent_rate, source FROM rent_increase_cap_overrides WHERE org_id = $1 ORDER BY segment, year`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("load cap overrides: %w", err)
	}
	defer rows.Close()
	var out []override
	for rows.Next() {
		var o override
		if err := rows.Scan(&o.Segment, &o.Year, &o.Percent, &o.Source); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// --- settings ---

func loadSettings(ctx context.Context, tx *db.Tx) (Settings, error) {
	var st Settings
	err := tx.QueryRowContext(ctx, `SELECT sender_name, objection_text, objection_text_free FROM rent_increase_settings WHERE org_id = $1`,
		tx.OrgID()).Scan(&st.SenderName, &st.ObjectionText, &st.ObjectionTextFree)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("load rent increase settings: %w", err)
	}
	return st, nil
}

// --- clauses ---

const clauseColumns = `lease_id, method, percent_rate, cpi_series, base_year, lag_months, floor_zero, cap_rate, first_date, frequency, ` +
	`updated_at`

func scanClause(row interface{ Scan(...any) error }) (*Clause, error) {
	var c Clause
	var capRate sql.NullInt64
	var updated string
	if err := row.Scan(&c.LeaseID, &c.Method, &c.Percent, &c.Series, &c.BaseYear, &c.LagMonths, &c.FloorZero, &capRate,
		&c.FirstDate, &c.Frequency, &updated); err != nil {
		return nil, err
	}
	if capRate.Valid {
		r := money.Rate(capRate.Int64)
		c.Cap = &r
	}
	c.UpdatedAt, _ = db.ParseTS(updated)
	return &c, nil
}

func loadClause(ctx context.Context, tx *db.Tx, leaseID int64) (*Clause, error) {
	c, err := scanClause(tx.QueryRowContext(ctx,
		`SELECT `+clauseColumns+` FROM rent_increase_clauses WHERE org_id = $1 AND lease_id = $2`, tx.OrgID(), leaseID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load clause: %w", err)
	}
	return c, nil
}

func loadClauses(ctx context.Context, tx *db.Tx) (map[int64]*Clause, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+clauseColumns+` FROM rent_increase_clauses WHERE org_id = $1`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("load clauses: %w", err)
	}
	defer rows.Close()
	out := map[int64]*Clause{}
	for rows.Next() {
		c, err := scanClause(rows)
		if err != nil {
			return nil, err
		}
		out[c.LeaseID] = c
	}
	return out, rows.Err()
}

func saveClause(ctx context.Context, tx *db.Tx, c *Clause, now string, by int64) error {
	var capRate sql.NullInt64
	if c.Cap != nil {
		capRate = sql.NullInt64{Int64: int64(*c.Cap), Valid: true}
	}
	var first sql.NullString
	if !c.FirstDate.IsZero() {
		first = sql.NullString{String: c.FirstDate.String(), Valid: true}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO rent_increase_clauses (org_id, lease_id, method, percent_rate, cpi_series, base_year,
		lag_months, floor_zero, cap_rate, first_date, frequency, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'yearly', $11, $12)
		ON CONFLICT (org_id, lease_id) DO UPDATE SET method = excluded.method, percent_rate = excluded.percent_rate,
		cpi_series = excluded.cpi_series, base_year = excluded.base_year, lag_months = excluded.lag_months,
		floor_zero = excluded.floor_zero, cap_rate = excluded.cap_rate, first_date = excluded.first_date,
		updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		tx.OrgID(), c.LeaseID, c.Method, c.Percent, c.Series, c.BaseYear, c.LagMonths, c.FloorZero, capRate, first, now, by)
	if err != nil {
		return fmt.Errorf("save clause: %w", err)
	}
	return nil
}

// --- CPI ---

// cpiTable is every figure of the organisation, by series and month.
type cpiTable map[string]string

func (t cpiTable) lookup(series string, m civil.Month) (string, bool) {
	v, ok := t[series+"|"+m.String()]
	return v, ok
}

func loadCPI(ctx context.Context, tx *db.Tx, series string) ([]CPIPoint, error) {
	q := `SELECT series, month, value FROM cpi_indices WHERE org_id = $1`
	args := []any{tx.OrgID()}
	if series != "" {
		q += ` AND series = $2`
		args = append(args, series)
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY series, month`, args...)
	if err != nil {
		return nil, fmt.Errorf("load cpi: %w", err)
	}
	defer rows.Close()
	var out []CPIPoint
	for rows.Next() {
		var p CPIPoint
		if err := rows.Scan(&p.Series, &p.Month, &p.Value); err != nil {
			return nil, fmt.Errorf("scan cpi: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func cpiTableOf(ps []CPIPoint) cpiTable {
	t := cpiTable{}
	for _, p := range ps {
		t[p.Series+"|"+p.Month.String()] = p.Value
	}
	return t
}

// --- leases ---

// activeLeaseIDs lists the leases that run on day d. The lease table is
// read directly for the ids only; everything else comes through the lease
// service.
func activeLeaseIDs(ctx context.Context, tx *db.Tx, d civil.Date) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM leases WHERE org_id = $1 AND start_date <= $2
		AND (ends_on IS NULL OR ends_on >= $2) ORDER BY reference, id`, tx.OrgID(), d.String())
	if err != nil {
		return nil, fmt.Errorf("active leases: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// --- proposals ---

const proposalColumns = `id, lease_id, lease_reference, address, effective_date, status, kind, segment, basis, old_cents, max_cents,
	new_cents, adjusted, cap_rate, notes, letter_sha256, delivered_on, delivery_method, component_id, created_at, updated_at,
	confirmed_at, applied_at`

func scanProposal(row interface{ Scan(...any) error }) (*Proposal, error) {
	var p Proposal
	var capRate, component sql.NullInt64
	var notes string
	var method, confirmed, applied sql.NullString
	var created, updated string
	if err := row.Scan(&p.ID, &p.LeaseID, &p.LeaseReference, &p.Address, &p.EffectiveDate, &p.Status, &p.Kind, &p.Segment, &p.Basis,
		&p.OldCents, &p.MaxCents, &p.NewCents, &p.Adjusted, &capRate, &notes, &p.LetterSHA256, &p.DeliveredOn, &method, &component,
		&created, &updated, &confirmed, &applied); err != nil {
		return nil, err
	}
	if capRate.Valid {
		r := money.Rate(capRate.Int64)
		p.CapRate = &r
	}
	if err := json.Unmarshal([]byte(notes), &p.Notes); err != nil {
		return nil, fmt.Errorf("proposal %d notes: %w", p.ID, err)
	}
	p.DeliveryMethod = lease.DeliveryMethod(method.String)
	p.ComponentID = component.Int64
	p.CreatedAt, _ = db.ParseTS(created)
	p.UpdatedAt, _ = db.ParseTS(updated)
	p.ConfirmedAt, _ = db.ParseNullTS(confirmed)
	p.AppliedAt, _ = db.ParseNullTS(applied)
	return &p, nil
}

func getProposal(ctx context.Context, tx *db.Tx, id int64) (*Proposal, error) {
	p, err := scanProposal(tx.QueryRowContext(ctx,
		`SELECT `+proposalColumns+` FROM rent_increase_proposals WHERE id = $1 AND org_id = $2`, id, tx.OrgID()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load proposal: %w", err)
	}
	return p, nil
}

func proposalsOn(ctx context.Context, tx *db.Tx, d civil.Date) (map[int64]*Proposal, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT `+proposalColumns+` FROM rent_increase_proposals WHERE org_id = $1 AND effective_date = $2`, tx.OrgID(), d.String())
	if err != nil {
		return nil, fmt.Errorf("load proposals: %w", err)
	}
	defer rows.Close()
	out := map[int64]*Proposal{}
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out[p.LeaseID] = p
	}
	return out, rows.Err()
}

func nullRate(r *money.Rate) sql.NullInt64 {
	if r == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*r), Valid: true}
}

func notesJSON(ns []Note) string {
	if ns == nil {
		ns = []Note{}
	}
	b, _ := json.Marshal(ns)
	return string(b)
}

// saveDraft inserts or refreshes a proposal that is not confirmed yet.
func saveDraft(ctx context.Context, tx *db.Tx, p *Proposal, now string) (int64, error) {
	if p.ID == 0 {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO rent_increase_proposals (org_id, lease_id, effective_date, status, lease_reference,
			address, kind, segment, basis, old_cents, max_cents, new_cents, adjusted, cap_rate, notes, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
			tx.OrgID(), p.LeaseID, p.EffectiveDate.String(), p.Status, p.LeaseReference, p.Address, p.Kind, p.Segment, p.Basis,
			p.OldCents, p.MaxCents, p.NewCents, p.Adjusted, nullRate(p.CapRate), notesJSON(p.Notes), now).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("insert proposal: %w", err)
		}
		return id, nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE rent_increase_proposals SET status = $3, lease_reference = $4, address = $5, kind = $6,
		segment = $7, basis = $8, old_cents = $9, max_cents = $10, new_cents = $11, adjusted = $12, cap_rate = $13, notes = $14,
		updated_at = $15 WHERE id = $1 AND org_id = $2`,
		p.ID, tx.OrgID(), p.Status, p.LeaseReference, p.Address, p.Kind, p.Segment, p.Basis, p.OldCents, p.MaxCents, p.NewCents,
		p.Adjusted, nullRate(p.CapRate), notesJSON(p.Notes), now)
	if err != nil {
		return 0, fmt.Errorf("update proposal: %w", err)
	}
	return p.ID, nil
}

func deleteProposal(ctx context.Context, tx *db.Tx, id int64) error {
	_, err := tx.ExecContext(ctx,
		`DELETE FROM rent_increase_proposals WHERE id = $1 AND org_id = $2 AND status IN ('draft','excluded','skipped')`, id, tx.OrgID())
	if err != nil {
		return fmt.Errorf("delete proposal: %w", err)
	}
	return nil
}

// ListFilter narrows a proposal list.
type ListFilter struct {
	Date    civil.Date
	Status  Status
	AfterID int64 // API cursor: only ids greater than this (use with sort "id")
}

var sortColumns = map[string]string{
	"reference": "lease_reference", "address": "address", "old": "old_cents", "new": "new_cents", "status": "status", "id": "id",
	// The percentage sorts by the proposal's change relative to the old rent.
	"percent": "CASE WHEN old_cents = 0 OR new_cents = 0 THEN 0 ELSE (new_cents - old_cents) * 1000000 / old_cents END",
}

func listProposals(ctx context.Context, tx *db.Tx, q listing.Query, f ListFilter) (listing.Page[Proposal], error) {
	var page listing.Page[Proposal]
	where := []string{"org_id = $1", "effective_date = $2"}
	args := []any{tx.OrgID(), f.Date.String()}
	if q.Search != "" {
		args = append(args, "%"+strings.ToLower(listing.EscapeLike(q.Search))+"%")
		n := len(args)
		where = append(where, fmt.Sprintf(`(LOWER(lease_reference) LIKE $%d ESCAPE '\' OR LOWER(address) LIKE $%d ESCAPE '\')`, n, n))
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		where = append(where, fmt.Sprintf("status = $%d", len(args)))
	}
	if f.AfterID > 0 {
		args = append(args, f.AfterID)
		where = append(where, fmt.Sprintf("id > $%d", len(args)))
	}
	cond := strings.Join(where, " AND ")
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM rent_increase_proposals WHERE `+cond, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count proposals: %w", err)
	}
	dir := q.Direction()
	rows, err := tx.QueryContext(ctx, `SELECT `+proposalColumns+` FROM rent_increase_proposals WHERE `+cond+
		` ORDER BY `+sortColumns[q.Sort]+` `+dir+`, lease_reference `+dir+`, id `+
		dir+fmt.Sprintf(` LIMIT %d OFFSET %d`, q.Limit, q.Offset), args...)
	if err != nil {
		return page, fmt.Errorf("list proposals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return page, err
		}
		page.Items = append(page.Items, *p)
	}
	return page, rows.Err()
}
