package vault

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"

	"hms/internal/platform/db"
)

// BlindIndex returns a keyed HMAC-SHA256 of the normalised value, as 64 hex
// digits, for equality look-ups of sealed fields. The key belongs to the
// transaction's organisation and the field name separates domains: the same
// value gives the same index within one organisation and field, and unrelated
// indexes elsewhere. The caller normalises (trim, lower-case, …).
//
// In a read-only transaction of an organisation that has no keys yet it
// returns ErrNoOrgKey: nothing can have been indexed there, so a look-up may
// treat it as no match.
func (v *Vault) BlindIndex(ctx context.Context, tx *db.Tx, field, normalised string) (string, error) {
	if err := checkField(field); err != nil {
		return "", err
	}
	k, err := v.orgKeysFor(ctx, tx, true)
	if err != nil {
		return "", err
	}
	return blindIndex(k.index, field, normalised), nil
}

func blindIndex(key []byte, field, normalised string) string {
	m := hmac.New(sha256.New, key)
	var hdr [1 + 1 + 4]byte
	hdr[0], hdr[1] = formatV1, purposeBlindIndex
	binary.BigEndian.PutUint32(hdr[2:], uint32(len(field)))
	m.Write(hdr[:])
	m.Write([]byte(field))
	m.Write([]byte(normalised))
	return hex.EncodeToString(m.Sum(nil))
}
