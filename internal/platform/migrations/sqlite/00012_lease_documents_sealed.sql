-- +goose Up
-- Generated lease documents carry tenants' names and addresses: from now on
-- their bytes are sealed under the organisation key (sealed = 1). Rows
-- written before stay readable as they are.
ALTER TABLE lease_documents ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE lease_documents DROP COLUMN sealed;
