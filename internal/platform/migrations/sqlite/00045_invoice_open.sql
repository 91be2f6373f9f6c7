-- +goose Up
-- An invoice's open amount kept with it (issue 16): its charges less what
-- is allocated to them. Package ledger keeps it in the transaction that
-- posts the invoice (or a credit note's lines) or writes an allocation,
-- its only writers, so the invoice list, its "open only" filter and the
-- debtors list read a column instead of summing allocations per row
-- (ledger.OpenDrift checks it against the sums).
ALTER TABLE ledger_invoices ADD COLUMN open_cents INTEGER NOT NULL DEFAULT 0;
UPDATE ledger_invoices SET open_cents =
	COALESCE((SELECT SUM(c.total_cents) FROM ledger_charges c WHERE c.invoice_id = ledger_invoices.id), 0)
	- COALESCE((SELECT SUM(a.amount_cents) FROM ledger_allocations a JOIN ledger_charges c ON c.id = a.charge_id
		WHERE c.invoice_id = ledger_invoices.id), 0);
CREATE INDEX ledger_invoices_open ON ledger_invoices(org_id, due_date) WHERE open_cents > 0 AND kind = 'invoice';

-- +goose Down
DROP INDEX ledger_invoices_open;
ALTER TABLE ledger_invoices DROP COLUMN open_cents;
