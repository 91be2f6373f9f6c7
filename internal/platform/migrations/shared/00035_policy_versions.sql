-- +goose Up
-- Versions of the privacy policy and the terms of use (package privacy,
-- PRIVACY.md P23, P24). policy_announcements: the versions whose
-- announcement was mailed to every user, written in the transaction that
-- queues the mail, so the daily run mails a version once.
-- policy_dismissals: who pressed "Gelezen" on a version's banner.
-- Both are the platform's (like users), not an organisation's.
CREATE TABLE policy_announcements (
	document   TEXT NOT NULL,
	version    TEXT NOT NULL,
	mailed_at  TEXT NOT NULL,
	recipients BIGINT NOT NULL,
	PRIMARY KEY (document, version)
);
CREATE TABLE policy_dismissals (
	user_id      BIGINT NOT NULL REFERENCES users(id),
	document     TEXT NOT NULL,
	version      TEXT NOT NULL,
	dismissed_at TEXT NOT NULL,
	PRIMARY KEY (user_id, document, version)
);

-- +goose Down
DROP TABLE policy_dismissals;
DROP TABLE policy_announcements;
