-- +goose Up
-- Imported bank statements (DOMAIN §5.8) and what HMS made of each line.
-- A file is read whole or not at all; each statement, entry and transaction
-- is stored once: its fingerprint (the account, the bank's references and
-- amounts, and its position among identical ones) makes a re-import or an
-- overlapping statement store nothing twice.
CREATE TABLE bank_imports (
	id          INTEGER PRIMARY KEY,
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	file_name   TEXT NOT NULL DEFAULT '',
	file_sha256 TEXT NOT NULL,
	format      TEXT NOT NULL,
	statements  BIGINT NOT NULL DEFAULT 0,
	entries     BIGINT NOT NULL DEFAULT 0,
	new_entries BIGINT NOT NULL DEFAULT 0,
	duplicates  BIGINT NOT NULL DEFAULT 0,
	matched     BIGINT NOT NULL DEFAULT 0,
	review      BIGINT NOT NULL DEFAULT 0,
	warnings    TEXT NOT NULL DEFAULT '[]',
	created_at  TEXT NOT NULL,
	created_by  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX bank_imports_org ON bank_imports(org_id, id);

CREATE TABLE bank_statements (
	id            INTEGER PRIMARY KEY,
	org_id        BIGINT NOT NULL REFERENCES organisations(id),
	account_id    BIGINT NOT NULL REFERENCES bank_accounts(id),
	import_id     BIGINT NOT NULL REFERENCES bank_imports(id),
	fingerprint   TEXT NOT NULL,
	bank_ref      TEXT NOT NULL DEFAULT '',
	sequence      TEXT NOT NULL DEFAULT '',
	from_date     TEXT NOT NULL DEFAULT '',
	to_date       TEXT NOT NULL DEFAULT '',
	opening_cents BIGINT,
	closing_cents BIGINT,
	entries       BIGINT NOT NULL DEFAULT 0,
	warnings      TEXT NOT NULL DEFAULT '[]',
	created_at    TEXT NOT NULL,
	UNIQUE (org_id, account_id, fingerprint)
);

-- One booking on the account; a batch booked as one entry has a line per
-- transaction below it.
CREATE TABLE bank_entries (
	id           INTEGER PRIMARY KEY,
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	account_id   BIGINT NOT NULL REFERENCES bank_accounts(id),
	statement_id BIGINT NOT NULL REFERENCES bank_statements(id),
	fingerprint  TEXT NOT NULL,
	booking_date TEXT NOT NULL,
	value_date   TEXT NOT NULL DEFAULT '',
	amount_cents BIGINT NOT NULL,
	reversal     INTEGER NOT NULL DEFAULT 0,
	status       TEXT NOT NULL DEFAULT '',
	bank_ref     TEXT NOT NULL DEFAULT '',
	servicer_ref TEXT NOT NULL DEFAULT '',
	tx_code      TEXT NOT NULL DEFAULT '',
	batch_ref    TEXT NOT NULL DEFAULT '',
	batch_count  BIGINT NOT NULL DEFAULT 0,
	place        TEXT NOT NULL DEFAULT '',
	UNIQUE (org_id, account_id, fingerprint)
);
CREATE INDEX bank_entries_statement ON bank_entries(org_id, statement_id);

-- A transaction of an entry and what became of it: matched (booked as a
-- payment, a return or a payout), review (a person decides), not_ours (a
-- debit HMS did not cause: bank costs), ignored (a person said so). The
-- counterparty and the texts are personal data: sealed under the
-- organisation key; payer_token is a keyed hash of the payer's IBAN so a
-- learned payer is found without reading it.
CREATE TABLE bank_lines (
	id             INTEGER PRIMARY KEY,
	org_id         BIGINT NOT NULL REFERENCES organisations(id),
	account_id     BIGINT NOT NULL,
	entry_id       BIGINT NOT NULL REFERENCES bank_entries(id),
	booking_date   TEXT NOT NULL,
	amount_cents   BIGINT NOT NULL,
	end_to_end_id  TEXT NOT NULL DEFAULT '',
	mandate_ref    TEXT NOT NULL DEFAULT '',
	creditor_id    TEXT NOT NULL DEFAULT '',
	creditor_ref   TEXT NOT NULL DEFAULT '',
	return_reason  TEXT NOT NULL DEFAULT '',
	details_sealed BLOB,
	payer_token    TEXT NOT NULL DEFAULT '',
	state          TEXT NOT NULL CHECK (state IN ('matched','review','not_ours','ignored')),
	rule           TEXT NOT NULL DEFAULT '',
	lease_id       BIGINT NOT NULL DEFAULT 0,
	invoice_id     BIGINT NOT NULL DEFAULT 0,
	payment_id     BIGINT NOT NULL DEFAULT 0,
	note           TEXT NOT NULL DEFAULT '',
	decided_at     TEXT,
	decided_by     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX bank_lines_entry ON bank_lines(org_id, entry_id);
CREATE INDEX bank_lines_state ON bank_lines(org_id, state, booking_date);

-- Payers learned from manual matches: an IBAN (as a keyed hash) that paid
-- for a lease.
CREATE TABLE bank_payers (
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	payer_token TEXT NOT NULL,
	lease_id    BIGINT NOT NULL,
	created_at  TEXT NOT NULL,
	PRIMARY KEY (org_id, payer_token, lease_id)
);

-- A statement file uploaded in the back office, imported by a job: the
-- file sealed until the job has read it (then dropped), and the outcome.
CREATE TABLE bank_uploads (
	id          INTEGER PRIMARY KEY,
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	file_name   TEXT NOT NULL DEFAULT '',
	file_sealed BLOB,
	add_account INTEGER NOT NULL DEFAULT 0,
	job_id      BIGINT NOT NULL DEFAULT 0,
	state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','done','failed')),
	import_id   BIGINT NOT NULL DEFAULT 0,
	outcome     TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	created_by  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX bank_uploads_org ON bank_uploads(org_id, id);

-- DOMAIN §5.4: a fee charged to the tenant for a returned debit (0: none).
ALTER TABLE bank_settings ADD COLUMN storno_fee_cents BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE bank_settings DROP COLUMN storno_fee_cents;
DROP TABLE bank_uploads;
DROP TABLE bank_payers;
DROP TABLE bank_lines;
DROP TABLE bank_entries;
DROP TABLE bank_statements;
DROP TABLE bank_imports;
