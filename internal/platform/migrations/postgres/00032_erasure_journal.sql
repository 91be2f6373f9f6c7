-- +goose Up
-- The erasure journal (vault.Shred, package backup): every vault subject
-- that was shredded, written in the shredding transaction. A backup leaves
-- it out and a restore keeps it and shreds its subjects again, so restoring
-- data from before an erasure does not bring the person back. No foreign
-- key: it must outlive wiping the data tables for a restore. It holds ids
-- and times only. hms_org writes its own organisation's erasures (RLS);
-- hms_system the platform's (organisation 0) and reads them all for a replay.
CREATE TABLE vault_erasures (
	org_id      BIGINT NOT NULL,
	subject_id  BIGINT NOT NULL,
	shredded_at TEXT NOT NULL,
	PRIMARY KEY (org_id, subject_id)
);
SELECT hms_org_isolate('vault_erasures');

-- Subjects shredded before the journal existed.
SELECT set_config('hms.scope', 'system', true);
INSERT INTO vault_erasures (org_id, subject_id, shredded_at)
SELECT org_id, id, shredded_at FROM vault_subjects WHERE shredded_at IS NOT NULL;
SELECT set_config('hms.scope', '', true);

-- +goose Down
DROP TABLE vault_erasures;
