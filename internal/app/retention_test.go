package app_test

import (
	"context"
	"testing"
	"time"

	"hms/internal/app"
	"hms/internal/app/apptest"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/mail"
)

// The daily retention job, as a running server does it: finished jobs and
// sent mail stay while younger than the retention age and are pruned by
// the first run after it passed; each run queues the next, one a day.
func TestRetentionPrunesDaily(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			t0 := time.Date(2026, time.March, 2, 3, 0, 0, 0, time.UTC)
			clk := clock.NewFixed(t0)
			e := apptest.Start(t, engine, apptest.Options{Clock: clk, Configure: func(c *app.Config) { c.Retention = 10 * 24 * time.Hour }})
			count := func(q string) int {
				t.Helper()
				var n int
				// As the schema's owner: jobs and mail of every organisation.
				if err := e.DB.Raw().QueryRowContext(ctx, q).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			send := func(subject string) {
				t.Helper()
				if err := e.DB.System(ctx, func(tx *db.Tx) error {
					_, err := e.Outbox.Send(ctx, tx, mail.Message{To: "huurder@example.nl", Subject: subject, Text: "Hallo"})
					return err
				}); err != nil {
					t.Fatal(err)
				}
			}
			sentMail := `SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent'`
			mailJobs := `SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send' AND state = 'done'`
			// A run at after has queued the next one.
			nextQueued := func(after time.Time) func() bool {
				return func() bool {
					return count(`SELECT COUNT(*) FROM jobs WHERE kind = '`+app.JobRetention+`' AND state = 'queued' AND run_at > '`+db.TS(after)+`'`) == 1
				}
			}

			// Start ran the first pruning (nothing to prune) and queued the next for tomorrow.
			waitFor(t, "the first retention run", nextQueued(t0))
			send("oud")
			waitFor(t, "the old message sent", func() bool { return count(sentMail) == 1 && count(mailJobs) == 1 })

			// Six days later: a second message; the run of the day keeps both (younger than ten days).
			clk.Set(t0.Add(6 * 24 * time.Hour))
			send("nieuw")
			waitFor(t, "the new message sent", func() bool { return count(sentMail) == 2 && count(mailJobs) == 2 })
			waitFor(t, "the retention run of day 6", nextQueued(clk.Now()))
			if n := count(sentMail); n != 2 {
				t.Fatalf("pruned too early: %d sent messages left", n)
			}

			// Twelve days after the first: its message and job go (and the first
			// retention run's job), the newer ones stay.
			clk.Set(t0.Add(12 * 24 * time.Hour))
			waitFor(t, "the retention run of day 12", nextQueued(clk.Now()))
			if n := count(sentMail); n != 1 {
				t.Fatalf("after the age passed: %d sent messages left, want 1", n)
			}
			if n := count(mailJobs); n != 1 {
				t.Fatalf("after the age passed: %d finished mail jobs left, want 1", n)
			}
			if n := count(`SELECT COUNT(*) FROM jobs WHERE kind = '` + app.JobRetention + `' AND run_at <= '` + db.TS(t0) + `'`); n != 0 {
				t.Fatalf("the first retention job is kept: %d", n)
			}
			if n := count(`SELECT COUNT(*) FROM jobs WHERE kind = '` + app.JobRetention + `'`); n != 3 {
				t.Fatalf("retention jobs: %d, want the runs of day 6 and 12 and the next", n)
			}
		})
	}
}

// waitFor polls ok (the workers run in real time) until it holds.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
