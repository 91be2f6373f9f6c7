package backup

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"hms/internal/platform/vault"
)

// magic starts every backup file.
const magic = "HMS-BACKUP\x00"

// formatVersion is the version of the file layout this package writes and
// reads.
const formatVersion = 1

// chunkSize is the plaintext size of one encrypted chunk: memory stays flat
// whatever the size of the database.
const chunkSize = 64 << 10

// Info strings of the keys derived from the master key (vault.DeriveKey):
// their own purpose, unrelated to the vault's keys and to each other.
const (
	infoKey   = "hms backup file key v1"
	infoCheck = "hms backup key check v1"
)

// header is the readable start of a file. It names no table and no person:
// the format, the schema version the data needs, the engine it came from,
// the random salt of this file's key and a check value that tells a wrong
// master key from a damaged file.
type header struct {
	Format int    `json:"format"`
	Schema int64  `json:"schema"`
	Engine string `json:"engine"`
	Salt   []byte `json:"salt"`
	Check  []byte `json:"check"`
}

// keys derives the file key and its check value from the master key.
func keys(v *vault.Vault, salt []byte) (key, check []byte, err error) {
	if key, err = v.DeriveKey(salt, infoKey, 32); err != nil {
		return nil, nil, err
	}
	if check, err = v.DeriveKey(salt, infoCheck, 16); err != nil {
		return nil, nil, err
	}
	return key, check, nil
}

// sealWriter encrypts what is written to it in chunks of chunkSize with
// AES-256-GCM. Each chunk is a flag byte (1 on the last chunk), the
// ciphertext's length (4 bytes) and the ciphertext; its nonce is its number
// and its associated data the header's hash, its number and its flag, so
// chunks cannot be reordered, dropped or cut off at the end unnoticed.
type sealWriter struct {
	w    io.Writer
	aead cipher.AEAD
	ad   [32]byte
	n    uint64
	buf  []byte
}

// newSealWriter writes h and returns the writer of the encrypted body.
func newSealWriter(w io.Writer, v *vault.Vault, h header) (*sealWriter, error) {
	h.Format = formatVersion
	h.Salt = make([]byte, 32)
	if _, err := rand.Read(h.Salt); err != nil {
		return nil, fmt.Errorf("backup: salt: %w", err)
	}
	key, check, err := keys(v, h.Salt)
	if err != nil {
		return nil, err
	}
	h.Check = check
	hb, err := encodeHeader(h)
	if err != nil {
		return nil, err
	}
	a, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(hb); err != nil {
		return nil, fmt.Errorf("backup: write: %w", err)
	}
	return &sealWriter{w: w, aead: a, ad: sha256.Sum256(hb), buf: make([]byte, 0, chunkSize)}, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("backup: key: %w", err)
	}
	a, err := cipher.NewGCM(b)
	if err != nil {
		return nil, fmt.Errorf("backup: key: %w", err)
	}
	return a, nil
}

func encodeHeader(h header) ([]byte, error) {
	j, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("backup: header: %w", err)
	}
	b := append([]byte(magic), 0, 0, 0, 0)
	binary.BigEndian.PutUint32(b[len(magic):], uint32(len(j)))
	return append(b, j...), nil
}

// chunkAD is the associated data of chunk n.
func chunkAD(hash [32]byte, n uint64, final byte) []byte {
	ad := append(hash[:], 0, 0, 0, 0, 0, 0, 0, 0, final)
	binary.BigEndian.PutUint64(ad[32:], n)
	return ad
}

func nonce(n uint64) []byte {
	b := make([]byte, 12)
	binary.BigEndian.PutUint64(b[4:], n)
	return b
}

func (s *sealWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		// A full buffer is sealed only when more follows: the last chunk
		// must carry the final flag.
		if len(s.buf) == chunkSize {
			if err := s.flush(0); err != nil {
				return written, err
			}
		}
		k := min(chunkSize-len(s.buf), len(p))
		s.buf = append(s.buf, p[:k]...)
		p, written = p[k:], written+k
	}
	return written, nil
}

