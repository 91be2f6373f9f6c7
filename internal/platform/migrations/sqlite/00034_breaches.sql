-- +goose Up
-- The breach register (GDPR art. 33(5); package privacy, PRIVACY.md P16):
-- the platform's register that HMS staff keep in the console. No org_id:
-- it is the platform's, closed to the organisation role and written in
-- System transactions; the customers a breach touched are named by
-- organisation_id in breach_customers, with the counts of the impact query
-- (rows and distinct relations, never who) and when their owners were
-- mailed. The free-text fields describe the breach; they are declared in
-- the register of processing activities.
CREATE TABLE breaches (
	id                   INTEGER PRIMARY KEY,
	discovered_at        TEXT NOT NULL,
	recorded_at          TEXT NOT NULL,
	recorded_by          INTEGER NOT NULL,
	description          TEXT NOT NULL,
	categories           TEXT NOT NULL DEFAULT '',
	subjects_approx      INTEGER NOT NULL DEFAULT 0,
	records_approx       INTEGER NOT NULL DEFAULT 0,
	consequences         TEXT NOT NULL DEFAULT '',
	measures             TEXT NOT NULL DEFAULT '',
	state                TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'assessed', 'notified', 'closed')),
	risk                 TEXT NOT NULL DEFAULT '' CHECK (risk IN ('', 'low', 'risk', 'high')),
	no_notify_reason     TEXT NOT NULL DEFAULT '',
	assessed_at          TEXT,
	ap_notified_at       TEXT,
	late_reason          TEXT NOT NULL DEFAULT '',
	subjects_notified_at TEXT,
	affected_tables      TEXT NOT NULL DEFAULT '',
	closed_at            TEXT
);

CREATE TABLE breach_customers (
	breach_id       INTEGER NOT NULL REFERENCES breaches(id),
	organisation_id INTEGER NOT NULL REFERENCES organisations(id),
	rows_affected   INTEGER NOT NULL,
	persons         INTEGER NOT NULL,
	notified_at     TEXT,
	PRIMARY KEY (breach_id, organisation_id)
);

-- +goose Down
DROP TABLE breach_customers;
DROP TABLE breaches;
