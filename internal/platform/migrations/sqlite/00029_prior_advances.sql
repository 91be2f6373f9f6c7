-- +goose Up
-- Service-cost advances charged and received before HMS (moving in from
-- another system, `hms import advances`): per lease and months from_date to
-- to_date (first and last day), what the previous administration charged
-- and what the tenant paid of it. The settlement run counts them with the
-- advances of the ledger (settlement.complexAdvances), by days inside the
-- settled period, so the first settlement made in HMS is right. One row per
-- lease and period: an import of the same file changes nothing.
CREATE TABLE settlement_prior_advances (
	id INTEGER PRIMARY KEY,
	org_id         BIGINT NOT NULL REFERENCES organisations(id),
	lease_id       BIGINT NOT NULL REFERENCES leases(id),
	from_date      TEXT NOT NULL,
	to_date        TEXT NOT NULL,
	charged_cents  BIGINT NOT NULL CHECK (charged_cents >= 0),
	received_cents BIGINT NOT NULL CHECK (received_cents >= 0),
	created_at     TEXT NOT NULL,
	created_by     BIGINT NOT NULL DEFAULT 0,
	UNIQUE (org_id, lease_id, from_date, to_date)
);


-- +goose Down
DROP TABLE settlement_prior_advances;
