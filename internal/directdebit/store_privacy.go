package directdebit

import (
	"context"
	"database/sql"
	"fmt"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/privacy"
)

// PrivacySource is the direct-debit mandates of the person's leases and
// the debits made under them, for subject requests.
func (s *Service) PrivacySource() privacy.Source { return privacySource{s} }

type privacySource struct{ s *Service }

func (privacySource) Name() string { return "directdebit" }

func (p privacySource) Export(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) ([]privacy.Section, error) {
	sec := privacy.Section{Key: "directdebit.mandates", Title: "privacy.src.mandates", Purpose: "privacy.purpose.mandates",
		Basis: "privacy.basis.consent_contract", Retention: "privacy.retention.mandates", Recipients: "privacy.recipients.bank",
		Origin: "privacy.origin.person",
		Columns: []string{"privacy.col.mandate", "privacy.col.signed", "privacy.col.status", "privacy.col.name", "privacy.col.iban",
			"privacy.col.last_collected"}}
	ids, err := lease.LeaseIDsOfPartyTx(ctx, tx, person)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		rows, err := tx.QueryContext(ctx, `SELECT reference, signed_on, status, debtor_sealed, COALESCE(last_collected_on, '')
			FROM dd_mandates WHERE org_id = $1 AND lease_id = $2 ORDER BY id`, tx.OrgID(), id)
		if err != nil {
			return nil, fmt.Errorf("mandates of lease %d: %w", id, err)
		}
		type m struct {
			ref, signed, status, last string
			sealed                    []byte
		}
		var ms []m
		for rows.Next() {
			var x m
			if err := rows.Scan(&x.ref, &x.signed, &x.status, &x.sealed, &x.last); err != nil {
				rows.Close()
				return nil, err
			}
			ms = append(ms, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, x := range ms {
			d, err := p.s.open(ctx, tx, fieldMandateDebtor, x.sealed)
			if err != nil {
				return nil, err
			}
			signed, _ := civil.Parse(x.signed)
			last, _ := civil.Parse(x.last)
			sec.Records = append(sec.Records, []privacy.Value{privacy.Text(x.ref), privacy.Day(signed),
				privacy.Word("privacy.mandate." + x.status), privacy.Text(d.Name), privacy.Text(d.IBAN), privacy.Day(last)})
		}
	}
	return []privacy.Section{sec}, nil
}

// Erase revokes the leases' mandates that are still active (the leases
// have ended) and replaces the debtor's name, IBAN and place on every
// mandate and debit of the person's leases by an empty record; the IBAN's
// blind index goes too. References, dates and amounts stay with the books.
// A collection file written again afterwards no longer names the debtor.
func (p privacySource) Erase(ctx context.Context, tx *db.Tx, _ account.Actor, person int64) (privacy.Outcome, error) {
	var o privacy.Outcome
	ids, err := lease.LeaseIDsOfPartyTx(ctx, tx, person)
	if err != nil {
		return o, err
	}
	mandateSeal, err := p.s.seal(ctx, tx, fieldMandateDebtor, debtorData{})
	if err != nil {
		return o, err
	}
	itemSeal, err := p.s.seal(ctx, tx, fieldItemDebtor, debtorData{})
	if err != nil {
		return o, err
	}
	now := p.s.now()
	mandates, items := 0, 0
	last := ""
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE dd_mandates SET status = 'revoked', status_reason = 'erased', status_on = $1, updated_at = $2
			WHERE org_id = $3 AND lease_id = $4 AND status IN ('active','suspended')`, p.s.today().String(), now, tx.OrgID(), id); err != nil {
			return o, fmt.Errorf("erase mandates of lease %d: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE dd_mandates SET debtor_sealed = $1, iban_token = '', updated_at = $2
			WHERE org_id = $3 AND lease_id = $4 AND iban_token <> ''`, mandateSeal, now, tx.OrgID(), id)
		if err != nil {
			return o, fmt.Errorf("erase mandates of lease %d: %w", id, err)
		}
		n, _ := res.RowsAffected()
		mandates += int(n)
		if res, err = tx.ExecContext(ctx, `UPDATE dd_items SET debtor_sealed = $1 WHERE org_id = $2 AND lease_id = $3`,
			itemSeal, tx.OrgID(), id); err != nil {
			return o, fmt.Errorf("erase debits of lease %d: %w", id, err)
		}
		n, _ = res.RowsAffected()
		items += int(n)
		var l sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT MAX(COALESCE(last_collected_on, signed_on)) FROM dd_mandates
			WHERE org_id = $1 AND lease_id = $2`,
			tx.OrgID(), id).Scan(&l); err != nil {
			return o, fmt.Errorf("mandates of lease %d: %w", id, err)
		}
		if l.String > last {
			last = l.String
		}
	}
	var kept int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dd_mandates WHERE org_id = $1 AND lease_id IN (SELECT lease_id FROM lease_parties
		WHERE org_id = $1 AND party_id = $2)`, tx.OrgID(), person).Scan(&kept); err != nil {
		return o, fmt.Errorf("count mandates: %w", err)
	}
	var until civil.Date
	if d, err := civil.Parse(last); err == nil {
		until = ledger.RetainedUntil(d.Year)
	}
	o.Erased = []privacy.Erased{{What: "privacy.what.mandate_debtor", Count: mandates}, {What: "privacy.what.debit_debtor", Count: items}}
	o.Kept = []privacy.Kept{{What: "privacy.what.mandates", Count: kept, Until: until, Why: "privacy.why.fiscal"}}
	return o, nil
}
