-- +goose Up
-- The overview's arrears read the charges that can be open, not the
-- ledger's history (issue 16): invoices whose kept open amount is not zero,
-- invoices with a negative line, and charges with an allocation dated after
-- the day asked (overview's overdue says why these are all).
CREATE INDEX ledger_invoices_unsettled ON ledger_invoices(org_id) WHERE open_cents <> 0;
CREATE INDEX ledger_charges_negative ON ledger_charges(org_id, invoice_id) WHERE total_cents < 0;
CREATE INDEX ledger_allocations_on ON ledger_allocations(org_id, allocated_on);
-- The charts read the twelve months they show, not every charge and payment
-- of the organisation's history.
CREATE INDEX ledger_charges_due ON ledger_charges(org_id, due_date);
CREATE INDEX ledger_payments_date ON ledger_payments(org_id, payment_date);

-- +goose Down
DROP INDEX ledger_payments_date;
DROP INDEX ledger_charges_due;
DROP INDEX ledger_allocations_on;
DROP INDEX ledger_charges_negative;
DROP INDEX ledger_invoices_unsettled;
