-- +goose Up
-- The organisation's privacy settings that are one value each (package
-- privacy/guard): what the guard on free text does with a finding (a BSN or
-- special-category data, PRIVACY.md P10): 'warn' asks for a reason before
-- the text is stored, 'refuse' refuses it. No row: 'warn'.
CREATE TABLE privacy_settings (
	org_id     BIGINT PRIMARY KEY REFERENCES organisations(id),
	guard_mode TEXT NOT NULL DEFAULT 'warn' CHECK (guard_mode IN ('warn', 'refuse')),
	updated_by BIGINT NOT NULL DEFAULT 0,
	updated_at TEXT NOT NULL
);
SELECT hms_org_isolate('privacy_settings');

-- +goose Down
DROP TABLE privacy_settings;
