package settlement

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// Levies and user charges (gebruikerslasten, heffingen; DOMAIN.md §7.10):
// imposed on the landlord for a period, distributed per tenant by occupancy
// as their own ledger lines ("levy|<year>|<name>"), not part of the
// service-cost settlement but optionally printed on its statement.

// Levy bases.
const (
	LevyEqual = "equal" // each let unit-day weighs the same
	LevyArea  = "area"  // a unit-day weighs the unit's floor area
)

// Levy is a levy with its distribution.
type Levy struct {
	ID          int64
	ComplexID   int64
	ComplexName string
	Name        string
	PeriodStart civil.Date
	PeriodEnd   civil.Date
	Amount      money.Cents
	Basis       string
	OnStatement bool
	Shares      []LevyShare
	Landlord    money.Cents // vacant days
	Booked      int         // shares booked
}

// LevyShare is one lease's part of a levy for one unit (LeaseID 0: the
// landlord's vacant days).
type LevyShare struct {
	LeaseID   int64
	UnitID    int64
	Days      int
	Amount    money.Cents
	InvoiceID int64
}

// LevyInput is a levy as entered.
type LevyInput struct {
	ComplexID   int64
	Name        string
	PeriodStart string
	PeriodEnd   string
	Amount      string
	Basis       string
	OnStatement bool
}

