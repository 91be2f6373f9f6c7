package vault

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/tink-crypto/tink-go/v2/aead/aesgcm"
	"github.com/tink-crypto/tink-go/v2/insecuresecretdataaccess"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

var ctx = context.Background()

func randomKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, MasterKeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func newVault(t testing.TB) (*Vault, []byte) {
	t.Helper()
	k := randomKey(t)
	v, err := New(k, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v, k
}

func inOrg(t testing.TB, d *db.DB, org int64, fn func(tx *db.Tx) error) {
	t.Helper()
	if err := d.InOrg(ctx, org, fn); err != nil {
		t.Fatalf("org %d: %v", org, err)
	}
}

func readOrg(t testing.TB, d *db.DB, org int64, fn func(tx *db.Tx) error) {
	t.Helper()
	if err := d.ReadOrg(ctx, org, fn); err != nil {
		t.Fatalf("read org %d: %v", org, err)
	}
}

func must[T any](t testing.TB) func(T, error) T {
	return func(x T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
}

func wantErr(t testing.TB, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: err = %v, want %v", what, err, want)
	}
}

func TestNewRefusesBadKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := New(make([]byte, n), nil); err == nil {
			t.Errorf("New accepted a %d-byte master key", n)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		v, master := newVault(t)
		var s SubjectID
		var ct, cs, ce, co []byte
		inOrg(t, d, 1, func(tx *db.Tx) error {
			s = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			ct = must[[]byte](t)(v.Seal(ctx, tx, s, "relation.name", []byte("Jan de Vries")))
			cs = must[[]byte](t)(v.SealString(ctx, tx, s, "relation.email", "jan@example.nl"))
			ce = must[[]byte](t)(v.Seal(ctx, tx, s, "relation.phone", nil))
			co = must[[]byte](t)(v.SealOrg(ctx, tx, "outbox.body", []byte("Beste Jan")))
			// Opens in the same transaction too.
			if got := must[[]byte](t)(v.Open(ctx, tx, s, "relation.name", ct)); string(got) != "Jan de Vries" {
				t.Errorf("Open in same tx = %q", got)
			}
			return nil
		})
		if s <= 0 {
			t.Fatalf("subject id %d", s)
		}
		if ct[0] != formatV1 || co[0] != formatV1 {
			t.Errorf("ciphertexts start with %d and %d, want format %d", ct[0], co[0], formatV1)
		}
		if bytes.Contains(ct, []byte("Jan de Vries")) || bytes.Contains(co, []byte("Beste Jan")) {
			t.Error("ciphertext contains its plaintext")
		}
		// A second Vault with the same master key (another instance, empty
		// cache) opens everything, also in a read-only transaction.
		v2 := must[*Vault](t)(New(master, nil))
		for _, vv := range []*Vault{v, v2} {
			readOrg(t, d, 1, func(tx *db.Tx) error {
				if got := must[[]byte](t)(vv.Open(ctx, tx, s, "relation.name", ct)); string(got) != "Jan de Vries" {
					t.Errorf("Open = %q", got)
				}
				if got := must[string](t)(vv.OpenString(ctx, tx, s, "relation.email", cs)); got != "jan@example.nl" {
					t.Errorf("OpenString = %q", got)
				}
				if got := must[[]byte](t)(vv.Open(ctx, tx, s, "relation.phone", ce)); got == nil || len(got) != 0 {
					t.Errorf("Open of empty plaintext = %#v, want empty non-nil", got)
				}
				if got := must[[]byte](t)(vv.OpenOrg(ctx, tx, "outbox.body", co)); string(got) != "Beste Jan" {
					t.Errorf("OpenOrg = %q", got)
				}
				return nil
			})
		}
		// Sealing twice gives different ciphertexts (random nonce).
		inOrg(t, d, 1, func(tx *db.Tx) error {
			again := must[[]byte](t)(v.Seal(ctx, tx, s, "relation.name", []byte("Jan de Vries")))
			if bytes.Equal(again, ct) {
				t.Error("two seals of the same value are equal")
			}
			return nil
		})
		// The platform (organisation 0) in a System transaction.
		var u SubjectID
		var cu []byte
		if err := d.System(ctx, func(tx *db.Tx) error {
			u = must[SubjectID](t)(v.NewSubject(ctx, tx, "user"))
			cu = must[[]byte](t)(v.SealString(ctx, tx, u, "users.email", "admin@hms.example"))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
			if got := must[string](t)(v2.OpenString(ctx, tx, u, "users.email", cu)); got != "admin@hms.example" {
				t.Errorf("system OpenString = %q", got)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var org int64
		if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(`SELECT org_id FROM vault_subjects WHERE id = $1`, int64(u)).Scan(&org)
		}); err != nil {
			t.Fatal(err)
		}
		if org != 0 {
			t.Errorf("platform subject stored under organisation %d", org)
		}
		// Another master key opens nothing.
		v3, _ := newVault(t)
		readOrg(t, d, 1, func(tx *db.Tx) error {
			if _, err := v3.Open(ctx, tx, s, "relation.name", ct); err == nil {
				t.Error("a vault with another master key opened the ciphertext")
			}
			if _, err := v3.BlindIndex(ctx, tx, "relation.email", "jan@example.nl"); err == nil {
				t.Error("a vault with another master key computed a blind index")
			}
			return nil
		})
	})
}

