package dunning

import (
	"context"
	"fmt"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/privacy"
)

// PrivacySource is the reminders and letters about the person's leases,
// for subject requests.
func (s *Service) PrivacySource() privacy.Source { return privacySource{s} }

type privacySource struct{ s *Service }

func (privacySource) Name() string { return "dunning" }

const personLetters = `FROM dunning_letters d WHERE d.org_id = $1 AND d.lease_id IN (SELECT lp.lease_id FROM lease_parties lp
	WHERE lp.org_id = $1 AND lp.party_id = $2)`

func (p privacySource) Export(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) ([]privacy.Section, error) {
	sec := privacy.Section{Key: "dunning.letters", Title: "privacy.src.dunning", Purpose: "privacy.purpose.dunning",
		Basis: "privacy.basis.interest_claims", Retention: "privacy.retention.fiscal", Recipients: "privacy.recipients.tenant",
		Origin:  "privacy.origin.generated",
		Columns: []string{"privacy.col.date", "privacy.col.kind", "privacy.col.amount", "privacy.col.costs", "privacy.col.deadline"}}
	rows, err := tx.QueryContext(ctx, `SELECT d.letter_date, d.stage, d.principal_cents, d.costs_cents, d.deadline `+
		personLetters+` ORDER BY d.id`,
		tx.OrgID(), person)
	if err != nil {
		return nil, fmt.Errorf("dunning letters of person: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var date, stage, deadline string
		var principal, costs money.Cents
		if err := rows.Scan(&date, &stage, &principal, &costs, &deadline); err != nil {
			return nil, err
		}
		d, _ := civil.Parse(date)
		dl, _ := civil.Parse(deadline)
		sec.Records = append(sec.Records, []privacy.Value{privacy.Day(d), privacy.Word("privacy.dunning." + stage), privacy.Amount(principal),
			privacy.Amount(costs), privacy.Day(dl)})
	}
	return []privacy.Section{sec}, rows.Err()
}

// Erase keeps the letters: their PDFs and amounts are in the fiscal
// archive (sealed per organisation and year, not under the person's key),
// kept with the books until the retention ends.
func (p privacySource) Erase(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) (privacy.Outcome, error) {
	var o privacy.Outcome
	var n int
	var last *int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MAX(d.fiscal_year) `+personLetters, tx.OrgID(), person).Scan(&n, &last); err != nil {
		return o, fmt.Errorf("dunning letters of person: %w", err)
	}
	var until civil.Date
	if last != nil {
		until = ledger.RetainedUntil(int(*last))
	}
	o.Kept = []privacy.Kept{{What: "privacy.what.dunning_letters", Count: n, Until: until, Why: "privacy.why.fiscal_documents"}}
	return o, nil
}
