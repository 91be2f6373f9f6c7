package overview

import (
	"context"
	"database/sql"
	"fmt"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// WholeFigures are Figures with the arrears, the vacancy and the occupancy
// computed as before issue 16's change, from every open charge and every
// unit with all its leases: what the figures read from the candidates and
// the let units must equal, to the cent.
func (s *Service) WholeFigures(ctx context.Context, a account.Actor, complexID int64) (*Figures, error) {
	f, err := s.Figures(ctx, a, complexID)
	if err != nil {
		return nil, err
	}
	err = s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		if f.Finance {
			var inComplex map[int64]bool
			if complexID != 0 {
				if inComplex, err = complexLeases(ctx, tx, complexID); err != nil {
					return err
				}
			}
			f.Arrears, f.Buckets, f.Debtors = 0, [4]money.Cents{}, 0
			open, err := ledger.OpenOnTx(ctx, tx, f.On)
			if err != nil {
				return err
			}
			debtors := map[int64]bool{}
			for _, c := range open {
				if inComplex != nil && !inComplex[c.LeaseID] {
					continue
				}
				if !c.DueDate.Before(f.On) || c.Open() <= 0 {
					continue
				}
				f.Arrears += c.Open()
				f.Buckets[Bucket(c.DueDate.DaysUntil(f.On))] += c.Open()
				debtors[c.LeaseID] = true
			}
			f.Debtors = len(debtors)
		}
		if f.Portfolio {
			f.Units, f.Empty, f.EmptyDays, f.RentLost, f.Vacant = 0, 0, 0, 0, nil
			for i := range f.Months {
				f.Months[i].Units, f.Months[i].Let = 0, 0
			}
			us, err := wholeUnits(ctx, tx, complexID)
			if err != nil {
				return err
			}
			rents, err := wholeRents(ctx, tx)
			if err != nil {
				return err
			}
			vacancy(f, us, rents)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.ThisMonth = f.Months[len(f.Months)-1]
	return f, nil
}

// wholeUnits reads every unit (of a complex) with its leases.
func wholeUnits(ctx context.Context, tx *db.Tx, complexID int64) ([]*unitRow, error) {
	q := `SELECT id, COALESCE(complex_id, 0), street, house_number, addition, postcode, city, created_at FROM units WHERE org_id = $1`
	args := []any{tx.OrgID()}
	if complexID != 0 {
		q += ` AND complex_id = $2`
		args = append(args, complexID)
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY street, house_number, addition, id`, args...)
	if err != nil {
		return nil, err
	}
	var out []*unitRow
	byID := map[int64]*unitRow{}
	for rows.Next() {
		u := &unitRow{}
		var street, addition, postcode, city, created string
		var number int
		if err := rows.Scan(&u.ID, &u.ComplexID, &street, &number, &addition, &postcode, &city, &created); err != nil {
			rows.Close()
			return nil, err
		}
		u.Address = fmt.Sprintf("%s %d", street, number)
		if addition != "" {
			u.Address += "-" + addition
		}
		u.Address += ", " + postcode + " " + city
		if len(created) >= 10 {
			u.Created, _ = civil.Parse(created[:10])
		}
		out = append(out, u)
		byID[u.ID] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	lq := `SELECT lu.unit_id, l.id, l.reference, l.start_date, l.ends_on,
		(SELECT COUNT(*) FROM lease_units n WHERE n.lease_id = l.id AND n.org_id = l.org_id)
		FROM lease_units lu JOIN leases l ON l.id = lu.lease_id AND l.org_id = lu.org_id WHERE lu.org_id = $1`
	if complexID != 0 {
		lq += ` AND lu.complex_id = $2`
	}
	rows, err = tx.QueryContext(ctx, lq+` ORDER BY l.start_date, l.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var unit int64
		var l letting
		var end sql.Null[civil.Date]
		if err := rows.Scan(&unit, &l.LeaseID, &l.Reference, &l.Start, &end, &l.Units); err != nil {
			return nil, err
		}
		l.End = end.V
		if u := byID[unit]; u != nil {
			u.Leases = append(u.Leases, l)
		}
	}
	return out, rows.Err()
}

// wholeRents are every lease's bare-rent components.
func wholeRents(ctx context.Context, tx *db.Tx) (map[int64][]rentRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, category, label, amount_cents, valid_from FROM lease_components
		WHERE org_id = $1 AND kind = 'bare_rent' ORDER BY valid_from, id`, tx.OrgID())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]rentRow{}
	for rows.Next() {
		var id int64
		var cat, label string
		var r rentRow
		if err := rows.Scan(&id, &cat, &label, &r.Amount, &r.From); err != nil {
			return nil, err
		}
		r.Line = cat + "|" + label
		out[id] = append(out[id], r)
	}
	return out, rows.Err()
}

// OverdueQuery is the arrears' statement.
func OverdueQuery(dialect db.Dialect, inComplexOnly bool) string {
	return overdueQuery(dialect, inComplexOnly)
}
