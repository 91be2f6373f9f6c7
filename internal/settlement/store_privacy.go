package settlement

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

// PrivacySource is the service-cost statements of the person's leases,
// for subject requests.
func (st *Statements) PrivacySource() privacy.Source { return privacySource{st} }

type privacySource struct{ st *Statements }

func (privacySource) Name() string { return "settlement" }

const personStatements = `FROM settlement_statements s JOIN settlement_runs r ON r.id = s.run_id AND r.org_id = s.org_id
	WHERE s.org_id = $1 AND s.lease_id IN (SELECT lp.lease_id FROM lease_parties lp WHERE lp.org_id = $1 AND lp.party_id = $2)`

func (p privacySource) Export(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) ([]privacy.Section, error) {
	sec := privacy.Section{Key: "settlement.statements", Title: "privacy.src.statements", Purpose: "privacy.purpose.statements",
		Basis: "privacy.basis.contract_legal", Retention: "privacy.retention.fiscal", Recipients: "privacy.recipients.tenant",
		Origin:  "privacy.origin.generated",
		Columns: []string{"privacy.col.year", "privacy.col.period", "privacy.col.amount", "privacy.col.sent"}}
	rows, err := tx.QueryContext(ctx, `SELECT r.year, r.period_start, r.period_end, s.booked_cents, COALESCE(s.sent_at, '') `+personStatements+
		` ORDER BY r.year, s.id`, tx.OrgID(), person)
	if err != nil {
		return nil, fmt.Errorf("statements of person: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var year int
		var from, to, sent string
		var booked money.Cents
		if err := rows.Scan(&year, &from, &to, &booked, &sent); err != nil {
			return nil, err
		}
		f, _ := civil.Parse(from)
		t, _ := civil.Parse(to)
		at, _ := db.ParseTS(sent)
		sec.Records = append(sec.Records, []privacy.Value{privacy.Text(fmt.Sprint(year)), privacy.Text(f.String() + " – " + t.String()),
			privacy.Amount(booked), privacy.At(at)})
	}
	return []privacy.Section{sec}, rows.Err()
}

// Erase keeps the statements: their PDFs are in the fiscal archive (sealed
// per organisation and year), their balances booked in the ledger.
func (p privacySource) Erase(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) (privacy.Outcome, error) {
	var o privacy.Outcome
	var n int
	var last *int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*),
		MAX(CASE WHEN s.document_year > 0 THEN s.document_year ELSE r.year END) `+personStatements,
		tx.OrgID(), person).Scan(&n, &last); err != nil {
		return o, fmt.Errorf("statements of person: %w", err)
	}
	var until civil.Date
	if last != nil {
		until = ledger.RetainedUntil(int(*last))
	}
	o.Kept = []privacy.Kept{{What: "privacy.what.statements", Count: n, Until: until, Why: "privacy.why.fiscal_documents"}}
	return o, nil
}
