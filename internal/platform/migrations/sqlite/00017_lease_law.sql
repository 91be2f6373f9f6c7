-- +goose Up
-- A lease keeps the segment its units were in at the contract date
-- (DOMAIN.md §2.2): rent increases follow that segment, not the unit's
-- current one. Existing leases take their units' current segment: '' when a
-- residential lease's units are in different segments.
ALTER TABLE leases ADD COLUMN segment TEXT NOT NULL DEFAULT ''
	CHECK (segment IN ('','sociaal','middenhuur','vrije_sector','commercieel'));
UPDATE leases SET segment = 'commercieel' WHERE kind = 'commercial';
UPDATE leases SET segment = COALESCE((
	SELECT CASE WHEN COUNT(DISTINCT u.segment) = 1 THEN MIN(u.segment) ELSE '' END
	FROM lease_units lu JOIN units u ON u.id = lu.unit_id AND u.org_id = lu.org_id
	WHERE lu.lease_id = leases.id AND lu.org_id = leases.org_id), '')
WHERE kind = 'residential';

-- The tenant's notice period is at most three months (art. 7:271 lid 5 BW).
UPDATE leases SET notice_months_tenant = 3 WHERE notice_months_tenant > 3;

-- Whether notice periods run in whole calendar months (manager policy, not
-- law: DOMAIN.md §2.6). 1 keeps what every organisation had so far.
ALTER TABLE lease_settings ADD COLUMN notice_whole_months INTEGER NOT NULL DEFAULT 1;

-- The written specification of deposit deductions (art. 7:261b BW), kept
-- byte for byte as given to the tenant; sealed under the organisation key
-- because it prints the tenant's name and address.
CREATE TABLE deposit_specifications (
	id         INTEGER PRIMARY KEY,
	org_id     BIGINT NOT NULL REFERENCES organisations(id),
	lease_id   BIGINT NOT NULL REFERENCES leases(id),
	created_at TEXT NOT NULL,
	created_by BIGINT NOT NULL DEFAULT 0,
	sha256     TEXT NOT NULL,
	size       BIGINT NOT NULL,
	content    BLOB NOT NULL
);
CREATE INDEX deposit_specifications_lease ON deposit_specifications(org_id, lease_id);

-- +goose Down
DROP TABLE deposit_specifications;
ALTER TABLE lease_settings DROP COLUMN notice_whole_months;
ALTER TABLE leases DROP COLUMN segment;