func TestCiphertextOpensOnlyWhereItWasSealed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		v, _ := newVault(t)
		var a, b, c SubjectID
		var ct, co []byte
		inOrg(t, d, 1, func(tx *db.Tx) error {
			a = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			b = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			ct = must[[]byte](t)(v.SealString(ctx, tx, a, "relation.name", "Anna"))
			co = must[[]byte](t)(v.SealOrg(ctx, tx, "invitation.email", []byte("anna@example.nl")))
			return nil
		})
		inOrg(t, d, 2, func(tx *db.Tx) error {
			c = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			_ = must[[]byte](t)(v.SealOrg(ctx, tx, "invitation.email", []byte("x"))) // org 2 has keys too
			return nil
		})
		readOrg(t, d, 1, func(tx *db.Tx) error {
			_, err := v.Open(ctx, tx, a, "relation.email", ct)
			wantErr(t, "other field", err, ErrInvalidCiphertext)
			_, err = v.Open(ctx, tx, b, "relation.name", ct)
			wantErr(t, "other subject", err, ErrInvalidCiphertext)
			_, err = v.Open(ctx, tx, c, "relation.name", ct)
			wantErr(t, "subject of another organisation", err, ErrNoSubject)
			_, err = v.Open(ctx, tx, a, "invitation.email", co)
			wantErr(t, "org ciphertext opened as subject", err, ErrInvalidCiphertext)
			_, err = v.OpenOrg(ctx, tx, "relation.name", ct)
			wantErr(t, "subject ciphertext opened as org", err, ErrInvalidCiphertext)
			_, err = v.OpenOrg(ctx, tx, "outbox.body", co)
			wantErr(t, "org ciphertext, other field", err, ErrInvalidCiphertext)
			for i := range ct {
				bad := bytes.Clone(ct)
				bad[i] ^= 0x01
				if _, err := v.Open(ctx, tx, a, "relation.name", bad); !errors.Is(err, ErrInvalidCiphertext) {
					t.Fatalf("ciphertext with byte %d flipped: err = %v", i, err)
				}
			}
			for _, bad := range [][]byte{nil, {}, {formatV1}, ct[:len(ct)-1]} {
				_, err = v.Open(ctx, tx, a, "relation.name", bad)
				wantErr(t, fmt.Sprintf("truncated %x", bad), err, ErrInvalidCiphertext)
			}
			return nil
		})
		readOrg(t, d, 2, func(tx *db.Tx) error {
			_, err := v.Open(ctx, tx, a, "relation.name", ct)
			wantErr(t, "org 2 opens org 1's subject", err, ErrNoSubject)
			_, err = v.OpenOrg(ctx, tx, "invitation.email", co)
			wantErr(t, "org 2 opens org 1's org ciphertext", err, ErrInvalidCiphertext)
			return nil
		})
		inOrg(t, d, 2, func(tx *db.Tx) error {
			_, err := v.Seal(ctx, tx, a, "relation.name", []byte("x"))
			wantErr(t, "org 2 seals for org 1's subject", err, ErrNoSubject)
			wantErr(t, "org 2 shreds org 1's subject", v.Shred(ctx, tx, a), ErrNoSubject)
			return nil
		})
		if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
			_, err := v.Open(ctx, tx, a, "relation.name", ct)
			wantErr(t, "platform opens org 1's subject", err, ErrNoSubject)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// Still fine at home.
		readOrg(t, d, 1, func(tx *db.Tx) error {
			if got := must[string](t)(v.OpenString(ctx, tx, a, "relation.name", ct)); got != "Anna" {
				t.Errorf("OpenString = %q", got)
			}
			return nil
		})
	})
}

