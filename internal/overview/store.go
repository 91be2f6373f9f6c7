package overview

import (
	"context"
	"database/sql"
	"fmt"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// The overview reads other capabilities' tables here, read only, always
// filtered by tx.OrgID(); where a capability has a read method that fits
// (the ledger's open charges, the deposits due, the settlement deadlines)
// the service calls that instead.

// inComplex is the condition "the lease (column col) has a unit in the
// complex $n".
func inComplex(col string, n int) string {
	return fmt.Sprintf(`%s IN (SELECT lu.lease_id FROM lease_units lu WHERE lu.org_id = $1 AND lu.complex_id = $%d)`, col, n)
}

// complexLeases are the ids of the leases with a unit in the complex.
func complexLeases(ctx context.Context, tx *db.Tx, complexID int64) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT lease_id FROM lease_units WHERE org_id = $1 AND complex_id = $2`,
		tx.OrgID(), complexID)
	if err != nil {
		return nil, fmt.Errorf("overview: complex leases: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("overview: complex leases: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("overview: complex leases: %w", err)
	}
	return out, nil
}

// complexes are the organisation's complexes by name, for the select.
func complexes(ctx context.Context, tx *db.Tx) ([]Choice, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM complexes WHERE org_id = $1 ORDER BY name_key, id`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("overview: complexes: %w", err)
	}
	defer rows.Close()
	var out []Choice
	for rows.Next() {
		var c Choice
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, fmt.Errorf("overview: complexes: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("overview: complexes: %w", err)
	}
	return out, nil
}

// daySums reads "day, amount" rows into sums per month.
func daySums(ctx context.Context, tx *db.Tx, what, query string, args ...any) (map[civil.Month]money.Cents, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("overview: %s: %w", what, err)
	}
	defer rows.Close()
	out := map[civil.Month]money.Cents{}
	for rows.Next() {
		var d civil.Date
		var c int64
		if err := rows.Scan(&d, &c); err != nil {
			return nil, fmt.Errorf("overview: %s: %w", what, err)
		}
		out[civil.MonthOf(d)] += money.Cents(c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("overview: %s: %w", what, err)
	}
	return out, nil
}

// chargedByMonth sums the charges falling due in [from, to] per month of
// their due date: invoice and credit-note lines, not payout lines (money
// paid back is not charged).
func chargedByMonth(ctx context.Context, tx *db.Tx, from, to civil.Date, complexID int64) (map[civil.Month]money.Cents, error) {
	q := `SELECT c.due_date, SUM(c.total_cents) FROM ledger_charges c
		WHERE c.org_id = $1 AND c.due_date >= $2 AND c.due_date <= $3 AND c.line NOT LIKE 'payout|%'`
	args := []any{tx.OrgID(), from, to}
	if complexID != 0 {
		q += ` AND ` + inComplex("c.lease_id", 4)
		args = append(args, complexID)
	}
	return daySums(ctx, tx, "charged", q+` GROUP BY c.due_date`, args...)
}

// receivedByMonth sums the payments (reversals subtract) dated in [from,
// to] per month.
func receivedByMonth(ctx context.Context, tx *db.Tx, from, to civil.Date, complexID int64) (map[civil.Month]money.Cents, error) {
	q := `SELECT p.payment_date, SUM(p.amount_cents) FROM ledger_payments p
		WHERE p.org_id = $1 AND p.payment_date >= $2 AND p.payment_date <= $3`
	args := []any{tx.OrgID(), from, to}
	if complexID != 0 {
		q += ` AND ` + inComplex("p.lease_id", 4)
		args = append(args, complexID)
	}
	return daySums(ctx, tx, "received", q+` GROUP BY p.payment_date`, args...)
}

// unitRow is a unit with the leases that let it.
type unitRow struct {
	ID        int64
	ComplexID int64
	Address   string
	Created   civil.Date
	Leases    []letting
}

// letting is a lease on a unit: its days, its number of units, and its bare
// rent on its last day (or today) filled in by the service.
type letting struct {
	LeaseID    int64
	Reference  string
	Start, End civil.Date // End zero: open-ended
	Units      int
	Rent       money.Cents // the lease's monthly bare rent on its last day, divided over its units
}

