// Package backup writes and restores a logical backup of the whole
// database (`hms backup`, `hms restore`; PRIVACY.md P15, P19).
//
// # The file
//
// A header in the clear says only what is needed to open the rest: the file
// format, the schema version (goose) of the data, the engine it came from, a
// random salt and a check value. The key is HKDF-SHA256 of the master key
// with that salt and its own info string (vault.DeriveKey), so every file
// has its own key and none of them unwraps the vault's keys; the check value,
// derived alike, tells a wrong master key from a damaged file.
//
// The body is gzip in AES-256-GCM chunks of 64 KiB: memory stays flat
// whatever the database's size. A chunk's nonce is its number; its
// associated data the header's hash, its number and whether it is the last,
// so a chunk altered, moved, dropped or cut off at the end is noticed.
// Decrypted, the body is per table (in foreign-key order) its name and
// columns, its rows as typed values (null, integer, text, bytes, boolean,
// float) and their count, and at the end the number of tables (codec.go):
// nothing in it depends on the engine, so a file of one engine restores on
// the other.
//
// Personal fields are in the file as the vault sealed them, per person, and
// the whole body is encrypted again; no name, address or table name is
// readable in it. It holds the wrapped organisation and subject keys: keep
// the master key apart from the backups (a backup without it is noise, and
// the master key without the backups reads nothing).
//
// # What is left out
//
// The erasure journal (vault_erasures) and the journal of shredded
// organisations (vault_org_erasures) stay with the database, outside the
// backup, so that a restore of older data can replay the erasures and
// organisation shreds made since. Sessions, rate-limit counters and sign-in back-off counters are
// left out too, and emptied by a restore: a restore must not bring back
// sign-ins that ended (everyone signs in again), and the counters are
// minutes-long state. goose's version table and PostgreSQL's organisation
// seals belong to the database, not to the data, and are kept.
//
// # Restore
//
// Restore reads the header, refuses a wrong master key or another schema
// version, and then in one transaction: refuses a database with
// organisations or users unless forced; empties every table but the kept
// ones (SQLite: DELETE with foreign keys checked at commit and the audit
// log's append-only triggers dropped and created again; PostgreSQL:
// TRUNCATE); loads the rows many per INSERT; destroys the keysets of every
// journaled subject again (vault.ShredJournaled) and moves PostgreSQL's
// identity sequences past the loaded ids. A file that is damaged anywhere
// rolls all of it back. Then vault.Replay deletes the erased subjects'
// blind indexes through the capabilities' hooks.
//
// On PostgreSQL both run as the schema owner (HMS_DATABASE_OWNER_URL) with
// the platform scope of a data migration (hms.scope = 'system'): only the
// owner may read and write every organisation's rows of every table; the
// backup reads one REPEATABLE READ snapshot. On SQLite the backup reads a
// snapshot from the reader pool and the restore holds the writer.
package backup
