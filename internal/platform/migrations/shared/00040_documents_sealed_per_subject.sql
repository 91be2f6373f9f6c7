-- +goose Up
-- PRIVACY.md P19–P21: documents about persons (the tenant information, the
-- deposit specification and evidence, the rent-increase letter) are sealed
-- under a vault subject of their own (kind 'document'), which erasing any
-- person the document concerns shreds: the bytes can then not be opened,
-- not even from an old backup (the erasure journal replays the shred). NULL:
-- a row written before, sealed per organisation (or, for a letter, plain)
-- as it was; erasure deletes those rows.
ALTER TABLE lease_documents ADD COLUMN subject_id BIGINT;
ALTER TABLE deposit_specifications ADD COLUMN subject_id BIGINT;
ALTER TABLE deposit_evidence ADD COLUMN subject_id BIGINT;
ALTER TABLE rent_increase_proposals ADD COLUMN letter_subject_id BIGINT;

-- +goose Down
ALTER TABLE rent_increase_proposals DROP COLUMN letter_subject_id;
ALTER TABLE deposit_evidence DROP COLUMN subject_id;
ALTER TABLE deposit_specifications DROP COLUMN subject_id;
ALTER TABLE lease_documents DROP COLUMN subject_id;
