-- +goose Up
-- The organisation's details as every document prints them (package
-- orgprofile): legal name, address, e-mail, phone, KvK number, VAT id, logo
-- and the payment term. They were spread over lease_settings (the landlord's
-- name, address, phone, e-mail) and billing_settings (KvK, VAT id, payment
-- term); they are copied here once and read only from here. An address
-- typed as free text lands whole in street (lines joined with ", ") until
-- someone enters it in its parts. The organisation's business details are
-- what it prints on every letter, not a person's data kept about someone.
CREATE TABLE org_profiles (
	org_id            BIGINT PRIMARY KEY REFERENCES organisations(id),
	legal_name        TEXT NOT NULL DEFAULT '',
	street            TEXT NOT NULL DEFAULT '',
	house_number      TEXT NOT NULL DEFAULT '',
	postcode          TEXT NOT NULL DEFAULT '',
	city              TEXT NOT NULL DEFAULT '',
	email             TEXT NOT NULL DEFAULT '',
	phone             TEXT NOT NULL DEFAULT '',
	kvk               TEXT NOT NULL DEFAULT '',
	vat_id            TEXT NOT NULL DEFAULT '',
	payment_term_days INTEGER NOT NULL DEFAULT 14,
	logo              BYTEA,
	logo_type         TEXT NOT NULL DEFAULT '' CHECK (logo_type IN ('', 'image/png', 'image/jpeg')),
	updated_at        TEXT NOT NULL,
	updated_by        BIGINT NOT NULL DEFAULT 0
);
SELECT hms_org_isolate('org_profiles');

-- Every organisation's rows: an explicit platform-wide step (hms.scope,
-- 00001_core.sql, 00022_org_seal_roles.sql), for the transaction only.
SELECT set_config('hms.scope', 'system', true);
INSERT INTO org_profiles (org_id, legal_name, street, email, phone, kvk, vat_id, payment_term_days, updated_at)
SELECT o.id, COALESCE(l.landlord_name, ''),
	REPLACE(REPLACE(REPLACE(COALESCE(l.landlord_address, ''), chr(13), ''), chr(10) || chr(10), chr(10)), chr(10), ', '),
	COALESCE(l.landlord_email, ''), COALESCE(l.landlord_phone, ''), COALESCE(b.issuer_kvk, ''), COALESCE(b.issuer_vat_id, ''),
	COALESCE(b.payment_term_days, 14), COALESCE(b.updated_at, l.updated_at)
FROM organisations o
LEFT JOIN lease_settings l ON l.org_id = o.id
LEFT JOIN billing_settings b ON b.org_id = o.id
WHERE l.org_id IS NOT NULL OR b.org_id IS NOT NULL;
SELECT set_config('hms.scope', '', true);

-- +goose Down
DROP TABLE org_profiles;
