-- +goose Up
-- The receivables ledger: invoices (and credit notes) that group charges,
-- payments, and allocations that match a credit (a payment or a credit-note
-- line) to a charge. Posted rows are never updated or deleted; corrections
-- are new rows. A lease is the debtor account: its tenants are jointly and
-- severally liable, so their charges and payments meet on the lease.

-- Gapless numbering: one counter per organisation, series and year, moved
-- in the transaction that posts the invoice.
CREATE TABLE ledger_counters (
	org_id BIGINT NOT NULL REFERENCES organisations(id),
	series TEXT NOT NULL,
	year   INTEGER NOT NULL,
	last   BIGINT NOT NULL,
	PRIMARY KEY (org_id, series, year)
);

-- A rent run: what was asked and how far it got. Its invoices carry run_id.
CREATE TABLE ledger_runs (
	id          INTEGER PRIMARY KEY,
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	period      TEXT NOT NULL,
	scope       TEXT NOT NULL DEFAULT '',
	state       TEXT NOT NULL CHECK (state IN ('queued','running','done','failed')),
	job_id      BIGINT NOT NULL DEFAULT 0,
	invoices    BIGINT NOT NULL DEFAULT 0,
	charges     BIGINT NOT NULL DEFAULT 0,
	total_cents BIGINT NOT NULL DEFAULT 0,
	error       TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	created_by  BIGINT NOT NULL DEFAULT 0,
	finished_at TEXT
);
CREATE INDEX ledger_runs_org ON ledger_runs(org_id, id);

-- period is the rent period ("2026-01") for rent-run invoices, '' for
-- others. The debtor's name and address as printed are kept sealed under the
-- organisation's key for the fiscal year (debtor_sealed) and the PDF too
-- (document_sealed), so an invoice stays printable after its person is
-- erased and is destroyed with the fiscal year's key.
CREATE TABLE ledger_invoices (
	id                  INTEGER PRIMARY KEY,
	org_id              BIGINT NOT NULL REFERENCES organisations(id),
	number              TEXT NOT NULL,
	fiscal_year         INTEGER NOT NULL,
	kind                TEXT NOT NULL CHECK (kind IN ('invoice','credit_note')),
	lease_id            BIGINT NOT NULL REFERENCES leases(id),
	period              TEXT NOT NULL DEFAULT '',
	issue_date          TEXT NOT NULL,
	due_date            TEXT NOT NULL,
	kenmerk             TEXT NOT NULL,
	net_cents           BIGINT NOT NULL,
	vat_cents           BIGINT NOT NULL,
	total_cents         BIGINT NOT NULL,
	credits_invoice_id  BIGINT REFERENCES ledger_invoices(id),
	reason              TEXT NOT NULL DEFAULT '',
	run_id              BIGINT NOT NULL DEFAULT 0,
	debtor_sealed       BLOB,
	document_sealed     BLOB,
	document_sha256     TEXT NOT NULL DEFAULT '',
	sent_at             TEXT,
	created_at          TEXT NOT NULL,
	created_by          BIGINT NOT NULL DEFAULT 0,
	UNIQUE (org_id, number),
	UNIQUE (org_id, kenmerk)
);
CREATE INDEX ledger_invoices_lease ON ledger_invoices(org_id, lease_id);
CREATE INDEX ledger_invoices_run ON ledger_invoices(org_id, run_id);

-- line is "kind|category|label" of the lease component. A rent-run charge
-- is unique per (lease, period, line): running a period again adds only
-- what is missing. A credit-note line has reverses_charge_id and negative
-- amounts.
CREATE TABLE ledger_charges (
	id                 INTEGER PRIMARY KEY,
	org_id             BIGINT NOT NULL REFERENCES organisations(id),
	invoice_id         BIGINT NOT NULL REFERENCES ledger_invoices(id),
	lease_id           BIGINT NOT NULL,
	period             TEXT NOT NULL DEFAULT '',
	line               TEXT NOT NULL,
	from_date          TEXT NOT NULL,
	to_date            TEXT NOT NULL,
	net_cents          BIGINT NOT NULL,
	vat_rate           BIGINT NOT NULL DEFAULT 0,
	vat_cents          BIGINT NOT NULL DEFAULT 0,
	total_cents        BIGINT NOT NULL,
	due_date           TEXT NOT NULL,
	reverses_charge_id BIGINT
);
CREATE UNIQUE INDEX ledger_charges_period_line ON ledger_charges(lease_id, period, line) WHERE period <> '' AND reverses_charge_id IS NULL;
CREATE INDEX ledger_charges_lease ON ledger_charges(org_id, lease_id, due_date);
CREATE INDEX ledger_charges_invoice ON ledger_charges(invoice_id);

