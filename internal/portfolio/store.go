package portfolio

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
)

// maxExport caps a list asked for with listing.Query.All (CSV export).
const maxExport = 100_000

// sqlArgs builds a WHERE clause with numbered placeholders.
type sqlArgs struct {
	conds []string
	args  []any
}

// arg adds v and returns its placeholder.
func (w *sqlArgs) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

func (w *sqlArgs) where() string { return " WHERE " + strings.Join(w.conds, " AND ") }

// limit appends LIMIT and OFFSET for q.
func (w *sqlArgs) limit(q listing.Query) string {
	if q.All {
		return " LIMIT " + w.arg(maxExport)
	}
	return " LIMIT " + w.arg(q.Limit) + " OFFSET " + w.arg(q.Offset)
}

// orderBy applies q's direction to every column, the id last.
func orderBy(q listing.Query, cols ...string) string {
	dir := q.Direction()
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + " " + dir
	}
	return " ORDER BY " + strings.Join(parts, ", ")
}

// likeTerms returns the search as a LIKE pattern and, for postcodes, the
// same without spaces.
func likeTerms(search string) (term, compact string) {
	s := strings.ToLower(search)
	return "%" + listing.EscapeLike(s) + "%", "%" + listing.EscapeLike(strings.ReplaceAll(s, " ", "")) + "%"
}

// isForeignKeyViolation reports whether err is a foreign-key failure on
// either engine: something still refers to the row.
func isForeignKeyViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "FOREIGN KEY constraint failed") || strings.Contains(s, "SQLSTATE 23503")
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id > 0} }

func nullInt(p *int) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*p), Valid: true}
}

func parseTimes(created, updated string, c, u *time.Time) error {
	var err error
	if *c, err = db.ParseTS(created); err != nil {
		return err
	}
	*u, err = db.ParseTS(updated)
	return err
}

// --- complexes ---

const complexCols = `c.id, c.name, c.street, c.house_number, c.addition, c.postcode, c.city, c.created_at, c.updated_at,
	(SELECT COUNT(*) FROM units u WHERE u.org_id = c.org_id AND u.complex_id = c.id)`

type scanner interface{ Scan(...any) error }

func scanComplex(r scanner) (Complex, error) {
	var c Complex
	var created, updated string
	if err := r.Scan(&c.ID, &c.Name, &c.Street, &c.HouseNumber, &c.Addition, &c.Postcode, &c.City, &created, &updated, &c.Units); err != nil {
		return c, err
	}
	return c, parseTimes(created, updated, &c.CreatedAt, &c.UpdatedAt)
}

func insertComplex(ctx context.Context, tx *db.Tx, c Complex, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx,
		`INSERT INTO complexes (org_id, name, name_key, street, house_number, addition, postcode, city, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
		tx.OrgID(), c.Name, nameKey(c.Name), c.Street, c.HouseNumber, c.Addition, c.Postcode, c.City, db.TS(now)).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, validation.Errors{"name": "portfolio.complex_name_taken"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert complex: %w", err)
	}
	return id, nil
}

func updateComplex(ctx context.Context, tx *db.Tx, c Complex, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE complexes SET name = $3, name_key = $4, street = $5, house_number = $6, addition = $7,
		postcode = $8, city = $9, updated_at = $10 WHERE org_id = $1 AND id = $2`,
		tx.OrgID(), c.ID, c.Name, nameKey(c.Name), c.Street, c.HouseNumber, c.Addition, c.Postcode, c.City, db.TS(now))
	if db.IsUniqueViolation(err) {
		return validation.Errors{"name": "portfolio.complex_name_taken"}
	}
	if err != nil {
		return fmt.Errorf("update complex: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return validation.ErrNotFound
	}
	return nil
}

