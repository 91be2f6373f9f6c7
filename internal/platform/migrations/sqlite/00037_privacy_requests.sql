-- +goose Up
-- Subject requests (PRIVACY.md P12, P20-P22; package privacy/requests).
-- privacy_requests is an organisation's inbox: requests about data the
-- customer entered (HMS is processor; the customer answers them).
-- privacy_platform_requests are HMS's own (its users, its website) and
-- requests whose landlord could not be named with certainty, which staff
-- forward to an organisation from the console: no org_id, System
-- transactions only. Everything the requester told (name, e-mail, the
-- landlord's name, the proposed correction, notes, reasons) is one sealed
-- JSON document under a vault subject per request (data_sealed), the
-- export zip sealed beside it, so shredding the subject forgets both.
-- privacy_request_tokens map the hash of a link's secret (the code form,
-- the download) to the request it opens, across organisations.
CREATE TABLE privacy_requests (
	id                  INTEGER PRIMARY KEY,
	org_id              BIGINT NOT NULL REFERENCES organisations(id),
	subject_id          BIGINT NOT NULL,
	kind                TEXT NOT NULL CHECK (kind IN ('access', 'rectification', 'completion', 'erasure', 'portability',
	                                              'restriction', 'objection', 'unlawful')),
	about               TEXT NOT NULL CHECK (about IN ('account', 'landlord')),
	channel             TEXT NOT NULL CHECK (channel IN ('website', 'office', 'api')),
	state               TEXT NOT NULL CHECK (state IN ('received', 'verifying', 'in_progress', 'awaiting_controller',
	                                               'extended', 'completed', 'refused')),
	priority            INTEGER NOT NULL DEFAULT 0,
	lang                TEXT NOT NULL DEFAULT 'nl',
	received_at         TEXT NOT NULL,
	due_on              TEXT NOT NULL,
	first_due_on        TEXT NOT NULL,
	verified_at         TEXT,
	verified_how        TEXT NOT NULL DEFAULT '' CHECK (verified_how IN ('', 'code', 'manual')),
	code_hash           TEXT NOT NULL DEFAULT '',
	code_expires_at     TEXT,
	code_attempts       INTEGER NOT NULL DEFAULT 0,
	code_sends          INTEGER NOT NULL DEFAULT 0,
	person_id           BIGINT NOT NULL DEFAULT 0,
	refusal_id          TEXT NOT NULL DEFAULT '',
	outcome             TEXT NOT NULL DEFAULT '',
	closed_at           TEXT,
	reminded_on         TEXT,
	forwarded_org_id    BIGINT NOT NULL DEFAULT 0,
	linked_request_id   BIGINT NOT NULL DEFAULT 0,
	data_sealed         BLOB NOT NULL,
	export_sealed       BLOB
);
CREATE INDEX privacy_requests_open ON privacy_requests(org_id, state, due_on);

CREATE TABLE privacy_platform_requests (
	id                  INTEGER PRIMARY KEY,
	subject_id          BIGINT NOT NULL,
	kind                TEXT NOT NULL CHECK (kind IN ('access', 'rectification', 'completion', 'erasure', 'portability',
	                                              'restriction', 'objection', 'unlawful')),
	about               TEXT NOT NULL CHECK (about IN ('account', 'landlord')),
	channel             TEXT NOT NULL CHECK (channel IN ('website', 'office', 'api')),
	state               TEXT NOT NULL CHECK (state IN ('received', 'verifying', 'in_progress', 'awaiting_controller',
	                                               'extended', 'completed', 'refused')),
	priority            INTEGER NOT NULL DEFAULT 0,
	lang                TEXT NOT NULL DEFAULT 'nl',
	received_at         TEXT NOT NULL,
	due_on              TEXT NOT NULL,
	first_due_on        TEXT NOT NULL,
	verified_at         TEXT,
	verified_how        TEXT NOT NULL DEFAULT '' CHECK (verified_how IN ('', 'code', 'manual')),
	code_hash           TEXT NOT NULL DEFAULT '',
	code_expires_at     TEXT,
	code_attempts       INTEGER NOT NULL DEFAULT 0,
	code_sends          INTEGER NOT NULL DEFAULT 0,
	person_id           BIGINT NOT NULL DEFAULT 0,
	refusal_id          TEXT NOT NULL DEFAULT '',
	outcome             TEXT NOT NULL DEFAULT '',
	closed_at           TEXT,
	reminded_on         TEXT,
	forwarded_org_id    BIGINT NOT NULL DEFAULT 0,
	linked_request_id   BIGINT NOT NULL DEFAULT 0,
	data_sealed         BLOB NOT NULL,
	export_sealed       BLOB
);
CREATE INDEX privacy_platform_requests_open ON privacy_platform_requests(state, due_on);

CREATE TABLE privacy_request_tokens (
	token_hash  TEXT PRIMARY KEY,
	owner_org   BIGINT NOT NULL,
	request_id  BIGINT NOT NULL,
	purpose     TEXT NOT NULL CHECK (purpose IN ('verify', 'download')),
	expires_at  TEXT NOT NULL,
	used_at     TEXT
);

-- +goose Down
DROP TABLE privacy_request_tokens;
DROP TABLE privacy_platform_requests;
DROP TABLE privacy_requests;
