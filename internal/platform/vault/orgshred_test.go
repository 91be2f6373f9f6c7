package vault

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// ShredOrganisation journals the organisation once, with the first time, in
// its own transaction (a rolled-back one leaves no line). After the keys
// came back from an older backup, ReplayOrganisations destroys them again
// and runs the registered functions for each journaled organisation, and
// leaves the other organisation's keys alone.
func TestShredOrganisationJournalsAndReplayShredsAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		_, master := newVault(t)
		clk := clock.NewFixed(time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC))
		v := must[*Vault](t)(New(master, clk))
		var sealed []byte
		inOrg(t, d, 1, func(tx *db.Tx) error {
			sealed = must[[]byte](t)(v.SealOrg(ctx, tx, "test.field", []byte("Piet Puk")))
			return nil
		})
		inOrg(t, d, 2, func(tx *db.Tx) error { return v.EnsureOrgKeys(ctx, tx) })
		var keys []any
		readOrg(t, d, 1, func(tx *db.Tx) error {
			var a, b []byte
			err := tx.QueryRow(`SELECT aead_wrapped, index_wrapped FROM vault_org_keys WHERE org_id = 1`).Scan(&a, &b)
			keys = []any{a, b}
			return err
		})
		boom := errors.New("boom")
		if err := d.InOrg(ctx, 1, func(tx *db.Tx) error {
			if _, _, err := v.ShredOrganisation(ctx, tx); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if got := must[[]OrgErasure](t)(OrgErasures(ctx, d)); len(got) != 0 {
			t.Fatalf("a rolled-back shred journaled %v", got)
		}
		first := db.TS(clk.Now())
		inOrg(t, d, 1, func(tx *db.Tx) error {
			_, n, err := v.ShredOrganisation(ctx, tx)
			if err == nil && n != 1 {
				t.Errorf("destroyed %d organisation keys, want 1", n)
			}
			return err
		})
		clk.Advance(time.Hour)
		inOrg(t, d, 1, func(tx *db.Tx) error { _, _, err := v.ShredOrganisation(ctx, tx); return err })
		want := []OrgErasure{{1, first}}
		if got := must[[]OrgErasure](t)(OrgErasures(ctx, d)); !slices.Equal(got, want) {
			t.Fatalf("journal %v, want %v", got, want)
		}

		// The keys as an older backup has them.
		if err := d.System(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(`INSERT INTO vault_org_keys (org_id, aead_wrapped, index_wrapped, created_at) VALUES (1, $1, $2, $3)`,
				append(keys, first)...)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var replayed []int64
		fresh := must[*Vault](t)(New(master, clk)) // no keys cached
		fresh.OnOrgReplay(func(ctx context.Context, org int64, at string) error {
			if at != first {
				t.Errorf("replayed %d with %s, want %s", org, at, first)
			}
			replayed = append(replayed, org)
			return nil
		})
		for range 2 {
			if n := must[int](t)(fresh.ReplayOrganisations(ctx, d)); n != 1 {
				t.Errorf("replayed %d organisations, want 1", n)
			}
		}
		if !slices.Equal(replayed, []int64{1, 1}) {
			t.Errorf("replay functions ran for %v", replayed)
		}
		readOrg(t, d, 1, func(tx *db.Tx) error {
			if _, err := fresh.OpenOrg(ctx, tx, "test.field", sealed); err == nil {
				t.Error("the organisation-sealed value opens after the replay")
			}
			return nil
		})
		readOrg(t, d, 2, func(tx *db.Tx) error {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM vault_org_keys WHERE org_id = 2`).Scan(&n); err != nil || n != 1 {
				t.Errorf("organisation 2's keys: %d %v", n, err)
			}
			return nil
		})
	})
}