func complexByID(ctx context.Context, tx *db.Tx, id int64) (*Complex, error) {
	c, err := scanComplex(tx.QueryRowContext(ctx, `SELECT `+complexCols+` FROM complexes c WHERE c.org_id = $1 AND c.id = $2`, tx.OrgID(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read complex: %w", err)
	}
	return &c, nil
}

func complexIDByName(ctx context.Context, tx *db.Tx, name string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM complexes WHERE org_id = $1 AND name_key = $2`, tx.OrgID(), nameKey(name)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, validation.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("find complex by name: %w", err)
	}
	return id, nil
}

func complexExists(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM complexes WHERE org_id = $1 AND id = $2`, tx.OrgID(), id).Scan(&n); err != nil {
		return false, fmt.Errorf("check complex: %w", err)
	}
	return n > 0, nil
}

var complexOrder = map[string][]string{
	"name":     {"c.name_key", "c.id"},
	"city":     {"c.city", "c.name_key", "c.id"},
	"postcode": {"c.postcode", "c.name_key", "c.id"},
	"id":       {"c.id"},
}

func listComplexes(ctx context.Context, tx *db.Tx, f ComplexFilter, q listing.Query) (listing.Page[Complex], error) {
	var page listing.Page[Complex]
	w := &sqlArgs{}
	w.conds = append(w.conds, "c.org_id = "+w.arg(tx.OrgID()))
	if f.AfterID > 0 {
		w.conds = append(w.conds, "c.id > "+w.arg(f.AfterID))
	}
	if q.Search != "" {
		term, compact := likeTerms(q.Search)
		t, cp := w.arg(term), w.arg(compact)
		w.conds = append(w.conds, fmt.Sprintf(`(LOWER(c.name) LIKE %[1]s ESCAPE '\' OR LOWER(c.street) LIKE %[1]s ESCAPE '\'
			OR LOWER(c.city) LIKE %[1]s ESCAPE '\' OR REPLACE(LOWER(c.postcode), ' ', '') LIKE %[2]s ESCAPE '\')`, t, cp))
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM complexes c`+w.where(), w.args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count complexes: %w", err)
	}
	query := `SELECT ` + complexCols + ` FROM complexes c` + w.where() + orderBy(q, complexOrder[q.Sort]...)
	query += w.limit(q)
	rows, err := tx.QueryContext(ctx, query, w.args...)
	if err != nil {
		return page, fmt.Errorf("list complexes: %w", err)
	}
	defer rows.Close()
	page.Items = []Complex{}
	for rows.Next() {
		c, err := scanComplex(rows)
		if err != nil {
			return page, fmt.Errorf("list complexes: %w", err)
		}
		page.Items = append(page.Items, c)
	}
	return page, rows.Err()
}

func deleteComplex(ctx context.Context, tx *db.Tx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM complexes WHERE org_id = $1 AND id = $2`, tx.OrgID(), id); err != nil {
		return fmt.Errorf("delete complex: %w", err)
	}
	return nil
}

// --- units ---

const unitCols = `u.id, COALESCE(u.complex_id, 0), COALESCE(c.name, ''), u.street, u.house_number, u.addition, u.postcode, u.city,
	u.type, u.floor_area_tenths, u.rooms, u.segment, u.wws_points, u.energy_label, u.created_at, u.updated_at`

const unitFrom = ` FROM units u LEFT JOIN complexes c ON c.org_id = u.org_id AND c.id = u.complex_id`

func scanUnit(r scanner) (Unit, error) {
	var u Unit
	var wws sql.NullInt64
	var created, updated string
	if err := r.Scan(&u.ID, &u.ComplexID, &u.ComplexName, &u.Street, &u.HouseNumber, &u.Addition, &u.Postcode, &u.City,
		&u.Type, &u.FloorAreaTenths, &u.Rooms, &u.Segment, &wws, &u.EnergyLabel, &created, &updated); err != nil {
		return u, err
	}
	if wws.Valid {
		n := int(wws.Int64)
		u.WWSPoints = &n
	}
	u.Status = StatusVacant
	return u, parseTimes(created, updated, &u.CreatedAt, &u.UpdatedAt)
}

func insertUnit(ctx context.Context, tx *db.Tx, u Unit, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO units (org_id, complex_id, street, house_number, addition, postcode, city,
		type, floor_area_tenths, rooms, segment, wws_points, energy_label, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
		tx.OrgID(), nullID(u.ComplexID), u.Street, u.HouseNumber, u.Addition, u.Postcode, u.City,
		string(u.Type), u.FloorAreaTenths, u.Rooms, string(u.Segment), nullInt(u.WWSPoints), u.EnergyLabel, db.TS(now)).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, validation.Errors{"postcode": "portfolio.unit_address_taken"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert unit: %w", err)
	}
	return id, nil
}

func updateUnit(ctx context.Context, tx *db.Tx, u Unit, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE units SET complex_id = $3, street = $4, house_number = $5, addition = $6, postcode = $7,
		city = $8, type = $9, floor_area_tenths = $10, rooms = $11, segment = $12, wws_points = $13, energy_label = $14, updated_at = $15
		WHERE org_id = $1 AND id = $2`,
		tx.OrgID(), u.ID, nullID(u.ComplexID), u.Street, u.HouseNumber, u.Addition, u.Postcode, u.City,
		string(u.Type), u.FloorAreaTenths, u.Rooms, string(u.Segment), nullInt(u.WWSPoints), u.EnergyLabel, db.TS(now))
	if db.IsUniqueViolation(err) {
		return validation.Errors{"postcode": "portfolio.unit_address_taken"}
	}
	if err != nil {
		return fmt.Errorf("update unit: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return validation.ErrNotFound
	}
	return nil
}

func unitByID(ctx context.Context, tx *db.Tx, id int64) (*Unit, error) {
	u, err := scanUnit(tx.QueryRowContext(ctx, `SELECT `+unitCols+unitFrom+` WHERE u.org_id = $1 AND u.id = $2`, tx.OrgID(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read unit: %w", err)
	}
	return &u, nil
}

// inList returns "$k,$k+1,…" for ids, added to w.
func (w *sqlArgs) inList(ids []int64) string {
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = w.arg(id)
	}
	return strings.Join(ph, ",")
}

func unitsByIDs(ctx context.Context, tx *db.Tx, ids []int64) ([]Unit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	w := &sqlArgs{}
	w.conds = append(w.conds, "u.org_id = "+w.arg(tx.OrgID()), "u.id IN ("+w.inList(ids)+")")
	rows, err := tx.QueryContext(ctx, `SELECT `+unitCols+unitFrom+w.where(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("read units: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("read units: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// unitsByPostcodes reads every unit at the given postcodes (for imports).
func unitsByPostcodes(ctx context.Context, tx *db.Tx, postcodes []string) ([]Unit, error) {
	if len(postcodes) == 0 {
		return nil, nil
	}
	w := &sqlArgs{}
	w.conds = append(w.conds, "u.org_id = "+w.arg(tx.OrgID()))
	ph := make([]string, len(postcodes))
	for i, p := range postcodes {
		ph[i] = w.arg(p)
	}
	w.conds = append(w.conds, "u.postcode IN ("+strings.Join(ph, ",")+")")
	rows, err := tx.QueryContext(ctx, `SELECT `+unitCols+unitFrom+w.where(), w.args...)
	if err != nil {
		return nil, fmt.Errorf("read units by postcode: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, fmt.Errorf("read units by postcode: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func unitIDByAddress(ctx context.Context, tx *db.Tx, a Address) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM units WHERE org_id = $1 AND postcode = $2 AND house_number = $3 AND addition = $4`,
		tx.OrgID(), a.Postcode, a.HouseNumber, a.Addition).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, validation.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("find unit by address: %w", err)
	}
	return id, nil
}

