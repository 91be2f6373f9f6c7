package vault

import (
	"bytes"
	"context"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/aead/subtle"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"hms/internal/platform/clock"
	"hms/internal/platform/db"
)

var (
	// ErrShredded: the subject's keyset was destroyed; its data is gone for good.
	ErrShredded = errors.New("vault: subject has been shredded")
	// ErrNoSubject: no such subject in the transaction's organisation.
	ErrNoSubject = errors.New("vault: no such subject in this organisation")
	// ErrNoOrgKey: the organisation has no keys yet and a read-only
	// transaction cannot create them. Nothing has been sealed or indexed in
	// the organisation, so a look-up may treat it as "no match".
	ErrNoOrgKey = errors.New("vault: organisation has no keys yet")
	// ErrInvalidCiphertext: the ciphertext does not open here — it belongs to
	// another field, subject or organisation, or it was altered.
	ErrInvalidCiphertext = errors.New("vault: ciphertext does not open (other row, field or organisation, or damaged)")
)

// formatV1 is the first byte of every ciphertext this version writes.
const formatV1 byte = 1

// Purposes, part of every associated data so that a value made for one use
// never passes for another.
const (
	purposeSubjectField  byte = 's' // Seal: subject keyset, (org, subject, field)
	purposeOrgField      byte = 'o' // SealOrg: org keyset, (org, field)
	purposeSubjectKeyset byte = 'k' // subject keyset wrapped by org keyset, (org, subject)
	purposeOrgAEAD       byte = 'A' // org keyset wrapped by master key, (org)
	purposeOrgIndex      byte = 'I' // org index key wrapped by master key, (org)
	purposeBlindIndex    byte = 'b' // HMAC input prefix, (field)
)

const indexKeySize = 32

// Vault seals and opens personal data. It is safe for concurrent use. One
// Vault may serve several databases: cached organisation keys are only used
// when they match the wrapped bytes read from the transaction's database.
type Vault struct {
	master tink.AEAD
	clock  clock.Clock
	// derive is the master key itself, kept only to derive keys for other
	// purposes (DeriveKey: the backup files); it never leaves the package.
	derive []byte

	hooksMu  sync.Mutex
	hooks    []ReplayFunc
	orgHooks []OrgReplayFunc

	mu   sync.RWMutex
	orgs map[int64]*orgKeys
}

// orgKeys are an organisation's unwrapped keys and the wrapped bytes they
// came from.
type orgKeys struct {
	aeadWrapped, indexWrapped []byte
	aead                      tink.AEAD
	index                     []byte
}

// New returns a Vault whose organisation keys are wrapped by masterKey
// (32 bytes, see LoadMasterKey); clk stamps created_at and shredded_at (nil:
// the real clock).
func New(masterKey []byte, clk clock.Clock) (*Vault, error) {
	if len(masterKey) != MasterKeySize {
		return nil, fmt.Errorf("vault: master key is %d bytes, want %d", len(masterKey), MasterKeySize)
	}
	m, err := subtle.NewAESGCM(bytes.Clone(masterKey))
	if err != nil {
		return nil, fmt.Errorf("vault: master key: %w", err)
	}
	if clk == nil {
		clk = clock.Real{}
	}
	return &Vault{master: m, clock: clk, derive: bytes.Clone(masterKey), orgs: map[int64]*orgKeys{}}, nil
}

// DeriveKey returns n bytes derived from the master key with HKDF-SHA256
// under salt and info, for keys of other purposes than the vault's own (a
// backup file's, with a random salt per file). info names the purpose, so
// keys of two purposes are unrelated; none of them can unwrap the vault's
// keys.
func (v *Vault) DeriveKey(salt []byte, info string, n int) ([]byte, error) {
	if info == "" {
		return nil, errors.New("vault: derive a key: empty info")
	}
	k, err := hkdf.Key(sha256.New, v.derive, salt, info, n)
	if err != nil {
		return nil, fmt.Errorf("vault: derive a key: %w", err)
	}
	return k, nil
}

func (v *Vault) now() string { return db.TS(v.clock.Now()) }

// associatedData encodes what a ciphertext is bound to. Every part but the
// last has a fixed width, so two different tuples never encode alike.
func associatedData(purpose byte, org, subject int64, field string) []byte {
	b := make([]byte, 0, 28+len(field))
	b = append(b, "hms-vault"...)
	b = append(b, formatV1, purpose)
	b = binary.BigEndian.AppendUint64(b, uint64(org))
	b = binary.BigEndian.AppendUint64(b, uint64(subject))
	return append(b, field...)
}

// orgOf returns the organisation the transaction acts for, 0 being the
// platform in a System transaction.
func orgOf(tx *db.Tx) (int64, error) {
	if tx == nil {
		return 0, errors.New("vault: nil transaction")
	}
	org := tx.OrgID()
	if org < 0 || (org == 0 && !tx.IsSystem()) {
		return 0, fmt.Errorf("vault: transaction has no organisation (%d)", org)
	}
	return org, nil
}

