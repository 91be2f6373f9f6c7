-- +goose Up
-- Lists in id order (the API's cursor pages) walk an organisation's rows by
-- id and stop after the page, instead of reading every row of the
-- organisation and sorting it: units and relations have (org_id, id) from
-- their UNIQUE constraint; invoices and leases get it here.
CREATE INDEX ledger_invoices_org_id ON ledger_invoices(org_id, id);
CREATE INDEX leases_org_id ON leases(org_id, id);

-- +goose Down
DROP INDEX leases_org_id;
DROP INDEX ledger_invoices_org_id;
