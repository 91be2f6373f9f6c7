package settlement

import (
	"context"
	"fmt"
	"time"

	"hms/internal/account"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
)

// Deadline states of a complex's settlement for a year.
const (
	DeadlineNone  = "none"  // no run
	DeadlineDraft = "draft" // only a draft run
	DeadlineFinal = "final" // final, not every statement sent
	DeadlineSent  = "sent"  // final and every statement sent
)

// Warning levels ahead of the legal date.
const (
	WarnNone    = ""
	Warn60      = "60_days"
	Warn30      = "30_days"
	WarnOverdue = "overdue"
)

// DeadlineRow is one complex on the deadline list.
type DeadlineRow struct {
	ComplexID   int64
	ComplexName string
	Year        int // the year to settle
	Leases      int // leases that ran in it
	State       string
	RunID       int64 // the latest year run (0: none)
	Sent, Total int   // statements sent of the final run's occupancies
	Due         civil.Date
	DaysLeft    int
	Warning     string
}

// Deadlines lists, per complex with leases in year, the state of its year
// settlement against the legal date of 30 June of the next year (art. 7:259
// lid 2), with warnings 60 and 30 days ahead and overdue after it. A sent
// settlement carries no warning.
func (st *Statements) Deadlines(ctx context.Context, a account.Actor, year int) ([]DeadlineRow, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	today := st.s.today()
	var out []DeadlineRow
	err := st.s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		from, to := civil.New(year, time.January, 1), civil.New(year, time.December, 31)
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.name, COUNT(DISTINCT lu.lease_id) FROM complexes c
			JOIN units u ON u.complex_id = c.id AND u.org_id = c.org_id
			JOIN lease_units lu ON lu.unit_id = u.id AND lu.org_id = u.org_id
			JOIN leases l ON l.id = lu.lease_id AND l.org_id = lu.org_id
			WHERE c.org_id = $1 AND l.start_date <= $2 AND (l.ends_on IS NULL OR l.ends_on >= $3)
			GROUP BY c.id, c.name ORDER BY c.name, c.id`, tx.OrgID(), to, from)
		if err != nil {
			return fmt.Errorf("deadline complexes: %w", err)
		}
		for rows.Next() {
			r := DeadlineRow{Year: year, State: DeadlineNone, Due: deadline(year)}
			if err := rows.Scan(&r.ComplexID, &r.ComplexName, &r.Leases); err != nil {
				rows.Close()
				return err
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			r := &out[i]
			// The latest year run: a final one wins over a newer draft that corrects it.
			var id int64
			var state string
			err := tx.QueryRowContext(ctx,
				`SELECT id, state FROM settlement_runs WHERE org_id = $1 AND complex_id = $2 AND year = $3 AND kind = 'year'
				ORDER BY CASE WHEN state = 'final' THEN 0 ELSE 1 END, id DESC LIMIT 1`, tx.OrgID(), r.ComplexID, year).Scan(&id, &state)
			if err == nil {
				r.RunID, r.State = id, state
			}
			if r.State == DeadlineFinal {
				if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM settlement_run_occupancies WHERE run_id = $1 AND org_id = $2),
					(SELECT COUNT(*) FROM settlement_statements WHERE run_id = $1 AND org_id = $2 AND sent_at IS NOT NULL)`, id, tx.OrgID()).
					Scan(&r.Total, &r.Sent); err != nil {
					return fmt.Errorf("deadline statements: %w", err)
				}
				if r.Sent >= r.Total {
					r.State = DeadlineSent
				}
			}
			r.DaysLeft = today.DaysUntil(r.Due)
			r.Warning = DeadlineWarning(r.State, r.DaysLeft)
		}
		return nil
	})
	return out, err
}

// DeadlineWarning is the warning for a settlement in state with daysLeft
// until the legal date.
func DeadlineWarning(state string, daysLeft int) string {
	switch {
	case state == DeadlineSent:
		return WarnNone
	case daysLeft < 0:
		return WarnOverdue
	case daysLeft <= 30:
		return Warn30
	case daysLeft <= 60:
		return Warn60
	}
	return WarnNone
}
