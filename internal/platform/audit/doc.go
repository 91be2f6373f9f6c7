// Package audit keeps the tamper-evident audit and access log.
//
// Why it exists: the privacy policy promises that every read of a person's
// record and every security-relevant change (logins, role changes, exports,
// erasures) is recorded, and that the record itself can be trusted. A plain
// log table can be edited silently by anyone with database access; this one
// cannot be edited without the verifier noticing.
//
// # Hash chain
//
// Every organisation has its own chain (organisation 0 is the platform
// itself, written in System transactions). Events are numbered 1, 2, 3, …
// per organisation, and each event's Hash is SHA-256 over the previous
// event's hash and a canonical, length-prefixed encoding of every field of
// the event (details sorted by key). The end of each chain is kept in
// audit_heads; Record updates that row in the same transaction as it inserts
// the event, which serialises appends per organisation (on PostgreSQL the
// UPDATE takes a row lock; SQLite has a single writer). An event recorded in
// a transaction that rolls back disappears together with the business change
// it described. Reads that change nothing use an Appender instead, which
// records the events of many readers in one transaction per batch.
//
// Verify walks every chain and names the first broken link: a changed field
// or hash (hash mismatch), a removed event (gap in seq), events out of order,
// or a chain head that does not match its last event. Removing an
// organisation's entire chain including its head is not detectable from the
// chain alone; export the heads elsewhere if that matters.
//
// The database adds a first wall: on SQLite triggers refuse UPDATE and DELETE
// of audit_events, on PostgreSQL restrictive row-level policies make them
// match no row for the application role.
//
// # No personal data in the log
//
// Events carry ids, never plaintext personal data (DESIGN.md §4): erasing a
// person must not leave their e-mail address behind in a log that cannot be
// changed. Record therefore refuses, with ErrPersonalData, any Details key or
// value that looks like
//
//   - an e-mail address (something@domain.tld),
//   - an IBAN: two letters, two digits and 10 to 30 letters or digits, case
//     insensitive, single spaces between groups allowed ("NL91 ABNA 0417
//     1643 00"),
//   - a BSN: a number of nine digits standing on its own that passes the
//     11-test, also written in groups (1234.56.782, 123 456 782), as
//     nl.FindBSNIndex finds it for the privacy guard.
//
// The check is by shape, so it also refuses harmless values of that shape
// (one nine-digit amount in cents in eleven, a 14–34 character token starting with two
// letters and two digits): put such values in Details in another form or
// refer to the record by its id. The error names the key, never the value.
// Action, TargetType, TargetID and ActorKind are identifiers chosen by code
// and are not checked.
package audit
