-- +goose Up
-- Organisation isolation on SQLite rests on the stores (org id from the
-- transaction); PostgreSQL adds row-level security, see postgres/.
CREATE TABLE organisations (
	id            INTEGER PRIMARY KEY,
	slug          TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	trial_ends_at TEXT,
	terms_version TEXT NOT NULL DEFAULT '',
	terms_accepted_at TEXT
);

CREATE TABLE users (
	id                  INTEGER PRIMARY KEY,
	subject_id          BIGINT NOT NULL,
	email_index         TEXT NOT NULL UNIQUE,
	email_sealed        BLOB NOT NULL,
	name_sealed         BLOB NOT NULL,
	password_hash       TEXT NOT NULL,
	email_confirmed_at  TEXT,
	totp_secret_sealed  BLOB,
	totp_enabled_at     TEXT,
	totp_last_step      BIGINT NOT NULL DEFAULT 0,
	lang                TEXT NOT NULL DEFAULT 'nl',
	is_staff            INTEGER NOT NULL DEFAULT 0,
	created_at          TEXT NOT NULL
);

CREATE TABLE memberships (
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	user_id    BIGINT NOT NULL REFERENCES users(id),
	role       TEXT NOT NULL CHECK (role IN ('owner','manager','bookkeeper','viewer')),
	created_at TEXT NOT NULL,
	PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE invitations (
	id           INTEGER PRIMARY KEY,
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	email_index  TEXT NOT NULL,
	email_sealed BLOB NOT NULL,
	role         TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	invited_by   BIGINT NOT NULL REFERENCES users(id),
	created_at   TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	accepted_at  TEXT
);

CREATE TABLE user_tokens (
	id          INTEGER PRIMARY KEY,
	user_id     BIGINT NOT NULL REFERENCES users(id),
	purpose     TEXT NOT NULL,
	token_hash  TEXT NOT NULL UNIQUE,
	data_sealed BLOB,
	created_at  TEXT NOT NULL,
	expires_at  TEXT NOT NULL,
	used_at     TEXT
);

CREATE TABLE recovery_codes (
	user_id   BIGINT NOT NULL REFERENCES users(id),
	code_hash TEXT NOT NULL,
	used_at   TEXT,
	PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	user_id      BIGINT NOT NULL REFERENCES users(id),
	name         TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	scopes       TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	last_used_at TEXT,
	revoked_at   TEXT
);

CREATE TABLE sessions (
	token  TEXT PRIMARY KEY,
	data   BLOB NOT NULL,
	expiry TEXT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expiry);

CREATE TABLE rate_counters (
	key          TEXT PRIMARY KEY,
	window_start TEXT NOT NULL,
	hits         BIGINT NOT NULL
);

-- +goose Down
DROP TABLE rate_counters;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE recovery_codes;
DROP TABLE user_tokens;
DROP TABLE invitations;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE organisations;
