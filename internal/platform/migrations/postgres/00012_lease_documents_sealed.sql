-- +goose Up
-- Generated lease documents carry tenants' names and addresses: from now on
-- their bytes are sealed under the organisation key (sealed = TRUE). Rows
-- written before stay readable as they are.
ALTER TABLE lease_documents ADD COLUMN sealed BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE lease_documents DROP COLUMN sealed;
