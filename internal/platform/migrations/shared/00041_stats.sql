-- +goose Up
-- Website statistics without cookies (package stats, PRIVACY.md P2): daily
-- aggregates only. One row per day, dimension (total, path, referrer,
-- device, browser, system, country, screen) and value (a path without its
-- query string, a referrer's host name, a device class, a browser or system
-- family, a country code, a screen class; '' for the total), with the page
-- views and the unique visitors counted by the instance that flushed them.
-- No address, user agent or visitor key is stored; instances add their
-- counts to the same row. Platform data, no org_id.
CREATE TABLE stats_daily (
	day       TEXT NOT NULL,
	dimension TEXT NOT NULL,
	value     TEXT NOT NULL,
	pageviews BIGINT NOT NULL DEFAULT 0,
	visitors  BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (day, dimension, value)
);

-- +goose Down
DROP TABLE stats_daily;
