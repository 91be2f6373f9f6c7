-- +goose Up
-- A session row names its user (read from the session when it is stored),
-- so a password change, a reset or a change of two-factor login can end the
-- user's other sessions, and owners can see and end a member's sessions.
ALTER TABLE sessions ADD COLUMN user_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_user ON sessions(user_id);

-- +goose Down
DROP INDEX sessions_user;
ALTER TABLE sessions DROP COLUMN created_at;
ALTER TABLE sessions DROP COLUMN user_id;
