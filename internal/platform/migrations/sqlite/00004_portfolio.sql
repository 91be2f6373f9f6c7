-- +goose Up
-- Portfolio: complexes, units (verhuureenheden), meters and their readings.
-- Child rows name their organisation in their foreign keys, so a row can
-- never point at another organisation's complex, unit or meter.
CREATE TABLE complexes (
	id           INTEGER PRIMARY KEY,
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	name         TEXT NOT NULL,
	name_key     TEXT NOT NULL, -- lower-cased, single-spaced name: unique per organisation
	street       TEXT NOT NULL DEFAULT '',
	house_number INTEGER NOT NULL DEFAULT 0, -- 0: none
	addition     TEXT NOT NULL DEFAULT '',
	postcode     TEXT NOT NULL DEFAULT '',
	city         TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	UNIQUE (org_id, name_key),
	UNIQUE (org_id, id)
);
CREATE INDEX complexes_city ON complexes(org_id, city, name_key);
CREATE INDEX complexes_postcode ON complexes(org_id, postcode, name_key);

CREATE TABLE units (
	id                INTEGER PRIMARY KEY,
	org_id            BIGINT NOT NULL REFERENCES organisations(id),
	complex_id        BIGINT,
	street            TEXT NOT NULL,
	house_number      INTEGER NOT NULL CHECK (house_number > 0),
	addition          TEXT NOT NULL DEFAULT '',
	postcode          TEXT NOT NULL,
	city              TEXT NOT NULL,
	type              TEXT NOT NULL CHECK (type IN ('zelfstandig','onzelfstandig','bedrijfsruimte','parkeerplaats','berging')),
	floor_area_tenths BIGINT NOT NULL DEFAULT 0 CHECK (floor_area_tenths >= 0), -- m² × 10
	rooms             INTEGER NOT NULL DEFAULT 0 CHECK (rooms >= 0),
	segment           TEXT NOT NULL CHECK (segment IN ('sociaal','middenhuur','vrije_sector','commercieel')),
	wws_points        INTEGER, -- NULL: not known
	energy_label      TEXT NOT NULL DEFAULT '',
	created_at        TEXT NOT NULL,
	updated_at        TEXT NOT NULL,
	UNIQUE (org_id, postcode, house_number, addition),
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, complex_id) REFERENCES complexes(org_id, id)
);
CREATE INDEX units_street ON units(org_id, street, house_number, addition);
CREATE INDEX units_city ON units(org_id, city, street, house_number);
CREATE INDEX units_complex ON units(org_id, complex_id, street, house_number);
CREATE INDEX units_type ON units(org_id, type, street, house_number);
CREATE INDEX units_area ON units(org_id, floor_area_tenths);

CREATE TABLE meters (
	id         INTEGER PRIMARY KEY,
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	unit_id    BIGINT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('gas','electricity','water','heat')),
	number     TEXT NOT NULL,
	measure    TEXT NOT NULL, -- unit of the readings: m3, kWh, GJ
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (org_id, unit_id, kind, number),
	UNIQUE (org_id, id),
	FOREIGN KEY (org_id, unit_id) REFERENCES units(org_id, id)
);

CREATE TABLE meter_readings (
	id         INTEGER PRIMARY KEY,
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	meter_id   BIGINT NOT NULL,
	read_on    TEXT NOT NULL,
	value      BIGINT NOT NULL CHECK (value >= 0),
	created_at TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	UNIQUE (org_id, meter_id, read_on),
	FOREIGN KEY (org_id, meter_id) REFERENCES meters(org_id, id)
);

-- +goose Down
DROP TABLE meter_readings;
DROP TABLE meters;
DROP TABLE units;
DROP TABLE complexes;
