-- +goose Up
-- Service-cost settlement (servicekostenafrekening, DOMAIN.md §7), part 1:
-- supplier invoices as cost entries, the distribution keys per complex,
-- year and cost category, degree days per month, and settlement runs with
-- their stored input, output and lines. Complexes, units, leases and
-- suppliers are referred to by id (their rows live in the portfolio, lease
-- and relation tables). Amounts are cents; decimals that are not money
-- (percentages, shares, occupants, degree days) are exact decimal text
-- ("62.5") as settlement.Compute reads them. Dates are ISO text.

-- A supplier invoice (or part of one) charged to a complex: amount_cents
-- includes VAT, vat_cents is the VAT within it (kept for commercial
-- settlements). scope 'complex' means every unit of the complex; 'units'
-- means the units in settlement_cost_entry_units. category is the cost
-- category code ("schoonmaak"), the same code as the lease's service_costs
-- component category (compared case-insensitively). The cost assigned to a
-- settlement year is amount_cents split over the calendar years the period
-- spans by days, largest remainder (settlement.YearShare). The evidence PDF
-- is sealed under the organisation key (vault.SealOrg, field
-- "settlement.evidence").
CREATE TABLE settlement_cost_entries (
	id               INTEGER PRIMARY KEY,
	org_id           BIGINT NOT NULL REFERENCES organisations(id),
	complex_id       BIGINT NOT NULL,
	supplier_id      BIGINT NOT NULL,
	invoice_number   TEXT NOT NULL,
	invoice_date     TEXT NOT NULL,
	period_start     TEXT NOT NULL,
	period_end       TEXT NOT NULL,
	amount_cents     BIGINT NOT NULL,
	vat_cents        BIGINT NOT NULL DEFAULT 0,
	category         TEXT NOT NULL,
	description      TEXT NOT NULL DEFAULT '',
	scope            TEXT NOT NULL CHECK (scope IN ('complex','units')),
	evidence_name    TEXT NOT NULL DEFAULT '',
	evidence_size    BIGINT NOT NULL DEFAULT 0,
	evidence_sha256  TEXT NOT NULL DEFAULT '',
	evidence_sealed  BLOB,
	created_at       TEXT NOT NULL,
	created_by       BIGINT NOT NULL DEFAULT 0,
	updated_at       TEXT NOT NULL,
	UNIQUE (org_id, supplier_id, invoice_number, category)
);
CREATE INDEX settlement_cost_entries_complex ON settlement_cost_entries(org_id, complex_id, period_start);

