-- +goose Up
-- Fair claiming: interactive kinds (a rent run, an import) have priority 1
-- and go before bulk work (documents, mail) of priority 0; within a
-- priority the organisation whose last claim is oldest goes first, so one
-- organisation's thousand PDF jobs cannot hold back another's rent run.
-- job_turns.last_claim is a counter of claims, not a time, so that ties
-- cannot arise from a clock that stands still.
ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE TABLE job_turns (
	org_id     BIGINT PRIMARY KEY,
	last_claim BIGINT NOT NULL
);
SELECT hms_org_isolate('job_turns');

-- A rent run posted in-process by the CLI has no job to hold a lease; its
-- process renews alive_until while it posts, so that start-up can tell a
-- run whose process died (alive_until passed) from one still posting.
ALTER TABLE ledger_runs ADD COLUMN alive_until TEXT;

-- +goose Down
ALTER TABLE ledger_runs DROP COLUMN alive_until;
DROP TABLE job_turns;
ALTER TABLE jobs DROP COLUMN priority;
