package bank

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hms/internal/money"
	"hms/internal/platform/db"
	"hms/internal/platform/validation"
	"hms/internal/sepa"
)

const accountColumns = `id, iban, statement_number, bic, name, purpose, format_dd, format_ct, archived_at IS NOT NULL`

func scanAccount(r interface{ Scan(...any) error }) (Account, error) {
	var ac Account
	var purpose, dd, ct string
	err := r.Scan(&ac.ID, &ac.IBAN, &ac.StatementNumber, &ac.BIC, &ac.Name, &purpose, &dd, &ct, &ac.Archived)
	ac.Purpose, ac.DirectDebitVersion, ac.TransferVersion = Purpose(purpose), sepa.DirectDebitVersion(dd), sepa.TransferVersion(ct)
	return ac, err
}

func listAccounts(ctx context.Context, tx *db.Tx) ([]Account, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+accountColumns+` FROM bank_accounts WHERE org_id = $1
		ORDER BY archived_at IS NOT NULL, id`, tx.OrgID())
	if err != nil {
		return nil, fmt.Errorf("bank: list accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		ac, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("bank: list accounts: %w", err)
		}
		out = append(out, ac)
	}
	return out, rows.Err()
}

// readAccount reads the account where cond (with $2 = arg) holds.
func readAccount(ctx context.Context, tx *db.Tx, cond string, arg any) (Account, error) {
	ac, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM bank_accounts WHERE org_id = $1 AND `+cond,
		tx.OrgID(), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, validation.ErrNotFound
	}
	if err != nil {
		return Account{}, fmt.Errorf("bank: read account: %w", err)
	}
	return ac, nil
}

func insertAccount(ctx context.Context, tx *db.Tx, in AccountInput, now string, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO bank_accounts
		(org_id, iban, statement_number, bic, name, purpose, format_dd, format_ct, created_at, created_by, updated_at)
		VALUES ($1, $2, $10, $3, $4, $5, $6, $7, $8, $9, $8) RETURNING id`,
		tx.OrgID(), in.IBAN, in.BIC, in.Name, string(in.Purpose), string(in.DirectDebitVersion), string(in.TransferVersion),
		now, by, in.StatementNumber).Scan(&id)
	if err != nil {
		err = fmt.Errorf("bank: add account: %w", err)
	}
	return id, err
}

func updateAccount(ctx context.Context, tx *db.Tx, id int64, in AccountInput, archived bool, now string) error {
	var archivedAt any
	if archived {
		archivedAt = now
	}
	_, err := tx.ExecContext(ctx,
		`UPDATE bank_accounts SET iban = $3, statement_number = $11, bic = $4, name = $5, purpose = $6, format_dd = $7,
		format_ct = $8, archived_at = CASE WHEN CAST($9 AS TEXT) IS NULL THEN NULL ELSE COALESCE(archived_at, CAST($9 AS TEXT)) END,
			updated_at = $10
		WHERE org_id = $1 AND id = $2`,
		tx.OrgID(), id, in.IBAN, in.BIC, in.Name, string(in.Purpose), string(in.DirectDebitVersion), string(in.TransferVersion),
		archivedAt, now, in.StatementNumber)
	if err != nil {
		err = fmt.Errorf("bank: change account: %w", err)
	}
	return err
}

func loadSettings(ctx context.Context, tx *db.Tx) (Settings, error) {
	st := Settings{PrenoticeDays: DefaultPrenoticeDays, LeadBusinessDays: DefaultLeadBusinessDays}
	var fee int64
	err := tx.QueryRowContext(ctx, `SELECT creditor_id, creditor_name, prenotice_days, lead_business_days, storno_fee_cents
		FROM bank_settings WHERE org_id = $1`, tx.OrgID()).Scan(&st.CreditorID, &st.CreditorName, &st.PrenoticeDays, &st.LeadBusinessDays, &fee)
	st.StornoFee = money.Cents(fee)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("bank: read settings: %w", err)
	}
	return st, nil
}

func saveSettings(ctx context.Context, tx *db.Tx, st Settings, now string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO bank_settings (org_id, creditor_id, creditor_name, prenotice_days, lead_business_days,
		storno_fee_cents, updated_at)
		VALUES ($1, $2, $3, $4, $5, $7, $6) ON CONFLICT (org_id) DO UPDATE SET creditor_id = excluded.creditor_id,
		creditor_name = excluded.creditor_name, prenotice_days = excluded.prenotice_days,
		lead_business_days = excluded.lead_business_days, storno_fee_cents = excluded.storno_fee_cents, updated_at = excluded.updated_at`,
		tx.OrgID(), st.CreditorID, st.CreditorName, st.PrenoticeDays, st.LeadBusinessDays, now, int64(st.StornoFee))
	if err != nil {
		return fmt.Errorf("bank: save settings: %w", err)
	}
	return nil
}