func unitIDsOfComplex(ctx context.Context, tx *db.Tx, complexID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM units WHERE org_id = $1 AND complex_id = $2 ORDER BY id`, tx.OrgID(), complexID)
	if err != nil {
		return nil, fmt.Errorf("units of complex: %w", err)
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

var unitOrder = map[string][]string{
	"address":  {"u.street", "u.house_number", "u.addition", "u.id"},
	"postcode": {"u.postcode", "u.house_number", "u.addition", "u.id"},
	"city":     {"u.city", "u.street", "u.house_number", "u.addition", "u.id"},
	"type":     {"u.type", "u.street", "u.house_number", "u.addition", "u.id"},
	"area":     {"u.floor_area_tenths", "u.id"},
	"id":       {"u.id"},
}

func listUnits(ctx context.Context, tx *db.Tx, f UnitFilter, q listing.Query) (listing.Page[Unit], error) {
	var page listing.Page[Unit]
	w := &sqlArgs{}
	w.conds = append(w.conds, "u.org_id = "+w.arg(tx.OrgID()))
	if f.ComplexID > 0 {
		w.conds = append(w.conds, "u.complex_id = "+w.arg(f.ComplexID))
	}
	if f.AfterID > 0 {
		w.conds = append(w.conds, "u.id > "+w.arg(f.AfterID))
	}
	if q.Search != "" {
		term, compact := likeTerms(q.Search)
		t, cp := w.arg(term), w.arg(compact)
		w.conds = append(w.conds, fmt.Sprintf(`(LOWER(u.street) LIKE %[1]s ESCAPE '\' OR LOWER(u.city) LIKE %[1]s ESCAPE '\'
			OR REPLACE(LOWER(u.postcode), ' ', '') LIKE %[2]s ESCAPE '\'
			OR LOWER(u.street || ' ' || CAST(u.house_number AS TEXT) || CASE WHEN u.addition <> '' THEN '-' || u.addition ELSE ''
			END) LIKE %[1]s ESCAPE '\'
			OR LOWER(COALESCE(c.name, '')) LIKE %[1]s ESCAPE '\')`, t, cp))
	}
	// The complex is joined only where the search may match its name.
	countFrom := ` FROM units u`
	if q.Search != "" {
		countFrom = unitFrom
	}
	if q.NoTotal {
		// no count
	} else if err := tx.QueryRowContext(ctx, listing.CappedCount(countFrom+w.where()), w.args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count units: %w", err)
	}
	query := `SELECT ` + unitCols + unitFrom + w.where() + orderBy(q, unitOrder[q.Sort]...)
	query += w.limit(q)
	rows, err := tx.QueryContext(ctx, query, w.args...)
	if err != nil {
		return page, fmt.Errorf("list units: %w", err)
	}
	defer rows.Close()
	page.Items = []Unit{}
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return page, fmt.Errorf("list units: %w", err)
		}
		page.Items = append(page.Items, u)
	}
	return page, rows.Err()
}

