-- +goose Up
-- HMS invoices its own customers (package subscription, issue 14): one
-- invoice per organisation and month, numbered in one gapless series of
-- HMS's own (subscription_counters, moved in the issuing transaction).
-- The invoice keeps what it printed: the seller's details (HMS's, not
-- personal), the plan, units and amounts, the direct-debit notice, and
-- the customer's billing details sealed under the subscriber's subject.
-- Platform tables, no org_id: System transactions only.
CREATE TABLE subscription_counters (
	series TEXT PRIMARY KEY,
	last   INTEGER NOT NULL
);

-- HMS's own pain.008 batches: the file sealed under a subject of the
-- batch's own, the invoices it collects (FRST for a mandate's first).
CREATE TABLE subscription_batches (
	id          INTEGER PRIMARY KEY,
	message_id  TEXT NOT NULL UNIQUE,
	collect_on  TEXT NOT NULL,
	items       INTEGER NOT NULL,
	total_cents INTEGER NOT NULL,
	subject_id  INTEGER NOT NULL,
	file_sealed BLOB NOT NULL,
	created_by  INTEGER NOT NULL DEFAULT 0,
	created_at  TEXT NOT NULL
);

CREATE TABLE subscription_invoices (
	id                INTEGER PRIMARY KEY,
	organisation_id   INTEGER NOT NULL REFERENCES organisations(id),
	month             TEXT NOT NULL,
	number            TEXT NOT NULL UNIQUE,
	issued_on         TEXT NOT NULL,
	period_from       TEXT NOT NULL,
	period_to         TEXT NOT NULL,
	plan_name_nl      TEXT NOT NULL,
	plan_name_en      TEXT NOT NULL,
	units             INTEGER NOT NULL,
	net_cents         INTEGER NOT NULL CHECK (net_cents >= 0),
	vat_rate          INTEGER NOT NULL,
	vat_cents         INTEGER NOT NULL CHECK (vat_cents >= 0),
	total_cents       INTEGER NOT NULL CHECK (total_cents >= 0),
	collect_on        TEXT NOT NULL,
	mandate_reference TEXT NOT NULL,
	creditor_id       TEXT NOT NULL,
	seller            TEXT NOT NULL,
	subject_id        INTEGER NOT NULL,
	buyer_sealed      BLOB NOT NULL,
	lang              TEXT NOT NULL,
	state             TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'paid')),
	batch_id          INTEGER REFERENCES subscription_batches(id),
	created_at        TEXT NOT NULL,
	UNIQUE (organisation_id, month)
);

CREATE TABLE subscription_batch_items (
	batch_id     INTEGER NOT NULL REFERENCES subscription_batches(id),
	invoice_id   INTEGER NOT NULL REFERENCES subscription_invoices(id),
	sequence     TEXT NOT NULL CHECK (sequence IN ('FRST', 'RCUR')),
	amount_cents INTEGER NOT NULL,
	PRIMARY KEY (batch_id, invoice_id)
);

-- +goose Down
DROP TABLE subscription_batch_items;
DROP TABLE subscription_invoices;
DROP TABLE subscription_batches;
DROP TABLE subscription_counters;
