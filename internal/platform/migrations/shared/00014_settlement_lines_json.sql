-- +goose Up
-- A tenant's lines of a settlement run are kept as one JSON value on the
-- occupancy ([{"cost": id, "cents": amount}, …], in cost order) instead of
-- a row per line: a complex of 10,000 units has some 330,000 of them.
-- settlement_run_lines keeps the landlord's lines (vacant days).
ALTER TABLE settlement_run_occupancies ADD COLUMN lines_json TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE settlement_run_occupancies DROP COLUMN lines_json;
