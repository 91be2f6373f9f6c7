-- +goose Up
-- DOMAIN §3.1: a partial period is prorated over the whole period by default
-- (amount × occupied days / days in the period); 'month' keeps the older
-- month-by-month way for those who chose it. The payment term dates a late
-- run's invoices (never due before they are issued).
ALTER TABLE billing_settings ADD COLUMN period_proration TEXT NOT NULL DEFAULT 'period' CHECK (period_proration IN ('period','month'));
ALTER TABLE billing_settings ADD COLUMN payment_term_days INTEGER NOT NULL DEFAULT 14;
-- DOMAIN §3.4: an invoice prints each line's quantity and unit price and the
-- proration method it was computed with, as they were when posted.
ALTER TABLE ledger_invoices ADD COLUMN proration TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger_charges ADD COLUMN basis TEXT NOT NULL DEFAULT '';
-- DOMAIN §2.1, §7.1: a free-sector (liberalised) tenant objects before the
-- kantonrechter, not the Huurcommissie: its own letter text ('' = built in).
ALTER TABLE rent_increase_settings ADD COLUMN objection_text_free TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE rent_increase_settings DROP COLUMN objection_text_free;
ALTER TABLE ledger_charges DROP COLUMN basis;
ALTER TABLE ledger_invoices DROP COLUMN proration;
ALTER TABLE billing_settings DROP COLUMN payment_term_days;
ALTER TABLE billing_settings DROP COLUMN period_proration;
