package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// The reports' SQL: read-only views of the portfolio's units and complexes,
// the leases' deposit entries and units, and the ledger's invoices and
// payments, always of tx's organisation. (Leases with their rent history
// come from lease.Billable, open charges from ledger.OpenOnTx.)

// unit is a unit with its address on one line and its complex's name.
type unit struct {
	ID        int64
	ComplexID int64
	Complex   string
	Address   string
}

// complexes are the organisation's complexes by name.
func complexes(ctx context.Context, tx *db.Tx) ([]Complex, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM complexes WHERE org_id = $1 ORDER BY name_key, id`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("report: complexes: %w", err)
	}
	defer rows.Close()
	var out []Complex
	for rows.Next() {
		var c Complex
		if err := rows.Scan(&c.ID, &c.Name); err != nil {
			return nil, fmt.Errorf("report: complexes: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: complexes: %w", err)
	}
	return out, nil
}

// complexName is the name of complex id; field "complex" when it is not
// one of the organisation's.
func complexName(ctx context.Context, tx *db.Tx, id int64) (string, error) {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM complexes WHERE org_id = $1 AND id = $2`, tx.OrgID(), id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", validation.Errors{"complex": "report.error.complex"}
	}
	if err != nil {
		return "", fmt.Errorf("report: complex: %w", err)
	}
	return name, nil
}

// organisationName is the name of tx's organisation.
func organisationName(ctx context.Context, tx *db.Tx) (string, error) {
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, tx.OrgID()).Scan(&name); err != nil {
		return "", fmt.Errorf("report: organisation name: %w", err)
	}
	return name, nil
}

// units are the units of the scope (complexID 0: all), by complex name
// (units in no complex last), then address.
func units(ctx context.Context, tx *db.Tx, complexID int64) ([]unit, error) {
	rows, err := tx.QueryContext(ctx, `SELECT u.id, COALESCE(u.complex_id, 0), COALESCE(c.name, ''),
		u.street, u.house_number, u.addition, u.postcode, u.city
		FROM units u LEFT JOIN complexes c ON c.org_id = u.org_id AND c.id = u.complex_id
		WHERE u.org_id = $1 AND ($2 = 0 OR u.complex_id = $2)
		ORDER BY CASE WHEN c.id IS NULL THEN 1 ELSE 0 END, c.name_key, u.street, u.house_number, u.addition, u.id`,
		tx.OrgID(), complexID)
	if err != nil {
		return nil, fmt.Errorf("report: units: %w", err)
	}
	defer rows.Close()
	var out []unit
	for rows.Next() {
		var u unit
		var street, addition, postcode, city string
		var number int
		if err := rows.Scan(&u.ID, &u.ComplexID, &u.Complex, &street, &number, &addition, &postcode, &city); err != nil {
			return nil, fmt.Errorf("report: units: %w", err)
		}
		u.Address = address(street, number, addition, postcode, city)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: units: %w", err)
	}
	return out, nil
}

// depositSums are a lease's deposit entries up to a day, per kind.
type depositSums struct{ received, returned, deducted money.Cents }

func (d depositSums) held() money.Cents { return d.received - d.returned - d.deducted }

// depositsOn sums the deposit entries dated on or before on per lease, of
// the leases with a unit in complexID (0: all).
func depositsOn(ctx context.Context, tx *db.Tx, on civil.Date, complexID int64) (map[int64]depositSums, error) {
	rows, err := tx.QueryContext(ctx, `SELECT e.lease_id,
		SUM(CASE WHEN e.kind = 'received' THEN e.amount_cents ELSE 0 END),
		SUM(CASE WHEN e.kind = 'returned' THEN e.amount_cents ELSE 0 END),
		SUM(CASE WHEN e.kind = 'deducted' THEN e.amount_cents ELSE 0 END)
		FROM lease_deposit_entries e
		WHERE e.org_id = $1 AND e.entry_date <= $2
		AND ($3 = 0 OR e.lease_id IN (SELECT lu.lease_id FROM lease_units lu WHERE lu.org_id = $1 AND lu.complex_id = $3))
		GROUP BY e.lease_id`, tx.OrgID(), on, complexID)
	if err != nil {
		return nil, fmt.Errorf("report: deposits on %s: %w", on, err)
	}
	defer rows.Close()
	out := map[int64]depositSums{}
	for rows.Next() {
		var id, rec, ret, ded int64
		if err := rows.Scan(&id, &rec, &ret, &ded); err != nil {
			return nil, fmt.Errorf("report: deposits on %s: %w", on, err)
		}
		out[id] = depositSums{money.Cents(rec), money.Cents(ret), money.Cents(ded)}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: deposits on %s: %w", on, err)
	}
	return out, nil
}

// leaseMonth is an amount of a lease in a month ("2026-03").
type leaseMonth struct {
	LeaseID int64
	Month   string
	Amount  money.Cents
}

// chargedPerMonth sums per lease and month of issue the lines (with VAT)
// of the invoices and credit notes issued in [from, to], payout debits
// left out.
func chargedPerMonth(ctx context.Context, tx *db.Tx, from, to civil.Date) ([]leaseMonth, error) {
	return perMonth(ctx, tx, "charged", `SELECT c.lease_id, SUBSTR(i.issue_date, 1, 7), SUM(c.total_cents)
		FROM ledger_charges c JOIN ledger_invoices i ON i.org_id = c.org_id AND i.id = c.invoice_id
		WHERE c.org_id = $1 AND i.issue_date >= $2 AND i.issue_date <= $3 AND c.line NOT LIKE 'payout|%'
		GROUP BY c.lease_id, SUBSTR(i.issue_date, 1, 7)`, from, to)
}

// receivedPerMonth sums per lease and month the payments (reversals
// negative) dated in [from, to].
func receivedPerMonth(ctx context.Context, tx *db.Tx, from, to civil.Date) ([]leaseMonth, error) {
	return perMonth(ctx, tx, "received", `SELECT lease_id, SUBSTR(payment_date, 1, 7), SUM(amount_cents)
		FROM ledger_payments WHERE org_id = $1 AND payment_date >= $2 AND payment_date <= $3
		GROUP BY lease_id, SUBSTR(payment_date, 1, 7)`, from, to)
}

func perMonth(ctx context.Context, tx *db.Tx, what, query string, from, to civil.Date) ([]leaseMonth, error) {
	rows, err := tx.QueryContext(ctx, query, tx.OrgID(), from, to)
	if err != nil {
		return nil, fmt.Errorf("report: %s per month: %w", what, err)
	}
	defer rows.Close()
	var out []leaseMonth
	for rows.Next() {
		var lm leaseMonth
		var amount int64
		if err := rows.Scan(&lm.LeaseID, &lm.Month, &amount); err != nil {
			return nil, fmt.Errorf("report: %s per month: %w", what, err)
		}
		lm.Amount = money.Cents(amount)
		out = append(out, lm)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: %s per month: %w", what, err)
	}
	return out, nil
}

// leaseComplexes gives every lease the complex of its first unit (0: none).
func leaseComplexes(ctx context.Context, tx *db.Tx) (map[int64]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, complex_id FROM lease_units WHERE org_id = $1 ORDER BY lease_id, unit_id`,
		tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("report: lease complexes: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var lease, complex int64
		if err := rows.Scan(&lease, &complex); err != nil {
			return nil, fmt.Errorf("report: lease complexes: %w", err)
		}
		if _, seen := out[lease]; !seen {
			out[lease] = complex
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: lease complexes: %w", err)
	}
	return out, nil
}
