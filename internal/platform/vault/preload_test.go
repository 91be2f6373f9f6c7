package vault

import (
	"testing"

	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// Keysets read with the caller's rows open what they sealed, as Preload's
// would; another subject's keyset does not unwrap as this one's, and a
// shredded subject (no keyset) is left for Open to report.
func TestPreloadWrapped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		v, _ := newVault(t)
		var a, b SubjectID
		var ca, cb []byte
		inOrg(t, d, 1, func(tx *db.Tx) error {
			a = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			b = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			ca = must[[]byte](t)(v.Seal(ctx, tx, a, "relation.name", []byte("Jan de Vries")))
			cb = must[[]byte](t)(v.Seal(ctx, tx, b, "relation.name", []byte("Els Bakker")))
			return v.Shred(ctx, tx, b)
		})
		wrapped := func(tx *db.Tx, s SubjectID) []byte {
			var ksw []byte
			if err := tx.QueryRowContext(ctx, `SELECT keyset_wrapped FROM vault_subjects WHERE org_id = $1 AND id = $2`,
				tx.OrgID(), int64(s)).Scan(&ksw); err != nil {
				t.Fatal(err)
			}
			return ksw
		}
		readOrg(t, d, 1, func(tx *db.Tx) error {
			if err := v.PreloadWrapped(ctx, tx, map[SubjectID][]byte{a: wrapped(tx, a), b: nil}); err != nil {
				t.Fatal(err)
			}
			if got := must[[]byte](t)(v.Open(ctx, tx, a, "relation.name", ca)); string(got) != "Jan de Vries" {
				t.Errorf("Open after PreloadWrapped = %q", got)
			}
			_, err := v.Open(ctx, tx, b, "relation.name", cb)
			wantErr(t, "a shredded subject", err, ErrShredded)
			return nil
		})
		readOrg(t, d, 1, func(tx *db.Tx) error {
			var c SubjectID
			if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM vault_subjects`).Scan(&c); err != nil {
				t.Fatal(err)
			}
			if err := v.PreloadWrapped(ctx, tx, map[SubjectID][]byte{c + 1: wrapped(tx, a)}); err == nil {
				t.Error("a keyset unwrapped as another subject's")
			}
			return nil
		})
	})
}
