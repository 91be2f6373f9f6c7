-- +goose Up
-- The database role cannot escalate. Organisation work connects as the login
-- role hms_org, system work as hms_system (both created by hms migrate, see
-- migrations.go). hms_org can set any setting it likes, so the policies no
-- longer trust a setting that means "all organisations" (hms.scope) from it,
-- nor a bare organisation id: a transaction names its organisation by that
-- organisation's seal, a random secret in hms_org_seals that only
-- hms_system and the owner can read. SQL injected into organisation work
-- knows its own organisation's seal and no other.
CREATE TABLE hms_org_seals (
	org_id BIGINT PRIMARY KEY,
	seal   TEXT NOT NULL UNIQUE
);

-- The organisation whose seal this transaction presents in hms.org_seal, or
-- NULL (no seal, a wrong one): fail closed. SECURITY DEFINER to read the
-- seals; the fixed search_path keeps the caller's objects out.
-- +goose StatementBegin
CREATE FUNCTION hms_org_id() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
	SELECT org_id FROM public.hms_org_seals WHERE seal = current_setting('hms.org_seal', true)
$$;
-- +goose StatementEnd

-- Whether the current role sees every organisation: hms_system, by its name;
-- and the schema owner in a data migration that says so in hms.scope (as
-- 00016 does), which it could do anyway by switching row security off on its
-- own tables. hms_org is a member of no role, so it is never either.
-- +goose StatementBegin
CREATE FUNCTION hms_sees_all() RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT current_user = 'hms_system'
		OR (current_setting('hms.scope', true) = 'system'
		    AND pg_has_role(current_user,
		        (SELECT relowner FROM pg_class WHERE oid = 'public.hms_org_seals'::regclass), 'MEMBER'))
$$;
-- +goose StatementEnd

-- The policy of every organisation table, now and in later migrations. The
-- scalar subqueries run once per statement (an InitPlan), not once per row.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION hms_org_isolate(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
	EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
	EXECUTE format($p$CREATE POLICY org_isolation ON %s
		USING (org_id = (SELECT hms_org_id()) OR (SELECT hms_sees_all()))
		WITH CHECK (org_id = (SELECT hms_org_id()) OR (SELECT hms_sees_all()))$p$, tbl);
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE t regclass;
BEGIN
	FOR t IN SELECT polrelid::regclass FROM pg_policy WHERE polname = 'org_isolation' LOOP
		EXECUTE format('DROP POLICY org_isolation ON %s', t);
		PERFORM hms_org_isolate(t);
	END LOOP;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION hms_org_isolate(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
	EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
	EXECUTE format($p$CREATE POLICY org_isolation ON %s
		USING (org_id = NULLIF(current_setting('hms.org_id', true), '')::bigint
		       OR current_setting('hms.scope', true) = 'system')
		WITH CHECK (org_id = NULLIF(current_setting('hms.org_id', true), '')::bigint
		       OR current_setting('hms.scope', true) = 'system')$p$, tbl);
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
DO $$
DECLARE t regclass;
BEGIN
	FOR t IN SELECT polrelid::regclass FROM pg_policy WHERE polname = 'org_isolation' LOOP
		EXECUTE format('DROP POLICY org_isolation ON %s', t);
		PERFORM hms_org_isolate(t);
	END LOOP;
END $$;
-- +goose StatementEnd
DROP FUNCTION hms_sees_all();
DROP FUNCTION hms_org_id();
DROP TABLE hms_org_seals;
