-- +goose Up
-- Leases (huurcontracten). Units and parties are referred to by id: their
-- rows live in the portfolio and relation tables. Stores filter by org_id.

-- ends_on is the day the lease actually ends: the end date or the end of an
-- active termination, whichever is earlier (NULL: open-ended). The service
-- keeps it, so overlap checks and status filters stay plain SQL.
CREATE TABLE leases (
	id                     INTEGER PRIMARY KEY,
	org_id                 BIGINT NOT NULL REFERENCES organisations(id),
	reference              TEXT NOT NULL,
	kind                   TEXT NOT NULL CHECK (kind IN ('residential','commercial')),
	start_date             TEXT NOT NULL,
	end_date               TEXT,
	ends_on                TEXT,
	notice_months_tenant   INTEGER NOT NULL DEFAULT 1,
	notice_months_landlord INTEGER,
	billing_frequency      TEXT NOT NULL CHECK (billing_frequency IN ('monthly','quarterly')),
	due_day                INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 28),
	payment_method         TEXT NOT NULL CHECK (payment_method IN ('direct_debit','transfer')),
	vat_opted              INTEGER NOT NULL DEFAULT 0,
	deposit_cents          BIGINT NOT NULL DEFAULT 0 CHECK (deposit_cents >= 0),
	created_at             TEXT NOT NULL,
	updated_at             TEXT NOT NULL,
	UNIQUE (org_id, reference)
);
CREATE INDEX leases_start ON leases(org_id, start_date);

-- complex_id is copied from the unit when the lease is saved, for the
-- complex filter of the lease list.
CREATE TABLE lease_units (
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	lease_id   BIGINT NOT NULL REFERENCES leases(id),
	unit_id    BIGINT NOT NULL,
	complex_id BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (lease_id, unit_id)
);
CREATE INDEX lease_units_unit ON lease_units(org_id, unit_id);
CREATE INDEX lease_units_complex ON lease_units(org_id, complex_id);

CREATE TABLE lease_parties (
	org_id   BIGINT NOT NULL REFERENCES organisations(id),
	lease_id BIGINT NOT NULL REFERENCES leases(id),
	party_id BIGINT NOT NULL,
	role     TEXT NOT NULL CHECK (role IN ('tenant','guarantor')),
	position INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (lease_id, party_id)
);
CREATE INDEX lease_parties_party ON lease_parties(org_id, party_id);

-- Rent history: a change adds a row with a new valid_from; rows are never
-- updated. A line is (kind, category, label).
CREATE TABLE lease_components (
	id           INTEGER PRIMARY KEY,
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	lease_id     BIGINT NOT NULL REFERENCES leases(id),
	kind         TEXT NOT NULL CHECK (kind IN ('bare_rent','service_costs','parking','furnishing','other')),
	category     TEXT NOT NULL DEFAULT '',
	label        TEXT NOT NULL DEFAULT '',
	amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
	vat          TEXT NOT NULL CHECK (vat IN ('exempt','standard')),
	valid_from   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	created_by   BIGINT NOT NULL DEFAULT 0,
	UNIQUE (lease_id, kind, category, label, valid_from)
);
CREATE INDEX lease_components_org ON lease_components(org_id, lease_id);

CREATE TABLE lease_deposit_entries (
	id           INTEGER PRIMARY KEY,
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	lease_id     BIGINT NOT NULL REFERENCES leases(id),
	kind         TEXT NOT NULL CHECK (kind IN ('received','returned','deducted')),
	entry_date   TEXT NOT NULL,
	amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
	reason       TEXT NOT NULL DEFAULT '',
	note         TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	created_by   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX lease_deposit_entries_lease ON lease_deposit_entries(org_id, lease_id);

-- At most one active (not withdrawn) termination per lease.
CREATE TABLE lease_terminations (
	id            INTEGER PRIMARY KEY,
	org_id        BIGINT NOT NULL REFERENCES organisations(id),
	lease_id      BIGINT NOT NULL REFERENCES leases(id),
	given_by      TEXT NOT NULL CHECK (given_by IN ('tenant','landlord')),
	notice_date   TEXT NOT NULL,
	notice_months INTEGER NOT NULL,
	end_date      TEXT NOT NULL,
	reason        TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	created_by    BIGINT NOT NULL DEFAULT 0,
	withdrawn_at  TEXT,
	withdrawn_by  BIGINT
);
CREATE INDEX lease_terminations_lease ON lease_terminations(org_id, lease_id);
CREATE UNIQUE INDEX lease_terminations_active ON lease_terminations(lease_id) WHERE withdrawn_at IS NULL;

-- Generated documents, kept byte for byte so what was provided can be shown
-- again exactly.
CREATE TABLE lease_documents (
	id         INTEGER PRIMARY KEY,
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	lease_id   BIGINT NOT NULL REFERENCES leases(id),
	kind       TEXT NOT NULL CHECK (kind IN ('tenant_information')),
	lang       TEXT NOT NULL DEFAULT 'nl',
	created_at TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	sha256     TEXT NOT NULL,
	size       BIGINT NOT NULL,
	content    BLOB NOT NULL
);
CREATE INDEX lease_documents_lease ON lease_documents(org_id, lease_id);

CREATE TABLE lease_document_deliveries (
	id          INTEGER PRIMARY KEY,
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	document_id BIGINT NOT NULL REFERENCES lease_documents(id),
	provided_on TEXT NOT NULL,
	method      TEXT NOT NULL CHECK (method IN ('email','paper','portal')),
	recorded_at TEXT NOT NULL,
	recorded_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX lease_document_deliveries_doc ON lease_document_deliveries(org_id, document_id);

-- Per organisation: the landlord's contact point and the municipal meldpunt
-- printed on the tenant information, and the deposit return terms.
CREATE TABLE lease_settings (
	org_id                 BIGINT PRIMARY KEY REFERENCES organisations(id),
	landlord_name          TEXT NOT NULL DEFAULT '',
	landlord_address       TEXT NOT NULL DEFAULT '',
	landlord_phone         TEXT NOT NULL DEFAULT '',
	landlord_email         TEXT NOT NULL DEFAULT '',
	meldpunt               TEXT NOT NULL DEFAULT '',
	deposit_return_days    INTEGER NOT NULL DEFAULT 14,
	deposit_deduction_days INTEGER NOT NULL DEFAULT 30,
	extra_information      TEXT NOT NULL DEFAULT '',
	updated_at             TEXT NOT NULL
);

-- +goose Down
DROP TABLE lease_settings;
DROP TABLE lease_document_deliveries;
DROP TABLE lease_documents;
DROP TABLE lease_terminations;
DROP TABLE lease_deposit_entries;
DROP TABLE lease_components;
DROP TABLE lease_parties;
DROP TABLE lease_units;
DROP TABLE leases;
