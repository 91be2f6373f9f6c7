-- +goose Up
-- The erasure journal (vault.Shred, package backup): every vault subject
-- that was shredded, written in the shredding transaction. A backup leaves
-- it out and a restore keeps it and shreds its subjects again, so restoring
-- data from before an erasure does not bring the person back. No foreign
-- key: it must outlive wiping the data tables for a restore. It holds ids
-- and times only.
CREATE TABLE vault_erasures (
	org_id      BIGINT NOT NULL,
	subject_id  BIGINT NOT NULL,
	shredded_at TEXT NOT NULL,
	PRIMARY KEY (org_id, subject_id)
);

-- Subjects shredded before the journal existed.
INSERT INTO vault_erasures (org_id, subject_id, shredded_at)
SELECT org_id, id, shredded_at FROM vault_subjects WHERE shredded_at IS NOT NULL;

-- +goose Down
DROP TABLE vault_erasures;
