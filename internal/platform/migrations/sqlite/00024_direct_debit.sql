-- +goose Up
-- SEPA Core direct debit (DOMAIN §5.1–5.5): mandates per lease, and
-- collection batches with one item per invoice.

-- A mandate (machtiging). reference is the machtigingskenmerk, unique per
-- organisation. The debtor's name, IBAN and the place of signing are
-- personal data: sealed under the organisation key (debtor_sealed, a small
-- JSON document that also keeps the IBAN before an amendment); iban_token is
-- a keyed hash of the IBAN for look-ups. party_id is the tenant (relation)
-- the mandate's debtor is, 0 when the debtor is someone else. amended marks
-- a change of reference or IBAN that the next collection reports
-- (original_reference; the original IBAN is in debtor_sealed). At most one
-- mandate per lease is current (active or suspended).
CREATE TABLE dd_mandates (
	id                 INTEGER PRIMARY KEY,
	org_id             BIGINT NOT NULL REFERENCES organisations(id),
	lease_id           BIGINT NOT NULL REFERENCES leases(id),
	party_id           BIGINT NOT NULL DEFAULT 0,
	reference          TEXT NOT NULL,
	kind               TEXT NOT NULL CHECK (kind IN ('recurrent','one_off')),
	status             TEXT NOT NULL CHECK (status IN ('active','suspended','revoked','expired')),
	signed_on          TEXT NOT NULL,
	debtor_sealed      BLOB NOT NULL,
	iban_token         TEXT NOT NULL,
	last_collected_on  TEXT,
	amended            INTEGER NOT NULL DEFAULT 0,
	original_reference TEXT NOT NULL DEFAULT '',
	status_reason      TEXT NOT NULL DEFAULT '',
	status_on          TEXT,
	created_at         TEXT NOT NULL,
	created_by         BIGINT NOT NULL DEFAULT 0,
	updated_at         TEXT NOT NULL,
	UNIQUE (org_id, reference)
);
CREATE UNIQUE INDEX dd_mandates_current ON dd_mandates(org_id, lease_id) WHERE status IN ('active','suspended');
CREATE INDEX dd_mandates_lease ON dd_mandates(org_id, lease_id);
CREATE INDEX dd_mandates_iban ON dd_mandates(org_id, iban_token);

-- A collection: one pain.008 file. What the file says about the creditor is
-- kept as it was when the batch was made (account, name, Incassant-ID,
-- version, creation time), so the file can be written again byte for byte.
CREATE TABLE dd_batches (
	id              INTEGER PRIMARY KEY,
	org_id          BIGINT NOT NULL REFERENCES organisations(id),
	message_id      TEXT NOT NULL,
	version         TEXT NOT NULL CHECK (version IN ('pain.008.001.02','pain.008.001.08')),
	account_id      BIGINT NOT NULL REFERENCES bank_accounts(id),
	creditor_id     TEXT NOT NULL,
	creditor_name   TEXT NOT NULL,
	creditor_iban   TEXT NOT NULL,
	creditor_bic    TEXT NOT NULL DEFAULT '',
	collection_date TEXT NOT NULL,
	due_until       TEXT NOT NULL,
	items           BIGINT NOT NULL,
	total_cents     BIGINT NOT NULL,
	prenotices      BIGINT NOT NULL DEFAULT 0,
	created_at      TEXT NOT NULL,
	created_by      BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX dd_batches_message ON dd_batches(org_id, message_id) WHERE message_id <> '';
CREATE INDEX dd_batches_org ON dd_batches(org_id, id);

-- One direct debit: an invoice's open amount under a mandate. The debtor as
-- sent (name, IBAN, the IBAN before an amendment) is sealed with the item.
-- An invoice is in at most one item that is not returned or cancelled, so
-- it is never collected twice.
CREATE TABLE dd_items (
	id                 INTEGER PRIMARY KEY,
	org_id             BIGINT NOT NULL REFERENCES organisations(id),
	batch_id           BIGINT NOT NULL REFERENCES dd_batches(id),
	invoice_id         BIGINT NOT NULL REFERENCES ledger_invoices(id),
	lease_id           BIGINT NOT NULL REFERENCES leases(id),
	mandate_id         BIGINT NOT NULL REFERENCES dd_mandates(id),
	mandate_reference  TEXT NOT NULL,
	signed_on          TEXT NOT NULL,
	original_reference TEXT NOT NULL DEFAULT '',
	sequence           TEXT NOT NULL CHECK (sequence IN ('FRST','RCUR','OOFF')),
	amount_cents       BIGINT NOT NULL CHECK (amount_cents > 0),
	kenmerk            TEXT NOT NULL,
	end_to_end_id      TEXT NOT NULL,
	payment_info_id    TEXT NOT NULL,
	debtor_sealed      BLOB NOT NULL,
	prenotice          TEXT NOT NULL CHECK (prenotice IN ('invoice','mail')),
	state              TEXT NOT NULL CHECK (state IN ('collected','paid','returned','cancelled')),
	return_reason      TEXT NOT NULL DEFAULT '',
	returned_on        TEXT,
	paid_on            TEXT,
	UNIQUE (org_id, end_to_end_id)
);
CREATE UNIQUE INDEX dd_items_invoice ON dd_items(org_id, invoice_id) WHERE state IN ('collected','paid');
CREATE INDEX dd_items_batch ON dd_items(org_id, batch_id);
CREATE INDEX dd_items_payment_info ON dd_items(org_id, payment_info_id);
CREATE INDEX dd_items_mandate ON dd_items(org_id, mandate_id);

-- +goose Down
DROP TABLE dd_items;
DROP TABLE dd_batches;
DROP TABLE dd_mandates;
