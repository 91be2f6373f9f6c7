-- +goose Up
-- Retention (PRIVACY.md P19; package privacy/retention): each organisation's
-- rules per category (a period within the bounds the code states; a missing
-- row is the default), legal holds per person or per lease that stop the
-- daily job from erasing what they cover, and the signed checkpoints behind
-- which the audit log is pruned (package audit: Verify starts from the
-- latest valid one).
CREATE TABLE retention_rules (
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	category   TEXT NOT NULL,
	period     INTEGER NOT NULL CHECK (period > 0),
	updated_at TEXT NOT NULL,
	updated_by BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (org_id, category)
);

CREATE TABLE retention_holds (
	id          INTEGER PRIMARY KEY,
	org_id      BIGINT NOT NULL REFERENCES organisations(id),
	target_kind TEXT NOT NULL CHECK (target_kind IN ('person', 'lease')),
	target_id   BIGINT NOT NULL,
	reason      TEXT NOT NULL,
	placed_at   TEXT NOT NULL,
	placed_by   BIGINT NOT NULL DEFAULT 0,
	lifted_at   TEXT,
	lifted_by   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX retention_holds_target ON retention_holds(org_id, target_kind, target_id);

CREATE TABLE audit_checkpoints (
	id            INTEGER PRIMARY KEY,
	org_id        BIGINT NOT NULL,
	seq           BIGINT NOT NULL,
	hash          TEXT NOT NULL,
	pruned_before TEXT NOT NULL,
	made_at       TEXT NOT NULL,
	mac           TEXT NOT NULL,
	UNIQUE (org_id, seq)
);
-- The audit log stays append-only but for events behind a checkpoint of
-- their chain (written first, in the same transaction).
DROP TRIGGER audit_events_no_delete;
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
WHEN NOT EXISTS (SELECT 1 FROM audit_checkpoints c WHERE c.org_id = OLD.org_id AND c.seq >= OLD.seq)
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_events_no_delete;
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd
DROP TABLE audit_checkpoints;
DROP TABLE retention_holds;
DROP TABLE retention_rules;
