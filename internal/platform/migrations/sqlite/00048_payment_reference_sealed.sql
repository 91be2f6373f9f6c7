-- +goose Up
-- The payer's transfer text on a payment (PRIVACY.md P5, P20) is sealed
-- under the organisation key, as the bank line it came from is: NULL when
-- the payment has none. The plain column stays for the rows written before;
-- every start seals those and empties it (ledger.SealLegacyReferences), so
-- it holds nothing after the first start; the partial index lets that
-- start find the rows left (none, after the first) without reading them all.
ALTER TABLE ledger_payments ADD COLUMN reference_sealed BLOB;
CREATE INDEX ledger_payments_plain_reference ON ledger_payments(org_id) WHERE reference <> '';

-- +goose Down
DROP INDEX ledger_payments_plain_reference;
ALTER TABLE ledger_payments DROP COLUMN reference_sealed;