// letThrough is the condition "unit u has one lease that started on or
// before $2 and runs on $3 or later". The service passes the first day its
// figures look at and today: such a unit is let on every day the figures
// count and loses no rent, so it is only counted (letUnits), not read.
//
// CROSS JOIN is SQLite's join-order hint: the unit's lease_units rows first,
// not every lease that started before $2 probed for the unit.
const letThrough = `EXISTS (SELECT 1 FROM lease_units cu CROSS JOIN leases cl WHERE cl.id = cu.lease_id AND cl.org_id = cu.org_id
	AND cu.org_id = u.org_id AND cu.unit_id = u.id AND cl.start_date <= $2 AND (cl.ends_on IS NULL OR cl.ends_on >= $3))`

// unitArgs are the arguments of the unit queries, with the complex
// condition on column col ($4) when complexID is not 0.
func unitArgs(tx *db.Tx, from, today civil.Date, complexID int64, col string) (string, []any) {
	args := []any{tx.OrgID(), from, today}
	if complexID == 0 {
		return "", args
	}
	return ` AND ` + col + ` = $4`, append(args, complexID)
}

// unitCount counts the units (of a complex): an index-only count.
func unitCount(ctx context.Context, tx *db.Tx, complexID int64) (int, error) {
	q, args := `SELECT COUNT(*) FROM units u WHERE u.org_id = $1`, []any{tx.OrgID()}
	if complexID != 0 {
		q, args = q+` AND u.complex_id = $2`, append(args, complexID)
	}
	return count(ctx, tx, "units", q, args...)
}

