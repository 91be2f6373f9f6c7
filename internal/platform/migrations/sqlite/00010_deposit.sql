-- +goose Up
-- The deposit (waarborgsom, art. 7:261b BW) as a liability per lease. Its
-- movements are lease_deposit_entries; here are the evidence files of
-- deductions (the landlord bears the burden of proof) and the refund that
-- settling at lease end creates as an open payout, paid later by banking.

-- Evidence of one deduction entry: the file and its name sealed under the
-- organisation key (vault.SealOrg), since a photo or an invoice may show
-- people and names.
CREATE TABLE deposit_evidence (
	id             INTEGER PRIMARY KEY,
	org_id         BIGINT NOT NULL REFERENCES organisations(id),
	lease_id       BIGINT NOT NULL REFERENCES leases(id),
	entry_id       BIGINT NOT NULL REFERENCES lease_deposit_entries(id),
	name_sealed    BLOB NOT NULL,
	content_type   TEXT NOT NULL CHECK (content_type IN ('application/pdf','image/jpeg','image/png')),
	size_bytes     BIGINT NOT NULL CHECK (size_bytes > 0),
	sha256         TEXT NOT NULL,
	content_sealed BLOB NOT NULL,
	created_at     TEXT NOT NULL,
	created_by     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX deposit_evidence_entry ON deposit_evidence(org_id, entry_id);

-- The refund of a settled deposit: payee is the first tenant (a relation
-- id), due on the return deadline. At most one payout per lease that is not
-- cancelled, so a lease is settled once.
CREATE TABLE deposit_payouts (
	id           INTEGER PRIMARY KEY,
	org_id       BIGINT NOT NULL REFERENCES organisations(id),
	lease_id     BIGINT NOT NULL REFERENCES leases(id),
	payee_id     BIGINT NOT NULL,
	amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
	due_date     TEXT NOT NULL,
	state        TEXT NOT NULL CHECK (state IN ('open','paid','cancelled')),
	paid_on      TEXT,
	created_at   TEXT NOT NULL,
	created_by   BIGINT NOT NULL DEFAULT 0,
	updated_at   TEXT NOT NULL,
	updated_by   BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX deposit_payouts_lease ON deposit_payouts(org_id, lease_id) WHERE state <> 'cancelled';
CREATE INDEX deposit_payouts_state ON deposit_payouts(org_id, state, due_date);

-- +goose Down
DROP TABLE deposit_payouts;
DROP TABLE deposit_evidence;
