-- +goose Up
-- Yearly rent increases and commercial indexation. The legal maximum
-- percentages ship as data (internal/rentincrease/caps.csv); an organisation
-- may override one per segment and year here. Leases are referred to by id.

CREATE TABLE rent_increase_cap_overrides (
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	segment      TEXT NOT NULL CHECK (segment IN ('sociaal','middenhuur','vrije_sector')),
	year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	percent_rate BIGINT NOT NULL CHECK (percent_rate >= 0),
	source       TEXT NOT NULL DEFAULT '',
	updated_at   TEXT NOT NULL,
	updated_by   BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (org_id, segment, year)
);

-- Per organisation: the letter's sender and how a tenant objects.
CREATE TABLE rent_increase_settings (
	org_id         BIGINT PRIMARY KEY REFERENCES organisations(id),
	sender_name    TEXT NOT NULL DEFAULT '',
	objection_text TEXT NOT NULL DEFAULT '',
	updated_at     TEXT NOT NULL
);

-- The lease's contractual increase clause (indexatieclausule). Rates are
-- money.Rate: millionths of the whole (1% = 10000).
CREATE TABLE rent_increase_clauses (
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	lease_id     BIGINT NOT NULL REFERENCES leases(id),
	method       TEXT NOT NULL CHECK (method IN ('none','fixed','cpi')),
	percent_rate BIGINT NOT NULL DEFAULT 0,
	cpi_series   TEXT NOT NULL DEFAULT '',
	base_year    INTEGER NOT NULL DEFAULT 0,
	lag_months   INTEGER NOT NULL DEFAULT 4 CHECK (lag_months BETWEEN 0 AND 24),
	floor_zero   INTEGER NOT NULL DEFAULT 0,
	cap_rate     BIGINT,
	first_date   TEXT,
	frequency    TEXT NOT NULL DEFAULT 'yearly' CHECK (frequency IN ('yearly')),
	updated_at   TEXT NOT NULL,
	updated_by   BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (org_id, lease_id)
);

-- Consumer price index figures per series and month, as imported. value is
-- the exact decimal as text ("128.4").
CREATE TABLE cpi_indices (
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	series      TEXT NOT NULL,
	month       TEXT NOT NULL,
	value       TEXT NOT NULL,
	imported_at TEXT NOT NULL,
	PRIMARY KEY (org_id, series, month)
);

-- One proposal per lease and effective date. status: draft (may be lowered
-- or excluded), excluded, skipped (a warning stops it), confirmed (letter
-- made), applied (the new bare rent is in the lease's rent history).
CREATE TABLE rent_increase_proposals (
	id              INTEGER PRIMARY KEY,
	org_id          BIGINT NOT NULL REFERENCES organisations(id),
	lease_id        BIGINT NOT NULL REFERENCES leases(id),
	effective_date  TEXT NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('draft','excluded','skipped','confirmed','applied')),
	lease_reference TEXT NOT NULL,
	address         TEXT NOT NULL DEFAULT '',
	kind            TEXT NOT NULL CHECK (kind IN ('residential','commercial')),
	segment         TEXT NOT NULL DEFAULT '',
	basis           TEXT NOT NULL DEFAULT '',
	old_cents       BIGINT NOT NULL,
	max_cents       BIGINT NOT NULL DEFAULT 0,
	new_cents       BIGINT NOT NULL DEFAULT 0,
	adjusted        INTEGER NOT NULL DEFAULT 0,
	cap_rate        BIGINT,
	notes           TEXT NOT NULL DEFAULT '[]',
	letter          BLOB,
	letter_sha256   TEXT NOT NULL DEFAULT '',
	delivered_on    TEXT,
	delivery_method TEXT,
	component_id    BIGINT,
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL,
	confirmed_at    TEXT,
	confirmed_by    BIGINT,
	applied_at      TEXT,
	applied_by      BIGINT,
	UNIQUE (org_id, lease_id, effective_date)
);
CREATE INDEX rent_increase_proposals_date ON rent_increase_proposals(org_id, effective_date);

-- +goose Down
DROP TABLE rent_increase_proposals;
DROP TABLE cpi_indices;
DROP TABLE rent_increase_clauses;
DROP TABLE rent_increase_settings;
DROP TABLE rent_increase_cap_overrides;
