package reconcile

import (
	"context"
	"encoding/json"
	"fmt"

	"hms/internal/account"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/privacy"
)

// PrivacySource is the bank statement lines booked to the person's leases
// (the payer's name, account and texts), for subject requests.
func (s *Service) PrivacySource() privacy.Source { return privacySource{s} }

type privacySource struct{ s *Service }

func (privacySource) Name() string { return "reconcile" }

// personLines is the condition on bank_lines b for the lines booked to a
// lease person ($2) is a party to (lease_parties is the lease capability's
// table; reconcile does not import lease, as the ledger reads it too).
const personLines = `b.org_id = $1 AND b.lease_id IN (SELECT lp.lease_id FROM lease_parties lp WHERE lp.org_id = $1 AND lp.party_id = $2)`

type personLine struct {
	id     int64
	date   string
	amount money.Cents
	sealed []byte
}

// personLinesTx are the bank lines booked to the person's leases; with
// through (db.TS) only those of statements stored at or before it.
func personLinesTx(ctx context.Context, tx *db.Tx, person int64, through string) ([]personLine, error) {
	q, args := `SELECT b.id, b.booking_date, b.amount_cents, b.details_sealed FROM bank_lines b WHERE `+personLines, []any{tx.OrgID(), person}
	if through != "" {
		q += ` AND b.entry_id IN (SELECT e.id FROM bank_entries e JOIN bank_statements st ON st.id = e.statement_id AND st.org_id = e.org_id
			WHERE e.org_id = $1 AND st.created_at <= $3)`
		args = append(args, through)
	}
	rows, err := tx.QueryContext(ctx, q+` ORDER BY b.booking_date, b.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("bank lines of person: %w", err)
	}
	defer rows.Close()
	var out []personLine
	for rows.Next() {
		var l personLine
		if err := rows.Scan(&l.id, &l.date, &l.amount, &l.sealed); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func (p privacySource) Export(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) ([]privacy.Section, error) {
	sec := privacy.Section{Key: "reconcile.bank_lines", Title: "privacy.src.bank_lines", Purpose: "privacy.purpose.bank_lines",
		Basis: "privacy.basis.contract_legal", Retention: "privacy.retention.fiscal", Recipients: "privacy.recipients.books",
		Origin:  "privacy.origin.bank",
		Columns: []string{"privacy.col.date", "privacy.col.amount", "privacy.col.name", "privacy.col.iban", "privacy.col.description"}}
	ls, err := personLinesTx(ctx, tx, person, "")
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		d, err := p.s.open(ctx, tx, l.sealed)
		if err != nil {
			return nil, err
		}
		day, _ := civil.Parse(l.date)
		sec.Records = append(sec.Records, []privacy.Value{privacy.Day(day), privacy.Amount(l.amount), privacy.Text(d.Name),
			privacy.Text(d.IBAN), privacy.Text(d.Remittance)})
	}
	return []privacy.Section{sec}, nil
}

// Erase keeps each line's date, amount and booking (the books) and the
// bank's codes, and replaces the payer's name, account, place and texts
// by nothing; the payer's blind index and the payers learned for the
// person's leases are deleted.
func (p privacySource) Erase(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) (privacy.Outcome, error) {
	var o privacy.Outcome
	ls, err := personLinesTx(ctx, tx, person, "")
	if err != nil {
		return o, err
	}
	erased, payers, err := p.s.eraseLinesTx(ctx, tx, person, ls, "")
	if err != nil {
		return o, err
	}
	var last civil.Date
	for _, l := range ls {
		if day, err := civil.Parse(l.date); err == nil && day.After(last) {
			last = day
		}
	}
	var until civil.Date
	if !last.IsZero() {
		until = ledger.RetainedUntil(last.Year)
	}
	o.Erased = []privacy.Erased{{What: "privacy.what.bank_line_details", Count: erased},
		{What: "privacy.what.learned_payers", Count: payers}}
	o.Kept = []privacy.Kept{{What: "privacy.what.bank_lines", Count: len(ls), Until: until, Why: "privacy.why.fiscal"}}
	return o, nil
}

// ReplayErasureTx erases again, after a restore of a backup (vault.OnReplay,
// wired in app), what Erase erased of person at through (the erasure's
// time, db.TS): the details of the bank lines of statements stored by then
// and the payers learned by then. Lines and payers that came after (a
// co-tenant paying on) stay; lines erased before are left alone.
func (s *Service) ReplayErasureTx(ctx context.Context, tx *db.Tx, person int64, through string) error {
	ls, err := personLinesTx(ctx, tx, person, through)
	if err != nil {
		return err
	}
	_, _, err = s.eraseLinesTx(ctx, tx, person, ls, through)
	return err
}

// eraseLinesTx replaces the details of lines by the bank's codes alone and
// deletes the payers learned for the person's leases (by through, when
// given). It returns how many lines and payers it changed.
func (s *Service) eraseLinesTx(ctx context.Context, tx *db.Tx, person int64, ls []personLine, through string) (int, int, error) {
	erased := 0
	for _, l := range ls {
		d, err := s.open(ctx, tx, l.sealed)
		if err != nil {
			return 0, 0, err
		}
		kept := Details{Kind: d.Kind, TxCode: d.TxCode, BatchRef: d.BatchRef}
		if kept == d {
			continue // erased before
		}
		b, err := json.Marshal(kept)
		if err != nil {
			return 0, 0, err
		}
		sealed, err := s.vault.SealOrg(ctx, tx, fieldDetails, b)
		if err != nil {
			return 0, 0, fmt.Errorf("erase bank line %d: %w", l.id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bank_lines SET details_sealed = $1, payer_token = '' WHERE org_id = $2 AND id = $3`,
			sealed, tx.OrgID(), l.id); err != nil {
			return 0, 0, fmt.Errorf("erase bank line %d: %w", l.id, err)
		}
		erased++
	}
	q, args := `DELETE FROM bank_payers WHERE org_id = $1 AND lease_id IN (SELECT lp.lease_id FROM lease_parties lp
		WHERE lp.org_id = $1 AND lp.party_id = $2)`, []any{tx.OrgID(), person}
	if through != "" {
		q += ` AND created_at <= $3`
		args = append(args, through)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, 0, fmt.Errorf("erase learned payers: %w", err)
	}
	payers, _ := res.RowsAffected()
	return erased, int(payers), nil
}
