-- +goose Up
-- Restriction of processing (art. 18 GDPR, PRIVACY.md P20): while
-- restricted_at is set, HMS mails the person nothing, collects nothing by
-- direct debit from their leases, sends them no dunning letters and hides
-- them from lists and search for every role but owner; only the
-- bookkeeping the law requires goes on. restriction_ground is one of the
-- grounds of art. 18(1) (accuracy, unlawful, claims, objection).
ALTER TABLE relations ADD COLUMN restricted_at TEXT;
ALTER TABLE relations ADD COLUMN restriction_ground TEXT;
ALTER TABLE relations ADD COLUMN restricted_by BIGINT NOT NULL DEFAULT 0;
CREATE INDEX relations_restricted ON relations(org_id) WHERE restricted_at IS NOT NULL;

-- Objections (art. 21): what processing the person objects to, their
-- grounds and the decision (sealed under the person's vault subject, so
-- an erasure shreds them with the rest); upheld stops the processing (the
-- person is restricted), rejected names the compelling grounds.
CREATE TABLE relation_objections (
	id              INTEGER PRIMARY KEY,
	org_id          BIGINT NOT NULL REFERENCES organisations(id),
	relation_id     BIGINT NOT NULL REFERENCES relations(id),
	processing      TEXT NOT NULL CHECK (processing IN ('mail', 'direct_debit', 'dunning', 'all')),
	grounds_sealed  BLOB NOT NULL,
	received_on     TEXT NOT NULL,
	decision        TEXT NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'upheld', 'rejected')),
	decision_sealed BLOB,
	recorded_at     TEXT NOT NULL,
	recorded_by     BIGINT NOT NULL DEFAULT 0,
	decided_at      TEXT,
	decided_by      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX relation_objections_relation ON relation_objections(org_id, relation_id);


-- +goose Down
DROP TABLE relation_objections;
DROP INDEX relations_restricted;
ALTER TABLE relations DROP COLUMN restricted_by;
ALTER TABLE relations DROP COLUMN restriction_ground;
ALTER TABLE relations DROP COLUMN restricted_at;
