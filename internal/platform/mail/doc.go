// Package mail sends e-mail through an outbox in the database, drained by
// the job queue.
//
// Why it exists: mail is part of business operations (sign-up confirmation,
// invitations, reminders) that must commit or roll back with them. Send
// writes the message and its "mail.send" job in the caller's transaction:
// a rolled-back sign-up sends nothing, a committed one is sent even if the
// process stops right after the commit. Network I/O never happens inside a
// database transaction. Delivery is at-least-once: a crash between the SMTP
// hand-off and recording it sends the message again, with the same
// Message-ID so receivers can tell.
//
// # Personal data
//
// Recipient, subject and bodies are personal data (DESIGN.md §4). The
// outbox stores them as one ciphertext sealed with the organisation's key
// (Sealer.SealOrg on the sending transaction, field "mail_outbox.message");
// nothing about the recipient is kept in clear, not even a hash. Error texts
// stored for the console pass through audit.Redact. Platform mail (sign-up,
// before an organisation exists) is sent in a System transaction and sealed
// under organisation 0, so the Sealer must accept organisation 0. Prune
// removes old messages for the retention schedule.
//
// # Delivery
//
// Config.SMTPURL chooses how:
//
//   - "" (not configured): messages are not sent; they stay in the outbox
//     with state "held", readable by staff in the console, so sign-up works
//     on a laptop.
//   - smtp://user:pass@host:port (default port 587): STARTTLS when the
//     server offers it; add ?tls=required to refuse a server that does not.
//     On a loopback host (127.0.0.1, ::1, localhost) the connection stays
//     plain, for a local relay and for tests.
//   - smtps://user:pass@host:port (default port 465): implicit TLS.
//
// Credentials are sent only over TLS or to a loopback host. Temporary
// failures (4xx, network errors) are retried by the job queue with backoff;
// permanent rejections (5xx) and the last failed attempt mark the message
// "failed".
//
// # Reading the outbox
//
// List decrypts. A transaction of an organisation sees its own messages. A
// System transaction (the platform console) sees every organisation's; since
// SealOrg and OpenOrg use tx.OrgID(), each other organisation's messages are
// opened in a separate read-only transaction for that organisation
// (db.ReadOrg), nested inside the caller's.
package mail
