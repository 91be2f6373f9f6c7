-- +goose Up
-- Audit log: one hash chain per organisation (org 0 is the platform).
-- audit_heads holds the end of each chain; Record updates it in the same
-- transaction as the insert, which serialises appends per organisation.
CREATE TABLE audit_events (
	id            INTEGER PRIMARY KEY,
	org_id        BIGINT NOT NULL,
	seq           BIGINT NOT NULL,
	at            TEXT NOT NULL,
	actor_user_id BIGINT NOT NULL DEFAULT 0,
	actor_kind    TEXT NOT NULL,
	action        TEXT NOT NULL,
	target_type   TEXT NOT NULL DEFAULT '',
	target_id     TEXT NOT NULL DEFAULT '',
	details       TEXT NOT NULL DEFAULT '{}',
	prev_hash     TEXT NOT NULL,
	hash          TEXT NOT NULL,
	UNIQUE (org_id, seq)
);
CREATE INDEX audit_events_action ON audit_events(org_id, action, seq);
CREATE INDEX audit_events_target ON audit_events(org_id, target_type, target_id, seq);

-- The application never changes or removes an event; the verifier notices
-- when someone with access to the file does.
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
	SELECT RAISE(ABORT, 'audit_events is append-only');
END;
-- +goose StatementEnd

CREATE TABLE audit_heads (
	org_id BIGINT PRIMARY KEY,
	seq    BIGINT NOT NULL,
	hash   TEXT NOT NULL
);

-- Durable job queue. state: queued (waiting for its first run), running
-- (claimed; locked_until is the lease), failed (will be retried at run_at),
-- done, dead (gave up after the last attempt).
CREATE TABLE jobs (
	id             INTEGER PRIMARY KEY,
	org_id         BIGINT NOT NULL,
	kind           TEXT NOT NULL,
	payload        TEXT NOT NULL,
	unique_key     TEXT,
	state          TEXT NOT NULL CHECK (state IN ('queued','running','failed','done','dead')),
	attempts       INTEGER NOT NULL DEFAULT 0,
	run_at         TEXT NOT NULL,
	locked_until   TEXT,
	locked_by      TEXT,
	progress_done  BIGINT NOT NULL DEFAULT 0,
	progress_total BIGINT NOT NULL DEFAULT 0,
	progress_note  TEXT NOT NULL DEFAULT '',
	last_error     TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL,
	started_at     TEXT,
	finished_at    TEXT,
	updated_at     TEXT NOT NULL
);
-- At most one unfinished job per (organisation, kind, unique key).
CREATE UNIQUE INDEX jobs_unique_active ON jobs(org_id, kind, unique_key)
	WHERE unique_key IS NOT NULL AND state IN ('queued','running','failed');
CREATE INDEX jobs_due ON jobs(state, run_at);
CREATE INDEX jobs_org ON jobs(org_id, id);

-- Mail outbox. The message (recipient, subject, bodies) is one ciphertext
-- sealed with the organisation key; nothing personal is stored in clear.
CREATE TABLE mail_outbox (
	id             INTEGER PRIMARY KEY,
	org_id         BIGINT NOT NULL,
	message_sealed BLOB NOT NULL,
	message_id     TEXT NOT NULL UNIQUE,
	state          TEXT NOT NULL CHECK (state IN ('queued','sent','held','failed')),
	attempts       INTEGER NOT NULL DEFAULT 0,
	last_error     TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	sent_at        TEXT
);
CREATE INDEX mail_outbox_org ON mail_outbox(org_id, id);

-- +goose Down
DROP TABLE mail_outbox;
DROP TABLE jobs;
DROP TABLE audit_heads;
DROP TABLE audit_events;
