-- +goose Up
-- Failed collections of HMS's own invoices (issue 14): a batch item is
-- sent, collected (the bank booked it) or returned with its R-code; an
-- invoice counts its failed collections (the first is retried in the first
-- batch on or after retry_on, a second is not) and the day of the first; a
-- subscription is past due (read-only) from a day on until nothing is
-- overdue any more.
ALTER TABLE subscription_batch_items ADD COLUMN state TEXT NOT NULL DEFAULT 'sent'
	CHECK (state IN ('sent', 'collected', 'returned'));
ALTER TABLE subscription_batch_items ADD COLUMN return_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE subscription_batch_items ADD COLUMN returned_on TEXT;
ALTER TABLE subscription_invoices ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subscription_invoices ADD COLUMN first_failed_on TEXT;
ALTER TABLE subscription_invoices ADD COLUMN retry_on TEXT;
ALTER TABLE subscriptions ADD COLUMN past_due_on TEXT;

-- +goose Down
ALTER TABLE subscriptions DROP COLUMN past_due_on;
ALTER TABLE subscription_invoices DROP COLUMN retry_on;
ALTER TABLE subscription_invoices DROP COLUMN first_failed_on;
ALTER TABLE subscription_invoices DROP COLUMN failures;
ALTER TABLE subscription_batch_items DROP COLUMN returned_on;
ALTER TABLE subscription_batch_items DROP COLUMN return_reason;
ALTER TABLE subscription_batch_items DROP COLUMN state;
