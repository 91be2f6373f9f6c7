package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// Shred journals every erasure in its own transaction (a rolled-back one
// leaves no line), once per subject with the first time. Replay, after the
// data came back from an older backup, shreds the journaled subjects again
// in their organisations (the platform's in a System transaction), writes a
// shredded tombstone for a subject the data no longer has, runs the
// registered functions for each, and leaves everyone else alone.
func TestShredJournalsAndReplayShredsAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		_, master := newVault(t)
		clk := clock.NewFixed(time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC))
		v := must[*Vault](t)(New(master, clk))
		var s, kept, u, rolledBack, platform SubjectID
		var ct, wrapped []byte
		inOrg(t, d, 1, func(tx *db.Tx) error {
			s = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			kept = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			rolledBack = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			ct = must[[]byte](t)(v.SealString(ctx, tx, s, "relation.name", "Piet Puk"))
			return tx.QueryRow(`SELECT keyset_wrapped FROM vault_subjects WHERE id = $1`, int64(s)).Scan(&wrapped)
		})
		inOrg(t, d, 2, func(tx *db.Tx) error {
			u = must[SubjectID](t)(v.NewSubject(ctx, tx, "person"))
			return v.Shred(ctx, tx, u)
		})
		if err := d.System(ctx, func(tx *db.Tx) error {
			platform = must[SubjectID](t)(v.NewSubject(ctx, tx, "user"))
			return v.Shred(ctx, tx, platform)
		}); err != nil {
			t.Fatal(err)
		}
		first := db.TS(clk.Now())
		inOrg(t, d, 1, func(tx *db.Tx) error { return v.Shred(ctx, tx, s) })
		clk.Advance(time.Hour)
		inOrg(t, d, 1, func(tx *db.Tx) error { return v.Shred(ctx, tx, s) })
		boom := errors.New("boom")
		if err := d.InOrg(ctx, 1, func(tx *db.Tx) error {
			if err := v.Shred(ctx, tx, rolledBack); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		// Organisation 2 cannot shred (or journal) organisation 1's subject.
		if err := d.InOrg(ctx, 2, func(tx *db.Tx) error { return v.Shred(ctx, tx, kept) }); !errors.Is(err, ErrNoSubject) {
			t.Errorf("shred another organisation's subject: %v", err)
		}
		want := []Erasure{{0, platform, first}, {1, s, first}, {2, u, first}}
		got := must[[]Erasure](t)(Erasures(ctx, d))
		if !slices.Equal(got, want) {
			t.Fatalf("journal %v, want %v", got, want)
		}

		// The data as an older backup has it: s not shredded, u not there.
		if err := d.System(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(`UPDATE vault_subjects SET keyset_wrapped = $1, shredded_at = NULL WHERE id = $2`, wrapped, int64(s)); err != nil {
				return err
			}
			_, err := tx.Exec(`DELETE FROM vault_subjects WHERE id = $1`, int64(u))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		readOrg(t, d, 1, func(tx *db.Tx) error {
			_ = must[[]byte](t)(v.Open(ctx, tx, s, "relation.name", ct))
			return nil
		})

		var calls []string
		v.OnReplay(func(_ context.Context, tx *db.Tx, sub SubjectID) error {
			calls = append(calls, fmt.Sprintf("%d/%d", tx.OrgID(), sub))
			return nil
		})
		if n := must[int](t)(v.Replay(ctx, d)); n != 3 {
			t.Errorf("replayed %d, want 3", n)
		}
		if w := []string{fmt.Sprintf("0/%d", platform), fmt.Sprintf("1/%d", s), fmt.Sprintf("2/%d", u)}; !slices.Equal(calls, w) {
			t.Errorf("replay functions ran for %v, want %v", calls, w)
		}
		readOrg(t, d, 1, func(tx *db.Tx) error {
			_, err := v.Open(ctx, tx, s, "relation.name", ct)
			wantErr(t, "Open after Replay", err, ErrShredded)
			var at string
			if err := tx.QueryRow(`SELECT shredded_at FROM vault_subjects WHERE id = $1`, int64(s)).Scan(&at); err != nil || at != first {
				t.Errorf("shredded_at after Replay %q (%v), want the journal's %q", at, err, first)
			}
			_, err = v.SealString(ctx, tx, kept, "relation.name", "Klaas")
			if err != nil {
				t.Errorf("a subject never erased after Replay: %v", err)
			}
			return nil
		})
		readOrg(t, d, 2, func(tx *db.Tx) error {
			var kind string
			var ksw []byte
			if err := tx.QueryRow(`SELECT kind, keyset_wrapped FROM vault_subjects WHERE id = $1`, int64(u)).Scan(&kind, &ksw); err != nil {
				t.Errorf("the tombstone of a subject missing from the data: %v", err)
			}
			if kind != "erased" || ksw != nil {
				t.Errorf("tombstone kind %q keyset %x", kind, ksw)
			}
			return nil
		})
		// Replaying again changes nothing.
		if n := must[int](t)(v.Replay(ctx, d)); n != 3 {
			t.Errorf("replayed %d the second time, want 3", n)
		}
	})
}

// Keys derived from the master key depend on it, the salt and the purpose.
func TestDeriveKey(t *testing.T) {
	v, _ := newVault(t)
	w, _ := newVault(t)
	salt := []byte("salt")
	a := must[[]byte](t)(v.DeriveKey(salt, "one", 32))
	if len(a) != 32 || !bytes.Equal(a, must[[]byte](t)(v.DeriveKey(salt, "one", 32))) {
		t.Fatal("a derived key is not stable")
	}
	for name, other := range map[string][]byte{
		"another purpose":    must[[]byte](t)(v.DeriveKey(salt, "two", 32)),
		"another salt":       must[[]byte](t)(v.DeriveKey([]byte("pepper"), "one", 32)),
		"another master key": must[[]byte](t)(w.DeriveKey(salt, "one", 32)),
	} {
		if bytes.Equal(a, other) {
			t.Errorf("%s gives the same key", name)
		}
	}
	if _, err := v.DeriveKey(salt, "", 32); err == nil {
		t.Error("a key without a purpose was derived")
	}
}
