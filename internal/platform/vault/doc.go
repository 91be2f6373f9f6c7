// Package vault encrypts personal data with envelope encryption and makes
// erasure possible by crypto-shredding (DESIGN.md §4, PRIVACY.md P5, P15,
// P19, P20).
//
// # Key hierarchy
//
//	master key (32 bytes, outside the database: HMS_MASTER_KEY,
//	│           HMS_MASTER_KEY_FILE or <data dir>/master.key)
//	└── organisation keys, one set per organisation, table vault_org_keys,
//	    │   wrapped by the master key with the organisation id as associated data:
//	    │   - an AES-256-GCM keyset (SealOrg, and wrapping subject keysets)
//	    │   - a 32-byte blind-index key (BlindIndex: HMAC-SHA256)
//	    └── subject keysets, one per person, table vault_subjects,
//	        wrapped by the organisation keyset with (organisation, subject) as
//	        associated data: AES-256-GCM for that person's fields (Seal, Open)
//
// Organisation 0 is the platform itself (HMS as controller, for example its
// users' e-mail addresses); its keys are used in System transactions. In every
// other transaction the organisation is tx.OrgID(): the vault never takes an
// organisation id from its caller, and every query filters on it (on
// PostgreSQL row-level security checks it a second time).
//
// Organisation keys are created the first time a write transaction of that
// organisation needs them (INSERT … ON CONFLICT DO NOTHING, then read back, so
// concurrent first uses agree on one key). A read-only transaction cannot
// create them: there BlindIndex, SealOrg and OpenOrg return ErrNoOrgKey, which
// means nothing has been sealed or indexed in that organisation yet (a look-up
// may treat it as no match). EnsureOrgKeys, called in a write transaction when
// an organisation is created and for the platform at start-up, avoids that.
//
// # Ciphertexts
//
// A ciphertext is one format byte (1) followed by Tink's AES-256-GCM output
// (5-byte key id prefix, 12-byte nonce, ciphertext, 16-byte tag): 34 bytes
// more than the plaintext. The associated data binds it to its organisation,
// its subject (Seal) and its field, so a ciphertext copied into another row,
// column or organisation does not open. The format byte and the key id let
// keys and formats rotate later without rewriting old data at once.
//
// Blind indexes are HMAC-SHA256 under the organisation's index key over the
// field name and the normalised value, as 64 hex digits: equal within one
// organisation and field, unrelated across organisations and fields.
// Normalising (lower-casing an e-mail address, stripping spaces from an IBAN)
// is the caller's job.
//
// # Shredding, and why subject keysets are not cached
//
// Shred overwrites a subject's wrapped keyset with NULL and records
// shredded_at. From then on every copy of that person's ciphertext — in other
// tables, exports, backups, logs — is unreadable, and Open returns ErrShredded.
// The caller still deletes the person's blind indexes and plaintext-free rows
// it no longer needs.
//
// # The erasure journal
//
// A backup made before a Shred (package backup) still holds the subject's
// wrapped keyset. So Shred also writes (organisation, subject, shredded_at)
// to vault_erasures in the same transaction, a table backups leave out and
// restores keep. After a restore the journaled keysets are destroyed again
// (ShredJournaled, in the restoring transaction) and Replay runs, per
// organisation, the functions registered with OnReplay, which delete the
// capabilities' blind indexes of those subjects; a journaled subject the
// restored data lacks becomes a shredded tombstone, so its id is never
// reused. Only the journal's ids remain of an erased person. DeriveKey gives
// other purposes (the backup files) keys of their own from the master key.
//
// Several application instances may share one database. If an instance kept
// unwrapped subject keysets in memory, a Shred on another instance would not
// reach it, and it would go on decrypting an erased person's data until it
// restarted. So the first Seal or Open of a subject in a transaction reads
// its keyset from the database and unwraps it; later ones in the same
// transaction reuse it (a Shred in that transaction drops it), and the next
// transaction reads it anew. Unwrapped organisation keys are cached, but only together with
// the wrapped bytes they came from: every use reads the wrapped row again and
// uses the cache only when the bytes are unchanged. Deleting an organisation's
// row in vault_org_keys therefore shreds the whole organisation on every
// instance at once, and a key cached from a transaction that was rolled back is
// never used.
//
// Old row versions may outlive a Shred for a while inside the database files
// (PostgreSQL until VACUUM, SQLite until the page is reused, unless
// secure_delete is on); they are wrapped keys, unreadable without the master
// key, and disappear from backups after the key store's short retention.
package vault
