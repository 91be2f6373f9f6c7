-- +goose Up
-- PostgreSQL's 00051 rewrites the row-level security functions in
-- PL/pgSQL. SQLite has no row-level security: nothing changes here.
SELECT 1;

-- +goose Down
SELECT 1;
