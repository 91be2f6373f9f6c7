-- +goose Up
-- Dunning (DOMAIN.md §6): per organisation its stages and terms; what the
-- daily run proposes per lease (letters, hand-overs, collection costs) and
-- what a person decided; the letters as sent, their PDF sealed in the fiscal
-- archive of their year (like invoice documents); payment plans with the
-- charges they cover and their terms. Charges are read from the ledger: the
-- items here are the ids and the amounts as they were.

-- The stages in days after the due date, the final letter's term (at least
-- 14 days from the day after receipt, art. 6:96 lid 6 BW) with the days a
-- letter is taken to take to arrive, the days after that term before a
-- hand-over is proposed, the days a plan's term may be late, and the open
-- points of DOMAIN.md §6 and §10 as switches.
CREATE TABLE dunning_settings (
	org_id         BIGINT PRIMARY KEY REFERENCES organisations(id),
	reminder_days  INTEGER NOT NULL,
	notice_days    INTEGER NOT NULL,
	final_days     INTEGER NOT NULL,
	term_days      INTEGER NOT NULL,
	receipt_days   INTEGER NOT NULL,
	handover_days  INTEGER NOT NULL,
	plan_grace_days INTEGER NOT NULL,
	costs_vat      INTEGER NOT NULL DEFAULT 0,
	company_costs  INTEGER NOT NULL DEFAULT 0,
	updated_at     TEXT NOT NULL,
	updated_by     BIGINT NOT NULL DEFAULT 0
);

-- A proposal for a lease. At most one letter waits per lease; a hand-over
-- and a costs proposal follow one final letter (letter_id) once.
CREATE TABLE dunning_proposals (
	id            INTEGER PRIMARY KEY,
	org_id        BIGINT NOT NULL REFERENCES organisations(id),
	lease_id      BIGINT NOT NULL REFERENCES leases(id),
	stage         TEXT NOT NULL CHECK (stage IN ('reminder','notice','wik','demand','handover','costs')),
	state         TEXT NOT NULL CHECK (state IN ('proposed','sent','approved','rejected','charged','dismissed','withdrawn')),
	consumer      INTEGER NOT NULL DEFAULT 0,
	overdue_cents BIGINT NOT NULL DEFAULT 0,
	costs_cents   BIGINT NOT NULL DEFAULT 0,
	oldest_due    TEXT NOT NULL DEFAULT '',
	letter_id     BIGINT NOT NULL DEFAULT 0,
	proposed_on   TEXT NOT NULL,
	updated_on    TEXT NOT NULL,
	decided_at    TEXT,
	decided_by    BIGINT NOT NULL DEFAULT 0,
	reason        TEXT NOT NULL DEFAULT '',
	invoice_id    BIGINT NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX dunning_proposals_letter_waits ON dunning_proposals(org_id, lease_id)
	WHERE state = 'proposed' AND stage IN ('reminder','notice','wik','demand');
CREATE UNIQUE INDEX dunning_proposals_follow_up ON dunning_proposals(org_id, letter_id, stage) WHERE stage IN ('handover','costs');
CREATE INDEX dunning_proposals_state ON dunning_proposals(org_id, state, lease_id);
CREATE INDEX dunning_proposals_lease ON dunning_proposals(org_id, lease_id);

-- The charges a proposal is about, with their open amount then.
CREATE TABLE dunning_proposal_items (
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	proposal_id BIGINT NOT NULL REFERENCES dunning_proposals(id),
	charge_id   BIGINT NOT NULL REFERENCES ledger_charges(id),
	open_cents  BIGINT NOT NULL,
	PRIMARY KEY (proposal_id, charge_id)
);
CREATE INDEX dunning_proposal_items_charge ON dunning_proposal_items(org_id, charge_id);

-- A letter as sent. The deadline is the final letter's last day to pay;
-- costs_checked is set once the run has looked whether its term passed
-- unpaid.
CREATE TABLE dunning_letters (
	id              INTEGER PRIMARY KEY,
	org_id          BIGINT NOT NULL REFERENCES organisations(id),
	lease_id        BIGINT NOT NULL REFERENCES leases(id),
	proposal_id     BIGINT NOT NULL REFERENCES dunning_proposals(id),
	stage           TEXT NOT NULL CHECK (stage IN ('reminder','notice','wik','demand')),
	consumer        INTEGER NOT NULL DEFAULT 0,
	letter_date     TEXT NOT NULL,
	deadline        TEXT NOT NULL DEFAULT '',
	principal_cents BIGINT NOT NULL,
	costs_cents     BIGINT NOT NULL DEFAULT 0,
	costs_checked   INTEGER NOT NULL DEFAULT 0,
	mailed          INTEGER NOT NULL DEFAULT 0,
	fiscal_year     INTEGER NOT NULL,
	document_sealed BLOB,
	document_sha256 TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	created_by      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX dunning_letters_lease ON dunning_letters(org_id, lease_id, id);
CREATE UNIQUE INDEX dunning_letters_proposal ON dunning_letters(org_id, proposal_id);

CREATE TABLE dunning_letter_items (
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	letter_id  BIGINT NOT NULL REFERENCES dunning_letters(id),
	charge_id  BIGINT NOT NULL REFERENCES ledger_charges(id),
	open_cents BIGINT NOT NULL,
	PRIMARY KEY (letter_id, charge_id)
);
CREATE INDEX dunning_letter_items_charge ON dunning_letter_items(org_id, charge_id);

-- A payment plan: the charges it covers (with what they had open then) and
-- its terms, which add up to that total to the cent.
CREATE TABLE dunning_plans (
	id          INTEGER PRIMARY KEY,
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	lease_id    BIGINT NOT NULL REFERENCES leases(id),
	state       TEXT NOT NULL CHECK (state IN ('active','completed','broken','cancelled')),
	total_cents BIGINT NOT NULL CHECK (total_cents > 0),
	note        TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	created_by  BIGINT NOT NULL DEFAULT 0,
	ended_on    TEXT NOT NULL DEFAULT '',
	ended_by    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX dunning_plans_lease ON dunning_plans(org_id, lease_id);
CREATE INDEX dunning_plans_state ON dunning_plans(org_id, state);

CREATE TABLE dunning_plan_items (
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	plan_id    BIGINT NOT NULL REFERENCES dunning_plans(id),
	charge_id  BIGINT NOT NULL REFERENCES ledger_charges(id),
	open_cents BIGINT NOT NULL CHECK (open_cents > 0),
	PRIMARY KEY (plan_id, charge_id)
);
CREATE INDEX dunning_plan_items_charge ON dunning_plan_items(org_id, charge_id);

CREATE TABLE dunning_plan_terms (
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	plan_id      BIGINT NOT NULL REFERENCES dunning_plans(id),
	seq          INTEGER NOT NULL,
	due_date     TEXT NOT NULL,
	amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
	PRIMARY KEY (plan_id, seq)
);

-- +goose Down
DROP TABLE dunning_plan_terms;
DROP TABLE dunning_plan_items;
DROP TABLE dunning_plans;
DROP TABLE dunning_letter_items;
DROP TABLE dunning_letters;
DROP TABLE dunning_proposal_items;
DROP TABLE dunning_proposals;
DROP TABLE dunning_settings;
