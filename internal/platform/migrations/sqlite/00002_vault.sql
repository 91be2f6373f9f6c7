-- +goose Up
-- The vault's key store (internal/platform/vault). Organisation 0 is the
-- platform itself and has no row in organisations, so there are no foreign
-- keys to it. Wrapped keys only: the master key is never in the database.
CREATE TABLE vault_org_keys (
	org_id        INTEGER PRIMARY KEY,
	aead_wrapped  BLOB NOT NULL,
	index_wrapped BLOB NOT NULL,
	created_at    TEXT NOT NULL
);

-- One row per data subject. Shredding sets keyset_wrapped to NULL and
-- records shredded_at; a shredded subject never keeps its keyset.
CREATE TABLE vault_subjects (
	id             INTEGER PRIMARY KEY,
	org_id         BIGINT NOT NULL,
	kind           TEXT NOT NULL,
	keyset_wrapped BLOB,
	created_at     TEXT NOT NULL,
	shredded_at    TEXT,
	CHECK (shredded_at IS NULL OR keyset_wrapped IS NULL)
);
CREATE INDEX vault_subjects_org ON vault_subjects(org_id, kind);

-- +goose Down
DROP TABLE vault_subjects;
DROP TABLE vault_org_keys;