// Wrapped keys are bound to their place by associated data: organisation 1's
// wrapped keys copied into organisation 2's row, or a subject's keyset copied
// into another subject's row, do not unwrap.
func TestWrappedKeysDoNotMove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		v, master := newVault(t)
		var a, b SubjectID
		var ct []byte
		inOrg(t, d, 1, func(tx *db.Tx) error {
			a = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			b = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			ct = must[[]byte](t)(v.SealString(ctx, tx, a, "relation.name", "Anna"))
			return nil
		})
		inOrg(t, d, 2, func(tx *db.Tx) error {
			_ = must[string](t)(v.BlindIndex(ctx, tx, "f", "x"))
			return nil
		})
		if err := d.System(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(`UPDATE vault_subjects SET keyset_wrapped = (SELECT keyset_wrapped FROM vault_subjects WHERE id = $1)
				WHERE id = $2`, int64(a), int64(b)); err != nil {
				return err
			}
			_, err := tx.Exec(`UPDATE vault_org_keys SET aead_wrapped = (SELECT aead_wrapped FROM vault_org_keys WHERE org_id = 1),
				index_wrapped = (SELECT index_wrapped FROM vault_org_keys WHERE org_id = 1) WHERE org_id = 2`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		v2 := must[*Vault](t)(New(master, nil))
		for _, vv := range []*Vault{v, v2} {
			readOrg(t, d, 1, func(tx *db.Tx) error {
				if _, err := vv.Open(ctx, tx, b, "relation.name", ct); err == nil {
					t.Error("subject b's row with a's keyset opened a's data")
				}
				if _, err := vv.Seal(ctx, tx, b, "relation.name", nil); err == nil {
					t.Error("a keyset copied into another subject's row unwrapped")
				}
				return nil
			})
			readOrg(t, d, 2, func(tx *db.Tx) error {
				if _, err := vv.BlindIndex(ctx, tx, "f", "x"); err == nil || errors.Is(err, ErrNoOrgKey) {
					t.Errorf("organisation 1's keys copied into organisation 2: err = %v, want an unwrap error", err)
				}
				return nil
			})
		}
	})
}

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

func TestBlindIndex(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		v, master := newVault(t)
		idx := func(org int64, field, value string) string {
			var s string
			inOrg(t, d, org, func(tx *db.Tx) error {
				s = must[string](t)(v.BlindIndex(ctx, tx, field, value))
				return nil
			})
			return s
		}
		a := idx(1, "relation.email", "jan@example.nl")
		if !hex64.MatchString(a) {
			t.Fatalf("blind index %q is not 64 hex digits", a)
		}
		if b := idx(1, "relation.email", "jan@example.nl"); b != a {
			t.Errorf("same input, same org: %s then %s", a, b)
		}
		v2 := must[*Vault](t)(New(master, nil))
		readOrg(t, d, 1, func(tx *db.Tx) error {
			if b := must[string](t)(v2.BlindIndex(ctx, tx, "relation.email", "jan@example.nl")); b != a {
				t.Errorf("another instance in a read-only tx: %s, want %s", b, a)
			}
			return nil
		})
		seen := map[string]string{a: "org 1"}
		for name, got := range map[string]string{
			"org 2":        idx(2, "relation.email", "jan@example.nl"),
			"other field":  idx(1, "relation.phone", "jan@example.nl"),
			"other value":  idx(1, "relation.email", "jan@example.com"),
			"field split":  idx(1, "relation.emailjan", "@example.nl"),
			"empty value":  idx(1, "relation.email", ""),
			"org 2, field": idx(2, "relation.phone", "jan@example.nl"),
		} {
			if prev, dup := seen[got]; dup {
				t.Errorf("%s gives the same index as %s", name, prev)
			}
			seen[got] = name
		}
		// Unkeyed hashes of the value are not what is stored.
		if a == hex.EncodeToString(make([]byte, 32)) {
			t.Error("zero index")
		}
		var p string
		if err := d.System(ctx, func(tx *db.Tx) error {
			p = must[string](t)(v.BlindIndex(ctx, tx, "relation.email", "jan@example.nl"))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if p == a {
			t.Error("platform and org 1 share a blind index")
		}
	})
}

