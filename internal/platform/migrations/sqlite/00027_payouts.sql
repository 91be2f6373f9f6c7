-- +goose Up
-- One payouts capability (DOMAIN.md §5.9): deposit refunds, settlement
-- credits paid back and overpayments, paid by pain.001 files. The rows of
-- deposit_payouts and settlement_payouts move here and those tables go.

-- A payout to a tenant. kind says what it pays back; its source is the lease
-- (deposit), statement_id / levy_id (settlement) or payment_id (overpayment:
-- the payment whose unallocated credit is paid back; 0 when the credit was a
-- credit note's). ledger_invoice_id is the payout debit that uses the credit
-- up (ledger.PayoutTx; 0 for deposits, which are no ledger credit).
-- payee_id is a relation (the first tenant): the name and IBAN stay sealed
-- in relation and are read when a file is made.
-- state: open (waiting for a second user's approval when the organisation
-- asks for four eyes) → approved → in_batch (in a pain.001 file, batch_id,
-- with end_to_end_id) → paid (paid_on) | cancelled. At most one deposit
-- payout per lease that is not cancelled, so a lease is settled once.
CREATE TABLE payouts (
	id                INTEGER PRIMARY KEY,
	org_id            BIGINT NOT NULL REFERENCES organisations(id),
	kind              TEXT NOT NULL CHECK (kind IN ('deposit','settlement','overpayment')),
	lease_id          BIGINT NOT NULL REFERENCES leases(id),
	payee_id          BIGINT NOT NULL DEFAULT 0,
	amount_cents      BIGINT NOT NULL CHECK (amount_cents >= 0),
	due_date          TEXT NOT NULL,
	state             TEXT NOT NULL CHECK (state IN ('open','approved','in_batch','paid','cancelled')),
	statement_id      BIGINT NOT NULL DEFAULT 0,
	levy_id           BIGINT NOT NULL DEFAULT 0,
	payment_id        BIGINT NOT NULL DEFAULT 0,
	ledger_invoice_id BIGINT NOT NULL DEFAULT 0,
	note              TEXT NOT NULL DEFAULT '',
	created_at        TEXT NOT NULL,
	created_by        BIGINT NOT NULL DEFAULT 0,
	approved_at       TEXT,
	approved_by       BIGINT NOT NULL DEFAULT 0,
	batch_id          BIGINT NOT NULL DEFAULT 0,
	end_to_end_id     TEXT NOT NULL DEFAULT '',
	paid_on           TEXT,
	cancelled_at      TEXT,
	updated_at        TEXT NOT NULL,
	updated_by        BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX payouts_deposit_lease ON payouts(org_id, lease_id) WHERE kind = 'deposit' AND state <> 'cancelled';
CREATE UNIQUE INDEX payouts_end_to_end ON payouts(org_id, end_to_end_id) WHERE end_to_end_id <> '';
CREATE INDEX payouts_state ON payouts(org_id, state, due_date);
CREATE INDEX payouts_lease ON payouts(org_id, lease_id);
CREATE INDEX payouts_statement ON payouts(org_id, statement_id);
CREATE INDEX payouts_batch ON payouts(org_id, batch_id);

-- A pain.001 file of payouts, made from account_id (one of bank_accounts)
-- in version. The file names tenants and their IBANs: it is kept sealed
-- under the organisation key (vault.SealOrg, field payout_batches.file), so
-- a download gives the same bytes. scope is what was chosen: 'chosen',
-- 'due:<date>' or 'all'. message_id carries the id (set once the row has it).
CREATE TABLE payout_batches (
	id             INTEGER PRIMARY KEY,
	org_id         BIGINT NOT NULL REFERENCES organisations(id),
	account_id     BIGINT NOT NULL,
	version        TEXT NOT NULL CHECK (version IN ('pain.001.001.03','pain.001.001.09')),
	message_id     TEXT NOT NULL,
	execution_date TEXT NOT NULL,
	scope          TEXT NOT NULL DEFAULT '',
	payouts        INTEGER NOT NULL,
	total_cents    BIGINT NOT NULL,
	file_sealed    BLOB NOT NULL,
	file_sha256    TEXT NOT NULL,
	file_size      BIGINT NOT NULL,
	created_at     TEXT NOT NULL,
	created_by     BIGINT NOT NULL DEFAULT 0
);

-- The organisation's payout settings: four_eyes asks that a second user
-- approve every payout (the one who created it cannot).
CREATE TABLE payout_settings (
	org_id     BIGINT PRIMARY KEY REFERENCES organisations(id),
	four_eyes  INTEGER NOT NULL DEFAULT 0,
	updated_at TEXT NOT NULL,
	updated_by BIGINT NOT NULL DEFAULT 0
);

-- Deposit refunds keep their ids (the API's /deposit-payouts/{id} goes on
-- naming them). Creation approved them so far: open becomes approved.
INSERT INTO payouts (id, org_id, kind, lease_id, payee_id, amount_cents, due_date, state, paid_on, created_at, created_by,
	approved_at, approved_by, updated_at, updated_by)
SELECT id, org_id, 'deposit', lease_id, payee_id, amount_cents, due_date, CASE state WHEN 'open' THEN 'approved' ELSE state END, paid_on,
	created_at, created_by, CASE WHEN state = 'cancelled' THEN NULL ELSE created_at END, CASE WHEN state = 'cancelled' THEN 0 ELSE created_by END,
	updated_at, updated_by
FROM deposit_payouts ORDER BY id;

-- Settlement refunds: the payee is the lease's first tenant, the payout
-- debit the invoice whose payout line the statement's credit note settled.
INSERT INTO payouts (org_id, kind, lease_id, payee_id, amount_cents, due_date, state, statement_id, levy_id, ledger_invoice_id, paid_on,
	created_at, approved_at, updated_at)
SELECT p.org_id, 'settlement', p.lease_id,
	COALESCE((SELECT lp.party_id FROM lease_parties lp WHERE lp.lease_id = p.lease_id AND lp.org_id = p.org_id AND lp.role = 'tenant'
		ORDER BY lp.position, lp.party_id LIMIT 1), 0),
	p.amount_cents, p.due_date, CASE p.state WHEN 'open' THEN 'approved' ELSE p.state END, p.statement_id, p.levy_id,
	COALESCE((SELECT MIN(c.invoice_id) FROM settlement_statements s
		JOIN ledger_charges cc ON cc.invoice_id = s.invoice_id AND cc.org_id = s.org_id
		JOIN ledger_allocations al ON al.credit_charge_id = cc.id AND al.org_id = cc.org_id
		JOIN ledger_charges c ON c.id = al.charge_id AND c.org_id = al.org_id
		WHERE s.id = p.statement_id AND s.org_id = p.org_id AND c.line LIKE 'payout|%'), 0),
	p.paid_on, p.created_at, CASE WHEN p.state = 'cancelled' THEN NULL ELSE p.created_at END, p.created_at
FROM settlement_payouts p ORDER BY p.id;

DROP TABLE deposit_payouts;
DROP TABLE settlement_payouts;

-- +goose Down
CREATE TABLE deposit_payouts (
	id           INTEGER PRIMARY KEY,
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	lease_id     BIGINT NOT NULL REFERENCES leases(id),
	payee_id     BIGINT NOT NULL,
	amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
	due_date     TEXT NOT NULL,
	state        TEXT NOT NULL CHECK (state IN ('open','paid','cancelled')),
	paid_on      TEXT,
	created_at   TEXT NOT NULL,
	created_by   BIGINT NOT NULL DEFAULT 0,
	updated_at   TEXT NOT NULL,
	updated_by   BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX deposit_payouts_lease ON deposit_payouts(org_id, lease_id) WHERE state <> 'cancelled';
CREATE INDEX deposit_payouts_state ON deposit_payouts(org_id, state, due_date);
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
INSERT INTO deposit_payouts (id, org_id, lease_id, payee_id, amount_cents, due_date, state, paid_on, created_at, created_by, updated_at, updated_by)
SELECT id, org_id, lease_id, payee_id, amount_cents, due_date, CASE WHEN state IN ('paid','cancelled') THEN state ELSE 'open' END, paid_on,
	created_at, created_by, updated_at, updated_by
FROM payouts WHERE kind = 'deposit' ORDER BY id;
INSERT INTO settlement_payouts (org_id, lease_id, statement_id, levy_id, amount_cents, due_date, state, paid_on, created_at)
SELECT org_id, lease_id, statement_id, levy_id, amount_cents, due_date, CASE WHEN state IN ('paid','cancelled') THEN state ELSE 'open' END,
	paid_on, created_at
FROM payouts WHERE kind = 'settlement' AND amount_cents > 0 ORDER BY id;
DROP TABLE payout_settings;
DROP TABLE payout_batches;
DROP TABLE payouts;
