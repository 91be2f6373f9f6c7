-- +goose Up
-- Failed logins per account: a delay that grows with each failure and is
-- forgotten an hour after the last one, instead of a lock-out (failures
-- only; the right password after the delay works). rate_counters keeps the
-- previous window's hits too, for a sliding-window estimate.
CREATE TABLE login_failures (
	key          TEXT PRIMARY KEY,
	failures     BIGINT NOT NULL,
	last_failure TEXT NOT NULL
);
ALTER TABLE rate_counters ADD COLUMN prev_hits BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE rate_counters DROP COLUMN prev_hits;
DROP TABLE login_failures;
