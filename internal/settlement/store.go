package settlement

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// The SQL of the settlement. Every statement filters by tx.OrgID(). Reads of
// a complex for a run are one query each over the complex (no query per
// unit or lease), so building a run's input is linear in its size.

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func complexExists(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM complexes WHERE id = $1 AND org_id = $2`, id, tx.OrgID()).Scan(&n); err != nil {
		return false, fmt.Errorf("complex: %w", err)
	}
	return n > 0, nil
}

func unitsOfComplex(ctx context.Context, tx *db.Tx, complexID int64) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM units WHERE org_id = $1 AND complex_id = $2`, tx.OrgID(), complexID)
	if err != nil {
		return nil, fmt.Errorf("units of complex: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// supplierRole is relation.RoleSupplier's bit in relations.roles.
const supplierRole = 8

func isSupplier(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	var roles int64
	err := tx.QueryRowContext(ctx, `SELECT roles FROM relations WHERE id = $1 AND org_id = $2`, id, tx.OrgID()).Scan(&roles)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("supplier: %w", err)
	}
	return roles&supplierRole != 0, nil
}

// Suppliers lists the organisation's suppliers (id and company name, or
// "#id" for a person) for a form's choice, by name.
func suppliers(ctx context.Context, tx *db.Tx) ([]Choice, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, COALESCE(company_name, '') FROM relations WHERE org_id = $1 AND (roles & 8) <> 0
		ORDER BY COALESCE(company_name, ''), id`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("suppliers: %w", err)
	}
	defer rows.Close()
	var out []Choice
	for rows.Next() {
		var c Choice
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, err
		}
		if c.Name == "" {
			c.Name = "#" + strconv.FormatInt(c.ID, 10)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func complexChoices(ctx context.Context, tx *db.Tx) ([]Choice, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM complexes WHERE org_id = $1 ORDER BY name_key, id`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("complexes: %w", err)
	}
	defer rows.Close()
	var out []Choice
	for rows.Next() {
		var c Choice
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// --- cost entries ---

const costCols = `e.id, e.complex_id, COALESCE(c.name, ''), e.supplier_id, COALESCE(r.company_name, ''), e.invoice_number, e.invoice_date,
	e.period_start, e.period_end, e.amount_cents, e.vat_cents, e.category, e.description, e.scope, e.evidence_name, e.evidence_size,
	e.created_at`

const costFrom = ` FROM settlement_cost_entries e
	LEFT JOIN complexes c ON c.id = e.complex_id AND c.org_id = e.org_id
	LEFT JOIN relations r ON r.id = e.supplier_id AND r.org_id = e.org_id`

func scanCost(sc interface{ Scan(...any) error }) (*CostEntry, error) {
	var c CostEntry
	var created string
	if err := sc.Scan(&c.ID, &c.ComplexID, &c.ComplexName, &c.SupplierID, &c.SupplierName, &c.InvoiceNumber, &c.InvoiceDate,
		&c.PeriodStart, &c.PeriodEnd, &c.Amount, &c.VAT, &c.Category, &c.Description, &c.Scope, &c.EvidenceName,
		&c.EvidenceSize, &created); err != nil {
		return nil, err
	}
	c.CreatedAt = db.ShownTS(created)
	return &c, nil
}

func getCost(ctx context.Context, tx *db.Tx, id int64) (*CostEntry, error) {
	c, err := scanCost(tx.QueryRowContext(ctx, `SELECT `+costCols+costFrom+` WHERE e.id = $1 AND e.org_id = $2`, id, tx.OrgID()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("cost entry: %w", err)
	}
	if err := fillUnits(ctx, tx, []*CostEntry{c}); err != nil {
		return nil, err
	}
	return c, nil
}

func findCostByKey(ctx context.Context, tx *db.Tx, supplier int64, number, category string) (*CostEntry, error) {
	var id int64
	err := tx.QueryRowContext(ctx,
		`SELECT id FROM settlement_cost_entries WHERE org_id = $1 AND supplier_id = $2 AND invoice_number = $3 AND category = $4`, tx.OrgID(),
		supplier, number, category).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cost entry by key: %w", err)
	}
	return getCost(ctx, tx, id)
}

// fillUnits reads the units of entries with scope units, in one query.
func fillUnits(ctx context.Context, tx *db.Tx, cs []*CostEntry) error {
	byID := map[int64]*CostEntry{}
	var ids []string
	for _, c := range cs {
		if c.Scope == ScopeUnits {
			byID[c.ID] = c
			ids = append(ids, strconv.FormatInt(c.ID, 10))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	// The ids are integers we read ourselves, so they are written inline.
	rows, err := tx.QueryContext(ctx, `SELECT entry_id, unit_id FROM settlement_cost_entry_units WHERE org_id = $1 AND entry_id IN (`+
		strings.Join(ids, ",")+`) ORDER BY entry_id, unit_id`, tx.OrgID())
	if err != nil {
		return fmt.Errorf("cost entry units: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e, u int64
		if err := rows.Scan(&e, &u); err != nil {
			return err
		}
		byID[e].UnitIDs = append(byID[e].UnitIDs, u)
	}
	return rows.Err()
}

func insertCost(ctx context.Context, tx *db.Tx, c *cleanCost, by int64, now string) (int64, error) {
	scope := ScopeComplex
	if len(c.units) > 0 {
		scope = ScopeUnits
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO settlement_cost_entries (org_id, complex_id, supplier_id, invoice_number, invoice_date,
		period_start, period_end, amount_cents, vat_cents, category, description, scope, created_at, created_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13) RETURNING id`,
		tx.OrgID(), c.complexID, c.supplierID, c.number, c.invoiceDate, c.from, c.to, c.amount, c.vat, c.category,
		c.desc, scope, now, by).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert cost entry: %w", err)
	}
	return id, writeUnits(ctx, tx, id, c.units)
}

func writeUnits(ctx context.Context, tx *db.Tx, id int64, units []int64) error {
	if _, err := tx.ExecContext(ctx,
		`DELETE FROM settlement_cost_entry_units WHERE entry_id = $1 AND org_id = $2`, id, tx.OrgID()); err != nil {
		return fmt.Errorf("cost entry units: %w", err)
	}
	rows := make([][]any, len(units))
	for i, u := range units {
		rows[i] = []any{tx.OrgID(), id, u}
	}
	return bulkInsert(ctx, tx, "settlement_cost_entry_units", []string{"org_id", "entry_id", "unit_id"}, rows)
}

func updateCost(ctx context.Context, tx *db.Tx, id int64, c *cleanCost, now string) error {
	scope := ScopeComplex
	if len(c.units) > 0 {
		scope = ScopeUnits
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE settlement_cost_entries SET complex_id = $1, supplier_id = $2, invoice_number = $3, invoice_date = $4,
		period_start = $5, period_end = $6, amount_cents = $7, vat_cents = $8, category = $9, description = $10, scope = $11, updated_at = $12
		WHERE id = $13 AND org_id = $14`,
		c.complexID, c.supplierID, c.number, c.invoiceDate, c.from, c.to, c.amount, c.vat, c.category, c.desc, scope,
		now, id, tx.OrgID()); err != nil {
		return fmt.Errorf("update cost entry: %w", err)
	}
	return writeUnits(ctx, tx, id, c.units)
}

func deleteCost(ctx context.Context, tx *db.Tx, id int64) error {
	for _, q := range []string{`DELETE FROM settlement_cost_entry_units WHERE entry_id = $1 AND org_id = $2`,
		`DELETE FROM settlement_run_entries WHERE entry_id = $1 AND org_id = $2`,
		`DELETE FROM settlement_cost_entries WHERE id = $1 AND org_id = $2`} {
		if _, err := tx.ExecContext(ctx, q, id, tx.OrgID()); err != nil {
			return fmt.Errorf("delete cost entry: %w", err)
		}
	}
	return nil
}

func entryInFinalRun(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM settlement_run_entries x JOIN settlement_runs r ON r.id = x.run_id AND r.org_id = x.org_id
		WHERE x.org_id = $1 AND x.entry_id = $2 AND r.state = 'final'`, tx.OrgID(), id).Scan(&n)
	return n > 0, err
}

var costSortCol = map[string]string{"invoice_date": "e.invoice_date", "supplier": "COALESCE(r.company_name, '')",
	"invoice_number": "e.invoice_number", "category": "e.category", "amount": "e.amount_cents", "period_start": "e.period_start",
	"complex": "COALESCE(c.name, '')"}

func listCosts(ctx context.Context, tx *db.Tx, q listing.Query, f CostFilter) (listing.Page[CostEntry], error) {
	where := []string{"e.org_id = $1"}
	args := []any{tx.OrgID()}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.ComplexID > 0 {
		add("e.complex_id = ?", f.ComplexID)
	}
	if f.Year > 0 {
		add("e.period_start <= ?", fmt.Sprintf("%04d-12-31", f.Year))
		add("e.period_end >= ?", fmt.Sprintf("%04d-01-01", f.Year))
	}
	if f.Category != "" {
		add("e.category = ?", NormalizeCategory(f.Category))
	}
	if q.Search != "" {
		add(`(LOWER(e.invoice_number) LIKE ? ESCAPE '\' OR e.category LIKE ? ESCAPE '\' OR LOWER(COALESCE(r.company_name, '')) LIKE ? ESCAPE '\'
			OR LOWER(e.description) LIKE ? ESCAPE '\')`, "%"+listing.EscapeLike(strings.ToLower(q.Search))+"%")
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var page listing.Page[CostEntry]
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*)`+costFrom+w, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count cost entries: %w", err)
	}
	order := costSortCol[q.Sort] + " " + q.Direction() + ", e.id " + q.Direction()
	rows, err := tx.QueryContext(ctx, `SELECT `+costCols+costFrom+w+` ORDER BY `+order+
		fmt.Sprintf(" LIMIT %d OFFSET %d", q.Limit, q.Offset), args...)
	if err != nil {
		return page, fmt.Errorf("cost entries: %w", err)
	}
	defer rows.Close()
	var ptrs []*CostEntry
	for rows.Next() {
		c, err := scanCost(rows)
		if err != nil {
			return page, err
		}
		ptrs = append(ptrs, c)
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	if err := fillUnits(ctx, tx, ptrs); err != nil {
		return page, err
	}
	for _, c := range ptrs {
		page.Items = append(page.Items, *c)
	}
	return page, nil
}

// importLookups resolve a CSV row's supplier and complex.
type importLookups struct {
	suppliers   map[string]int64 // id, ref, kvk
	complexes   map[string]int64 // id, lower-cased name
	unitComplex map[int64]int64
}

func (l *importLookups) supplier(v string) (int64, bool) {
	id, ok := l.suppliers[strings.ToLower(strings.TrimSpace(v))]
	return id, ok
}

func (l *importLookups) complex(v string) (int64, bool) {
	id, ok := l.complexes[strings.ToLower(strings.Join(strings.Fields(v), " "))]
	return id, ok
}

func loadImportLookups(ctx context.Context, tx *db.Tx) (*importLookups, error) {
	l := &importLookups{suppliers: map[string]int64{}, complexes: map[string]int64{}, unitComplex: map[int64]int64{}}
	rows, err := tx.QueryContext(ctx,
		`SELECT id, COALESCE(ref, ''), COALESCE(kvk, '') FROM relations WHERE org_id = $1 AND (roles & 8) <> 0`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("suppliers: %w", err)
	}
	for rows.Next() {
		var id int64
		var ref, kvk string
		if err := rows.Scan(&id, &ref, &kvk); err != nil {
			rows.Close()
			return nil, err
		}
		l.suppliers[strconv.FormatInt(id, 10)] = id
		for _, k := range []string{ref, kvk} {
			if k != "" {
				l.suppliers[strings.ToLower(k)] = id
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cs, err := complexChoices(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		l.complexes[strconv.FormatInt(c.ID, 10)] = c.ID
		l.complexes[strings.ToLower(strings.Join(strings.Fields(c.Name), " "))] = c.ID
	}
	rows, err = tx.QueryContext(ctx, `SELECT id, complex_id FROM units WHERE org_id = $1 AND complex_id IS NOT NULL`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("units: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u, c int64
		if err := rows.Scan(&u, &c); err != nil {
			return nil, err
		}
		l.unitComplex[u] = c
	}
	return l, rows.Err()
}

// bulkInsert writes rows with multi-row INSERTs of at most 500 rows.
func bulkInsert(ctx context.Context, tx *db.Tx, table string, cols []string, rows [][]any) error {
	const chunk = 500
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(start+chunk, len(rows))]
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args := make([]any, 0, len(part)*len(cols))
		for i, r := range part {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(tx.Tuple(len(args)+1, len(cols)))
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
}

// --- keys, years, degree days ---

func loadYear(ctx context.Context, tx *db.Tx, complexID int64, year int) (*YearSettings, error) {
	y := &YearSettings{ComplexID: complexID, Year: year, AdminFeePercent: DefaultAdminFeePercent, Occupants: map[int64]string{}}
	err := tx.QueryRowContext(ctx, `SELECT admin_fee_percent, knmi_station FROM settlement_years
		WHERE org_id = $1 AND complex_id = $2 AND year = $3`, tx.OrgID(), complexID, year).Scan(&y.AdminFeePercent, &y.KNMIStation)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("settlement year: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT category, key, heating, fixed_percent, admin_fee, meter_kind FROM settlement_keys
		WHERE org_id = $1 AND complex_id = $2 AND year = $3 ORDER BY category`, tx.OrgID(), complexID, year)
	if err != nil {
		return nil, fmt.Errorf("settlement keys: %w", err)
	}
	for rows.Next() {
		var k CategoryKey
		var heating, fee int
		if err := rows.Scan(&k.Category, &k.Key, &heating, &k.FixedPercent, &fee, &k.MeterKind); err != nil {
			rows.Close()
			return nil, err
		}
		k.Heating, k.AdminFee = heating != 0, fee != 0
		y.Keys = append(y.Keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx,
		`SELECT category, unit_id, share FROM settlement_key_shares WHERE org_id = $1 AND complex_id = $2
			AND year = $3`, tx.OrgID(), complexID, year)
	if err != nil {
		return nil, fmt.Errorf("settlement shares: %w", err)
	}
	for rows.Next() {
		var cat, share string
		var u int64
		if err := rows.Scan(&cat, &u, &share); err != nil {
			rows.Close()
			return nil, err
		}
		for i := range y.Keys {
			if y.Keys[i].Category == cat {
				if y.Keys[i].Shares == nil {
					y.Keys[i].Shares = map[int64]string{}
				}
				y.Keys[i].Shares[u] = share
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx,
		`SELECT o.unit_id, o.occupants FROM settlement_occupants o JOIN units u ON u.id = o.unit_id AND u.org_id = o.org_id
		WHERE o.org_id = $1 AND u.complex_id = $2 AND o.year = $3`, tx.OrgID(), complexID, year)
	if err != nil {
		return nil, fmt.Errorf("settlement occupants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u int64
		var v string
		if err := rows.Scan(&u, &v); err != nil {
			return nil, err
		}
		y.Occupants[u] = v
	}
	return y, rows.Err()
}

func saveKey(ctx context.Context, tx *db.Tx, complexID int64, year int, k CategoryKey,
	shares map[int64]string, by int64, now string) error {
	if _, err := deleteKey(ctx, tx, complexID, year, k.Category); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_keys (org_id, complex_id, year, category, key, heating, fixed_percent, admin_fee,
		meter_kind, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		tx.OrgID(), complexID, year, k.Category, k.Key, b2i(k.Heating), k.FixedPercent, b2i(k.AdminFee), k.MeterKind, now, by); err != nil {
		return fmt.Errorf("save key: %w", err)
	}
	rows := make([][]any, 0, len(shares))
	for u, v := range shares {
		rows = append(rows, []any{tx.OrgID(), complexID, year, k.Category, u, v})
	}
	return bulkInsert(ctx, tx, "settlement_key_shares", []string{"org_id", "complex_id", "year", "category", "unit_id", "share"}, rows)
}

func deleteKey(ctx context.Context, tx *db.Tx, complexID int64, year int, category string) (int64, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM settlement_key_shares WHERE org_id = $1 AND complex_id = $2 AND year = $3 AND category = $4`,
		tx.OrgID(), complexID, year, category); err != nil {
		return 0, fmt.Errorf("delete shares: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM settlement_keys WHERE org_id = $1 AND complex_id = $2 AND year = $3 AND category = $4`,
		tx.OrgID(), complexID, year, category)
	if err != nil {
		return 0, fmt.Errorf("delete key: %w", err)
	}
	return res.RowsAffected()
}

func saveYear(ctx context.Context, tx *db.Tx, complexID int64, year int, pct string, occ map[int64]string, by int64, now string) error {
	// An upsert: the row also holds the degree-day station, set on its own.
	if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_years (org_id, complex_id, year, admin_fee_percent, updated_at, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id, complex_id, year) DO UPDATE SET admin_fee_percent = excluded.admin_fee_percent,
		updated_at = excluded.updated_at, updated_by = excluded.updated_by`, tx.OrgID(), complexID, year, pct, now, by); err != nil {
		return fmt.Errorf("settlement year: %w", err)
	}
	for u, v := range occ {
		if _, err := tx.ExecContext(ctx, `DELETE FROM settlement_occupants WHERE org_id = $1 AND unit_id = $2 AND year = $3`,
			tx.OrgID(), u, year); err != nil {
			return fmt.Errorf("occupants: %w", err)
		}
		if v == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_occupants (org_id, unit_id, year, occupants) VALUES ($1, $2, $3, $4)`,
			tx.OrgID(), u, year, v); err != nil {
			return fmt.Errorf("occupants: %w", err)
		}
	}
	return nil
}

func loadDegreeDays(ctx context.Context, tx *db.Tx) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT month, value FROM settlement_degree_days WHERE org_id = $1`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("degree days: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var m, v string
		if err := rows.Scan(&m, &v); err != nil {
			return nil, err
		}
		out[m] = v
	}
	return out, rows.Err()
}

func saveDegreeDays(ctx context.Context, tx *db.Tx, days []DegreeDay, now string) error {
	for _, d := range days {
		if _, err := tx.ExecContext(ctx, `DELETE FROM settlement_degree_days WHERE org_id = $1 AND month = $2`, tx.OrgID(), d.Month); err != nil {
			return fmt.Errorf("degree days: %w", err)
		}
		if d.Value == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_degree_days (org_id, month, value, updated_at) VALUES ($1, $2, $3, $4)`,
			tx.OrgID(), d.Month, d.Value, now); err != nil {
			return fmt.Errorf("degree days: %w", err)
		}
	}
	return nil
}

// --- what a run reads ---

type unitRow struct {
	id, areaTenths int64
}

func complexUnits(ctx context.Context, tx *db.Tx, complexID int64) ([]unitRow, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT id, floor_area_tenths FROM units WHERE org_id = $1 AND complex_id = $2 ORDER BY id`, tx.OrgID(), complexID)
	if err != nil {
		return nil, fmt.Errorf("units: %w", err)
	}
	defer rows.Close()
	var out []unitRow
	for rows.Next() {
		var u unitRow
		if err := rows.Scan(&u.id, &u.areaTenths); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

type occRow struct {
	leaseID, unitID int64
	start, end      civil.Date // end zero: open
	commercial      bool
}

// complexOccupancies are the leases on units of the complex that run in
// from..to (ends_on is the actual last day, termination included).
func complexOccupancies(ctx context.Context, tx *db.Tx, complexID int64, from, to civil.Date) ([]occRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT lu.lease_id, lu.unit_id, l.start_date, COALESCE(l.ends_on, ''), l.kind = 'commercial'
		FROM lease_units lu
		JOIN leases l ON l.id = lu.lease_id AND l.org_id = lu.org_id
		JOIN units u ON u.id = lu.unit_id AND u.org_id = lu.org_id
		WHERE lu.org_id = $1 AND u.complex_id = $2 AND l.start_date <= $3 AND (l.ends_on IS NULL OR l.ends_on >= $4)
		ORDER BY lu.lease_id, lu.unit_id`, tx.OrgID(), complexID, to, from)
	if err != nil {
		return nil, fmt.Errorf("occupancies: %w", err)
	}
	defer rows.Close()
	var out []occRow
	for rows.Next() {
		var o occRow
		var end string
		if err := rows.Scan(&o.leaseID, &o.unitID, &o.start, &end, &o.commercial); err != nil {
			return nil, err
		}
		if end != "" {
			if o.end, err = civil.Parse(end); err != nil {
				return nil, err
			}
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

type advance struct{ charged, paid money.Cents }

// complexAdvances sums, per lease of the complex, the service-cost charges
// (line "service_costs|…", credit-note lines included, so a credited advance
// counts 0) whose dates touch from..to, and what payments settled of them. A
// charge that crosses the period counts for its days inside it: its amount
// (and its paid part) split by days, largest remainder.
func complexAdvances(ctx context.Context, tx *db.Tx, complexID int64, from, to civil.Date) (map[int64]advance, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.lease_id, c.from_date, c.to_date, c.total_cents, COALESCE(p.paid, 0)
		FROM ledger_charges c
		LEFT JOIN (SELECT a.charge_id, SUM(a.amount_cents) AS paid FROM ledger_allocations a
			WHERE a.org_id = $1 AND a.payment_id IS NOT NULL GROUP BY a.charge_id) p ON p.charge_id = c.id
		WHERE c.org_id = $1 AND c.line LIKE 'service\_costs|%' ESCAPE '\' AND c.from_date <= $2 AND c.to_date >= $3
		AND c.lease_id IN (SELECT lu.lease_id FROM lease_units lu JOIN units u ON u.id = lu.unit_id AND u.org_id = lu.org_id
			WHERE lu.org_id = $1 AND u.complex_id = $4)`, tx.OrgID(), to, from, complexID)
	if err != nil {
		return nil, fmt.Errorf("advances: %w", err)
	}
	defer rows.Close()
	out := map[int64]advance{}
	for rows.Next() {
		var lease int64
		var f, t civil.Date
		var total, paid money.Cents
		if err := rows.Scan(&lease, &f, &t, &total, &paid); err != nil {
			return nil, err
		}
		in0, in1 := later(f, from), earlier(t, to)
		all, inside := int64(f.DaysUntil(t))+1, int64(in0.DaysUntil(in1))+1
		if inside < all {
			total, paid = partOf(total, inside, all), partOf(paid, inside, all)
		}
		a := out[lease]
		a.charged += total
		a.paid += paid
		out[lease] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, priorAdvances(ctx, tx, complexID, from, to, out)
}

// priorAdvances adds to out the advances charged and received before HMS
// (settlement_prior_advances, imported), each counted for its days inside
// from..to as a ledger charge is.
func priorAdvances(ctx context.Context, tx *db.Tx, complexID int64, from, to civil.Date, out map[int64]advance) error {
	rows, err := tx.QueryContext(ctx, `SELECT p.lease_id, p.from_date, p.to_date, p.charged_cents, p.received_cents
		FROM settlement_prior_advances p
		WHERE p.org_id = $1 AND p.from_date <= $2 AND p.to_date >= $3
		AND p.lease_id IN (SELECT lu.lease_id FROM lease_units lu JOIN units u ON u.id = lu.unit_id AND u.org_id = lu.org_id
			WHERE lu.org_id = $1 AND u.complex_id = $4)
		ORDER BY p.lease_id, p.from_date`, tx.OrgID(), to, from, complexID)
	if err != nil {
		return fmt.Errorf("prior advances: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var lease int64
		var f, t civil.Date
		var charged, paid money.Cents
		if err := rows.Scan(&lease, &f, &t, &charged, &paid); err != nil {
			return fmt.Errorf("prior advances: %w", err)
		}
		in0, in1 := later(f, from), earlier(t, to)
		all, inside := int64(f.DaysUntil(t))+1, int64(in0.DaysUntil(in1))+1
		if inside < all {
			charged, paid = partOf(charged, inside, all), partOf(paid, inside, all)
		}
		a := out[lease]
		a.charged += charged
		a.paid += paid
		out[lease] = a
	}
	return rows.Err()
}

func partOf(c money.Cents, inside, all int64) money.Cents {
	if c == 0 || all <= 0 {
		return 0
	}
	parts, err := money.Allocate(c, []int64{inside, all - inside})
	if err != nil {
		return 0
	}
	return parts[0]
}

// complexEntries are the cost entries of the complex whose period touches
// from..to, by category, scope and id, with their units.
func complexEntries(ctx context.Context, tx *db.Tx, complexID int64, from, to civil.Date) ([]*CostEntry, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+costCols+costFrom+` WHERE e.org_id = $1 AND e.complex_id = $2 AND e.period_start <= $3
		AND e.period_end >= $4 ORDER BY e.category, e.scope, e.id`, tx.OrgID(), complexID, to, from)
	if err != nil {
		return nil, fmt.Errorf("cost entries: %w", err)
	}
	var out []*CostEntry
	for rows.Next() {
		c, err := scanCost(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, fillUnits(ctx, tx, out)
}

// complexReadings are the readings of the complex's meters of one kind, per
// unit and meter, ascending by date.
func complexReadings(ctx context.Context, tx *db.Tx, complexID int64, kind string) (map[int64][]meterReads, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.unit_id, m.id, m.number, m.measure, r.read_on, r.value FROM meters m
		JOIN units u ON u.id = m.unit_id AND u.org_id = m.org_id
		LEFT JOIN meter_readings r ON r.meter_id = m.id AND r.org_id = m.org_id
		WHERE m.org_id = $1 AND u.complex_id = $2 AND m.kind = $3 ORDER BY m.unit_id, m.id, r.read_on`, tx.OrgID(), complexID, kind)
	if err != nil {
		return nil, fmt.Errorf("meter readings: %w", err)
	}
	defer rows.Close()
	out := map[int64][]meterReads{}
	for rows.Next() {
		var unit, meter int64
		var number, measure string
		var on sql.NullString
		var v sql.NullInt64
		if err := rows.Scan(&unit, &meter, &number, &measure, &on, &v); err != nil {
			return nil, err
		}
		ms := out[unit]
		if len(ms) == 0 || ms[len(ms)-1].meterID != meter {
			ms = append(ms, meterReads{meterID: meter, number: number, measure: measure})
		}
		if on.Valid {
			d, err := civil.Parse(on.String)
			if err != nil {
				return nil, err
			}
			m := &ms[len(ms)-1]
			m.on, m.value = append(m.on, d), append(m.value, v.Int64)
		}
		out[unit] = ms
	}
	return out, rows.Err()
}

// leaseEnd is the complex of a lease's lowest unit that is in one, and the
// lease's last day (zero when open-ended).
func leaseEnd(ctx context.Context, tx *db.Tx, leaseID int64) (int64, civil.Date, error) {
	var end sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT ends_on FROM leases WHERE id = $1 AND org_id = $2`, leaseID, tx.OrgID()).Scan(&end)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, civil.Date{}, validation.ErrNotFound
	}
	if err != nil {
		return 0, civil.Date{}, fmt.Errorf("lease: %w", err)
	}
	var complexID sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT u.complex_id FROM lease_units lu JOIN units u ON u.id = lu.unit_id AND u.org_id = lu.org_id
		WHERE lu.org_id = $1 AND lu.lease_id = $2 AND u.complex_id IS NOT NULL ORDER BY lu.unit_id LIMIT 1`, tx.OrgID(), leaseID).Scan(&complexID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, civil.Date{}, fmt.Errorf("lease complex: %w", err)
	}
	var d civil.Date
	if end.Valid {
		if d, err = civil.Parse(end.String); err != nil {
			return 0, civil.Date{}, err
		}
	}
	return complexID.Int64, d, nil
}

// --- runs ---

func draftRun(ctx context.Context, tx *db.Tx, complexID int64, year int, kind string, leaseID int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM settlement_runs WHERE org_id = $1 AND complex_id = $2 AND year = $3 AND kind = $4
		AND lease_id = $5 AND state = 'draft'`, tx.OrgID(), complexID, year, kind, leaseID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func lastFinalRun(ctx context.Context, tx *db.Tx, complexID int64, year int, kind string, leaseID int64) (int64, error) {
	var id sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM settlement_runs WHERE org_id = $1 AND complex_id = $2 AND year = $3 AND kind = $4
		AND lease_id = $5 AND state = 'final'`, tx.OrgID(), complexID, year, kind, leaseID).Scan(&id)
	return id.Int64, err
}

func deleteRun(ctx context.Context, tx *db.Tx, id int64) error {
	for _, t := range []string{"settlement_run_lines", "settlement_run_occupancies", "settlement_run_entries", "settlement_run_costs"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE run_id = $1 AND org_id = $2`, id, tx.OrgID()); err != nil {
			return fmt.Errorf("delete draft run: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx,
		`DELETE FROM settlement_runs WHERE id = $1 AND org_id = $2 AND state = 'draft'`, id, tx.OrgID()); err != nil {
		return fmt.Errorf("delete draft run: %w", err)
	}
	return nil
}

// encoded is a run's JSON for its rows: the input, the output (some 14 MB
// for 10,000 units), the warnings and every occupancy's lines_json. It is
// made in the background (encode) while the transaction reads what it
// needs and deletes the draft it replaces.
type encoded struct {
	done              chan struct{}
	in, out, warnings []byte
	lines             [][]byte // parallel to built.out.Occupancies
	err               error
}

// encode starts making b's JSON: the output on a goroutine of its own, the
// rest on another; wait gives it.
func (b *built) encode() *encoded {
	e := &encoded{done: make(chan struct{})}
	outDone := make(chan struct{})
	var outErr error
	go func() {
		defer close(outDone)
		e.out, outErr = json.Marshal(b.out)
	}()
	go func() {
		defer close(e.done)
		defer func() { <-outDone; e.err = errors.Join(e.err, outErr) }()
		if e.in, e.err = json.Marshal(b.in); e.err != nil {
			return
		}
		warnings := b.warnings
		if warnings == nil {
			warnings = []Warning{}
		}
		if e.warnings, e.err = json.Marshal(warnings); e.err != nil {
			return
		}
		e.lines, e.err = linesJSON(b.out.Occupancies)
	}()
	return e
}

func (e *encoded) wait() error {
	<-e.done
	return e.err
}

// linesJSON is each occupancy's lines as json.Marshal writes a
// []storedLine, made by appending: a run's 11,000 occupancies hold some
// 330,000 lines of a few dozen costs, whose quoted ids are made once.
func linesJSON(occs []OccupancyResult) ([][]byte, error) {
	quoted := map[ID][]byte{}
	out := make([][]byte, len(occs))
	for i, o := range occs {
		buf := make([]byte, 0, 2+len(o.Lines)*36)
		buf = append(buf, '[')
		for j, l := range o.Lines {
			q, ok := quoted[l.Cost]
			if !ok {
				var err error
				if q, err = json.Marshal(string(l.Cost)); err != nil {
					return nil, err
				}
				quoted[l.Cost] = q
			}
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, `{"cost":`...)
			buf = append(buf, q...)
			buf = append(buf, `,"cents":`...)
			buf = strconv.AppendInt(buf, int64(l.Amount), 10)
			buf = append(buf, '}')
		}
		out[i] = append(buf, ']')
	}
	return out, nil
}

func saveRun(ctx context.Context, tx *db.Tx, b *built, enc *encoded, kind string, leaseID, corrects, by int64, now string) (int64, error) {
	if err := enc.wait(); err != nil {
		return 0, err
	}
	inJSON, outJSON, wJSON := enc.in, enc.out, enc.warnings
	var err error
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO settlement_runs (org_id, complex_id, year, kind, lease_id, period_start, period_end, state,
		admin_fee_percent, input_json, output_json, warnings_json, corrects_run_id, created_at, created_by, degree_days_source, advances_basis)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		tx.OrgID(), b.complexID, b.year, kind, leaseID, b.from, b.to, b.feePercent, string(inJSON), string(outJSON), string(wJSON), corrects,
		now, by, b.ddSource, b.advancesBasis).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert run: %w", err)
	}
	org := tx.OrgID()
	landlordBy := map[string]money.Cents{}
	for _, l := range b.out.Landlord.Lines {
		landlordBy[string(l.Cost)] += money.Cents(l.Amount)
	}
	var costs, entries [][]any
	for i, c := range b.in.Costs {
		units, _ := json.Marshal(nonNil(b.costs[i].units))
		r := b.out.Costs[i]
		reads := []byte("{}")
		if len(b.costs[i].readings) > 0 {
			if reads, err = json.Marshal(b.costs[i].readings); err != nil {
				return 0, err
			}
		}
		costs = append(costs, []any{org, id, i, string(c.ID), b.costs[i].category, c.Key, b2i(c.Heating || c.Key == KeyGas3565), b2i(c.AdminFee),
			int64(r.Amount), int64(r.Allocated), int64(landlordBy[string(c.ID)]), string(units), string(reads)})
		for _, e := range b.costs[i].entries {
			entries = append(entries, []any{org, id, string(c.ID), e.EntryID, int64(e.Assigned)})
		}
	}
	if err := bulkInsert(ctx, tx, "settlement_run_costs", []string{"org_id", "run_id", "position", "cost_id", "category", "key", "heating",
		"admin_fee", "amount_cents", "allocated_cents", "landlord_cents", "units_json", "readings_json"}, costs); err != nil {
		return 0, err
	}
	if err := bulkInsert(ctx, tx, "settlement_run_entries",
		[]string{"org_id", "run_id", "cost_id", "entry_id", "assigned_cents"}, entries); err != nil {
		return 0, err
	}
	var occs, lines [][]any
	for i, o := range b.out.Occupancies {
		bo := b.occ[i]
		lj := enc.lines[i]
		occs = append(occs, []any{org, id, string(o.ID), bo.leaseID, bo.unitID, bo.start, bo.end, int64(o.Subtotal), int64(o.AdminFee),
			int64(o.Total), int64(bo.advances), int64(bo.paid), int64(o.Balance), string(lj)})
	}
	for _, l := range b.out.Landlord.Lines {
		lines = append(lines, []any{org, id, "", parseRef(l.Unit, ""), string(l.Cost), int64(l.Amount)})
	}
	if err := bulkInsert(ctx, tx, "settlement_run_occupancies",
		[]string{"org_id", "run_id", "occupancy_ref", "lease_id", "unit_id", "start_date",
			"end_date", "subtotal_cents", "admin_fee_cents", "total_cents", "advances_cents", "paid_cents", "balance_cents",
			"lines_json"}, occs); err != nil {
		return 0, err
	}
	if err := bulkInsert(ctx, tx, "settlement_run_lines",
		[]string{"org_id", "run_id", "occupancy_ref", "unit_id", "cost_id", "amount_cents"}, lines); err != nil {
		return 0, err
	}
	return id, nil
}

// storedLine is a tenant's line in settlement_run_occupancies.lines_json.
type storedLine struct {
	Cost  string `json:"cost"`
	Cents int64  `json:"cents"`
}

func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

const runCols = `r.id, r.complex_id, COALESCE(c.name, ''), r.year, r.kind, r.lease_id, r.period_start, r.period_end, r.state,
	r.warnings_json, r.corrects_run_id, r.created_at, r.created_by, COALESCE(r.finalised_at, ''), r.degree_days_source, r.advances_basis`

func scanRunSummary(sc interface{ Scan(...any) error }) (*RunSummary, string, error) {
	var r RunSummary
	var warnings, created, final string
	if err := sc.Scan(&r.ID, &r.ComplexID, &r.ComplexName, &r.Year, &r.Kind, &r.LeaseID, &r.PeriodStart, &r.PeriodEnd, &r.State, &warnings,
		&r.CorrectsRunID, &created, &r.CreatedBy, &final, &r.DegreeDaysSource, &r.AdvancesBasis); err != nil {
		return nil, "", err
	}
	// Only the number of warnings is shown here (the run page reads them
	// whole); text that is not a list counts none.
	var ws []Warning
	_ = json.Unmarshal([]byte(warnings), &ws)
	r.Warnings = len(ws)
	r.CreatedAt = db.ShownTS(created)
	if final != "" {
		r.FinalisedAt = db.ShownTS(final)
	}
	return &r, warnings, nil
}

func runSummary(ctx context.Context, tx *db.Tx, id int64) (*RunSummary, error) {
	r, _, err := scanRunSummary(tx.QueryRowContext(ctx, `SELECT `+runCols+` FROM settlement_runs r
		LEFT JOIN complexes c ON c.id = r.complex_id AND c.org_id = r.org_id WHERE r.id = $1 AND r.org_id = $2`, id, tx.OrgID()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	return r, err
}

func listRuns(ctx context.Context, tx *db.Tx, f RunFilter) ([]RunSummary, error) {
	where := "r.org_id = $1"
	args := []any{tx.OrgID()}
	if f.ComplexID > 0 {
		args = append(args, f.ComplexID)
		where += " AND r.complex_id = $" + strconv.Itoa(len(args))
	}
	if f.Year > 0 {
		args = append(args, f.Year)
		where += " AND r.year = $" + strconv.Itoa(len(args))
	}
	rows, err := tx.QueryContext(ctx,
		`SELECT `+runCols+` FROM settlement_runs r LEFT JOIN complexes c ON c.id = r.complex_id AND c.org_id = r.org_id
		WHERE `+where+` ORDER BY r.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	defer rows.Close()
	var out []RunSummary
	for rows.Next() {
		r, _, err := scanRunSummary(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// occPage asks loadRun for one page of a run's occupancies (search: lease
// reference); nil reads them all.
type occPage struct {
	search        string
	offset, limit int
}

// loadRun reads a run with all its costs, occupancies and lines.
func loadRun(ctx context.Context, tx *db.Tx, id int64) (*Run, error) {
	r, _, err := loadRunPage(ctx, tx, id, nil)
	return r, err
}

// loadRunPage reads a run with its costs, landlord lines and occupancies
// (all, or the page p asks for, with only that page's lines). total is the
// number of occupancies that match.
func loadRunPage(ctx context.Context, tx *db.Tx, id int64, p *occPage) (r *Run, total int, err error) {
	var inJSON, outJSON, warnings string
	r = &Run{}
	sum, w, err := scanRunSummary(tx.QueryRowContext(ctx, `SELECT `+runCols+` FROM settlement_runs r
		LEFT JOIN complexes c ON c.id = r.complex_id AND c.org_id = r.org_id WHERE r.id = $1 AND r.org_id = $2`, id, tx.OrgID()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, validation.ErrNotFound
	}
	if err != nil {
		return nil, 0, fmt.Errorf("run: %w", err)
	}
	r.RunSummary, warnings = *sum, w
	if err := json.Unmarshal([]byte(warnings), &r.WarningList); err != nil {
		return nil, 0, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT admin_fee_percent, input_json, output_json FROM settlement_runs WHERE id = $1 AND org_id = $2`,
		id, tx.OrgID()).Scan(&r.AdminFeePercent, &inJSON, &outJSON); err != nil {
		return nil, 0, err
	}
	r.Input, r.Output = json.RawMessage(inJSON), json.RawMessage(outJSON)

	rows, err := tx.QueryContext(ctx, `SELECT cost_id, category, key, heating, admin_fee, amount_cents, allocated_cents, landlord_cents,
		units_json, readings_json FROM settlement_run_costs WHERE run_id = $1 AND org_id = $2 ORDER BY position`, id, tx.OrgID())
	if err != nil {
		return nil, 0, fmt.Errorf("run costs: %w", err)
	}
	costIdx := map[string]int{}
	for rows.Next() {
		var c RunCost
		var heating, fee int
		var units, reads string
		if err := rows.Scan(&c.CostID, &c.Category, &c.Key, &heating, &fee, &c.Amount, &c.Allocated, &c.Landlord, &units, &reads); err != nil {
			rows.Close()
			return nil, 0, err
		}
		c.Heating, c.AdminFee = heating != 0, fee != 0
		if err := json.Unmarshal([]byte(units), &c.UnitIDs); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("settlement: units of cost %s: %w", c.CostID, err)
		}
		if reads != "{}" {
			if err := json.Unmarshal([]byte(reads), &c.Readings); err != nil {
				rows.Close()
				return nil, 0, fmt.Errorf("run cost %s readings: %w", c.CostID, err)
			}
		}
		costIdx[c.CostID] = len(r.Costs)
		r.Costs = append(r.Costs, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows, err = tx.QueryContext(ctx,
		`SELECT x.cost_id, x.entry_id, COALESCE(e.invoice_number, ''), x.assigned_cents FROM settlement_run_entries x
		LEFT JOIN settlement_cost_entries e ON e.id = x.entry_id AND e.org_id = x.org_id
		WHERE x.run_id = $1 AND x.org_id = $2 ORDER BY x.entry_id`, id, tx.OrgID())
	if err != nil {
		return nil, 0, fmt.Errorf("run entries: %w", err)
	}
	for rows.Next() {
		var cost string
		var e RunEntry
		if err := rows.Scan(&cost, &e.EntryID, &e.InvoiceNumber, &e.Assigned); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if i, ok := costIdx[cost]; ok {
			r.Costs[i].Entries = append(r.Costs[i].Entries, e)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}

	where, args := "o.run_id = $1 AND o.org_id = $2", []any{id, tx.OrgID()}
	if p != nil && p.search != "" {
		args = append(args, "%"+listing.EscapeLike(strings.ToLower(p.search))+"%")
		where += ` AND LOWER(COALESCE(l.reference, '')) LIKE $3 ESCAPE '\'`
	}
	const occFrom = ` FROM settlement_run_occupancies o
		LEFT JOIN leases l ON l.id = o.lease_id AND l.org_id = o.org_id
		LEFT JOIN units u ON u.id = o.unit_id AND u.org_id = o.org_id WHERE `
	limit := ""
	if p != nil {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*)`+occFrom+where, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count run occupancies: %w", err)
		}
		limit = fmt.Sprintf(" LIMIT %d OFFSET %d", p.limit, p.offset)
	}
	rows, err = tx.QueryContext(ctx, `SELECT o.id, o.occupancy_ref, o.lease_id, COALESCE(l.reference, ''), o.unit_id,
		COALESCE(u.street, ''), COALESCE(u.house_number, 0), COALESCE(u.addition, ''), o.start_date, o.end_date,
		o.subtotal_cents, o.admin_fee_cents, o.total_cents, o.advances_cents, o.paid_cents, o.balance_cents, o.lines_json`+occFrom+where+
		` ORDER BY u.street, u.house_number, u.addition, o.start_date, o.id`+limit, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("run occupancies: %w", err)
	}
	occIdx := map[string]int{}
	for rows.Next() {
		var o RunOccupancy
		var street, addition, linesJSON string
		var number int
		if err := rows.Scan(&o.ID, &o.Ref, &o.LeaseID, &o.LeaseReference, &o.UnitID, &street, &number, &addition, &o.Start, &o.End,
			&o.Subtotal, &o.AdminFee, &o.Total, &o.Advances, &o.Paid, &o.Balance, &linesJSON); err != nil {
			rows.Close()
			return nil, 0, err
		}
		var ls []storedLine
		if err := json.Unmarshal([]byte(linesJSON), &ls); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("run %d occupancy %s lines: %w", id, o.Ref, err)
		}
		for _, l := range ls {
			o.Lines = append(o.Lines, RunLine{CostID: l.Cost, UnitID: o.UnitID, Amount: money.Cents(l.Cents)})
		}
		o.Address = address(street, number, addition)
		occIdx[o.Ref] = len(r.Occupancies)
		r.Occupancies = append(r.Occupancies, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if p == nil {
		total = len(r.Occupancies)
	}

	// The landlord's lines (vacant days); the tenants' came with their
	// occupancies.
	lineWhere, largs := "x.occupancy_ref = ''", []any{id, tx.OrgID()}
	rows, err = tx.QueryContext(ctx,
		`SELECT x.occupancy_ref, x.unit_id, COALESCE(u.street, ''), COALESCE(u.house_number, 0), COALESCE(u.addition, ''),
		x.cost_id, x.amount_cents FROM settlement_run_lines x LEFT JOIN units u ON u.id = x.unit_id AND u.org_id = x.org_id
		WHERE x.run_id = $1 AND x.org_id = $2 AND `+lineWhere, largs...)
	if err != nil {
		return nil, 0, fmt.Errorf("run lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ref, street, addition string
		var number int
		var l RunLine
		if err := rows.Scan(&ref, &l.UnitID, &street, &number, &addition, &l.CostID, &l.Amount); err != nil {
			return nil, 0, err
		}
		if ref == "" {
			l.Address = address(street, number, addition)
			r.Landlord = append(r.Landlord, l)
			r.LandlordTotal += l.Amount
			continue
		}
		if i, ok := occIdx[ref]; ok {
			r.Occupancies[i].Lines = append(r.Occupancies[i].Lines, l)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	// Lines in cost order, as the calculator gives them.
	pos := func(c string) int { return costIdx[c] }
	for i := range r.Occupancies {
		sortLines(r.Occupancies[i].Lines, pos)
	}
	sortLandlord(r.Landlord, pos)
	return r, total, nil
}

func address(street string, number int, addition string) string {
	if street == "" {
		return ""
	}
	s := street + " " + strconv.Itoa(number)
	if addition != "" {
		s += " " + addition
	}
	return s
}

// firstTenants is the first tenant (lowest position) of each lease.
func firstTenants(ctx context.Context, tx *db.Tx, leaseIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(leaseIDs) == 0 {
		return out, nil
	}
	ids := make([]string, len(leaseIDs))
	for i, id := range leaseIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, party_id FROM lease_parties WHERE org_id = $1 AND role = 'tenant' AND lease_id IN (`+
		strings.Join(ids, ",")+`) ORDER BY lease_id, position DESC, party_id DESC`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("tenants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l, p int64
		if err := rows.Scan(&l, &p); err != nil {
			return nil, err
		}
		out[l] = p // the last row of a lease is its first tenant
	}
	return out, rows.Err()
}
