package lease

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
)

// openEnd stands in for "no end" in date comparisons (ISO text order).
const openEnd = "9999-12-31"

// placeholders returns "$n, $n+1, …" for len(ids) values starting at n, and
// the values as arguments.
func placeholders(n int, ids []int64) (string, []any) {
	ps := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ps[i] = "$" + strconv.Itoa(n+i)
		args[i] = id
	}
	return strings.Join(ps, ", "), args
}

// idArgs are ids as query arguments.
func idArgs(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

const leaseColumns = `id, reference, kind, start_date, end_date, ends_on, notice_months_tenant, notice_months_landlord,
	billing_frequency, due_day, payment_method, vat_opted, deposit_cents, segment, created_at, updated_at`

// scanLease reads leaseColumns and then extra, the columns a query adds.
func scanLease(row interface{ Scan(...any) error }, extra ...any) (*Lease, error) {
	var l Lease
	var landlord sql.NullInt64
	var created, updated string
	dest := append([]any{&l.ID, &l.Reference, &l.Kind, &l.Start, &l.End, &l.EndsOn, &l.NoticeMonthsTenant, &landlord,
		&l.BillingFrequency, &l.DueDay, &l.PaymentMethod, &l.VATOpted, &l.DepositCents, &l.Segment, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	l.NoticeMonthsLandlord = int(landlord.Int64)
	l.CreatedAt, l.UpdatedAt = db.ShownTS(created), db.ShownTS(updated)
	return &l, nil
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// listQuery is List's filter as SQL: conditions on leases l, with their
// arguments ($1 is the organisation, set from the transaction).
type listQuery struct {
	where []string
	args  []any
	// byKey: a unit's or a tenant's leases, a few found through the
	// unit's or party's index (see bind).
	byKey bool
}

// noticeActive is true for a lease with notice given and not withdrawn.
const noticeActive = `EXISTS (SELECT 1 FROM lease_terminations t WHERE t.lease_id = l.id AND t.org_id = l.org_id
	AND t.withdrawn_at IS NULL)`

// newListQuery builds the conditions of f and search; statuses are those
// on day today. An unknown status is a field error.
func newListQuery(f ListFilter, search string, today civil.Date) (*listQuery, error) {
	lq := &listQuery{where: []string{"l.org_id = $1"}, args: []any{int64(0)}}
	arg := func(v any) string {
		lq.args = append(lq.args, v)
		return fmt.Sprintf("$%d", len(lq.args))
	}
	if search != "" {
		lq.where = append(lq.where, `LOWER(l.reference) LIKE `+arg("%"+strings.ToLower(listing.EscapeLike(search))+"%")+` ESCAPE '\'`)
	}
	if f.UnitID > 0 {
		lq.where = append(lq.where, `l.id IN (SELECT u.lease_id FROM lease_units u WHERE u.org_id = $1 AND u.unit_id = `+arg(f.UnitID)+`)`)
		lq.byKey = true
	}
	if f.ComplexID > 0 {
		lq.where = append(lq.where, `EXISTS (SELECT 1 FROM lease_units u WHERE u.lease_id = l.id AND u.org_id = l.org_id AND u.complex_id = `+
			arg(f.ComplexID)+`)`)
	}
	if f.TenantID > 0 {
		lq.where = append(lq.where, `l.id IN (SELECT p.lease_id FROM lease_parties p WHERE p.org_id = $1 AND p.role = 'tenant'
			AND p.party_id = `+arg(f.TenantID)+`)`)
		lq.byKey = true
	}
	if f.AfterID > 0 {
		lq.where = append(lq.where, `l.id > `+arg(f.AfterID))
	}
	if !f.EndsBy.IsZero() {
		lq.where = append(lq.where, `l.ends_on IS NOT NULL AND l.ends_on >= `+arg(today.String())+` AND l.ends_on <= `+arg(f.EndsBy.String()))
	}
	switch f.Status {
	case "":
	case StatusUpcoming:
		lq.where = append(lq.where, `l.start_date > `+arg(today.String()))
	case StatusEnded:
		lq.where = append(lq.where, `l.ends_on IS NOT NULL AND l.ends_on < `+arg(today.String()))
	case StatusNotice, StatusActive:
		t := arg(today.String())
		cond := `l.start_date <= ` + t + ` AND (l.ends_on IS NULL OR l.ends_on >= ` + t + `) AND `
		if f.Status == StatusActive {
			cond += "NOT "
		}
		lq.where = append(lq.where, cond+noticeActive)
	default:
		return nil, validation.Errors{"status": "field.invalid"}
	}
	return lq, nil
}

// bind gives the conditions and their arguments for tx's organisation. A
// unit's or a tenant's leases are found through their ids on SQLite: the
// organisation's term written +l.org_id (no index serves it), SQLite
// otherwise walked every lease of the organisation, in the order of the
// page, testing each (a person's page spent 20 ms a request there at
// 10,000 units, against 0.1).
func (lq *listQuery) bind(tx *db.Tx) (string, []any) {
	args := slices.Clone(lq.args)
	args[0] = tx.OrgID()
	where := lq.where
	if lq.byKey {
		where = append([]string{tx.Dialect().Unindexed("l.org_id") + " = $1"}, where[1:]...)
	}
	return strings.Join(where, " AND "), args
}

// count is how many leases match, up to listing.CountCap+1.
func (lq *listQuery) count(ctx context.Context, tx *db.Tx) (int, error) {
	cond, args := lq.bind(tx)
	var n int
	if err := tx.QueryRowContext(ctx, listing.CappedCount(` FROM leases l WHERE `+cond), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("lease: count: %w", err)
	}
	return n, nil
}

// page is the statement of q's page and its arguments.
func (lq *listQuery) page(tx *db.Tx, q listing.Query) (string, []any) {
	cond, args := lq.bind(tx)
	order := map[string]string{"reference": "l.reference", "start_date": "l.start_date", "id": "l.id"}[q.Sort]
	if order == "" {
		order = "l.reference"
	}
	dir := q.Direction()
	return `SELECT ` + prefixed("l.", leaseColumns) + `, ` + noticeActive + ` FROM leases l WHERE ` + cond +
		` ORDER BY ` + order + ` ` + dir + `, l.id ` + dir + fmt.Sprintf(` LIMIT %d OFFSET %d`, q.Limit, q.Offset), args
}

// leases reads q's page of the matching leases (sorted by q.Sort, one of
// "reference", "start_date", "id") and whether notice was given on each.
func (lq *listQuery) leases(ctx context.Context, tx *db.Tx, q listing.Query) ([]*Lease, []bool, error) {
	query, args := lq.page(tx, q)
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("lease: list: %w", err)
	}
	defer rows.Close()
	var ls []*Lease
	var notice []bool
	for rows.Next() {
		var n bool
		l, err := scanLease(rows, &n)
		if err != nil {
			return nil, nil, fmt.Errorf("lease: list: %w", err)
		}
		ls = append(ls, l)
		notice = append(notice, n)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("lease: list: %w", err)
	}
	return ls, notice, nil
}

// loadLease reads a lease of the transaction's organisation with its units,
// parties, components, deposit entries and terminations (ids only: no facts
// from other capabilities). Another organisation's id is ErrNotFound.
func loadLease(ctx context.Context, tx *db.Tx, id int64) (*Lease, error) {
	l, err := scanLease(tx.QueryRowContext(ctx, `SELECT `+leaseColumns+` FROM leases WHERE id = $1 AND org_id = $2`, id, tx.OrgID()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load lease: %w", err)
	}
	ls := []*Lease{l}
	if err := loadUnits(ctx, tx, ls); err != nil {
		return nil, err
	}
	if err := loadParties(ctx, tx, ls); err != nil {
		return nil, err
	}
	if err := loadComponents(ctx, tx, ls); err != nil {
		return nil, err
	}
	if err := loadDeposit(ctx, tx, l); err != nil {
		return nil, err
	}
	if err := loadTerminations(ctx, tx, l); err != nil {
		return nil, err
	}
	return l, nil
}

func byID(ls []*Lease) (map[int64]*Lease, []int64) {
	m := make(map[int64]*Lease, len(ls))
	ids := make([]int64, len(ls))
	for i, l := range ls {
		m[l.ID] = l
		ids[i] = l.ID
	}
	return m, ids
}

func loadUnits(ctx context.Context, tx *db.Tx, ls []*Lease) error {
	if len(ls) == 0 {
		return nil
	}
	m, ids := byID(ls)
	args := idArgs(ids)
	in := tx.Params(2, len(ids))
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, unit_id, complex_id FROM lease_units
		WHERE org_id = $1 AND lease_id IN (`+in+`) ORDER BY lease_id, unit_id`, append([]any{tx.OrgID()}, args...)...)
	if err != nil {
		return fmt.Errorf("load lease units: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var leaseID int64
		var u Unit
		if err := rows.Scan(&leaseID, &u.ID, &u.ComplexID); err != nil {
			return err
		}
		m[leaseID].Units = append(m[leaseID].Units, u)
	}
	return rows.Err()
}

func loadParties(ctx context.Context, tx *db.Tx, ls []*Lease) error {
	if len(ls) == 0 {
		return nil
	}
	m, ids := byID(ls)
	args := idArgs(ids)
	in := tx.Params(2, len(ids))
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, party_id, role FROM lease_parties
		WHERE org_id = $1 AND lease_id IN (`+in+`) ORDER BY lease_id, role DESC, position`, append([]any{tx.OrgID()}, args...)...)
	if err != nil {
		return fmt.Errorf("load lease parties: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var leaseID int64
		var p Party
		if err := rows.Scan(&leaseID, &p.ID, &p.Role); err != nil {
			return err
		}
		m[leaseID].Parties = append(m[leaseID].Parties, p)
	}
	return rows.Err()
}

func loadComponents(ctx context.Context, tx *db.Tx, ls []*Lease) error {
	if len(ls) == 0 {
		return nil
	}
	m, ids := byID(ls)
	args := idArgs(ids)
	in := tx.Params(2, len(ids))
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, id, kind, category, label, amount_cents, vat, valid_from, created_at
		FROM lease_components WHERE org_id = $1
		AND lease_id IN (`+in+`) ORDER BY lease_id, valid_from, id`, append([]any{tx.OrgID()}, args...)...)
	if err != nil {
		return fmt.Errorf("load lease components: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var leaseID int64
		var c Component
		var created string
		if err := rows.Scan(&leaseID, &c.ID, &c.Kind, &c.Category, &c.Label, &c.AmountCents, &c.VAT, &c.ValidFrom, &created); err != nil {
			return err
		}
		c.CreatedAt = db.ShownTS(created)
		m[leaseID].Components = append(m[leaseID].Components, c)
	}
	return rows.Err()
}

func loadDeposit(ctx context.Context, tx *db.Tx, l *Lease) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, kind, entry_date, amount_cents, reason, note, created_at
		FROM lease_deposit_entries WHERE org_id = $1 AND lease_id = $2 ORDER BY entry_date, id`, tx.OrgID(), l.ID)
	if err != nil {
		return fmt.Errorf("load deposit entries: %w", err)
	}
	defer rows.Close()
	l.Deposit = nil
	for rows.Next() {
		var e DepositEntry
		var created string
		if err := rows.Scan(&e.ID, &e.Kind, &e.Date, &e.AmountCents, &e.Reason, &e.Note, &created); err != nil {
			return err
		}
		e.CreatedAt = db.ShownTS(created)
		l.Deposit = append(l.Deposit, e)
	}
	return rows.Err()
}

func loadTerminations(ctx context.Context, tx *db.Tx, l *Lease) error {
	rows, err := tx.QueryContext(ctx,
		`SELECT id, given_by, notice_date, notice_months, end_date, reason, created_at, created_by, withdrawn_at, withdrawn_by
		FROM lease_terminations WHERE org_id = $1 AND lease_id = $2 ORDER BY id DESC`, tx.OrgID(), l.ID)
	if err != nil {
		return fmt.Errorf("load terminations: %w", err)
	}
	defer rows.Close()
	l.Terminations, l.Termination = nil, nil
	for rows.Next() {
		var t Termination
		var created string
		var withdrawn sql.NullString
		var withdrawnBy sql.NullInt64
		if err := rows.Scan(&t.ID, &t.By, &t.NoticeDate, &t.NoticeMonths, &t.EndDate, &t.Reason, &created, &t.CreatedBy,
			&withdrawn, &withdrawnBy); err != nil {
			return err
		}
		t.CreatedAt = db.ShownTS(created)
		t.WithdrawnAt = db.ShownNullTS(withdrawn)
		t.WithdrawnBy = withdrawnBy.Int64
		l.Terminations = append(l.Terminations, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i := range l.Terminations {
		if l.Terminations[i].Active() {
			t := l.Terminations[i]
			l.Termination = &t
		}
	}
	return nil
}

// overlapping returns the units among unitIDs that another lease (not
// leaseID) holds on some day between start and endsOn (zero: open-ended).
func overlapping(ctx context.Context, tx *db.Tx, leaseID int64, unitIDs []int64, start, endsOn civil.Date) ([]int64, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	end := openEnd
	if !endsOn.IsZero() {
		end = endsOn.String()
	}
	in, args := placeholders(5, unitIDs)
	// CROSS JOIN makes SQLite start from the few leases of these units (its
	// join-order hint) instead of every lease that started before the end;
	// PostgreSQL plans it as an inner join.
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT lu.unit_id FROM lease_units lu CROSS JOIN leases l
		WHERE l.id = lu.lease_id AND l.org_id = lu.org_id AND lu.org_id = $1 AND l.id <> $2 AND l.start_date <= $3
		AND COALESCE(l.ends_on, '`+openEnd+`') >= $4
		AND lu.unit_id IN (`+in+`) ORDER BY lu.unit_id`, append([]any{tx.OrgID(), leaseID, end, start.String()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("check overlapping leases: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func referenceTaken(ctx context.Context, tx *db.Tx, leaseID int64, ref string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM leases WHERE org_id = $1 AND reference = $2 AND id <> $3`,
		tx.OrgID(), ref, leaseID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check lease reference: %w", err)
	}
	return n > 0, nil
}

// leaseIDByReference finds a lease by its reference (0 when none).
func leaseIDByReference(ctx context.Context, tx *db.Tx, ref string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM leases WHERE org_id = $1 AND reference = $2`, tx.OrgID(), ref).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("find lease by reference: %w", err)
	}
	return id, nil
}

// nextReference makes a reference "<year>-<nnnn>" from the start year, one
// above the highest such reference of the organisation.
func nextReference(ctx context.Context, tx *db.Tx, start civil.Date) (string, error) {
	prefix := fmt.Sprintf("%04d-", start.Year)
	rows, err := tx.QueryContext(ctx, `SELECT reference FROM leases WHERE org_id = $1 AND reference LIKE $2`, tx.OrgID(), prefix+"%")
	if err != nil {
		return "", fmt.Errorf("next lease reference: %w", err)
	}
	defer rows.Close()
	highest := 0
	for rows.Next() {
		var ref string
		if err := rows.Scan(&ref); err != nil {
			return "", err
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(ref, prefix)); err == nil && n > highest {
			highest = n
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%04d", prefix, highest+1), nil
}

func nullMonths(n int) sql.NullInt64 {
	return sql.NullInt64{Int64: int64(n), Valid: n > 0}
}

func insertLease(ctx context.Context, tx *db.Tx, l *Lease, now string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO leases (org_id, reference, kind, start_date, end_date, ends_on, notice_months_tenant,
		notice_months_landlord, billing_frequency, due_day, payment_method, vat_opted, deposit_cents, segment, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
		tx.OrgID(), l.Reference, l.Kind, l.Start, l.End, l.EndsOn, l.NoticeMonthsTenant, nullMonths(l.NoticeMonthsLandlord),
		l.BillingFrequency, l.DueDay, l.PaymentMethod, l.VATOpted, l.DepositCents, string(l.Segment), now).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, validation.Errors{"reference": "lease.reference.taken"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert lease: %w", err)
	}
	return id, nil
}

func updateLease(ctx context.Context, tx *db.Tx, l *Lease, now string) error {
	_, err := tx.ExecContext(ctx, `UPDATE leases SET reference = $1, kind = $2, start_date = $3, end_date = $4, ends_on = $5,
		notice_months_tenant = $6, notice_months_landlord = $7, billing_frequency = $8, due_day = $9, payment_method = $10,
		vat_opted = $11, deposit_cents = $12, updated_at = $13 WHERE id = $14 AND org_id = $15`,
		l.Reference, l.Kind, l.Start, l.End, l.EndsOn, l.NoticeMonthsTenant, nullMonths(l.NoticeMonthsLandlord),
		l.BillingFrequency, l.DueDay, l.PaymentMethod, l.VATOpted, l.DepositCents, now, l.ID, tx.OrgID())
	if db.IsUniqueViolation(err) {
		return validation.Errors{"reference": "lease.reference.taken"}
	}
	if err != nil {
		return fmt.Errorf("update lease: %w", err)
	}
	return nil
}

func setEndsOn(ctx context.Context, tx *db.Tx, leaseID int64, endsOn civil.Date, now string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE leases SET ends_on = $1, updated_at = $2 WHERE id = $3 AND org_id = $4`,
		endsOn, now, leaseID, tx.OrgID()); err != nil {
		return fmt.Errorf("set lease end: %w", err)
	}
	return nil
}

func replaceUnits(ctx context.Context, tx *db.Tx, leaseID int64, units []Unit, created bool) error {
	// "+org_id": SQLite would otherwise pick the (org_id, unit_id) index and
	// scan the organisation's every lease unit; the key starts with lease_id.
	// A lease inserted just now has none to delete.
	if !created {
		if _, err := tx.ExecContext(ctx, `DELETE FROM lease_units WHERE lease_id = $1 AND +org_id = $2`, leaseID, tx.OrgID()); err != nil {
			return fmt.Errorf("replace lease units: %w", err)
		}
	}
	for _, u := range units {
		if _, err := tx.ExecContext(ctx, `INSERT INTO lease_units (org_id, lease_id, unit_id, complex_id) VALUES ($1, $2, $3, $4)`,
			tx.OrgID(), leaseID, u.ID, u.ComplexID); err != nil {
			return fmt.Errorf("insert lease unit: %w", err)
		}
	}
	return nil
}

func replaceParties(ctx context.Context, tx *db.Tx, leaseID int64, tenants, guarantors []int64, created bool) error {
	// "+org_id" as in replaceUnits: the key starts with lease_id.
	// A lease inserted just now has none to delete.
	if !created {
		if _, err := tx.ExecContext(ctx, `DELETE FROM lease_parties WHERE lease_id = $1 AND +org_id = $2`, leaseID, tx.OrgID()); err != nil {
			return fmt.Errorf("replace lease parties: %w", err)
		}
	}
	for role, ids := range map[Role][]int64{Tenant: tenants, Guarantor: guarantors} {
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO lease_parties (org_id, lease_id, party_id, role, position) VALUES ($1, $2, $3, $4, $5)`,
				tx.OrgID(), leaseID, id, role, i); err != nil {
				return fmt.Errorf("insert lease party: %w", err)
			}
		}
	}
	return nil
}

func insertComponent(ctx context.Context, tx *db.Tx, leaseID int64, c ComponentInput, now string, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx,
		`INSERT INTO lease_components (org_id, lease_id, kind, category, label, amount_cents, vat, valid_from, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		tx.OrgID(), leaseID, c.Kind, c.Category, c.Label, c.AmountCents, c.VAT, c.ValidFrom, now, by).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, validation.Errors{"valid_from": "lease.component.exists"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert component: %w", err)
	}
	return id, nil
}

func insertDepositEntry(ctx context.Context, tx *db.Tx, leaseID int64, e DepositEntryInput, now string, by int64) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx,
		`INSERT INTO lease_deposit_entries (org_id, lease_id, kind, entry_date, amount_cents, reason, note, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		tx.OrgID(), leaseID, e.Kind, e.Date, e.AmountCents, e.Reason, e.Note, now, by).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert deposit entry: %w", err)
	}
	return id, nil
}

func insertTermination(ctx context.Context, tx *db.Tx, leaseID int64, p NoticePreview, reason, now string, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx,
		`INSERT INTO lease_terminations (org_id, lease_id, given_by, notice_date, notice_months, end_date, reason, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		tx.OrgID(), leaseID, p.By, p.NoticeDate, p.NoticeMonths, p.EndDate, reason, now, by).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, ErrNoticeGiven
	}
	if err != nil {
		return 0, fmt.Errorf("insert termination: %w", err)
	}
	return id, nil
}

func withdrawTermination(ctx context.Context, tx *db.Tx, id int64, now string, by int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE lease_terminations SET withdrawn_at = $1, withdrawn_by = $2
		WHERE id = $3 AND org_id = $4 AND withdrawn_at IS NULL`, now, by, id, tx.OrgID())
	if err != nil {
		return fmt.Errorf("withdraw termination: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrNoNotice
	}
	return nil
}

// --- documents ---

// insertDocument stores a generated document; sealed is its content as
// sealed by the vault under subject, size and sum are of the plain document.
func insertDocument(ctx context.Context, tx *db.Tx, leaseID int64, kind DocumentKind, lang, sum string, size int, sealed []byte,
	subject vault.SubjectID, now string, by int64) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx,
		`INSERT INTO lease_documents (org_id, lease_id, kind, lang, created_at, created_by, sha256, size, content, sealed, subject_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		tx.OrgID(), leaseID, kind, lang, now, by, sum, size, sealed, true, int64(subject)).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert lease document: %w", err)
	}
	return id, nil
}

func listDocuments(ctx context.Context, tx *db.Tx, leaseID int64) ([]Document, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, lease_id, kind, lang, created_at, created_by, sha256, size FROM lease_documents
		WHERE org_id = $1 AND lease_id = $2 ORDER BY id DESC`, tx.OrgID(), leaseID)
	if err != nil {
		return nil, fmt.Errorf("list lease documents: %w", err)
	}
	var docs []Document
	for rows.Next() {
		var d Document
		var created string
		if err := rows.Scan(&d.ID, &d.LeaseID, &d.Kind, &d.Lang, &created, &d.CreatedBy, &d.SHA256, &d.Size); err != nil {
			rows.Close()
			return nil, err
		}
		d.CreatedAt = db.ShownTS(created)
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return docs, nil
	}
	idx := map[int64]int{}
	ids := make([]int64, len(docs))
	for i, d := range docs {
		idx[d.ID] = i
		ids[i] = d.ID
	}
	in, args := placeholders(2, ids)
	drows, err := tx.QueryContext(ctx, `SELECT id, document_id, provided_on, method, recorded_at, recorded_by FROM lease_document_deliveries
		WHERE org_id = $1 AND document_id IN (`+in+`) ORDER BY provided_on, id`, append([]any{tx.OrgID()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("list deliveries: %w", err)
	}
	defer drows.Close()
	for drows.Next() {
		var dl Delivery
		var docID int64
		var recorded string
		if err := drows.Scan(&dl.ID, &docID, &dl.ProvidedOn, &dl.Method, &recorded, &dl.RecordedBy); err != nil {
			return nil, err
		}
		dl.RecordedAt = db.ShownTS(recorded)
		docs[idx[docID]].Deliveries = append(docs[idx[docID]].Deliveries, dl)
	}
	return docs, drows.Err()
}

// storedDocument is a document's bytes as stored: sealed under its subject
// (0: written before 00040, sealed under the organisation key when sealed,
// else plain), with the sha256 of the plain document.
type storedDocument struct {
	content []byte
	sealed  bool
	subject vault.SubjectID
	sum     string
}

// documentContent reads a document's stored bytes.
func documentContent(ctx context.Context, tx *db.Tx, leaseID, docID int64) (storedDocument, error) {
	var d storedDocument
	var subject sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT content, sealed, subject_id, sha256 FROM lease_documents
		WHERE id = $1 AND lease_id = $2 AND org_id = $3`,
		docID, leaseID, tx.OrgID()).Scan(&d.content, &d.sealed, &subject, &d.sum)
	if errors.Is(err, sql.ErrNoRows) {
		return d, validation.ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("read lease document: %w", err)
	}
	d.subject = vault.SubjectID(subject.Int64)
	return d, nil
}

