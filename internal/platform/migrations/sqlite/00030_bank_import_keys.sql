-- +goose Up
-- PostgreSQL's 00030 drops the organisation foreign keys of the four tables
-- a bank import writes (bank_entries, bank_lines, ledger_payments,
-- ledger_allocations), which row-level security makes redundant there.
-- SQLite has no row-level security, its checks cost little, and dropping
-- one would rebuild the table: nothing changes here.
SELECT 1;

-- +goose Down
SELECT 1;
