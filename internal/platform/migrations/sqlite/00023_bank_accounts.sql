-- +goose Up
-- The organisation's own bank accounts (DOMAIN §5.6): where rent,
-- deposits and service costs are paid to, what statements are imported for,
-- and what direct debits and payouts are made from. The IBAN is the
-- organisation's, not a tenant's, so it is kept readable. format_dd and
-- format_ct are the pain versions the bank takes (DOMAIN §5.1, §5.9).
-- statement_number is the account as old MT940 layouts write it instead of
-- the IBAN (a plain account number); an account known only by it ('' iban)
-- takes statements but no collections or payouts.
CREATE TABLE bank_accounts (
	id          INTEGER PRIMARY KEY,
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	iban        TEXT NOT NULL DEFAULT '',
	statement_number TEXT NOT NULL DEFAULT '',
	bic         TEXT NOT NULL DEFAULT '',
	name        TEXT NOT NULL,
	purpose     TEXT NOT NULL CHECK (purpose IN ('rent','deposits','service_costs','general')),
	format_dd   TEXT NOT NULL DEFAULT 'pain.008.001.02' CHECK (format_dd IN ('pain.008.001.02','pain.008.001.08')),
	format_ct   TEXT NOT NULL DEFAULT 'pain.001.001.03' CHECK (format_ct IN ('pain.001.001.03','pain.001.001.09')),
	archived_at TEXT,
	created_at  TEXT NOT NULL,
	created_by  BIGINT NOT NULL DEFAULT 0,
	updated_at  TEXT NOT NULL,
	CHECK (iban <> '' OR statement_number <> '')
);
CREATE UNIQUE INDEX bank_accounts_iban ON bank_accounts(org_id, iban) WHERE iban <> '';
CREATE UNIQUE INDEX bank_accounts_number ON bank_accounts(org_id, statement_number) WHERE statement_number <> '';

-- The SEPA creditor identifier (Incassant-ID, DOMAIN §5.5) and the
-- direct-debit timing: pre-notification days (default 14, DOMAIN §5.3) and
-- business days the bank wants the file before the collection date.
CREATE TABLE bank_settings (
	org_id             BIGINT PRIMARY KEY REFERENCES organisations(id),
	creditor_id        TEXT NOT NULL DEFAULT '',
	creditor_name      TEXT NOT NULL DEFAULT '',
	prenotice_days     INTEGER NOT NULL DEFAULT 14,
	lead_business_days INTEGER NOT NULL DEFAULT 2,
	updated_at         TEXT NOT NULL
);

-- +goose Down
DROP TABLE bank_settings;
DROP TABLE bank_accounts;
