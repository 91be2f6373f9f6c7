package mail_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/jobs"
	"hms/internal/platform/mail"
	"hms/internal/platform/mail/mailtest"
	"hms/internal/platform/vault"
)

// The real vault satisfies Sealer, and the outbox works with it end to end:
// sealing creates the organisation's keys in the sending transaction, the
// job opens in a read-only transaction, and the console opens every
// organisation's messages under that organisation's key.
func TestWithVault(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		key := make([]byte, vault.MasterKeySize)
		_, _ = rand.Read(key)
		v, err := vault.New(key, nil)
		if err != nil {
			t.Fatal(err)
		}
		var _ mail.Sealer = v
		srv := mailtest.NewServer(t)
		clk := clock.NewFixed(t0)
		q := jobs.New(d, clk)
		q.Logger = nil
		o := mail.NewOutbox(d, v, q, clk, mail.Config{SMTPURL: srv.URL()})
		ctx := context.Background()
		send := func(org int64, to string) {
			fn := func(tx *db.Tx) error {
				_, err := o.Send(ctx, tx, mail.Message{To: to, Subject: "Uitnodiging", Text: "https://hms.test/invite/" + to})
				return err
			}
			var err error
			if org == 0 {
				err = d.System(ctx, fn)
			} else {
				err = d.InOrg(ctx, org, fn)
			}
			if err != nil {
				t.Fatalf("send for org %d: %v", org, err)
			}
		}
		send(0, "new@example.nl")
		send(1, "piet@example.nl")
		send(2, "klaas@example.nl")
		for range 3 {
			if ran, err := q.RunOnce(ctx); !ran || err != nil {
				t.Fatalf("RunOnce = %v, %v", ran, err)
			}
		}
		for _, to := range []string{"new@example.nl", "piet@example.nl", "klaas@example.nl"} {
			if m := srv.WaitFor(t, to, 5*time.Second); mailtest.FirstURL(m.Text) != "https://hms.test/invite/"+to {
				t.Errorf("mail to %s: %q", to, m.Text)
			}
		}
		var all []mail.Stored
		if err := d.ReadSystem(ctx, func(tx *db.Tx) error {
			all, err = o.List(ctx, tx, 10)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// The platform sees its own mail only, never a customer's.
		if len(all) != 1 || all[0].To != "new@example.nl" {
			t.Fatalf("platform list: %+v", all)
		}
		var org1 []mail.Stored
		if err := d.ReadOrg(ctx, 1, func(tx *db.Tx) error {
			org1, err = o.List(ctx, tx, 10)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(org1) != 1 || org1[0].To != "piet@example.nl" {
			t.Fatalf("organisation 1 list: %+v", org1)
		}
		all = append(all, org1...)
		for _, s := range all {
			if s.Unreadable || s.State != mail.StateSent || s.To == "" {
				t.Errorf("console: %+v", s)
			}
		}
		assertNoPlaintext(t, d, "piet@example.nl", "klaas@example.nl", "new@example.nl", "invite")
	})
}
