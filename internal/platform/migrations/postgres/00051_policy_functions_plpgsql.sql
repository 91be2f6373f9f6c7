-- +goose Up
-- The row-level security policy of every organisation table calls
-- hms_org_id() and hms_sees_all() once per statement. As SQL functions with
-- a SET clause they cannot be inlined, and PostgreSQL parses and plans
-- their bodies again in every statement that calls them: 0.22 ms for an API
-- token look-up of 0.04 ms round trip (pgbench, one client). In PL/pgSQL
-- the plans are kept per connection: 0.09 ms.
--
-- hms_org_id() stays SECURITY DEFINER with its search path pinned (it reads
-- the seals, which no application role may). hms_sees_all() runs as its
-- caller, so it gains no rights from its own search path; it names every
-- function, operator and table by its schema instead of pinning one, so a
-- temporary table called pg_class cannot answer for the catalogue.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION hms_org_id() RETURNS bigint LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	RETURN (SELECT s.org_id FROM public.hms_org_seals s WHERE s.seal = current_setting('hms.org_seal', true));
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION hms_sees_all() RETURNS boolean LANGUAGE plpgsql STABLE
AS $$
BEGIN
	RETURN pg_catalog.current_user() OPERATOR(pg_catalog.=) 'hms_system'::pg_catalog.name
		OR (pg_catalog.current_setting('hms.scope', true) OPERATOR(pg_catalog.=) 'system'::pg_catalog.text
		    AND pg_catalog.pg_has_role(pg_catalog.current_user(),
		        (SELECT c.relowner FROM pg_catalog.pg_class c
		         WHERE c.oid OPERATOR(pg_catalog.=) 'public.hms_org_seals'::pg_catalog.regclass),
		        'MEMBER'));
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION hms_org_id() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
	SELECT org_id FROM public.hms_org_seals WHERE seal = current_setting('hms.org_seal', true)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION hms_sees_all() RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
	SELECT current_user = 'hms_system'
		OR (current_setting('hms.scope', true) = 'system'
		    AND pg_has_role(current_user,
		        (SELECT relowner FROM pg_class WHERE oid = 'public.hms_org_seals'::regclass), 'MEMBER'))
$$;
-- +goose StatementEnd
