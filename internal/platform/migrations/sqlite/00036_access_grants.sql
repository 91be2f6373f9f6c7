-- +goose Up
-- Access grants (PRIVACY.md P14): platform staff reach an organisation's
-- data only through a grant an owner of that organisation approved, with a
-- reason, for a limited time. A grant is active while approved and before
-- expires_at; nothing has to run for it to end. Every request made under a
-- grant is an audit event in the organisation's chain (staff.request).
CREATE TABLE access_grants (
	id                INTEGER PRIMARY KEY,
	org_id            BIGINT NOT NULL REFERENCES organisations(id),
	staff_user_id     BIGINT NOT NULL,
	reason            TEXT NOT NULL,
	hours             INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 72),
	state             TEXT NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'approved', 'refused', 'ended')),
	requested_at      TEXT NOT NULL,
	decided_at        TEXT,
	decided_by        BIGINT NOT NULL DEFAULT 0,
	expires_at        TEXT,
	ended_at          TEXT,
	ended_by          BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX access_grants_staff ON access_grants(org_id, staff_user_id, state);

-- +goose Down
DROP TABLE access_grants;
