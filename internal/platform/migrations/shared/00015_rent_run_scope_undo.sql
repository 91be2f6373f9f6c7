-- +goose Up
-- A rent run keeps its scope in the words the person confirmed, and can be
-- undone (credit notes for each invoice) while none was sent or paid.
ALTER TABLE ledger_runs ADD COLUMN scope_name TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger_runs ADD COLUMN undone_at TEXT;
ALTER TABLE ledger_runs ADD COLUMN undone_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ledger_runs ADD COLUMN undo_credit_notes BIGINT NOT NULL DEFAULT 0;

-- A charge of an undone run is voided by the credit note that reversed it
-- (set once, in that credit note's transaction; the amounts never change),
-- so the period's line can be charged again by a run with the right scope.
ALTER TABLE ledger_charges ADD COLUMN voided_by BIGINT;
DROP INDEX ledger_charges_period_line;
CREATE UNIQUE INDEX ledger_charges_period_line ON ledger_charges(lease_id, period, line)
	WHERE period <> '' AND reverses_charge_id IS NULL AND voided_by IS NULL;

-- +goose Down
DROP INDEX ledger_charges_period_line;
CREATE UNIQUE INDEX ledger_charges_period_line ON ledger_charges(lease_id, period, line) WHERE period <> '' AND reverses_charge_id IS NULL;
ALTER TABLE ledger_charges DROP COLUMN voided_by;
ALTER TABLE ledger_runs DROP COLUMN undo_credit_notes;
ALTER TABLE ledger_runs DROP COLUMN undone_by;
ALTER TABLE ledger_runs DROP COLUMN undone_at;
ALTER TABLE ledger_runs DROP COLUMN scope_name;