-- The units of a cost entry with scope 'units' (all in the entry's complex).
CREATE TABLE settlement_cost_entry_units (
	org_id   BIGINT NOT NULL REFERENCES organisations(id),
	entry_id BIGINT NOT NULL REFERENCES settlement_cost_entries(id),
	unit_id  BIGINT NOT NULL,
	PRIMARY KEY (entry_id, unit_id)
);
CREATE INDEX settlement_cost_entry_units_org ON settlement_cost_entry_units(org_id, entry_id);

-- Per complex and year: the administration-fee percentage (default 5).
CREATE TABLE settlement_years (
	org_id            BIGINT NOT NULL REFERENCES organisations(id),
	complex_id        BIGINT NOT NULL,
	year              INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	admin_fee_percent TEXT NOT NULL DEFAULT '5',
	updated_at        TEXT NOT NULL,
	updated_by        BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (org_id, complex_id, year)
);

-- The distribution key (verdeelsleutel) of one cost category in a complex
-- and year: key is a settlement.Compute key; heating splits a unit's
-- variable part by weighted degree days when it changes hands (fixed_percent
-- of it by days; gas_35_65 always 35); admin_fee: the fee is charged on this
-- category; meter_kind: for key 'meter', the kind of meter whose readings
-- give the consumption. Shares (key 'shares') are in settlement_key_shares.
CREATE TABLE settlement_keys (
	org_id        BIGINT NOT NULL REFERENCES organisations(id),
	complex_id    BIGINT NOT NULL,
	year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	category      TEXT NOT NULL,
	key           TEXT NOT NULL CHECK (key IN ('equal','area','occupants','meter','shares','gas_35_65')),
	heating       INTEGER NOT NULL DEFAULT 0,
	fixed_percent TEXT NOT NULL DEFAULT '',
	admin_fee     INTEGER NOT NULL DEFAULT 1,
	meter_kind    TEXT NOT NULL DEFAULT '',
	updated_at    TEXT NOT NULL,
	updated_by    BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (org_id, complex_id, year, category)
);

CREATE TABLE settlement_key_shares (
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	complex_id BIGINT NOT NULL,
	year       INTEGER NOT NULL,
	category   TEXT NOT NULL,
	unit_id    BIGINT NOT NULL,
	share      TEXT NOT NULL,
	PRIMARY KEY (org_id, complex_id, year, category, unit_id)
);

-- Occupants per unit and year for the key 'occupants' (a unit without a row
-- counts 1). Per unit, not per lease: settlement.Compute weighs a unit, and
-- the tenants within a unit share its part by days.
CREATE TABLE settlement_occupants (
	org_id    BIGINT NOT NULL REFERENCES organisations(id),
	unit_id   BIGINT NOT NULL,
	year      INTEGER NOT NULL,
	occupants TEXT NOT NULL,
	PRIMARY KEY (org_id, unit_id, year)
);

-- Weighted degree days per month ("YYYY-MM"), per organisation.
CREATE TABLE settlement_degree_days (
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	month      TEXT NOT NULL,
	value      TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (org_id, month)
);

-- A settlement run of a complex for a period: kind 'year' (the calendar
-- year) or 'leaving' (lease_id's tenant leaves: 1 January to the lease's
-- end, art. 7:259 lid 3). state 'draft' may be replaced by running again
-- (the row and its lines are deleted and written anew, with a new id);
-- 'final' is never changed: a correction is a new run, which points at the
-- final run it corrects with corrects_run_id. input_json is the
-- settlement.Input given to Compute, output_json its settlement.Output;
-- warnings_json lists what kept a cost out (no key, missing meter reading)
-- as [{"category","message","unit_id"}]; a run with warnings cannot be made
-- final.
CREATE TABLE settlement_runs (
	id              INTEGER PRIMARY KEY,
	org_id          BIGINT NOT NULL REFERENCES organisations(id),
	complex_id      BIGINT NOT NULL,
	year            INTEGER NOT NULL,
	kind            TEXT NOT NULL CHECK (kind IN ('year','leaving')),
	lease_id        BIGINT NOT NULL DEFAULT 0,
	period_start    TEXT NOT NULL,
	period_end      TEXT NOT NULL,
	state           TEXT NOT NULL CHECK (state IN ('draft','final')),
	admin_fee_percent TEXT NOT NULL,
	input_json      TEXT NOT NULL,
	output_json     TEXT NOT NULL,
	warnings_json   TEXT NOT NULL DEFAULT '[]',
	corrects_run_id BIGINT NOT NULL DEFAULT 0,
	created_at      TEXT NOT NULL,
	created_by      BIGINT NOT NULL DEFAULT 0,
	finalised_at    TEXT,
	finalised_by    BIGINT
);
CREATE INDEX settlement_runs_complex ON settlement_runs(org_id, complex_id, year);
CREATE UNIQUE INDEX settlement_runs_one_draft ON settlement_runs(org_id, complex_id, year, kind, lease_id) WHERE state = 'draft';

-- The cost lines of a run as given to Compute: cost_id is Compute's cost id
-- (the category, with "#2", "#3" … for entries of the category with another
-- set of units), units_json the pool (empty: all units of the complex).
CREATE TABLE settlement_run_costs (
	org_id          BIGINT NOT NULL REFERENCES organisations(id),
	run_id          BIGINT NOT NULL REFERENCES settlement_runs(id),
	position        INTEGER NOT NULL,
	cost_id         TEXT NOT NULL,
	category        TEXT NOT NULL,
	key             TEXT NOT NULL,
	heating         INTEGER NOT NULL DEFAULT 0,
	admin_fee       INTEGER NOT NULL DEFAULT 0,
	amount_cents    BIGINT NOT NULL,
	allocated_cents BIGINT NOT NULL,
	landlord_cents  BIGINT NOT NULL,
	units_json      TEXT NOT NULL DEFAULT '[]',
	PRIMARY KEY (run_id, position)
);
CREATE INDEX settlement_run_costs_org ON settlement_run_costs(org_id, run_id);

-- Which cost entries make up a run's cost line, with the part of each
-- assigned to the run's period (the invoices a statement links to).
CREATE TABLE settlement_run_entries (
	org_id         BIGINT NOT NULL REFERENCES organisations(id),
	run_id         BIGINT NOT NULL REFERENCES settlement_runs(id),
	cost_id        TEXT NOT NULL,
	entry_id       BIGINT NOT NULL,
	assigned_cents BIGINT NOT NULL,
	PRIMARY KEY (run_id, entry_id)
);
CREATE INDEX settlement_run_entries_entry ON settlement_run_entries(org_id, entry_id);

-- One row per occupancy: a lease on a unit of the complex, clipped to the
-- run's period (occupancy_ref is Compute's occupancy id "L<lease>-U<unit>").
-- A lease on several units of the complex has an occupancy per unit; its
-- advances are all set against the occupancy of its lowest unit id.
-- advances_cents are the service-cost advances charged in the ledger for the
-- period (charges "service_costs|…" net of credit notes, prorated by days
-- when a charge crosses the period): they are what Compute sets against the
-- cost (balance_cents = total_cents − advances_cents; negative: a refund),
-- because unpaid advances stay open in the ledger and must not be charged
-- twice. paid_cents is what payments settled of those charges, shown for
-- information.
CREATE TABLE settlement_run_occupancies (
	id              INTEGER PRIMARY KEY,
	org_id          BIGINT NOT NULL REFERENCES organisations(id),
	run_id          BIGINT NOT NULL REFERENCES settlement_runs(id),
	occupancy_ref   TEXT NOT NULL,
	lease_id        BIGINT NOT NULL,
	unit_id         BIGINT NOT NULL,
	start_date      TEXT NOT NULL,
	end_date        TEXT NOT NULL,
	subtotal_cents  BIGINT NOT NULL,
	admin_fee_cents BIGINT NOT NULL,
	total_cents     BIGINT NOT NULL,
	advances_cents  BIGINT NOT NULL,
	paid_cents      BIGINT NOT NULL,
	balance_cents   BIGINT NOT NULL
);
CREATE INDEX settlement_run_occupancies_run ON settlement_run_occupancies(org_id, run_id);
CREATE INDEX settlement_run_occupancies_lease ON settlement_run_occupancies(org_id, lease_id);

-- The lines: an occupancy's share of a cost (occupancy_ref as in
-- settlement_run_occupancies), or the landlord's share for a unit's vacant
-- days (occupancy_ref '').
CREATE TABLE settlement_run_lines (
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	run_id       BIGINT NOT NULL REFERENCES settlement_runs(id),
	occupancy_ref TEXT NOT NULL DEFAULT '',
	unit_id      BIGINT NOT NULL,
	cost_id      TEXT NOT NULL,
	amount_cents BIGINT NOT NULL
);
CREATE INDEX settlement_run_lines_run ON settlement_run_lines(org_id, run_id, occupancy_ref);

-- +goose Down
DROP TABLE settlement_run_lines;
DROP TABLE settlement_run_occupancies;
DROP TABLE settlement_run_entries;
DROP TABLE settlement_run_costs;
DROP TABLE settlement_runs;
DROP TABLE settlement_degree_days;
DROP TABLE settlement_occupants;
DROP TABLE settlement_key_shares;
DROP TABLE settlement_keys;
DROP TABLE settlement_years;
DROP TABLE settlement_cost_entry_units;
DROP TABLE settlement_cost_entries;
