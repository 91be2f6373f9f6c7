-- +goose Up
-- PostgreSQL's 00022 binds organisation work to database roles and
-- organisation seals; the embedded database has no roles (one process owns
-- the file), so there is nothing to change here.
SELECT 1;

-- +goose Down
SELECT 1;