// documentSubjectsTx lists the subjects of a lease's documents.
func documentSubjectsTx(ctx context.Context, tx *db.Tx, leaseID int64) ([]vault.SubjectID, error) {
	rows, err := tx.QueryContext(ctx, `SELECT subject_id FROM lease_documents WHERE org_id = $1 AND lease_id = $2
		AND subject_id IS NOT NULL ORDER BY id`, tx.OrgID(), leaseID)
	if err != nil {
		return nil, fmt.Errorf("lease document subjects: %w", err)
	}
	defer rows.Close()
	var out []vault.SubjectID
	for rows.Next() {
		var s int64
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("lease document subjects: %w", err)
		}
		out = append(out, vault.SubjectID(s))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lease document subjects: %w", err)
	}
	return out, nil
}

func documentExists(ctx context.Context, tx *db.Tx, leaseID, docID int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM lease_documents WHERE id = $1 AND lease_id = $2 AND org_id = $3`,
		docID, leaseID, tx.OrgID()).Scan(&n); err != nil {
		return fmt.Errorf("find lease document: %w", err)
	}
	if n == 0 {
		return validation.ErrNotFound
	}
	return nil
}

func leaseExists(ctx context.Context, tx *db.Tx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM leases WHERE id = $1 AND org_id = $2`, id, tx.OrgID()).Scan(&n); err != nil {
		return fmt.Errorf("find lease: %w", err)
	}
	if n == 0 {
		return validation.ErrNotFound
	}
	return nil
}

