-- +goose Up
-- Trial and subscription (package subscription, PRIVACY.md P8): HMS's own
-- relationship with its customers. Platform tables, no org_id: closed to
-- the organisation role, read and written in System transactions. Plans
-- are data staff edit in the console; the public pricing page reads the
-- active ones. A subscription is one per organisation, with the billing
-- details sealed under a vault subject of the platform (HMS is
-- controller) and the SEPA Core mandate HMS collects the fee under.
CREATE TABLE plans (
	id             INTEGER PRIMARY KEY,
	name_nl        TEXT NOT NULL,
	name_en        TEXT NOT NULL,
	units_from     INTEGER NOT NULL CHECK (units_from >= 0),
	units_to       INTEGER NOT NULL DEFAULT 0 CHECK (units_to >= 0),
	base_cents     INTEGER NOT NULL CHECK (base_cents >= 0),
	per_unit_cents INTEGER NOT NULL DEFAULT 0 CHECK (per_unit_cents >= 0),
	active         INTEGER NOT NULL DEFAULT 1
);
INSERT INTO plans (name_nl, name_en, units_from, units_to, base_cents, per_unit_cents) VALUES
	('Start', 'Start', 0, 10, 1900, 0),
	('Basis', 'Basic', 11, 50, 4900, 0),
	('Groei', 'Growth', 51, 250, 4900, 75),
	('Professioneel', 'Professional', 251, 0, 9900, 60);

CREATE TABLE subscriptions (
	organisation_id   INTEGER PRIMARY KEY REFERENCES organisations(id),
	state             TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active')),
	plan_id           INTEGER NOT NULL REFERENCES plans(id),
	units             INTEGER NOT NULL,
	monthly_cents     INTEGER NOT NULL,
	started_on        TEXT NOT NULL,
	paid_through      TEXT NOT NULL,
	kind              TEXT NOT NULL CHECK (kind IN ('company', 'person')),
	subject_id        INTEGER NOT NULL,
	details_sealed    BLOB NOT NULL,
	iban_sealed       BLOB NOT NULL,
	bic               TEXT NOT NULL DEFAULT '',
	mandate_reference TEXT NOT NULL UNIQUE,
	mandate_signed_at TEXT NOT NULL,
	creditor_id       TEXT NOT NULL,
	creditor_name     TEXT NOT NULL,
	created_at        TEXT NOT NULL,
	updated_at        TEXT NOT NULL
);

-- Each trial reminder (7 and 1 days before the end) is mailed once.
CREATE TABLE trial_reminders (
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	days_before     INTEGER NOT NULL,
	sent_at         TEXT NOT NULL,
	recipients      INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (organisation_id, days_before)
);

-- +goose Down
DROP TABLE trial_reminders;
DROP TABLE subscriptions;
DROP TABLE plans;