func checkField(field string) error {
	if field == "" {
		return errors.New("vault: empty field name")
	}
	return nil
}

// seal encrypts under a and prefixes the format byte.
func seal(a tink.AEAD, plaintext, ad []byte) ([]byte, error) {
	ct, err := a.Encrypt(plaintext, ad)
	if err != nil {
		return nil, fmt.Errorf("vault: encrypt: %w", err)
	}
	out := make([]byte, 1+len(ct))
	out[0] = formatV1
	copy(out[1:], ct)
	return out, nil
}

func open(a tink.AEAD, ciphertext, ad []byte) ([]byte, error) {
	if len(ciphertext) < 2 || ciphertext[0] != formatV1 {
		return nil, ErrInvalidCiphertext
	}
	pt, err := a.Decrypt(ciphertext[1:], ad)
	if err != nil {
		return nil, ErrInvalidCiphertext
	}
	if pt == nil {
		pt = []byte{}
	}
	return pt, nil
}

const orgKeysQuery = `SELECT aead_wrapped, index_wrapped FROM vault_org_keys WHERE org_id = $1`

// WithOrgKeys returns ctx whose organisation transactions read the
// organisation's wrapped keys with their BEGIN (db.WithReadAhead): on
// PostgreSQL a look-up of personal data saves the round trip that read them
// first.
func WithOrgKeys(ctx context.Context) context.Context { return db.WithReadAhead(ctx, orgKeysQuery, 2) }

// orgKeysFor returns the keys of the transaction's organisation, creating
// them when missing and create is true and the transaction may write.
func (v *Vault) orgKeysFor(ctx context.Context, tx *db.Tx, create bool) (*orgKeys, error) {
	org, err := orgOf(tx)
	if err != nil {
		return nil, err
	}
	// An organisation's keys never change (they are only ever created), so a
	// transaction reads them once: a statement import seals thousands of lines.
	if k, ok := tx.Local(orgKeysKey(org)).(*orgKeys); ok {
		return k, nil
	}
	var aw, iw []byte
	const q = orgKeysQuery
	if row, ran := tx.AheadRow(q); ran {
		if err = sql.ErrNoRows; row != nil {
			aw, iw, err = row[0], row[1], nil
		}
	} else {
		err = tx.QueryRowContext(ctx, q, org).Scan(&aw, &iw)
	}
	if errors.Is(err, sql.ErrNoRows) {
		if !create {
			return nil, ErrNoOrgKey
		}
		// On PostgreSQL a failed INSERT would abort the caller's whole
		// transaction, so ask first instead of trying.
		ro, rerr := readOnly(ctx, tx)
		if rerr != nil {
			return nil, rerr
		}
		if ro {
			return nil, ErrNoOrgKey
		}
		if cerr := v.createOrgKeys(ctx, tx, org); cerr != nil {
			return nil, cerr
		}
		// Whoever won the race, this reads the one key that is stored.
		err = tx.QueryRowContext(ctx, q, org).Scan(&aw, &iw)
	}
	if err != nil {
		return nil, fmt.Errorf("vault: read organisation keys: %w", err)
	}
	k, err := v.unwrapOrg(org, aw, iw)
	if err == nil {
		tx.SetLocal(orgKeysKey(org), k)
	}
	return k, err
}

// orgKeysKey keeps an organisation's keys in a transaction (db.Tx.SetLocal).
type orgKeysKey int64

// createOrgKeys stores fresh keys for org unless another transaction already
// has. On PostgreSQL a concurrent INSERT of the same org_id waits for the
// first one to commit and then does nothing; on SQLite writers are serial.
func (v *Vault) createOrgKeys(ctx context.Context, tx *db.Tx, org int64) error {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return fmt.Errorf("vault: new organisation keyset: %w", err)
	}
	var aw bytes.Buffer
	if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&aw), v.master, associatedData(purposeOrgAEAD, org, 0, "")); err != nil {
		return fmt.Errorf("vault: wrap organisation keyset: %w", err)
	}
	ik := make([]byte, indexKeySize)
	if _, err := rand.Read(ik); err != nil {
		return fmt.Errorf("vault: new index key: %w", err)
	}
	iw, err := v.master.Encrypt(ik, associatedData(purposeOrgIndex, org, 0, ""))
	clear(ik)
	if err != nil {
		return fmt.Errorf("vault: wrap index key: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO vault_org_keys (org_id, aead_wrapped, index_wrapped, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (org_id) DO NOTHING`, org, aw.Bytes(), iw, v.now())
	if err != nil {
		return fmt.Errorf("vault: store organisation keys: %w", err)
	}
	return nil
}

// unwrapOrg returns the unwrapped keys for the wrapped bytes, from the cache
// when it holds exactly these bytes.
func (v *Vault) unwrapOrg(org int64, aw, iw []byte) (*orgKeys, error) {
	v.mu.RLock()
	k := v.orgs[org]
	v.mu.RUnlock()
	if k != nil && bytes.Equal(k.aeadWrapped, aw) && bytes.Equal(k.indexWrapped, iw) {
		return k, nil
	}
	h, err := v.orgHandle(org, aw)
	if err != nil {
		return nil, err
	}
	a, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("vault: organisation %d keyset: %w", org, err)
	}
	ik, err := v.master.Decrypt(iw, associatedData(purposeOrgIndex, org, 0, ""))
	if err != nil || len(ik) != indexKeySize {
		return nil, fmt.Errorf("vault: organisation %d index key does not unwrap (wrong master key?)", org)
	}
	k = &orgKeys{aeadWrapped: bytes.Clone(aw), indexWrapped: bytes.Clone(iw), aead: a, index: ik}
	v.mu.Lock()
	v.orgs[org] = k
	v.mu.Unlock()
	return k, nil
}

