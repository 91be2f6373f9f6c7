-- +goose Up
-- PRIVACY.md P20: an erased person keeps their row as an id without data
-- (their keys shredded, sealed fields and search tokens gone), so leases and
-- the books still point somewhere; erased_at says when.
ALTER TABLE relations ADD COLUMN erased_at TEXT;

-- +goose Down
ALTER TABLE relations DROP COLUMN erased_at;
