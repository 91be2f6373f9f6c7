-- +goose Up
-- Cancellation (package subscription, issue 14): an owner cancels, effective
-- at the end of the paid period (a subscription: the end of the calendar
-- month HMS invoiced in advance; a trial: the trial's end). From then the
-- organisation is read-only and its owners can still download the whole
-- export until shred_at, when the daily job crypto-shreds the organisation
-- and mails the owners a confirmation. A platform table like subscriptions:
-- no org_id, read and written in System transactions. Undoing a
-- cancellation before it takes effect deletes its row (the audit log keeps
-- both events). After the shred the row stays as the record of it.
CREATE TABLE subscription_cancellations (
	organisation_id INTEGER PRIMARY KEY REFERENCES organisations(id),
	requested_at    TEXT NOT NULL,
	requested_by    BIGINT NOT NULL,
	effective_at    TEXT NOT NULL,
	shred_at        TEXT NOT NULL,
	shredded_at     TEXT,
	recipients      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX subscription_cancellations_shred ON subscription_cancellations (shred_at) WHERE shredded_at IS NULL;

-- +goose Down
DROP TABLE subscription_cancellations;