func (s *sealWriter) flush(final byte) error {
	ct := s.aead.Seal(nil, nonce(s.n), s.buf, chunkAD(s.ad, s.n, final))
	var pre [5]byte
	pre[0] = final
	binary.BigEndian.PutUint32(pre[1:], uint32(len(ct)))
	if _, err := s.w.Write(pre[:]); err != nil {
		return fmt.Errorf("backup: write: %w", err)
	}
	if _, err := s.w.Write(ct); err != nil {
		return fmt.Errorf("backup: write: %w", err)
	}
	s.n++
	s.buf = s.buf[:0]
	return nil
}

// Close seals the last chunk.
func (s *sealWriter) Close() error { return s.flush(1) }

// Errors of reading a backup file.
var (
	// ErrNotBackup: the file is not an HMS backup, or of a format this
	// version does not read.
	ErrNotBackup = errors.New("this file is not an HMS backup (or of a newer format)")
	// ErrWrongKey: the file was made under another master key.
	ErrWrongKey = errors.New("this backup does not open with this master key: it was made with another one " +
		"(HMS_MASTER_KEY, HMS_MASTER_KEY_FILE or the data directory's master.key)")
	// ErrDamaged: a chunk does not decrypt, or the file ends early.
	ErrDamaged = errors.New("this backup is damaged or incomplete: a part of it does not decrypt or is missing")
)

// readHeader reads and checks the header and returns it with the reader of
// the decrypted body.
func readHeader(r io.Reader, v *vault.Vault) (header, io.Reader, error) {
	br := bufio.NewReaderSize(r, chunkSize+64)
	var h header
	pre := make([]byte, len(magic)+4)
	if _, err := io.ReadFull(br, pre); err != nil || string(pre[:len(magic)]) != magic {
		return h, nil, ErrNotBackup
	}
	n := binary.BigEndian.Uint32(pre[len(magic):])
	if n > 1<<16 {
		return h, nil, ErrNotBackup
	}
	j := make([]byte, n)
	if _, err := io.ReadFull(br, j); err != nil {
		return h, nil, ErrNotBackup
	}
	if err := json.NewDecoder(bytes.NewReader(j)).Decode(&h); err != nil || h.Format != formatVersion {
		return h, nil, ErrNotBackup
	}
	key, check, err := keys(v, h.Salt)
	if err != nil {
		return h, nil, err
	}
	if !hmac.Equal(check, h.Check) {
		return h, nil, ErrWrongKey
	}
	a, err := newAEAD(key)
	if err != nil {
		return h, nil, err
	}
	return h, &openReader{r: br, aead: a, ad: sha256.Sum256(append(pre, j...))}, nil
}

// openReader decrypts the chunks sealWriter wrote, one at a time.
type openReader struct {
	r     io.Reader
	aead  cipher.AEAD
	ad    [32]byte
	n     uint64
	buf   []byte
	ct    []byte
	final bool
}

func (o *openReader) Read(p []byte) (int, error) {
	for len(o.buf) == 0 {
		if o.final {
			return 0, io.EOF
		}
		if err := o.next(); err != nil {
			return 0, err
		}
	}
	k := copy(p, o.buf)
	o.buf = o.buf[k:]
	return k, nil
}

func (o *openReader) next() error {
	var pre [5]byte
	if _, err := io.ReadFull(o.r, pre[:]); err != nil {
		return ErrDamaged
	}
	final, n := pre[0], binary.BigEndian.Uint32(pre[1:])
	if final > 1 || n > chunkSize+uint32(o.aead.Overhead()) {
		return ErrDamaged
	}
	if cap(o.ct) < int(n) {
		o.ct = make([]byte, n)
	}
	ct := o.ct[:n]
	if _, err := io.ReadFull(o.r, ct); err != nil {
		return ErrDamaged
	}
	pt, err := o.aead.Open(ct[:0], nonce(o.n), ct, chunkAD(o.ad, o.n, final))
	if err != nil {
		return ErrDamaged
	}
	o.n++
	o.buf, o.final = pt, final == 1
	if o.final {
		// Nothing may follow the last chunk.
		var one [1]byte
		if k, _ := o.r.Read(one[:]); k > 0 {
			return ErrDamaged
		}
	}
	return nil
}
