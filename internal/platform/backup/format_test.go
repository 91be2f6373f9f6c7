package backup

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/vault"
)

// chunks splits a backup file into its header and its encrypted chunks.
func chunks(t *testing.T, file []byte) (head []byte, parts [][]byte) {
	t.Helper()
	n := len(magic) + 4 + int(binary.BigEndian.Uint32(file[len(magic):]))
	head, rest := file[:n], file[n:]
	for len(rest) > 0 {
		k := 5 + int(binary.BigEndian.Uint32(rest[1:5]))
		parts, rest = append(parts, rest[:k]), rest[k:]
	}
	return head, parts
}

// A file that is altered, cut short, reordered, extended or of another
// schema version is refused before anything changes, with its reason.
func TestRestoreRefusesDamagedAndForeignFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		v, err := vault.New(key, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Enough random keysets to fill several chunks.
		var subjects []vault.SubjectID
		if err := d.InOrg(ctx, 1, func(tx *db.Tx) error {
			for range 1500 {
				s, err := v.NewSubject(ctx, tx, "person")
				if err != nil {
					return err
				}
				subjects = append(subjects, s)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		sum, err := Write(ctx, d, v, &buf)
		if err != nil {
			t.Fatal(err)
		}
		file := buf.Bytes()
		head, parts := chunks(t, file)
		if len(parts) < 3 {
			t.Fatalf("%d chunks; the test needs at least 3", len(parts))
		}
		if bytes.Contains(head, []byte("vault")) || sum.Schema == 0 {
			t.Fatalf("header %q, schema %d", head, sum.Schema)
		}
		join := func(p ...[]byte) []byte { return bytes.Join(append([][]byte{head}, p...), nil) }
		// A header altered after the fact changes every chunk's associated
		// data.
		changed := bytes.Clone(head)
		changed[bytes.Index(changed, []byte(`"engine":"`))+len(`"engine":"`)] = 'x'
		flipped := bytes.Clone(file)
		flipped[len(head)+len(parts[0])+100] ^= 1
		last := len(parts) - 1
		cases := map[string]struct {
			file []byte
			want error
		}{
			"not a backup":         {[]byte("id;naam\n1;Jansen\n"), ErrNotBackup},
			"a bit flipped":        {flipped, ErrDamaged},
			"cut short":            {file[:len(file)-10], ErrDamaged},
			"without its last":     {join(parts[:last]...), ErrDamaged},
			"two chunks swapped":   {join(append([][]byte{parts[1], parts[0]}, parts[2:]...)...), ErrDamaged},
			"a chunk left out":     {join(append([][]byte{parts[0]}, parts[2:]...)...), ErrDamaged},
			"something after it":   {append(bytes.Clone(file), 0), ErrDamaged},
			"header changed after": {append(changed, file[len(head):]...), ErrDamaged},
		}
		count := func() (n int) {
			if err := d.ReadOrg(ctx, 1, func(tx *db.Tx) error {
				return tx.QueryRow(`SELECT COUNT(*) FROM vault_subjects`).Scan(&n)
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		// The database gets rows of its own, which a failed restore keeps.
		if err := d.InOrg(ctx, 1, func(tx *db.Tx) error {
			_, err := v.NewSubject(ctx, tx, "person")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for name, c := range cases {
			_, err := Restore(ctx, d, v, bytes.NewReader(c.file), true)
			if !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", name, err, c.want)
			}
			if n := count(); n != len(subjects)+1 {
				t.Fatalf("%s: %d subjects after a refused restore, want %d", name, n, len(subjects)+1)
			}
		}

		// Another schema version.
		var other bytes.Buffer
		sw, err := newSealWriter(&other, v, header{Schema: sum.Schema - 1, Engine: string(d.Dialect)})
		if err != nil {
			t.Fatal(err)
		}
		if err := sw.Close(); err != nil {
			t.Fatal(err)
		}
		_, err = Restore(ctx, d, v, &other, true)
		var se *SchemaError
		if !errors.As(err, &se) || se.File != sum.Schema-1 || se.Database != sum.Schema || !strings.Contains(err.Error(), "schema version") {
			t.Errorf("another schema version: %v", err)
		}

		// The file itself restores, over the database's own rows.
		if _, err := Restore(ctx, d, v, bytes.NewReader(file), true); err != nil {
			t.Fatalf("restore: %v", err)
		}
		if n := count(); n != len(subjects) {
			t.Errorf("%d subjects after the restore, want %d", n, len(subjects))
		}
	})
}
