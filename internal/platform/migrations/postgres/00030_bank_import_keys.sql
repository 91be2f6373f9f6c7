-- +goose Up
-- A bank statement line is stored as four rows (entry, line, payment,
-- allocation), and PostgreSQL checked for each that its organisation
-- exists: a fifth of a large import's time in the database. Row-level
-- security already holds each row to the organisation whose seal its
-- transaction presents (00022), organisations are never deleted, and each
-- row's other keys (statement, entry, lease, charge, payment) lead to rows
-- that keep their organisation key; so these four checks went. SQLite
-- keeps them: there they cost little and dropping one rebuilds the table.
ALTER TABLE bank_entries DROP CONSTRAINT bank_entries_org_id_fkey;
ALTER TABLE bank_lines DROP CONSTRAINT bank_lines_org_id_fkey;
ALTER TABLE ledger_payments DROP CONSTRAINT ledger_payments_org_id_fkey;
ALTER TABLE ledger_allocations DROP CONSTRAINT ledger_allocations_org_id_fkey;

-- +goose Down
ALTER TABLE ledger_allocations ADD CONSTRAINT ledger_allocations_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id);
ALTER TABLE ledger_payments ADD CONSTRAINT ledger_payments_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id);
ALTER TABLE bank_lines ADD CONSTRAINT bank_lines_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id);
ALTER TABLE bank_entries ADD CONSTRAINT bank_entries_org_id_fkey FOREIGN KEY (org_id) REFERENCES organisations(id);
