-- +goose Up
-- Relations (internal/relation): the only home of the personal data of the
-- people a customer deals with, and the customer's privacy choices
-- (internal/privacy). Identifying fields are sealed per person by the vault
-- (the *_sealed columns, one vault subject per relation); look-ups go through
-- keyed tokens in relation_search, and name order through sort_key, so no
-- name, address, e-mail address, phone number or IBAN is stored readable.

-- Which owner accepted which version of the processor agreement
-- (verwerkersovereenkomst, GDPR art. 28), and when.
CREATE TABLE privacy_agreement_acceptances (
	id          INTEGER PRIMARY KEY,
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	version     TEXT NOT NULL,
	accepted_by BIGINT NOT NULL REFERENCES users(id),
	accepted_at TEXT NOT NULL,
	UNIQUE (org_id, version)
);

-- Optional personal-data fields an organisation turned on, with its purpose.
-- No row: the field is off.
CREATE TABLE privacy_optional_fields (
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	field      TEXT NOT NULL CHECK (field IN ('birth_place', 'nationality')),
	purpose    TEXT NOT NULL,
	enabled_by BIGINT NOT NULL REFERENCES users(id),
	enabled_at TEXT NOT NULL,
	PRIMARY KEY (org_id, field)
);

-- roles is a set of bits: 1 tenant, 2 guarantor, 4 contact, 8 supplier,
-- 16 owner. Company name, legal form, KvK and btw-id are not personal data
-- of a natural person and are stored plain; everything that identifies a
-- person is in the sealed groups. ref is the customer's own reference
-- (e.g. a debtor number), unique per organisation when given.
-- list_sealed holds what a list row shows (name and place), so a page of 50
-- opens 50 ciphertexts. fingerprint is a keyed hash of the sealed content,
-- so an unchanged import writes nothing.
CREATE TABLE relations (
	id                  INTEGER PRIMARY KEY,
	org_id              BIGINT NOT NULL REFERENCES organisations(id),
	kind                TEXT NOT NULL CHECK (kind IN ('person', 'company')),
	subject_id          BIGINT NOT NULL,
	ref                 TEXT,
	roles               INTEGER NOT NULL DEFAULT 0,
	lang                TEXT NOT NULL DEFAULT 'nl',
	company_name        TEXT,
	legal_form          TEXT,
	kvk                 TEXT,
	btw_id              TEXT,
	supplier_categories TEXT NOT NULL DEFAULT '',
	name_sealed         BLOB,
	address_sealed      BLOB,
	contact_sealed      BLOB,
	birth_sealed        BLOB,
	ibans_sealed        BLOB,
	list_sealed         BLOB,
	fingerprint         TEXT NOT NULL,
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX relations_ref ON relations(org_id, ref);
CREATE INDEX relations_kvk ON relations(org_id, kvk);

-- Keyed tokens for look-ups: name prefixes, exact e-mail address, IBAN,
-- postcode and phone number (see relation/doc.go).
CREATE TABLE relation_search (
	org_id      BIGINT NOT NULL,
	kind        TEXT NOT NULL,
	token       BLOB NOT NULL,
	relation_id BIGINT NOT NULL REFERENCES relations(id),
	PRIMARY KEY (org_id, kind, token, relation_id)
) WITHOUT ROWID;
CREATE INDEX relation_search_relation ON relation_search(org_id, relation_id);

-- Contact persons of companies.
CREATE TABLE relation_contacts (
	org_id     BIGINT NOT NULL,
	company_id BIGINT NOT NULL REFERENCES relations(id),
	person_id  BIGINT NOT NULL REFERENCES relations(id),
	created_at TEXT NOT NULL,
	PRIMARY KEY (org_id, company_id, person_id)
);
CREATE INDEX relation_contacts_person ON relation_contacts(org_id, person_id);

-- Name order without readable names: sort_key is a fixed-width rank (16 hex
-- digits) such that ORDER BY sort_key is alphabetical order of the names. A
-- narrow table of its own, so that ordering thousands of search matches
-- reads a few small index pages, not the relations rows with their sealed
-- data.
CREATE TABLE relation_order (
	org_id      BIGINT NOT NULL,
	relation_id BIGINT NOT NULL REFERENCES relations(id),
	sort_key    TEXT NOT NULL,
	PRIMARY KEY (org_id, relation_id)
) WITHOUT ROWID;
CREATE INDEX relation_order_key ON relation_order(org_id, sort_key, relation_id);

-- One row per organisation: writers that place a relation in name order
-- take it first, so two never pick the same rank; renumbered counts how
-- often the ranks were spread out again.
CREATE TABLE relation_order_state (
	org_id     BIGINT PRIMARY KEY REFERENCES organisations(id),
	version    BIGINT NOT NULL DEFAULT 0,
	renumbered BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE relation_order_state;
DROP TABLE relation_order;
DROP TABLE relation_contacts;
DROP TABLE relation_search;
DROP TABLE relations;
DROP TABLE privacy_optional_fields;
DROP TABLE privacy_agreement_acceptances;