// deleteUnit removes a unit's readings, meters and the unit itself.
func deleteUnit(ctx context.Context, tx *db.Tx, id int64) error {
	for _, q := range []string{
		`DELETE FROM meter_readings WHERE org_id = $1 AND meter_id IN (SELECT id FROM meters WHERE org_id = $1 AND unit_id = $2)`,
		`DELETE FROM meters WHERE org_id = $1 AND unit_id = $2`,
		`DELETE FROM units WHERE org_id = $1 AND id = $2`,
	} {
		if _, err := tx.ExecContext(ctx, q, tx.OrgID(), id); err != nil {
			return fmt.Errorf("delete unit: %w", err)
		}
	}
	return nil
}

// --- meters ---

func insertMeter(ctx context.Context, tx *db.Tx, m Meter, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO meters (org_id, unit_id, kind, number, measure, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, tx.OrgID(), m.UnitID, string(m.Kind), m.Number, m.Measure, db.TS(now)).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, validation.Errors{"number": "portfolio.meter_number_taken"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert meter: %w", err)
	}
	return id, nil
}

func meterNumberTaken(ctx context.Context, tx *db.Tx, unitID int64, kind MeterKind, number string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM meters WHERE org_id = $1 AND unit_id = $2 AND kind = $3 AND number = $4`,
		tx.OrgID(), unitID, string(kind), number).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check meter number: %w", err)
	}
	return n > 0, nil
}

func meterOf(ctx context.Context, tx *db.Tx, unitID, meterID int64) (*Meter, error) {
	var m Meter
	var created string
	err := tx.QueryRowContext(ctx,
		`SELECT id, unit_id, kind, number, measure, created_at FROM meters WHERE org_id = $1 AND unit_id = $2 AND id = $3`, tx.OrgID(), unitID,
		meterID).Scan(&m.ID, &m.UnitID, &m.Kind, &m.Number, &m.Measure, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, validation.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read meter: %w", err)
	}
	m.CreatedAt, err = db.ParseTS(created)
	return &m, err
}

// lockMeter touches the meter's row, which on PostgreSQL holds its lock until
// the transaction ends (SQLite has one writer anyway). It fails with
// ErrNotFound when the meter is not the unit's.
func lockMeter(ctx context.Context, tx *db.Tx, unitID, meterID int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE meters SET updated_at = $4 WHERE org_id = $1 AND unit_id = $2 AND id = $3`,
		tx.OrgID(), unitID, meterID, db.TS(now))
	if err != nil {
		return fmt.Errorf("lock meter: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return validation.ErrNotFound
	}
	return nil
}