// A read-only transaction of an organisation without keys gets ErrNoOrgKey
// and its transaction stays usable (on PostgreSQL a failed INSERT would have
// aborted it).
func TestReadOnlyWithoutOrgKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		v, _ := newVault(t)
		readOrg(t, d, 7, func(tx *db.Tx) error {
			_, err := v.BlindIndex(ctx, tx, "relation.email", "x")
			wantErr(t, "BlindIndex", err, ErrNoOrgKey)
			_, err = v.SealOrg(ctx, tx, "f", []byte("x"))
			wantErr(t, "SealOrg", err, ErrNoOrgKey)
			_, err = v.OpenOrg(ctx, tx, "f", []byte{formatV1, 0, 0})
			wantErr(t, "OpenOrg", err, ErrNoOrgKey)
			_, err = v.Open(ctx, tx, 12345, "f", []byte{formatV1, 0, 0})
			wantErr(t, "Open", err, ErrNoSubject)
			var n int
			if err := tx.QueryRow(`SELECT count(*) FROM vault_org_keys`).Scan(&n); err != nil {
				t.Errorf("transaction unusable after ErrNoOrgKey: %v", err)
			}
			return nil
		})
		// OpenOrg never creates keys, even in a write transaction.
		inOrg(t, d, 7, func(tx *db.Tx) error {
			_, err := v.OpenOrg(ctx, tx, "f", []byte{formatV1, 0, 0})
			wantErr(t, "OpenOrg in write tx", err, ErrNoOrgKey)
			return nil
		})
		if n := countRows(t, d, `SELECT count(*) FROM vault_org_keys`); n != 0 {
			t.Errorf("%d organisation keys created by reads", n)
		}
		// EnsureOrgKeys in a write transaction; idempotent; then reads work.
		readOrg(t, d, 7, func(tx *db.Tx) error {
			wantErr(t, "EnsureOrgKeys read-only", v.EnsureOrgKeys(ctx, tx), ErrNoOrgKey)
			return nil
		})
		for range 2 {
			inOrg(t, d, 7, func(tx *db.Tx) error { return v.EnsureOrgKeys(ctx, tx) })
		}
		if err := d.System(ctx, func(tx *db.Tx) error { return v.EnsureOrgKeys(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, d, `SELECT count(*) FROM vault_org_keys`); n != 2 {
			t.Errorf("%d organisation key rows after EnsureOrgKeys for orgs 7 and 0, want 2", n)
		}
		readOrg(t, d, 7, func(tx *db.Tx) error {
			_ = must[string](t)(v.BlindIndex(ctx, tx, "relation.email", "x"))
			_ = must[[]byte](t)(v.SealOrg(ctx, tx, "f", []byte("x")))
			return nil
		})
		if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
			_, err := v.BlindIndex(ctx, tx, "email", "x")
			return err
		}); err != nil {
			t.Errorf("platform BlindIndex after EnsureOrgKeys: %v", err)
		}
	})
}

