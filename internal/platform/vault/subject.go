package vault

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"

	"hms/internal/platform/db"
)

// SubjectID names a data subject (a person) in the vault. Stores keep it next
// to the person's sealed fields.
type SubjectID int64

// NewSubject creates a subject of the given kind ("user", "person", …) in the
// transaction's organisation, with a fresh AES-256-GCM keyset wrapped by the
// organisation key. The transaction must be able to write.
func (v *Vault) NewSubject(ctx context.Context, tx *db.Tx, kind string) (SubjectID, error) {
	if kind == "" || len(kind) > 64 {
		return 0, fmt.Errorf("vault: subject kind %q: want 1 to 64 bytes", kind)
	}
	k, err := v.orgKeysFor(ctx, tx, true)
	if err != nil {
		return 0, err
	}
	org := tx.OrgID()
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return 0, fmt.Errorf("vault: new subject keyset: %w", err)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO vault_subjects (org_id, kind, created_at) VALUES ($1, $2, $3) RETURNING id`,
		org, kind, v.now()).Scan(&id); err != nil {
		return 0, fmt.Errorf("vault: create subject: %w", err)
	}
	// The keyset is bound to its subject id, known only now.
	var w bytes.Buffer
	if err := h.WriteWithAssociatedData(keyset.NewBinaryWriter(&w), k.aead, associatedData(purposeSubjectKeyset, org, id, "")); err != nil {
		return 0, fmt.Errorf("vault: wrap subject keyset: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE vault_subjects SET keyset_wrapped = $1 WHERE id = $2 AND org_id = $3`,
		w.Bytes(), id, org); err != nil {
		return 0, fmt.Errorf("vault: store subject keyset: %w", err)
	}
	return SubjectID(id), nil
}

// txSubject names a subject's unwrapped keyset kept for one transaction.
type txSubject struct {
	v   *Vault
	org int64
	s   SubjectID
}

// subjectAEAD reads the subject's keyset from the database and unwraps it.
// It is not cached across transactions (see the package documentation);
// within one it is kept, because a bulk import seals a person's fields one
// after the other, and a Shred in the same transaction drops it.
func (v *Vault) subjectAEAD(ctx context.Context, tx *db.Tx, s SubjectID) (tink.AEAD, error) {
	org, err := orgOf(tx)
	if err != nil {
		return nil, err
	}
	key := txSubject{v, org, s}
	if a, ok := tx.Local(key).(tink.AEAD); ok {
		return a, nil
	}
	h, err := v.subjectHandle(ctx, tx, s)
	if err != nil {
		return nil, err
	}
	a, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("vault: subject %d keyset: %w", s, err)
	}
	tx.SetLocal(key, a)
	return a, nil
}