func (v *Vault) orgHandle(org int64, aw []byte) (*keyset.Handle, error) {
	h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(aw)), v.master, associatedData(purposeOrgAEAD, org, 0, ""))
	if err != nil {
		return nil, fmt.Errorf("vault: organisation %d keyset does not unwrap (wrong master key?): %w", org, err)
	}
	return h, nil
}

// readOnly reports whether the transaction may not write: a PostgreSQL
// READ ONLY transaction or SQLite's query_only reader pool (ReadOrg,
// ReadSystem).
func readOnly(ctx context.Context, tx *db.Tx) (bool, error) {
	if tx.Dialect() == db.Postgres {
		var s string
		if err := tx.QueryRowContext(ctx, `SELECT current_setting('transaction_read_only')`).Scan(&s); err != nil {
			return false, fmt.Errorf("vault: %w", err)
		}
		return s == "on", nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `PRAGMA query_only`).Scan(&n); err != nil {
		return false, fmt.Errorf("vault: %w", err)
	}
	return n != 0, nil
}

// EnsureOrgKeys creates the transaction's organisation keys if they do not
// exist yet; the transaction must be able to write. Calling it when an
// organisation is created (and for the platform, organisation 0, at start-up
// in a System transaction) means read-only transactions never meet
// ErrNoOrgKey. Calling it again does nothing.
func (v *Vault) EnsureOrgKeys(ctx context.Context, tx *db.Tx) error {
	_, err := v.orgKeysFor(ctx, tx, true)
	return err
}

// SealOrg encrypts plaintext under the organisation key itself, for data
// that belongs to no one subject (outbox messages, invitations). The
// ciphertext opens only in the same organisation and field.
func (v *Vault) SealOrg(ctx context.Context, tx *db.Tx, field string, plaintext []byte) ([]byte, error) {
	if err := checkField(field); err != nil {
		return nil, err
	}
	k, err := v.orgKeysFor(ctx, tx, true)
	if err != nil {
		return nil, err
	}
	return seal(k.aead, plaintext, associatedData(purposeOrgField, tx.OrgID(), 0, field))
}

// OpenOrg decrypts what SealOrg sealed in the same organisation and field.
func (v *Vault) OpenOrg(ctx context.Context, tx *db.Tx, field string, ciphertext []byte) ([]byte, error) {
	if err := checkField(field); err != nil {
		return nil, err
	}
	k, err := v.orgKeysFor(ctx, tx, false)
	if err != nil {
		return nil, err
	}
	return open(k.aead, ciphertext, associatedData(purposeOrgField, tx.OrgID(), 0, field))
}

// OrgSealer seals and indexes fields of one organisation with the keys its
// transaction read, without using the transaction again: the statement
// import seals a chunk's lines in a goroutine of its own while the
// transaction writes the chunk before. It belongs to that transaction and
// must not outlive it (the next transaction reads the keys anew, see the
// package documentation); its methods are safe for concurrent use.
type OrgSealer struct {
	org  int64
	keys *orgKeys
}

// OrgSealer reads (or creates) the keys of the transaction's organisation
// for SealOrg and BlindIndex outside the transaction's goroutine.
func (v *Vault) OrgSealer(ctx context.Context, tx *db.Tx) (*OrgSealer, error) {
	k, err := v.orgKeysFor(ctx, tx, true)
	if err != nil {
		return nil, err
	}
	return &OrgSealer{org: tx.OrgID(), keys: k}, nil
}

// SealOrg is Vault.SealOrg with the sealer's keys: the same ciphertext form,
// opened by Vault.OpenOrg.
func (s *OrgSealer) SealOrg(field string, plaintext []byte) ([]byte, error) {
	if err := checkField(field); err != nil {
		return nil, err
	}
	return seal(s.keys.aead, plaintext, associatedData(purposeOrgField, s.org, 0, field))
}

// BlindIndex is Vault.BlindIndex with the sealer's keys.
func (s *OrgSealer) BlindIndex(field, normalised string) (string, error) {
	if err := checkField(field); err != nil {
		return "", err
	}
	return blindIndex(s.keys.index, field, normalised), nil
}
