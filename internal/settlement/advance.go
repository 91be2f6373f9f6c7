package settlement

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
)

// ApplyAdvance sets the proposed new advance of a sent statement on the
// lease from the first month after sending (art. 7:261 lid 1: one
// adjustment per statement; a second apply is refused). A lease with
// several service-cost lines gets the amount split over them by the
// tenant's costs per category (whole euros, largest remainder); costs of a
// category the lease has no line for go to its first line.
func (st *Statements) ApplyAdvance(ctx context.Context, a account.Actor, runID, occupancyID int64) (money.Cents, error) {
	if err := canWrite(a); err != nil {
		return 0, err
	}
	if !a.Can(account.PermPortfolioWrite) {
		return 0, validation.ErrForbidden
	}
	var id, leaseID int64
	var amount money.Cents
	var from civil.Date
	var lines []lease.ComponentInput
	err := st.s.db.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var fromText string
		var applied, sent bool
		err := tx.QueryRowContext(ctx, `SELECT id, lease_id, advance_cents, advance_from, advance_applied_at IS NOT NULL, sent_at IS NOT NULL
			FROM settlement_statements WHERE run_id = $1 AND occupancy_id = $2 AND org_id = $3`, runID, occupancyID, tx.OrgID()).
			Scan(&id, &leaseID, &amount, &fromText, &applied, &sent)
		if errors.Is(err, sql.ErrNoRows) {
			// Another organisation's run (or occupancy) is not found, not unsent.
			if _, err := runSummary(ctx, tx, runID); err != nil {
				return err
			}
			return ErrNotSent
		}
		if err != nil {
			return fmt.Errorf("statement advance: %w", err)
		}
		switch {
		case !sent:
			return ErrNotSent
		case applied:
			return ErrAdvanceApplied
		case amount <= 0 || fromText == "":
			return ErrNoAdvance
		}
		if from, err = civil.Parse(fromText); err != nil {
			return err
		}
		l, err := st.s.leases.GetTx(ctx, tx, leaseID)
		if err != nil {
			return err
		}
		r, err := loadRun(ctx, tx, runID)
		if err != nil {
			return err
		}
		var occ *RunOccupancy
		for i := range r.Occupancies {
			if r.Occupancies[i].ID == occupancyID {
				occ = &r.Occupancies[i]
			}
		}
		if occ == nil {
			return validation.ErrNotFound
		}
		lines = splitAdvance(amount, l, r, occ, from)
		return nil
	})
	if err != nil {
		return 0, err
	}
	// SetComponent writes in its own transaction; setting the same row
	// again is a no-op, so a retry after a failure below is safe.
	for _, in := range lines {
		if _, err := st.s.leases.SetComponent(ctx, a, leaseID, in); err != nil {
			return 0, err
		}
	}
	err = st.s.db.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx,
			`UPDATE settlement_statements SET advance_applied_at = $1 WHERE id = $2 AND org_id = $3
				AND advance_applied_at IS NULL`, st.s.now(), id, tx.OrgID())
		if err != nil {
			return fmt.Errorf("mark advance applied: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrAdvanceApplied
		}
		return st.s.record(ctx, tx, a, "settlement.advance_applied", "lease", leaseID, map[string]string{"statement_id": fmt.Sprint(id),
			"amount_cents": fmt.Sprint(int64(amount)), "valid_from": from.String()})
	})
	return amount, err
}

// splitAdvance divides the new advance over the lease's service-cost lines
// as they are on from.
func splitAdvance(amount money.Cents, l *lease.Lease, r *Run, o *RunOccupancy, from civil.Date) []lease.ComponentInput {
	var current []lease.Component
	for _, c := range l.ComponentsOn(from) {
		if c.Kind == lease.ServiceCosts {
			current = append(current, c)
		}
	}
	if len(current) == 0 {
		return []lease.ComponentInput{{Kind: lease.ServiceCosts, AmountCents: amount, ValidFrom: from}}
	}
	category := map[string]string{}
	for _, c := range r.Costs {
		category[c.CostID] = NormalizeCategory(c.Category)
	}
	weights := make([]int64, len(current))
	for _, ln := range o.Lines {
		i := 0
		for j, c := range current {
			if NormalizeCategory(c.Category) == category[ln.CostID] {
				i = j
				break
			}
		}
		weights[i] += int64(max(ln.Amount, 0))
	}
	var sum int64
	for _, w := range weights {
		sum += w
	}
	if sum == 0 {
		for i := range weights {
			weights[i] = 1
		}
	}
	euros, err := money.Allocate(amount/100, weights)
	if err != nil {
		euros = make([]money.Cents, len(current))
		euros[0] = amount / 100
	}
	out := make([]lease.ComponentInput, len(current))
	for i, c := range current {
		out[i] = lease.ComponentInput{Kind: lease.ServiceCosts, Category: c.Category, Label: c.Label,
			AmountCents: euros[i] * 100, VAT: c.VAT, ValidFrom: from}
	}
	return out
}