func latestReading(ctx context.Context, tx *db.Tx, meterID int64) (Reading, bool, error) {
	var r Reading
	var created string
	err := tx.QueryRowContext(ctx, `SELECT id, meter_id, read_on, value, created_at FROM meter_readings
		WHERE org_id = $1 AND meter_id = $2 ORDER BY read_on DESC, id DESC LIMIT 1`, tx.OrgID(), meterID).
		Scan(&r.ID, &r.MeterID, &r.On, &r.Value, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("latest reading: %w", err)
	}
	r.CreatedAt, err = db.ParseTS(created)
	return r, true, err
}

func insertReading(ctx context.Context, tx *db.Tx, r Reading, by int64, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO meter_readings (org_id, meter_id, read_on, value, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, tx.OrgID(), r.MeterID, r.On, r.Value, db.TS(now), by).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, validation.Errors{"date": "portfolio.reading_date_taken"}
	}
	if err != nil {
		return 0, fmt.Errorf("insert reading: %w", err)
	}
	return id, nil
}

// metersOfUnit lists a unit's meters, each with its latest reading.
func metersOfUnit(ctx context.Context, tx *db.Tx, unitID int64) ([]Meter, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, unit_id, kind, number, measure, created_at FROM meters
		WHERE org_id = $1 AND unit_id = $2 ORDER BY kind, number, id`, tx.OrgID(), unitID)
	if err != nil {
		return nil, fmt.Errorf("list meters: %w", err)
	}
	ms := []Meter{}
	index := map[int64]int{}
	for rows.Next() {
		var m Meter
		var created string
		if err := rows.Scan(&m.ID, &m.UnitID, &m.Kind, &m.Number, &m.Measure, &created); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list meters: %w", err)
		}
		m.CreatedAt, _ = db.ParseTS(created)
		index[m.ID] = len(ms)
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list meters: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT r.id, r.meter_id, r.read_on, r.value, r.created_at FROM meter_readings r
		JOIN meters m ON m.org_id = r.org_id AND m.id = r.meter_id
		WHERE r.org_id = $1 AND m.unit_id = $2
		  AND r.read_on = (SELECT MAX(r2.read_on) FROM meter_readings r2 WHERE r2.org_id = r.org_id AND r2.meter_id = r.meter_id)`,
		tx.OrgID(), unitID)
	if err != nil {
		return nil, fmt.Errorf("latest readings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Reading
		var created string
		if err := rows.Scan(&r.ID, &r.MeterID, &r.On, &r.Value, &created); err != nil {
			return nil, fmt.Errorf("latest readings: %w", err)
		}
		r.CreatedAt, _ = db.ParseTS(created)
		if i, ok := index[r.MeterID]; ok {
			r.Measure = ms[i].Measure
			ms[i].Last = &r
		}
	}
	return ms, rows.Err()
}

var readingOrder = map[string][]string{
	"date": {"read_on", "id"},
	"id":   {"id"},
}

func listReadings(ctx context.Context, tx *db.Tx, meterID int64, f ReadingFilter, q listing.Query) (listing.Page[Reading], error) {
	var page listing.Page[Reading]
	w := &sqlArgs{}
	w.conds = append(w.conds, "org_id = "+w.arg(tx.OrgID()), "meter_id = "+w.arg(meterID))
	if f.AfterID > 0 {
		w.conds = append(w.conds, "id > "+w.arg(f.AfterID))
	}
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM meter_readings`+w.where(), w.args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("count readings: %w", err)
	}
	query := `SELECT id, meter_id, read_on, value, created_at FROM meter_readings` + w.where() + orderBy(q, readingOrder[q.Sort]...)
	query += w.limit(q)
	rows, err := tx.QueryContext(ctx, query, w.args...)
	if err != nil {
		return page, fmt.Errorf("list readings: %w", err)
	}
	defer rows.Close()
	page.Items = []Reading{}
	for rows.Next() {
		var r Reading
		var created string
		if err := rows.Scan(&r.ID, &r.MeterID, &r.On, &r.Value, &created); err != nil {
			return page, fmt.Errorf("list readings: %w", err)
		}
		r.CreatedAt, _ = db.ParseTS(created)
		page.Items = append(page.Items, r)
	}
	return page, rows.Err()
}
