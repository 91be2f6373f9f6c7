-- +goose Up
-- Settlement corrections against DOMAIN.md §7.

-- §7.5: the administration fee is at most 5% of the service costs. A
-- percentage above it was never lawful; it is lowered to the cap, which is
-- what the settings now refuse to go beyond.
UPDATE settlement_years SET admin_fee_percent = '5' WHERE CAST(admin_fee_percent AS REAL) > 5;

-- §7.6: daily mean temperatures (TG, in 0.1 °C, as KNMI publishes them) per
-- KNMI station, imported from the station's daggegevens file. A run weighs
-- them into degree days per month for the station chosen for the complex
-- and year (knmi_station; 0: none), and names its source in
-- degree_days_source ('knmi:<station>', 'entered' for the monthly values
-- entered by hand, 'table' for the VDI 2067 fallback).
CREATE TABLE settlement_knmi_days (
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	station     INTEGER NOT NULL,
	day         TEXT NOT NULL,
	tg          INTEGER NOT NULL,
	imported_at TEXT NOT NULL,
	PRIMARY KEY (org_id, station, day)
);

ALTER TABLE settlement_years ADD COLUMN knmi_station INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settlement_runs ADD COLUMN degree_days_source TEXT NOT NULL DEFAULT '';

-- §7.2: a statement shows the advances charged and, of them, received and
-- still open; it settles against one of them (advances_basis): 'charged'
-- (an unpaid advance stays owed in the arrears) or 'received' (it is owed in
-- the settlement instead, and booking the statement credits the open
-- advance charges). The run keeps the basis it was computed with.
ALTER TABLE settlement_settings ADD COLUMN advances_basis TEXT NOT NULL DEFAULT 'charged' CHECK (advances_basis IN ('charged','received'));
ALTER TABLE settlement_runs ADD COLUMN advances_basis TEXT NOT NULL DEFAULT 'charged';

-- §7.2: metered costs show the start and end readings, the use and the
-- tariff. readings_json keeps, per occupancy ref of a key-'meter' cost, the
-- readings a run used ({"L1-U2": {"reads": [{"meter","measure","from_date",
-- "from","to_date","to"}], "use": "48", "by_days": false}}); by_days: the
-- unit changed hands without a reading at the change, so it went by days.
ALTER TABLE settlement_run_costs ADD COLUMN readings_json TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE settlement_run_costs DROP COLUMN readings_json;
ALTER TABLE settlement_runs DROP COLUMN advances_basis;
ALTER TABLE settlement_settings DROP COLUMN advances_basis;
ALTER TABLE settlement_runs DROP COLUMN degree_days_source;
ALTER TABLE settlement_years DROP COLUMN knmi_station;
DROP TABLE settlement_knmi_days;