// --- settings ---

func loadSettings(ctx context.Context, tx *db.Tx) (Settings, error) {
	st := DefaultSettings()
	err := tx.QueryRowContext(ctx, `SELECT landlord_name, landlord_address, landlord_phone, landlord_email, meldpunt,
		deposit_return_days, deposit_deduction_days, extra_information, notice_whole_months FROM lease_settings WHERE org_id = $1`, tx.OrgID()).
		Scan(&st.LandlordName, &st.LandlordAddress, &st.LandlordPhone, &st.LandlordEmail, &st.Meldpunt,
			&st.DepositReturnDays, &st.DepositDeductionDays, &st.ExtraInformation, &st.NoticeWholeMonths)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("load lease settings: %w", err)
	}
	return st, nil
}

func saveSettings(ctx context.Context, tx *db.Tx, st Settings, now string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO lease_settings (org_id, landlord_name, landlord_address, landlord_phone, landlord_email,
		meldpunt, deposit_return_days, deposit_deduction_days, extra_information, notice_whole_months, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (org_id) DO UPDATE SET landlord_name = excluded.landlord_name, landlord_address = excluded.landlord_address,
		landlord_phone = excluded.landlord_phone, landlord_email = excluded.landlord_email, meldpunt = excluded.meldpunt,
		deposit_return_days = excluded.deposit_return_days, deposit_deduction_days = excluded.deposit_deduction_days,
		extra_information = excluded.extra_information, notice_whole_months = excluded.notice_whole_months, updated_at = excluded.updated_at`,
		tx.OrgID(), st.LandlordName, st.LandlordAddress, st.LandlordPhone, st.LandlordEmail, st.Meldpunt,
		st.DepositReturnDays, st.DepositDeductionDays, st.ExtraInformation, st.NoticeWholeMonths, now)
	if err != nil {
		return fmt.Errorf("save lease settings: %w", err)
	}
	return nil
}

// organisationName is the organisation's own name, the landlord's name on
// documents unless the settings give another.
func organisationName(ctx context.Context, tx *db.Tx) (string, error) {
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, tx.OrgID()).Scan(&name); err != nil {
		return "", fmt.Errorf("organisation name: %w", err)
	}
	return name, nil
}

// --- occupancy ---

// unitStatus is the occupancy of units on day on: the status of the lease
// that covers the day, or vacant.
func unitStatus(ctx context.Context, tx *db.Tx, unitIDs []int64, on civil.Date) (map[int64]occupancy, error) {
	out := make(map[int64]occupancy, len(unitIDs))
	for _, id := range unitIDs {
		out[id] = vacant
	}
	if len(unitIDs) == 0 {
		return out, nil
	}
	// CROSS JOIN makes SQLite start from the leases of these units (its
	// join-order hint) instead of walking every lease that started before the
	// day and probing each against the list, which grew with the portfolio
	// (most of a units page's time); PostgreSQL plans it as an inner join.
	rows, err := tx.QueryContext(ctx, `SELECT lu.unit_id,
		EXISTS (SELECT 1 FROM lease_terminations t WHERE t.lease_id = l.id AND t.org_id = l.org_id AND t.withdrawn_at IS NULL AND t.end_date > $2)
		FROM lease_units lu CROSS JOIN leases l
		WHERE l.id = lu.lease_id AND l.org_id = lu.org_id
		AND lu.org_id = $1 AND l.start_date <= $3 AND COALESCE(l.ends_on, '`+openEnd+`') >= $4
		AND lu.unit_id IN (`+tx.Params(5, len(unitIDs))+`)`,
		append([]any{tx.OrgID(), on.String(), on.String(), on.String()}, idArgs(unitIDs)...)...)
	if err != nil {
		return nil, fmt.Errorf("unit occupancy: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var notice bool
		if err := rows.Scan(&id, &notice); err != nil {
			return nil, err
		}
		if notice {
			out[id] = noticeGiven
		} else if out[id] != noticeGiven {
			out[id] = let
		}
	}
	return out, rows.Err()
}

type occupancy int

const (
	vacant occupancy = iota
	let
	noticeGiven
)

// leaseHeads reads the leases ids (at most a few hundred) of tx's
// organisation, their head only; ids of another organisation are left out.
func leaseHeads(ctx context.Context, tx *db.Tx, ids []int64) ([]*Lease, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+leaseColumns+` FROM leases WHERE org_id = $1 AND id IN (`+tx.Params(2, len(ids))+`)`,
		append([]any{tx.OrgID()}, idArgs(ids)...)...)
	if err != nil {
		return nil, fmt.Errorf("listed leases: %w", err)
	}
	defer rows.Close()
	var ls []*Lease
	for rows.Next() {
		l, err := scanLease(rows)
		if err != nil {
			return nil, fmt.Errorf("listed leases: %w", err)
		}
		ls = append(ls, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listed leases: %w", err)
	}
	return ls, nil
}

// tenantIDs adds to out the tenants (relation ids, in the lease's order)
// of leaseIDs (at most a few hundred).
func tenantIDs(ctx context.Context, tx *db.Tx, leaseIDs []int64, out map[int64][]int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, party_id FROM lease_parties WHERE org_id = $1 AND role = 'tenant'
		AND lease_id IN (`+tx.Params(2, len(leaseIDs))+`) ORDER BY lease_id, position`, append([]any{tx.OrgID()}, idArgs(leaseIDs)...)...)
	if err != nil {
		return fmt.Errorf("lease tenants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l, p int64
		if err := rows.Scan(&l, &p); err != nil {
			return fmt.Errorf("lease tenants: %w", err)
		}
		out[l] = append(out[l], p)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("lease tenants: %w", err)
	}
	return nil
}

// leasedUnitIDs are those of unitIDs that any lease names, past or future.
func leasedUnitIDs(ctx context.Context, tx *db.Tx, unitIDs []int64) ([]int64, error) {
	in, args := placeholders(2, unitIDs)
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT unit_id FROM lease_units WHERE org_id = $1 AND unit_id IN (`+in+`)`,
		append([]any{tx.OrgID()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("units in use: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("units in use: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("units in use: %w", err)
	}
	return ids, nil
}

// insertDelivery records that document docID was provided as in says.
func insertDelivery(ctx context.Context, tx *db.Tx, docID int64, in InformationProvided, now string, by int64) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx,
		`INSERT INTO lease_document_deliveries (org_id, document_id, provided_on, method, recorded_at, recorded_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, tx.OrgID(), docID, in.ProvidedOn, in.Method, now, by).Scan(&id); err != nil {
		return 0, fmt.Errorf("record delivery: %w", err)
	}
	return id, nil
}

// rowSavepoint, rollbackRowSavepoint and releaseRowSavepoint bracket one
// row of an import, so that a row that fails changes nothing.
func rowSavepoint(ctx context.Context, tx *db.Tx) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT lease_row`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	return nil
}

func rollbackRowSavepoint(ctx context.Context, tx *db.Tx) error {
	if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT lease_row`); err != nil {
		return fmt.Errorf("rollback to savepoint: %w", err)
	}
	return nil
}

func releaseRowSavepoint(ctx context.Context, tx *db.Tx) error {
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT lease_row`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}
