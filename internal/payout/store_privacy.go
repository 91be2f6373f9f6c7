package payout

import (
	"context"
	"database/sql"
	"fmt"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/privacy"
)

// ErrPayoutPending refuses to erase a person to whom money is still to be
// paid: the payment needs their name and account.
var ErrPayoutPending = &validation.Problem{Status: 409, Code: "privacy.erase_payout_pending"}

// PrivacySource is the money paid back to the person (or on their
// leases), for subject requests.
func (s *Service) PrivacySource() privacy.Source { return privacySource{s} }

type privacySource struct{ s *Service }

func (privacySource) Name() string { return "payout" }

const personPayouts = `FROM payouts p WHERE p.org_id = $1 AND (p.payee_id = $2 OR p.lease_id IN (SELECT lp.lease_id FROM lease_parties lp
	WHERE lp.org_id = $1 AND lp.party_id = $2))`

func (p privacySource) Export(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) ([]privacy.Section, error) {
	sec := privacy.Section{Key: "payout.payouts", Title: "privacy.src.payouts", Purpose: "privacy.purpose.payouts",
		Basis: "privacy.basis.contract_legal", Retention: "privacy.retention.fiscal", Recipients: "privacy.recipients.bank",
		Origin:  "privacy.origin.generated",
		Columns: []string{"privacy.col.kind", "privacy.col.amount", "privacy.col.due", "privacy.col.status", "privacy.col.paid"}}
	rows, err := tx.QueryContext(ctx, `SELECT p.kind, p.amount_cents, p.due_date, p.state, COALESCE(p.paid_on, '') `+
		personPayouts+` ORDER BY p.id`,
		tx.OrgID(), person)
	if err != nil {
		return nil, fmt.Errorf("payouts of person: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, due, state, paid string
		var amount money.Cents
		if err := rows.Scan(&kind, &amount, &due, &state, &paid); err != nil {
			return nil, err
		}
		d, _ := civil.Parse(due)
		pd, _ := civil.Parse(paid)
		sec.Records = append(sec.Records, []privacy.Value{privacy.Word("privacy.payout." + kind), privacy.Amount(amount), privacy.Day(d),
			privacy.Word("privacy.payout_state." + state), privacy.Day(pd)})
	}
	return []privacy.Section{sec}, rows.Err()
}

// Erase refuses while a payout to the person is open, approved or in a
// batch. Paid and cancelled payouts stay with the books; the payment files
// sent to the bank (sealed per organisation, naming every payee of the
// batch) stay whole as the record of what was paid.
func (p privacySource) Erase(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) (privacy.Outcome, error) {
	var o privacy.Outcome
	var pending, all int
	var last sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN p.state IN ('open','approved','in_batch') THEN 1 ELSE 0 END), 0),
		COUNT(*), MAX(p.due_date) `+personPayouts, tx.OrgID(), person).Scan(&pending, &all, &last); err != nil {
		return o, fmt.Errorf("payouts of person: %w", err)
	}
	if pending > 0 {
		return o, ErrPayoutPending
	}
	var until civil.Date
	if d, err := civil.Parse(last.String); err == nil {
		until = ledger.RetainedUntil(d.Year)
	}
	o.Kept = []privacy.Kept{{What: "privacy.what.payouts", Count: all, Until: until, Why: "privacy.why.fiscal_payment_files"}}
	return o, nil
}