-- A payment received for a lease (cash, a transfer seen in the bank, a
-- direct debit). A reversal is a new row with the negative amount and
-- reverses_payment_id.
CREATE TABLE ledger_payments (
	id                  INTEGER PRIMARY KEY,
	org_id              BIGINT NOT NULL REFERENCES organisations(id),
	lease_id            BIGINT NOT NULL REFERENCES leases(id),
	payment_date        TEXT NOT NULL,
	amount_cents        BIGINT NOT NULL,
	method              TEXT NOT NULL CHECK (method IN ('cash','transfer','direct_debit','other')),
	reference           TEXT NOT NULL DEFAULT '',
	reverses_payment_id BIGINT REFERENCES ledger_payments(id),
	created_at          TEXT NOT NULL,
	created_by          BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ledger_payments_lease ON ledger_payments(org_id, lease_id, payment_date);

-- An allocation matches part of a credit (payment_id, or a credit-note line
-- credit_charge_id) to a charge. Reversing a payment adds negative
-- allocations that undo its positive ones.
CREATE TABLE ledger_allocations (
	id               INTEGER PRIMARY KEY,
	org_id           BIGINT NOT NULL REFERENCES organisations(id),
	lease_id         BIGINT NOT NULL,
	charge_id        BIGINT NOT NULL REFERENCES ledger_charges(id),
	payment_id       BIGINT REFERENCES ledger_payments(id),
	credit_charge_id BIGINT REFERENCES ledger_charges(id),
	amount_cents     BIGINT NOT NULL,
	allocated_on     TEXT NOT NULL,
	created_at       TEXT NOT NULL,
	CHECK ((payment_id IS NULL) <> (credit_charge_id IS NULL))
);
CREATE INDEX ledger_allocations_charge ON ledger_allocations(charge_id);
CREATE INDEX ledger_allocations_payment ON ledger_allocations(payment_id);
CREATE INDEX ledger_allocations_credit ON ledger_allocations(credit_charge_id);
CREATE INDEX ledger_allocations_lease ON ledger_allocations(org_id, lease_id);

-- The vault subject whose key seals a fiscal year's archive (debtor
-- snapshots and invoice documents); shredding it ends the retention.
CREATE TABLE ledger_fiscal_keys (
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	year       INTEGER NOT NULL,
	subject_id BIGINT NOT NULL,
	PRIMARY KEY (org_id, year)
);

-- Per organisation: how the rent run prorates a partial month ('actual'
-- days of the month, or 'days30'), and the issuer's details an invoice
-- must carry (art. 35a Wet OB: KvK, VAT id) with the account to pay to.
CREATE TABLE billing_settings (
	org_id        BIGINT PRIMARY KEY REFERENCES organisations(id),
	proration     TEXT NOT NULL DEFAULT 'actual' CHECK (proration IN ('actual','days30')),
	issuer_kvk    TEXT NOT NULL DEFAULT '',
	issuer_vat_id TEXT NOT NULL DEFAULT '',
	issuer_iban   TEXT NOT NULL DEFAULT '',
	send_invoices INTEGER NOT NULL DEFAULT 1,
	updated_at    TEXT NOT NULL
);

-- +goose Down
DROP TABLE billing_settings;
DROP TABLE ledger_fiscal_keys;
DROP TABLE ledger_allocations;
DROP TABLE ledger_payments;
DROP TABLE ledger_charges;
DROP TABLE ledger_invoices;
DROP TABLE ledger_runs;
DROP TABLE ledger_counters;