// unitsToCount reads the units (of a complex) that are not let by one lease
// from day from or before through today, with their leases: the ones whose
// days the vacancy rule must walk.
func unitsToCount(ctx context.Context, tx *db.Tx, from, today civil.Date, complexID int64) ([]*unitRow, error) {
	cond, args := unitArgs(tx, from, today, complexID, "u.complex_id")
	rows, err := tx.QueryContext(ctx, `SELECT u.id, COALESCE(u.complex_id, 0), u.street, u.house_number, u.addition, u.postcode, u.city,
		u.created_at FROM units u WHERE u.org_id = $1 AND NOT `+letThrough+cond+` ORDER BY u.street, u.house_number, u.addition, u.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("overview: units: %w", err)
	}
	var out []*unitRow
	byID := map[int64]*unitRow{}
	for rows.Next() {
		u := &unitRow{}
		var street, addition, postcode, city, created string
		var number int
		if err := rows.Scan(&u.ID, &u.ComplexID, &street, &number, &addition, &postcode, &city, &created); err != nil {
			rows.Close()
			return nil, fmt.Errorf("overview: units: %w", err)
		}
		u.Address = fmt.Sprintf("%s %d", street, number)
		if addition != "" {
			u.Address += "-" + addition
		}
		u.Address += ", " + postcode + " " + city
		if len(created) >= 10 {
			u.Created, _ = civil.Parse(created[:10]) // a malformed instant leaves the lease starts to decide
		}
		out = append(out, u)
		byID[u.ID] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("overview: units: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	// A lease's units are counted by its key (the lease is the
	// organisation's): with the organisation named there SQLite walked all
	// its lease_units rows (lease_units_complex) for every letting. The
	// units are named by id, 500 a statement, rather than found again.
	for start := 0; start < len(out); start += 500 {
		part := out[start:min(start+500, len(out))]
		args := []any{tx.OrgID()}
		cond := ""
		if complexID != 0 {
			cond, args = ` AND lu.complex_id = $2`, append(args, complexID)
		}
		for _, u := range part {
			args = append(args, u.ID)
		}
		if err := lettings(ctx, tx, `SELECT lu.unit_id, l.id, l.reference, l.start_date, l.ends_on,
			(SELECT COUNT(*) FROM lease_units n WHERE n.lease_id = l.id)
			FROM lease_units lu JOIN leases l ON l.id = lu.lease_id AND l.org_id = lu.org_id WHERE lu.org_id = $1`+cond+`
			AND lu.unit_id IN (`+tx.Params(len(args)-len(part)+1, len(part))+`) ORDER BY l.start_date, l.id`, args, byID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lettings reads "unit, lease…" rows of query into the units' Leases.
func lettings(ctx context.Context, tx *db.Tx, query string, args []any, byID map[int64]*unitRow) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("overview: lettings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var unit int64
		var l letting
		var end sql.Null[civil.Date]
		if err := rows.Scan(&unit, &l.LeaseID, &l.Reference, &l.Start, &end, &l.Units); err != nil {
			return fmt.Errorf("overview: lettings: %w", err)
		}
		l.End = end.V
		if u := byID[unit]; u != nil {
			u.Leases = append(u.Leases, l)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("overview: lettings: %w", err)
	}
	return nil
}

// rentRow is one bare-rent component of a lease.
type rentRow struct {
	Line   string
	Amount money.Cents
	From   civil.Date
}

// bareRents are the bare-rent components of the leases named, by lease,
// oldest first.
func bareRents(ctx context.Context, tx *db.Tx, leaseIDs []int64) (map[int64][]rentRow, error) {
	out := map[int64][]rentRow{}
	if len(leaseIDs) == 0 {
		return out, nil
	}
	args := []any{tx.OrgID()}
	for _, id := range leaseIDs {
		args = append(args, id)
	}
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, category, label, amount_cents, valid_from FROM lease_components
		WHERE org_id = $1 AND kind = 'bare_rent' AND lease_id IN (`+tx.Params(2, len(leaseIDs))+`) ORDER BY valid_from, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("overview: rents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var cat, label string
		var r rentRow
		if err := rows.Scan(&id, &cat, &label, &r.Amount, &r.From); err != nil {
			return nil, fmt.Errorf("overview: rents: %w", err)
		}
		r.Line = cat + "|" + label
		out[id] = append(out[id], r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("overview: rents: %w", err)
	}
	return out, nil
}

// count runs a counting query.
func count(ctx context.Context, tx *db.Tx, what, query string, args ...any) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("overview: %s: %w", what, err)
	}
	return n, nil
}

// withComplex adds the complex condition on the lease column col to a
// query whose arguments are args.
func withComplex(query string, args []any, col string, complexID int64) (string, []any) {
	if complexID == 0 {
		return query, args
	}
	return query + ` AND ` + inComplex(col, len(args)+1), append(args, complexID)
}

// endingLeases counts the leases whose last day is in [from, to].
func endingLeases(ctx context.Context, tx *db.Tx, from, to civil.Date, complexID int64) (int, error) {
	q, args := withComplex(`SELECT COUNT(*) FROM leases l WHERE l.org_id = $1 AND l.ends_on IS NOT NULL
		AND l.ends_on >= $2 AND l.ends_on <= $3`, []any{tx.OrgID(), from, to}, "l.id", complexID)
	return count(ctx, tx, "ending leases", q, args...)
}

// noticeLeases counts the leases running on day on with notice given (an
// active termination), as the lease list's status "notice".
func noticeLeases(ctx context.Context, tx *db.Tx, on civil.Date, complexID int64) (int, error) {
	q, args := withComplex(`SELECT COUNT(*) FROM leases l WHERE l.org_id = $1 AND l.start_date <= $2
		AND (l.ends_on IS NULL OR l.ends_on >= $2) AND EXISTS (SELECT 1 FROM lease_terminations t
		WHERE t.lease_id = l.id AND t.org_id = l.org_id AND t.withdrawn_at IS NULL)`, []any{tx.OrgID(), on}, "l.id", complexID)
	return count(ctx, tx, "notice leases", q, args...)
}

// draftIncreases counts the rent-increase proposals still in draft and
// the earliest effective date among them.
func draftIncreases(ctx context.Context, tx *db.Tx, complexID int64) (int, civil.Date, error) {
	q, args := withComplex(`SELECT COUNT(*), MIN(p.effective_date) FROM rent_increase_proposals p
		WHERE p.org_id = $1 AND p.status = 'draft'`, []any{tx.OrgID()}, "p.lease_id", complexID)
	var n int
	var first sql.Null[civil.Date]
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&n, &first); err != nil {
		return 0, civil.Date{}, fmt.Errorf("overview: rent increases: %w", err)
	}
	return n, first.V, nil
}

// mandateDates are the signing and last collection days of the current
// (active or suspended) direct-debit mandates.
func mandateDates(ctx context.Context, tx *db.Tx, complexID int64) ([][2]civil.Date, error) {
	q, args := withComplex(`SELECT m.signed_on, m.last_collected_on FROM dd_mandates m
		WHERE m.org_id = $1 AND m.status IN ('active', 'suspended')`, []any{tx.OrgID()}, "m.lease_id", complexID)
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("overview: mandates: %w", err)
	}
	defer rows.Close()
	var out [][2]civil.Date
	for rows.Next() {
		var signed civil.Date
		var last sql.Null[civil.Date]
		if err := rows.Scan(&signed, &last); err != nil {
			return nil, fmt.Errorf("overview: mandates: %w", err)
		}
		out = append(out, [2]civil.Date{signed, last.V})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("overview: mandates: %w", err)
	}
	return out, nil
}

// openJobs counts the organisation's background jobs waiting or running.
func openJobs(ctx context.Context, tx *db.Tx) (int, error) {
	return count(ctx, tx, "jobs", `SELECT COUNT(*) FROM jobs WHERE org_id = $1 AND state IN ('queued', 'running')`, tx.OrgID())
}

// overdue sums the charges overdue on day on, in the ageing buckets
// (bounds: the due dates 30, 60 and 90 days before on), and counts the
// leases owing them. A charge is open on a day as ledger.OpenOnTx has it:
// a positive line of an invoice issued by then, less the allocations made
// by then (negative ones, of a reversed payment, included).
//
// Only the charges of candidate invoices are read: those whose kept open
// amount (open_cents) is not zero, those with a negative line, and those
// with an allocation dated after on. Every other invoice has only positive
// lines, each allocated no more than its amount, that add up to what is
// allocated to them by on: none of its lines is open. So the read follows
// what is open, not the ledger's history (migration 00050's indexes).
func overdue(ctx context.Context, tx *db.Tx, on civil.Date, complexID int64) (sum money.Cents, buckets [4]money.Cents, leases int,
	err error) {
	args := []any{tx.OrgID(), on, on.AddDays(-30), on.AddDays(-60), on.AddDays(-90)}
	if complexID != 0 {
		args = append(args, complexID)
	}
	q := overdueQuery(tx.Dialect(), complexID != 0)
	var total, b0, b1, b2, b3 int64
	if err := tx.QueryRowContext(ctx, q, args...).Scan(&total, &b0, &b1, &b2, &b3, &leases); err != nil {
		return 0, buckets, 0, fmt.Errorf("overview: arrears: %w", err)
	}
	return money.Cents(total), [4]money.Cents{money.Cents(b0), money.Cents(b1), money.Cents(b2), money.Cents(b3)}, leases, nil
}

// overdueQuery is overdue's statement ($6 the complex when inComplex).
//
// CROSS JOIN keeps SQLite's join order: the candidates first, then their
// charges by invoice. On SQLite the charges' organisation term is written
// +c.org_id, which no index serves: otherwise SQLite searched, for each
// candidate invoice, every charge of the organisation due before the day
// (ledger_charges_due) for that invoice's (3.3 s at 10,000 units, the
// overview timed out; 52 ms by invoice). The allocations are found by
// charge (the charge is the organisation's): naming the organisation there
// would let SQLite walk ledger_allocations_on over every allocation up to on.
func overdueQuery(dialect db.Dialect, inComplexOnly bool) string {
	cond := ""
	if inComplexOnly {
		cond = ` AND ` + inComplex("c.lease_id", 6)
	}
	return `SELECT COALESCE(SUM(o.open), 0),
		COALESCE(SUM(CASE WHEN o.due_date >= $3 THEN o.open ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN o.due_date < $3 AND o.due_date >= $4 THEN o.open ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN o.due_date < $4 AND o.due_date >= $5 THEN o.open ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN o.due_date < $5 THEN o.open ELSE 0 END), 0),
		COUNT(DISTINCT o.lease_id)
		FROM (SELECT c.lease_id, c.due_date, c.total_cents - COALESCE((SELECT SUM(a.amount_cents) FROM ledger_allocations a
				WHERE a.charge_id = c.id AND a.allocated_on <= $2), 0) AS open
			FROM (SELECT k.id FROM ledger_invoices k WHERE k.org_id = $1 AND k.open_cents <> 0
				UNION SELECT n.invoice_id FROM ledger_charges n WHERE n.org_id = $1 AND n.total_cents < 0
				UNION SELECT fc.invoice_id FROM ledger_allocations fa JOIN ledger_charges fc ON fc.id = fa.charge_id AND fc.org_id = fa.org_id
					WHERE fa.org_id = $1 AND fa.allocated_on > $2) k
			CROSS JOIN ledger_charges c CROSS JOIN ledger_invoices i
			WHERE c.invoice_id = k.id AND ` + dialect.Unindexed("c.org_id") + ` = $1 AND i.id = c.invoice_id AND i.org_id = $1
				AND c.total_cents > 0 AND c.due_date < $2 AND i.issue_date <= $2` + cond + `) o
		WHERE o.open > 0`
}