// CreateLevy stores a levy and distributes it over the complex's leases by
// their days in the period (largest remainder, so the shares add up to the
// amount exactly; vacant days stay with the landlord).
func (st *Statements) CreateLevy(ctx context.Context, a account.Actor, in LevyInput) (int64, error) {
	if err := canWrite(a); err != nil {
		return 0, err
	}
	fe := validation.Errors{}
	name := strings.Join(strings.Fields(in.Name), " ")
	if name == "" {
		fe.Add("name", "field.required")
	} else if len(name) > 100 || strings.Contains(name, "|") {
		fe.Add("name", "settlement_statement.levy_name_invalid")
	}
	from, ok1 := parseDate(in.PeriodStart)
	if !ok1 {
		fe.Add("period_start", "field.date")
	}
	to, ok2 := parseDate(in.PeriodEnd)
	if !ok2 {
		fe.Add("period_end", "field.date")
	}
	if ok1 && ok2 && to.Before(from) {
		fe.Add("period_end", "settlement.period_end_before_start")
	}
	amount, err := money.Parse(in.Amount)
	if err != nil || amount <= 0 {
		fe.Add("amount", "settlement_statement.amount_positive")
	} else if !amount.InBounds() {
		fe.Add("amount", money.TooLarge)
	}
	if in.Basis != LevyEqual && in.Basis != LevyArea {
		fe.Add("basis", "field.invalid")
	}
	if in.ComplexID <= 0 {
		fe.Add("complex_id", "field.required")
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	var id int64
	err = st.s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		ok, err := complexExists(ctx, tx, in.ComplexID)
		if err != nil {
			return err
		}
		if !ok {
			return validation.Errors{"complex_id": "field.invalid"}
		}
		var n int
		if err := tx.QueryRowContext(ctx,
			`SELECT COUNT(*) FROM settlement_levies WHERE org_id = $1 AND complex_id = $2 AND name = $3 AND period_start = $4`, tx.OrgID(),
			in.ComplexID, name, from).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return validation.Errors{"name": "settlement_statement.levy_exists"}
		}
		shares, err := distributeLevy(ctx, tx, in.ComplexID, from, to, amount, in.Basis)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO settlement_levies (org_id, complex_id, name, period_start, period_end, amount_cents, basis,
			on_statement, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`, tx.OrgID(), in.ComplexID, name,
			from, to, int64(amount), in.Basis, b2i(in.OnStatement), st.s.now(), a.UserID).Scan(&id); err != nil {
			return fmt.Errorf("insert levy: %w", err)
		}
		rows := make([][]any, len(shares))
		for i, s := range shares {
			rows[i] = []any{tx.OrgID(), id, s.LeaseID, s.UnitID, s.Days, int64(s.Amount)}
		}
		if err := bulkInsert(ctx, tx, "settlement_levy_shares",
			[]string{"org_id", "levy_id", "lease_id", "unit_id", "days", "amount_cents"}, rows); err != nil {
			return err
		}
		return st.s.record(ctx, tx, a, "settlement.levy_created", "settlement_levy", id, map[string]string{"complex_id": fmt.Sprint(in.ComplexID),
			"amount_cents": fmt.Sprint(int64(amount)), "basis": in.Basis, "shares": fmt.Sprint(len(shares))})
	})
	return id, err
}

// distributeLevy splits amount over the complex's units by occupancy days
// in from..to: a lease's weight on a unit is its days there times the
// unit's weight (1, or its area in tenths of m²); the vacant days of a unit
// are the landlord's (lease 0). Largest remainder over all of them.
func distributeLevy(ctx context.Context, tx *db.Tx, complexID int64, from, to civil.Date, amount money.Cents,
	basis string) ([]LevyShare, error) {
	units, err := complexUnits(ctx, tx, complexID)
	if err != nil {
		return nil, err
	}
	if len(units) == 0 {
		return nil, ErrNoUnits
	}
	occs, err := complexOccupancies(ctx, tx, complexID, from, to)
	if err != nil {
		return nil, err
	}
	period := from.DaysUntil(to) + 1
	let := map[int64]int{}
	var shares []LevyShare
	var weights []int64
	weight := map[int64]int64{}
	for _, u := range units {
		weight[u.id] = 1
		if basis == LevyArea {
			weight[u.id] = u.areaTenths
		}
	}
	for _, o := range occs {
		start, end := later(o.start, from), to
		if !o.end.IsZero() && o.end.Before(to) {
			end = o.end
		}
		days := start.DaysUntil(end) + 1
		if days <= 0 {
			continue
		}
		let[o.unitID] += days
		shares = append(shares, LevyShare{LeaseID: o.leaseID, UnitID: o.unitID, Days: days})
		weights = append(weights, int64(days)*weight[o.unitID])
	}
	for _, u := range units {
		if v := period - let[u.id]; v > 0 {
			shares = append(shares, LevyShare{UnitID: u.id, Days: v})
			weights = append(weights, int64(v)*weight[u.id])
		}
	}
	var sum int64
	for _, w := range weights {
		sum += w
	}
	if sum == 0 {
		return nil, validation.Errors{"basis": "settlement_statement.levy_no_weight"}
	}
	parts, err := money.Allocate(amount, weights)
	if err != nil {
		return nil, fmt.Errorf("distribute levy: %w", err)
	}
	for i := range shares {
		shares[i].Amount = parts[i]
	}
	return shares, nil
}

// LevyFilter narrows the levy list.
type LevyFilter struct{ ComplexID int64 }

// Levies lists levies with their shares, newest period first.
func (st *Statements) Levies(ctx context.Context, a account.Actor, f LevyFilter) ([]Levy, error) {
	if err := canRead(a); err != nil {
		return nil, err
	}
	var out []Levy
	err := st.s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		q := `SELECT v.id, v.complex_id, COALESCE(c.name, ''), v.name, v.period_start, v.period_end, v.amount_cents, v.basis, v.on_statement
			FROM settlement_levies v LEFT JOIN complexes c ON c.id = v.complex_id AND c.org_id = v.org_id WHERE v.org_id = $1`
		args := []any{tx.OrgID()}
		if f.ComplexID > 0 {
			q += ` AND v.complex_id = $2`
			args = append(args, f.ComplexID)
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY v.period_start DESC, v.id DESC`, args...)
		if err != nil {
			return fmt.Errorf("levies: %w", err)
		}
		for rows.Next() {
			var l Levy
			var on int
			if err := rows.Scan(&l.ID, &l.ComplexID, &l.ComplexName, &l.Name, &l.PeriodStart, &l.PeriodEnd, &l.Amount, &l.Basis, &on); err != nil {
				rows.Close()
				return err
			}
			l.OnStatement = on != 0
			out = append(out, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			if err := loadShares(ctx, tx, &out[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

func loadShares(ctx context.Context, tx *db.Tx, l *Levy) error {
	rows, err := tx.QueryContext(ctx, `SELECT lease_id, unit_id, days, amount_cents, invoice_id FROM settlement_levy_shares
		WHERE levy_id = $1 AND org_id = $2 ORDER BY unit_id, lease_id`, l.ID, tx.OrgID())
	if err != nil {
		return fmt.Errorf("levy shares: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s LevyShare
		if err := rows.Scan(&s.LeaseID, &s.UnitID, &s.Days, &s.Amount, &s.InvoiceID); err != nil {
			return err
		}
		if s.LeaseID == 0 {
			l.Landlord += s.Amount
		}
		if s.InvoiceID != 0 {
			l.Booked++
		}
		l.Shares = append(l.Shares, s)
	}
	return rows.Err()
}

// DeleteLevy removes a levy none of whose shares is booked.
func (st *Statements) DeleteLevy(ctx context.Context, a account.Actor, id int64) error {
	if err := canWrite(a); err != nil {
		return err
	}
	return st.s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var booked int
		err := tx.QueryRowContext(ctx,
			`SELECT (SELECT COUNT(*) FROM settlement_levy_shares WHERE levy_id = v.id AND org_id = v.org_id AND invoice_id <> 0)
			FROM settlement_levies v WHERE v.id = $1 AND v.org_id = $2`, id, tx.OrgID()).Scan(&booked)
		if errors.Is(err, sql.ErrNoRows) {
			return validation.ErrNotFound
		}
		if err != nil {
			return err
		}
		if booked > 0 {
			return ErrLevyBooked
		}
		for _, q := range []string{`DELETE FROM settlement_levy_shares WHERE levy_id = $1 AND org_id = $2`,
			`DELETE FROM settlement_levies WHERE id = $1 AND org_id = $2`} {
			if _, err := tx.ExecContext(ctx, q, id, tx.OrgID()); err != nil {
				return fmt.Errorf("delete levy: %w", err)
			}
		}
		return st.s.record(ctx, tx, a, "settlement.levy_deleted", "settlement_levy", id, nil)
	})
}

// BookLevy books every unbooked tenant share of a levy as an invoice
// (idempotent: a booked share keeps its invoice). It returns how many
// invoices it posted.
func (st *Statements) BookLevy(ctx context.Context, a account.Actor, id int64) (int, error) {
	if err := canWrite(a); err != nil {
		return 0, err
	}
	var n int
	err := st.s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var complexID int64
		var start civil.Date
		err := tx.QueryRowContext(ctx, `SELECT complex_id, period_start FROM settlement_levies WHERE id = $1 AND org_id = $2`, id, tx.OrgID()).
			Scan(&complexID, &start)
		if errors.Is(err, sql.ErrNoRows) {
			return validation.ErrNotFound
		}
		if err != nil {
			return err
		}
		ss, err := loadStatementSettings(ctx, tx)
		if err != nil {
			return err
		}
		today := st.s.today()
		if n, err = st.bookLevies(ctx, tx, `s.levy_id = $2`, id, a.UserID, today, today.AddDays(ss.DueDays)); err != nil {
			return err
		}
		return st.s.record(ctx, tx, a, "settlement.levy_booked", "settlement_levy", id, map[string]string{"invoices": fmt.Sprint(n)})
	})
	return n, err
}

// bookLevyShares books lease's unbooked shares of the complex's levies
// whose period starts in year (onStatement: only those printed on the
// statement), for the unit.
func (st *Statements) bookLevyShares(ctx context.Context, tx *db.Tx, leaseID, complexID int64, year int, unitID, by int64,
	issue, due civil.Date, onStatement bool) (int, error) {
	cond := `s.lease_id = $2 AND s.unit_id = $3 AND v.complex_id = $4 AND v.period_start >= $5 AND v.period_start <= $6`
	if onStatement {
		cond += ` AND v.on_statement = 1`
	}
	return st.bookLevies(ctx, tx, cond, []any{leaseID, unitID, complexID, civil.New(year, 1, 1), civil.New(year, 12, 31)}, by, issue, due)
}

// bookLevies posts one invoice per unbooked share matching cond ($1 is the
// organisation; arg holds the rest) and records the invoice on the share.
func (st *Statements) bookLevies(ctx context.Context, tx *db.Tx, cond string, arg any, by int64, issue, due civil.Date) (int, error) {
	args := []any{tx.OrgID()}
	if more, ok := arg.([]any); ok {
		args = append(args, more...)
	} else {
		args = append(args, arg)
	}
	rows, err := tx.QueryContext(ctx, `SELECT s.levy_id, s.lease_id, s.unit_id, s.amount_cents, v.name, v.period_start, v.period_end
		FROM settlement_levy_shares s JOIN settlement_levies v ON v.id = s.levy_id AND v.org_id = s.org_id
		WHERE s.org_id = $1 AND s.lease_id <> 0 AND s.invoice_id = 0 AND s.amount_cents > 0
		AND `+cond+` ORDER BY s.levy_id, s.lease_id, s.unit_id`, args...)
	if err != nil {
		return 0, fmt.Errorf("levy shares to book: %w", err)
	}
	type share struct {
		levy, lease, unit int64
		amount            money.Cents
		name              string
		from, to          civil.Date
	}
	var todo []share
	for rows.Next() {
		var s share
		if err := rows.Scan(&s.levy, &s.lease, &s.unit, &s.amount, &s.name, &s.from, &s.to); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(todo) == 0 {
		return 0, err
	}
	drafts := make([]ledger.Draft, len(todo))
	for i, s := range todo {
		drafts[i] = ledger.Draft{LeaseID: s.lease, IssueDate: issue, DueDate: due,
			Lines: []ledger.DraftLine{{Line: LevyLine(s.from.Year, s.name), From: s.from, To: s.to, Net: s.amount}}}
	}
	posted, err := ledger.PostTx(ctx, tx, drafts, st.s.now(), by)
	if err != nil {
		return 0, fmt.Errorf("book levies: %w", err)
	}
	for i, s := range todo {
		if _, err := tx.ExecContext(ctx,
			`UPDATE settlement_levy_shares SET invoice_id = $1 WHERE levy_id = $2 AND lease_id = $3 AND unit_id = $4 AND org_id = $5`,
			posted[i].InvoiceID, s.levy, s.lease, s.unit, tx.OrgID()); err != nil {
			return 0, fmt.Errorf("mark levy share booked: %w", err)
		}
	}
	return len(todo), nil
}

// statementLevies are the levies printed on a statement: those of the
// complex whose period starts in year, marked on_statement, the lease's
// share for the unit.
func statementLevies(ctx context.Context, tx *db.Tx, complexID int64, year int, leaseID, unitID int64) ([]LevyShareLine, error) {
	rows, err := tx.QueryContext(ctx, `SELECT v.id, v.name, v.period_start, v.period_end, s.amount_cents, s.days
		FROM settlement_levies v JOIN settlement_levy_shares s ON s.levy_id = v.id AND s.org_id = v.org_id
		WHERE v.org_id = $1 AND v.complex_id = $2 AND v.on_statement = 1 AND v.period_start >= $3 AND v.period_start <= $4
		AND s.lease_id = $5 AND s.unit_id = $6
		ORDER BY v.period_start, v.id`, tx.OrgID(), complexID, civil.New(year, 1, 1), civil.New(year, 12, 31), leaseID, unitID)
	if err != nil {
		return nil, fmt.Errorf("statement levies: %w", err)
	}
	defer rows.Close()
	var out []LevyShareLine
	for rows.Next() {
		var l LevyShareLine
		if err := rows.Scan(&l.LevyID, &l.Name, &l.PeriodStart, &l.PeriodEnd, &l.Amount, &l.Days); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