func countRows(t testing.TB, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.ReadSystem(ctx, func(tx *db.Tx) error { return tx.QueryRow(q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestShred(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		_, master := newVault(t)
		clk := clock.NewFixed(time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC))
		v := must[*Vault](t)(New(master, clk))
		var s, other SubjectID
		var ct, co, wrapped []byte
		inOrg(t, d, 1, func(tx *db.Tx) error {
			s = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			other = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			ct = must[[]byte](t)(v.SealString(ctx, tx, s, "relation.name", "Piet Puk"))
			co = must[[]byte](t)(v.SealString(ctx, tx, other, "relation.name", "Klaas"))
			return tx.QueryRow(`SELECT keyset_wrapped FROM vault_subjects WHERE id = $1`, int64(s)).Scan(&wrapped)
		})
		if len(wrapped) < 32 {
			t.Fatalf("wrapped keyset is %d bytes", len(wrapped))
		}
		// Another instance opens before the shred: nothing cached survives it.
		other2 := must[*Vault](t)(New(master, nil))
		readOrg(t, d, 1, func(tx *db.Tx) error {
			_ = must[[]byte](t)(other2.Open(ctx, tx, s, "relation.name", ct))
			return nil
		})
		// Within one transaction the keyset is kept between seals, but a
		// Shred in that transaction ends it at once.
		inOrg(t, d, 1, func(tx *db.Tx) error {
			_ = must[[]byte](t)(v.Open(ctx, tx, s, "relation.name", ct))
			if err := v.Shred(ctx, tx, s); err != nil {
				return err
			}
			_, err := v.Open(ctx, tx, s, "relation.name", ct)
			wantErr(t, "Open after Shred in the same transaction", err, ErrShredded)
			_, err = v.SealString(ctx, tx, s, "relation.name", "again")
			wantErr(t, "Seal after Shred in the same transaction", err, ErrShredded)
			return nil
		})
		for _, vv := range []*Vault{v, other2} {
			readOrg(t, d, 1, func(tx *db.Tx) error {
				_, err := vv.Open(ctx, tx, s, "relation.name", ct)
				wantErr(t, "Open after Shred", err, ErrShredded)
				_, err = vv.OpenString(ctx, tx, s, "relation.name", ct)
				wantErr(t, "OpenString after Shred", err, ErrShredded)
				if got := must[string](t)(vv.OpenString(ctx, tx, other, "relation.name", co)); got != "Klaas" {
					t.Errorf("other subject after shred: %q", got)
				}
				return nil
			})
		}
		inOrg(t, d, 1, func(tx *db.Tx) error {
			_, err := v.Seal(ctx, tx, s, "relation.name", []byte("x"))
			wantErr(t, "Seal after Shred", err, ErrShredded)
			return nil
		})
		var ksw []byte
		var shreddedAt string
		readOrg(t, d, 1, func(tx *db.Tx) error {
			return tx.QueryRow(`SELECT keyset_wrapped, shredded_at FROM vault_subjects WHERE id = $1`, int64(s)).Scan(&ksw, &shreddedAt)
		})
		if ksw != nil {
			t.Errorf("keyset_wrapped after shred = %x, want NULL", ksw)
		}
		if want := db.TS(clk.Now()); shreddedAt != want {
			t.Errorf("shredded_at = %q, want %q", shreddedAt, want)
		}
		for _, cell := range dumpVault(t, d) {
			if bytes.Contains(cell, wrapped) {
				t.Fatal("the shredded keyset's wrapped bytes are still in the vault tables")
			}
		}
		// Idempotent, and the first shredded_at stays.
		clk.Advance(48 * time.Hour)
		inOrg(t, d, 1, func(tx *db.Tx) error { return v.Shred(ctx, tx, s) })
		readOrg(t, d, 1, func(tx *db.Tx) error {
			var again string
			if err := tx.QueryRow(`SELECT shredded_at FROM vault_subjects WHERE id = $1`, int64(s)).Scan(&again); err != nil {
				return err
			}
			if again != shreddedAt {
				t.Errorf("second shred moved shredded_at from %s to %s", shreddedAt, again)
			}
			return nil
		})
		inOrg(t, d, 1, func(tx *db.Tx) error {
			wantErr(t, "Shred of unknown subject", v.Shred(ctx, tx, 999999), ErrNoSubject)
			return nil
		})
		// The shredded subject still exists (ErrShredded, not ErrNoSubject)
		// and the row keeps its kind for the retention report.
		if n := countRows(t, d,
			`SELECT count(*) FROM vault_subjects WHERE id = $1 AND kind = 'person' AND shredded_at IS NOT NULL`, int64(s)); n != 1 {
			t.Errorf("shredded subject rows = %d", n)
		}
	})
}

// dumpVault returns every cell of the vault tables as bytes.
func dumpVault(t testing.TB, d *db.DB) [][]byte {
	t.Helper()
	var out [][]byte
	if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
		for _, table := range []string{"vault_org_keys", "vault_subjects"} {
			cells, err := dumpTable(tx.Tx.QueryContext, table)
			if err != nil {
				return err
			}
			out = append(out, cells...)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func dumpTable[R rowsLike](query func(ctx context.Context, q string, args ...any) (R, error), table string) ([][]byte, error) {
	rows, err := query(ctx, `SELECT * FROM `+table)
	if err != nil {
		return nil, fmt.Errorf("dump %s: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for _, x := range vals {
			switch x := x.(type) {
			case []byte:
				out = append(out, bytes.Clone(x))
			case string:
				out = append(out, []byte(x))
			case nil:
			default:
				out = append(out, fmt.Append(nil, x))
			}
		}
	}
	return out, rows.Err()
}

// At rest there are only wrapped keys and ciphertexts: neither the plaintext
// nor any raw key (master, organisation, index, subject) appears in the vault
// tables, in a table of ciphertexts, or — on SQLite — anywhere in the
// database files.
func TestNothingReadableAtRest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		v, master := newVault(t)
		plaintexts := []string{"Wilhelmina Hendrika van Oranje-Nassau", "wilhelmina.vanoranje@example.nl", "NL91ABNA0417164300",
			"Keizersgracht 123, Amsterdam"}
		const control = "CONTROL-plaintext-that-the-dump-must-find"
		var sealed [][]byte
		var secrets [][]byte // raw key bytes
		var subjects []SubjectID
		for _, org := range []int64{1, 2} {
			inOrg(t, d, org, func(tx *db.Tx) error {
				for i := 0; i < 2; i++ {
					s := must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
					subjects = append(subjects, s)
					for j, p := range plaintexts {
						sealed = append(sealed, must[[]byte](t)(v.SealString(ctx, tx, s, fmt.Sprintf("f%d", j), p)))
					}
					h := must[*keyset.Handle](t)(v.subjectHandle(ctx, tx, s))
					secrets = append(secrets, rawKeys(t, h)...)
				}
				for _, p := range plaintexts {
					sealed = append(sealed, must[[]byte](t)(v.SealOrg(ctx, tx, "outbox.body", []byte(p))))
					_ = must[string](t)(v.BlindIndex(ctx, tx, "email", p))
				}
				return nil
			})
		}
		if err := d.System(ctx, func(tx *db.Tx) error {
			s := must[SubjectID](t)(v.NewSubject(ctx, tx, "user"))
			sealed = append(sealed, must[[]byte](t)(v.SealString(ctx, tx, s, "users.email", plaintexts[1])))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// Organisation keys, unwrapped from what is stored.
		if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
			rows, err := tx.Query(`SELECT org_id, aead_wrapped FROM vault_org_keys`)
			if err != nil {
				return err
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var org int64
				var aw []byte
				if err := rows.Scan(&org, &aw); err != nil {
					return err
				}
				n++
				secrets = append(secrets, rawKeys(t, must[*keyset.Handle](t)(v.orgHandle(org, aw)))...)
				v.mu.RLock()
				secrets = append(secrets, bytes.Clone(v.orgs[org].index))
				v.mu.RUnlock()
			}
			if n != 3 {
				t.Errorf("%d organisation key rows, want 3 (orgs 0, 1, 2)", n)
			}
			return rows.Err()
		}); err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, master)
		for _, k := range secrets {
			if len(k) != 32 {
				t.Fatalf("raw key of %d bytes", len(k))
			}
		}
		if len(secrets) != 4+6+1 {
			t.Fatalf("%d raw keys collected, want 11", len(secrets))
		}

		// Ciphertexts as a store would keep them, next to a plaintext control.
		raw := d.Raw()
		blob := "BLOB"
		if d.Dialect == db.Postgres {
			blob = "BYTEA"
		}
		if _, err := raw.Exec(`CREATE TABLE test_sealed (id INTEGER PRIMARY KEY, data ` + blob + ` NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		for i, c := range append(sealed, []byte(control)) {
			if _, err := raw.Exec(`INSERT INTO test_sealed (id, data) VALUES ($1, $2)`, i+1, c); err != nil {
				t.Fatal(err)
			}
		}
		cells := dumpVault(t, d)
		more, err := dumpTable(raw.QueryContext, "test_sealed")
		if err != nil {
			t.Fatal(err)
		}
		cells = append(cells, more...)
		var haystacks = map[string][][]byte{"dump": cells}
		if d.Dialect == db.SQLite {
			// The files themselves, WAL included.
			var files [][]byte
			for _, suffix := range []string{"", "-wal"} {
				if b, err := os.ReadFile(d.Path + suffix); err == nil {
					files = append(files, b)
				}
			}
			if len(files) == 0 {
				t.Fatal("no SQLite file read")
			}
			haystacks[filepath.Base(d.Path)+" files"] = files
		}
		for where, hay := range haystacks {
			found := func(needle []byte) bool {
				for _, h := range hay {
					if bytes.Contains(h, needle) {
						return true
					}
				}
				return false
			}
			if !found([]byte(control)) {
				t.Fatalf("%s: the control plaintext is not found; the dump is broken", where)
			}
			for _, p := range plaintexts {
				if found([]byte(p)) {
					t.Errorf("%s contains plaintext %q", where, p)
				}
			}
			for i, k := range secrets {
				for _, form := range [][]byte{k, []byte(hex.EncodeToString(k)), []byte(base64.StdEncoding.EncodeToString(k)),
					[]byte(base64.RawURLEncoding.EncodeToString(k))} {
					if found(form) {
						t.Errorf("%s contains raw key %d", where, i)
					}
				}
			}
		}
	})
}

type rowsLike interface {
	Close() error
	Columns() ([]string, error)
	Next() bool
	Scan(dest ...any) error
	Err() error
}

func rawKeys(t testing.TB, h *keyset.Handle) [][]byte {
	t.Helper()
	var out [][]byte
	for i := 0; i < h.Len(); i++ {
		e, err := h.Entry(i)
		if err != nil {
			t.Fatal(err)
		}
		k, ok := e.Key().(*aesgcm.Key)
		if !ok {
			t.Fatalf("key %d is %T, want AES-GCM", i, e.Key())
		}
		if k.KeyBytes().Len() != 32 {
			t.Fatalf("AES-GCM key of %d bytes, want 32", k.KeyBytes().Len())
		}
		out = append(out, k.KeyBytes().Data(insecuresecretdataaccess.Token{}))
	}
	return out
}

// Several instances using a new organisation's keys at the same moment end up
// with one stored key, and all of them used it.
func TestConcurrentFirstUseYieldsOneKey(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	master := randomKey(t)
	const n = 8
	const org = 42
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	idx := make([]string, n)
	cts := make([][]byte, n)
	errs := make([]error, n)
	ready.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer done.Done()
			var once sync.Once
			isReady := func() { once.Do(ready.Done) }
			defer isReady()
			v, err := New(master, nil) // one instance each: no shared cache
			if err != nil {
				errs[i] = err
				return
			}
			errs[i] = d.InOrg(ctx, org, func(tx *db.Tx) error {
				var one int
				err := tx.QueryRow(`SELECT 1`).Scan(&one) // the transaction has begun
				isReady()
				if err != nil {
					return err
				}
				<-start
				if idx[i], err = v.BlindIndex(ctx, tx, "relation.email", "same@example.nl"); err != nil {
					return err
				}
				cts[i], err = v.SealOrg(ctx, tx, "outbox.body", []byte(fmt.Sprint("message ", i)))
				return err
			})
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
	}
	if c := countRows(t, d, `SELECT count(*) FROM vault_org_keys WHERE org_id = $1`, org); c != 1 {
		t.Fatalf("%d keys stored for one organisation", c)
	}
	for i := range idx {
		if idx[i] != idx[0] {
			t.Errorf("instance %d computed blind index %s, instance 0 %s", i, idx[i], idx[0])
		}
	}
	v := must[*Vault](t)(New(master, nil))
	readOrg(t, d, org, func(tx *db.Tx) error {
		for i, c := range cts {
			got, err := v.OpenOrg(ctx, tx, "outbox.body", c)
			if err != nil {
				t.Errorf("message of instance %d does not open with the stored key: %v", i, err)
			} else if string(got) != fmt.Sprint("message ", i) {
				t.Errorf("message %d = %q", i, got)
			}
		}
		return nil
	})
}

func TestArgumentChecks(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	v, _ := newVault(t)
	inOrg(t, d, 1, func(tx *db.Tx) error {
		if _, err := v.NewSubject(ctx, tx, ""); err == nil {
			t.Error("NewSubject with empty kind")
		}
		s := must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
		if _, err := v.Seal(ctx, tx, s, "", []byte("x")); err == nil {
			t.Error("Seal with empty field")
		}
		if _, err := v.SealOrg(ctx, tx, "", []byte("x")); err == nil {
			t.Error("SealOrg with empty field")
		}
		if _, err := v.BlindIndex(ctx, tx, "", "x"); err == nil {
			t.Error("BlindIndex with empty field")
		}
		return nil
	})
	if _, err := v.Seal(ctx, nil, 1, "f", nil); err == nil {
		t.Error("Seal with nil transaction")
	}
}

// The associated data of different purposes, organisations, subjects and
// fields never coincide.
func TestAssociatedDataIsUnambiguous(t *testing.T) {
	seen := map[string]string{}
	for _, p := range []byte{purposeSubjectField, purposeOrgField, purposeSubjectKeyset, purposeOrgAEAD, purposeOrgIndex} {
		for _, org := range []int64{0, 1, 2, 256} {
			for _, s := range []int64{0, 1, 2, 256} {
				for _, f := range []string{"", "a", "ab", "\x00a"} {
					k := string(associatedData(p, org, s, f))
					name := fmt.Sprint(p, org, s, f)
					if prev, dup := seen[k]; dup {
						t.Fatalf("%s and %s share associated data", prev, name)
					}
					seen[k] = name
				}
			}
		}
	}
}

func BenchmarkSeal(b *testing.B) {
	d := dbtest.Open(b, db.SQLite)
	v, _ := newVault(b)
	pt := []byte("Wilhelmina van Oranje")
	inOrg(b, d, 1, func(tx *db.Tx) error {
		s := must[SubjectID](b)(v.NewSubject(ctx, tx, "person"))
		for b.Loop() {
			if _, err := v.Seal(ctx, tx, s, "relation.name", pt); err != nil {
				b.Fatal(err)
			}
		}
		return nil
	})
}

func BenchmarkOpen(b *testing.B) {
	d := dbtest.Open(b, db.SQLite)
	v, _ := newVault(b)
	inOrg(b, d, 1, func(tx *db.Tx) error {
		s := must[SubjectID](b)(v.NewSubject(ctx, tx, "person"))
		ct := must[[]byte](b)(v.SealString(ctx, tx, s, "relation.name", "Wilhelmina van Oranje"))
		for b.Loop() {
			if _, err := v.Open(ctx, tx, s, "relation.name", ct); err != nil {
				b.Fatal(err)
			}
		}
		return nil
	})
}

func BenchmarkBlindIndex(b *testing.B) {
	d := dbtest.Open(b, db.SQLite)
	v, _ := newVault(b)
	inOrg(b, d, 1, func(tx *db.Tx) error {
		for b.Loop() {
			if _, err := v.BlindIndex(ctx, tx, "relation.email", "wilhelmina@example.nl"); err != nil {
				b.Fatal(err)
			}
		}
		return nil
	})
}

// An OrgSealer seals and indexes as the vault does in its transaction, from
// several goroutines at once, and what it sealed opens only in its
// organisation and field.
func TestOrgSealer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		v, _ := newVault(t)
		var sealed [][]byte
		inOrg(t, d, 1, func(tx *db.Tx) error {
			s := must[*OrgSealer](t)(v.OrgSealer(ctx, tx))
			want := must[string](t)(v.BlindIndex(ctx, tx, "bank.payer_iban", "NL44RABO0123456789"))
			if got := must[string](t)(s.BlindIndex("bank.payer_iban", "NL44RABO0123456789")); got != want {
				t.Errorf("sealer's blind index %s, the vault's %s", got, want)
			}
			if _, err := s.SealOrg("", []byte("x")); err == nil {
				t.Error("a sealer sealed under no field")
			}
			sealed = make([][]byte, 8)
			var wg sync.WaitGroup
			for i := range sealed {
				wg.Go(func() {
					b, err := s.SealOrg("bank_lines.details", fmt.Appendf(nil, "line %d", i))
					if err != nil {
						t.Error(err)
					}
					sealed[i] = b
				})
			}
			wg.Wait()
			for i, b := range sealed {
				if got := string(must[[]byte](t)(v.OpenOrg(ctx, tx, "bank_lines.details", b))); got != fmt.Sprintf("line %d", i) {
					t.Errorf("opened %q, sealed line %d", got, i)
				}
			}
			_, err := v.OpenOrg(ctx, tx, "bank_lines.other", sealed[0])
			wantErr(t, "another field", err, ErrInvalidCiphertext)
			return nil
		})
		inOrg(t, d, 2, func(tx *db.Tx) error {
			must[[]byte](t)(v.SealOrg(ctx, tx, "bank_lines.details", []byte("org 2 has keys")))
			_, err := v.OpenOrg(ctx, tx, "bank_lines.details", sealed[0])
			wantErr(t, "another organisation", err, ErrInvalidCiphertext)
			return nil
		})
	})
}