// Preload reads the keysets of subjects in one statement and keeps them
// unwrapped for tx, as subjectAEAD would one by one: a page of 50 persons
// costs one read instead of 50. Subjects that are missing or shredded are
// left for Open to report.
func (v *Vault) Preload(ctx context.Context, tx *db.Tx, subjects []SubjectID) error {
	org, err := orgOf(tx)
	if err != nil {
		return err
	}
	var want []any
	seen := make(map[SubjectID]bool, len(subjects))
	for _, s := range subjects {
		if s == 0 || seen[s] {
			continue
		}
		seen[s] = true
		if _, ok := tx.Local(txSubject{v, org, s}).(tink.AEAD); !ok {
			want = append(want, int64(s))
		}
	}
	if len(want) == 0 {
		return nil
	}
	// The keys a search's tokens were made with in this transaction, if it
	// made any (a round trip less).
	k, err := v.orgKeysFor(ctx, tx, false)
	if errors.Is(err, ErrNoOrgKey) {
		return nil
	}
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, keyset_wrapped FROM vault_subjects
		WHERE org_id = $1 AND shredded_at IS NULL AND keyset_wrapped IS NOT NULL AND id IN (`+tx.Params(2, len(want))+`)`,
		append([]any{org}, want...)...)
	if err != nil {
		return fmt.Errorf("vault: read subjects: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var ksw []byte
		if err := rows.Scan(&id, &ksw); err != nil {
			return fmt.Errorf("vault: read subjects: %w", err)
		}
		h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(ksw)), k.aead,
			associatedData(purposeSubjectKeyset, org, id, ""))
		if err != nil {
			return fmt.Errorf("vault: subject %d keyset does not unwrap: %w", id, err)
		}
		a, err := aead.New(h)
		if err != nil {
			return fmt.Errorf("vault: subject %d keyset: %w", id, err)
		}
		tx.SetLocal(txSubject{v, org, SubjectID(id)}, a)
	}
	return rows.Err()
}

// PreloadWrapped keeps for tx the keysets of subjects that the caller read
// with its own rows (keyset_wrapped of vault_subjects, joined on the
// subject's id and organisation where shredded_at IS NULL), as Preload would
// read them: a page of one person costs one statement instead of two. A
// nil keyset (missing or shredded) is left for Open to report; a keyset of
// another organisation or subject does not unwrap.
func (v *Vault) PreloadWrapped(ctx context.Context, tx *db.Tx, keysets map[SubjectID][]byte) error {
	org, err := orgOf(tx)
	if err != nil {
		return err
	}
	var k *orgKeys
	for s, ksw := range keysets {
		if s == 0 || ksw == nil {
			continue
		}
		if _, ok := tx.Local(txSubject{v, org, s}).(tink.AEAD); ok {
			continue
		}
		if k == nil {
			if k, err = v.orgKeysFor(ctx, tx, false); err != nil {
				return err
			}
		}
		h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(ksw)), k.aead,
			associatedData(purposeSubjectKeyset, org, int64(s), ""))
		if err != nil {
			return fmt.Errorf("vault: subject %d keyset does not unwrap: %w", s, err)
		}
		a, err := aead.New(h)
		if err != nil {
			return fmt.Errorf("vault: subject %d keyset: %w", s, err)
		}
		tx.SetLocal(txSubject{v, org, s}, a)
	}
	return nil
}

func (v *Vault) subjectHandle(ctx context.Context, tx *db.Tx, s SubjectID) (*keyset.Handle, error) {
	org, err := orgOf(tx)
	if err != nil {
		return nil, err
	}
	var ksw, aw, iw []byte
	var shredded sql.NullString
	err = tx.QueryRowContext(ctx, `
		SELECT s.keyset_wrapped, s.shredded_at, k.aead_wrapped, k.index_wrapped
		FROM vault_subjects s LEFT JOIN vault_org_keys k ON k.org_id = s.org_id
		WHERE s.id = $1 AND s.org_id = $2`, int64(s), org).Scan(&ksw, &shredded, &aw, &iw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoSubject
	}
	if err != nil {
		return nil, fmt.Errorf("vault: read subject %d: %w", s, err)
	}
	if shredded.Valid || ksw == nil {
		return nil, ErrShredded
	}
	if aw == nil {
		return nil, fmt.Errorf("vault: subject %d: organisation keys are missing", s)
	}
	k, err := v.unwrapOrg(org, aw, iw)
	if err != nil {
		return nil, err
	}
	h, err := keyset.ReadWithAssociatedData(keyset.NewBinaryReader(bytes.NewReader(ksw)), k.aead,
		associatedData(purposeSubjectKeyset, org, int64(s), ""))
	if err != nil {
		return nil, fmt.Errorf("vault: subject %d keyset does not unwrap: %w", s, err)
	}
	return h, nil
}

// Seal encrypts plaintext with the subject's key, bound to the organisation,
// the subject and field (name the column, e.g. "relation.name").
func (v *Vault) Seal(ctx context.Context, tx *db.Tx, s SubjectID, field string, plaintext []byte) ([]byte, error) {
	if err := checkField(field); err != nil {
		return nil, err
	}
	a, err := v.subjectAEAD(ctx, tx, s)
	if err != nil {
		return nil, err
	}
	return seal(a, plaintext, associatedData(purposeSubjectField, tx.OrgID(), int64(s), field))
}

// Open decrypts what Seal sealed for the same organisation, subject and
// field. After Shred it returns ErrShredded; for another organisation's
// subject ErrNoSubject; for a ciphertext of another subject or field
// ErrInvalidCiphertext.
func (v *Vault) Open(ctx context.Context, tx *db.Tx, s SubjectID, field string, ciphertext []byte) ([]byte, error) {
	if err := checkField(field); err != nil {
		return nil, err
	}
	a, err := v.subjectAEAD(ctx, tx, s)
	if err != nil {
		return nil, err
	}
	return open(a, ciphertext, associatedData(purposeSubjectField, tx.OrgID(), int64(s), field))
}

// SealString is Seal for a string.
func (v *Vault) SealString(ctx context.Context, tx *db.Tx, s SubjectID, field, plaintext string) ([]byte, error) {
	return v.Seal(ctx, tx, s, field, []byte(plaintext))
}

// OpenString is Open for a string.
func (v *Vault) OpenString(ctx context.Context, tx *db.Tx, s SubjectID, field string, ciphertext []byte) (string, error) {
	pt, err := v.Open(ctx, tx, s, field, ciphertext)
	if err != nil {
		return "", err
	}
	return string(pt), nil
}

// Shred destroys the subject's keyset: the wrapped bytes are removed from the
// row and shredded_at is recorded. Every ciphertext sealed for the subject,
// wherever a copy of it lives, can no longer be opened. The erasure is
// journaled in vault_erasures in the same transaction, so a restore of a
// backup made before it shreds the subject again (Replay). Shredding again
// is a no-op that keeps the first shredded_at. The caller deletes the
// subject's blind indexes in its own tables.
func (v *Vault) Shred(ctx context.Context, tx *db.Tx, s SubjectID) error {
	org, err := orgOf(tx)
	if err != nil {
		return err
	}
	var at string
	err = tx.QueryRowContext(ctx, `UPDATE vault_subjects SET keyset_wrapped = NULL, shredded_at = COALESCE(shredded_at, $1)
		WHERE id = $2 AND org_id = $3 RETURNING shredded_at`, v.now(), int64(s), org).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNoSubject
	}
	if err != nil {
		return fmt.Errorf("vault: shred subject %d: %w", s, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO vault_erasures (org_id, subject_id, shredded_at) VALUES ($1, $2, $3)
		ON CONFLICT (org_id, subject_id) DO NOTHING`, org, int64(s), at); err != nil {
		return fmt.Errorf("vault: journal the erasure of subject %d: %w", s, err)
	}
	tx.SetLocal(txSubject{v, org, s}, nil)
	return nil
}
