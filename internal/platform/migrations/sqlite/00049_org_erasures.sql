-- +goose Up
-- The journal of shredded organisations (vault.ShredOrganisation, issue 14):
-- written in the shred's transaction, left out of backups and kept by a
-- restore like vault_erasures, so restoring data from before the shred
-- destroys the organisation's keys and rows again. Ids and a time only; no
-- foreign key (it outlives wiping the data tables).
CREATE TABLE vault_org_erasures (
	org_id      BIGINT PRIMARY KEY,
	shredded_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE vault_org_erasures;
