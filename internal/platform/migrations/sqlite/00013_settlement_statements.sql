-- +goose Up
-- Service-cost settlement, part 2 (DOMAIN.md §7.2, §7.9–§7.11): per
-- occupancy of a final run a statement (PDF sealed in the fiscal archive of
-- the statement's year), the booking of its balance in the ledger, the
-- refund paid back, the proposed new advance; levies and user charges
-- (gebruikerslasten, heffingen) distributed by occupancy; the VAT class of a
-- cost category for commercial leases; the organisation's statement texts.

-- One statement per occupancy of a final run (occupancy_id is
-- settlement_run_occupancies.id). document_sealed is the PDF sealed with
-- ledger.SealFiscal for the statement's issue year (document_year), field
-- "settlement_statements.document/<id>"; document_sha256 its hex digest.
-- Booking happens once: invoice_id is the ledger invoice (balance > 0) or
-- credit note (balance < 0) posted for it, booked_cents what it booked
-- (0 with booked_at set: nothing to book). refund is how a credit was
-- settled: 'set_off' (AllocateCredit against open charges) or 'pay_back'
-- (the rest as a settlement_payouts row). advance_cents is the proposed new
-- monthly advance (0: the lease does not run on); advance_applied_at is set
-- when it was set on the lease from advance_from (art. 7:261 lid 1: once per
-- statement). sent_at: mailed (or nothing to mail) by settlement.send.
CREATE TABLE settlement_statements (
	id                 INTEGER PRIMARY KEY,
	org_id             BIGINT NOT NULL REFERENCES organisations(id),
	run_id             BIGINT NOT NULL REFERENCES settlement_runs(id),
	occupancy_id       BIGINT NOT NULL REFERENCES settlement_run_occupancies(id),
	lease_id           BIGINT NOT NULL,
	document_year      INTEGER NOT NULL DEFAULT 0,
	document_sealed    BLOB,
	document_sha256    TEXT NOT NULL DEFAULT '',
	document_lang      TEXT NOT NULL DEFAULT '',
	invoice_id         BIGINT NOT NULL DEFAULT 0,
	booked_cents       BIGINT NOT NULL DEFAULT 0,
	booked_at          TEXT,
	refund             TEXT NOT NULL DEFAULT '' CHECK (refund IN ('','set_off','pay_back')),
	set_off_cents      BIGINT NOT NULL DEFAULT 0,
	advance_cents      BIGINT NOT NULL DEFAULT 0,
	advance_from       TEXT NOT NULL DEFAULT '',
	advance_applied_at TEXT,
	mails              INTEGER NOT NULL DEFAULT 0,
	sent_at            TEXT,
	created_at         TEXT NOT NULL,
	UNIQUE (org_id, occupancy_id)
);
CREATE INDEX settlement_statements_run ON settlement_statements(org_id, run_id);
CREATE INDEX settlement_statements_lease ON settlement_statements(org_id, lease_id);

-- A refund to pay back to the tenant (the part of a settlement credit that
-- set-off did not use). The banking issue pays open rows and marks them
-- paid, like deposit_payouts (a separate table: deposit payouts are one per
-- lease, a lease has a settlement every year).
CREATE TABLE settlement_payouts (
	id           INTEGER PRIMARY KEY,
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	lease_id     BIGINT NOT NULL,
	statement_id BIGINT NOT NULL DEFAULT 0,
	levy_id      BIGINT NOT NULL DEFAULT 0,
	amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
	due_date     TEXT NOT NULL,
	state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','paid','cancelled')),
	paid_on      TEXT,
	created_at   TEXT NOT NULL
);
CREATE INDEX settlement_payouts_state ON settlement_payouts(org_id, state, due_date);

-- The organisation's statement settings: days until an extra charge is due,
-- how a refund is settled by default, and the texts on inspection and
-- objection (empty: the built-in Dutch/English text).
CREATE TABLE settlement_settings (
	org_id          BIGINT PRIMARY KEY REFERENCES organisations(id),
	due_days        INTEGER NOT NULL DEFAULT 30,
	refund          TEXT NOT NULL DEFAULT 'set_off' CHECK (refund IN ('set_off','pay_back')),
	inspection_text TEXT NOT NULL DEFAULT '',
	objection_text  TEXT NOT NULL DEFAULT '',
	updated_at      TEXT NOT NULL
);

-- VAT of a cost category for commercial leases (DOMAIN.md §7.11): class
-- 'ancillary' (bijkomend: follows the rent, exempt or 21% when the lease is
-- opted) or 'independent' (zelfstandig: rate_bp, a money.Rate). A category
-- without a row is ancillary.
CREATE TABLE settlement_vat_classes (
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	complex_id BIGINT NOT NULL,
	year       INTEGER NOT NULL,
	category   TEXT NOT NULL,
	class      TEXT NOT NULL CHECK (class IN ('ancillary','independent')),
	rate       BIGINT NOT NULL DEFAULT 0,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (org_id, complex_id, year, category)
);

-- A levy or user charge imposed on the landlord for a period (DOMAIN.md
-- §7.10), distributed over the complex's units by occupancy days (basis
-- 'equal': each unit-day weighs 1; 'area': its floor area); vacant days stay
-- with the landlord. on_statement: printed in its own section on the
-- settlement statement of the period's year.
CREATE TABLE settlement_levies (
	id           INTEGER PRIMARY KEY,
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	complex_id   BIGINT NOT NULL,
	name         TEXT NOT NULL,
	period_start TEXT NOT NULL,
	period_end   TEXT NOT NULL,
	amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
	basis        TEXT NOT NULL CHECK (basis IN ('equal','area')),
	on_statement INTEGER NOT NULL DEFAULT 1,
	created_at   TEXT NOT NULL,
	created_by   BIGINT NOT NULL DEFAULT 0,
	UNIQUE (org_id, complex_id, name, period_start)
);

-- A levy's share per lease and unit (lease_id 0: the landlord's vacant
-- days), days the days counted; invoice_id the ledger invoice booking it
-- (line "levy|<year>|<name>"), 0 until booked.
CREATE TABLE settlement_levy_shares (
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	levy_id      BIGINT NOT NULL REFERENCES settlement_levies(id),
	lease_id     BIGINT NOT NULL,
	unit_id      BIGINT NOT NULL,
	days         INTEGER NOT NULL,
	amount_cents BIGINT NOT NULL,
	invoice_id   BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (levy_id, lease_id, unit_id)
);
CREATE INDEX settlement_levy_shares_lease ON settlement_levy_shares(org_id, lease_id);

-- +goose Down
DROP TABLE settlement_levy_shares;
DROP TABLE settlement_levies;
DROP TABLE settlement_vat_classes;
DROP TABLE settlement_settings;
DROP TABLE settlement_payouts;
DROP TABLE settlement_statements;
