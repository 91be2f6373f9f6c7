-- +goose Up
-- An uploaded rent roll waiting for, or done with, its import job. The file
-- holds personal data: it is sealed under the organisation key and removed
-- as soon as the job has read it.
CREATE TABLE imports (
	id          INTEGER PRIMARY KEY,
	org_id      BIGINT NOT NULL,
	created_by  BIGINT NOT NULL,
	created_at  TEXT NOT NULL,
	file_name   TEXT NOT NULL,
	file_sealed BLOB,
	job_id      BIGINT NOT NULL DEFAULT 0,
	state       TEXT NOT NULL DEFAULT 'queued',
	result      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX imports_org ON imports(org_id, id);

-- +goose Down
DROP TABLE imports;
