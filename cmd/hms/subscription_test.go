package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/dbtest"
	"hms/internal/subscription"
)

// hms plans list prints the seeded plans; hms subscription show prints an
// organisation's standing and its price by units.
func TestSubscriptionCommands(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			_, _, storage := newCLI(t, engine)
			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(context.Background(), args, &out, &errOut)
				return out.String(), err
			}
			out, err := run1(append([]string{"plans", "list"}, storage...)...)
			if err != nil || !strings.Contains(out, "Start\t0-10 units\t€19.00") || !strings.Contains(out, "Professional\t251+ units") {
				t.Fatalf("plans list: %q %v", out, err)
			}
			if out, err := run1(append([]string{"demo", "--org", "proef", "--units", "12"}, storage...)...); err != nil {
				t.Fatalf("demo: %q %v", out, err)
			}
			out, err = run1(append([]string{"subscription", "show", "--org", "proef"}, storage...)...)
			if err != nil || !strings.Contains(out, "state: no trial") || !strings.Contains(out, "units: 12") ||
				!strings.Contains(out, "plan by units: Basic") {
				t.Fatalf("subscription show: %q %v", out, err)
			}
			if _, err := run1(append([]string{"subscription", "show", "--org", "nergens"}, storage...)...); err == nil {
				t.Fatal("an unknown organisation passed")
			}
			// No trial and no subscription: the cancellation takes effect at once.
			out, err = run1(append([]string{"subscription", "cancel", "--org", "proef"}, storage...)...)
			if err != nil || !strings.Contains(out, "cancelled: usable through ") || !strings.Contains(out, "export until ") {
				t.Fatalf("subscription cancel: %q %v", out, err)
			}
			if out, err := run1(append([]string{"subscription", "show", "--org", "proef"}, storage...)...); err != nil ||
				!strings.Contains(out, "state: cancelled") || !strings.Contains(out, "cancelled: usable through") {
				t.Fatalf("show after cancel: %q %v", out, err)
			}
			if _, err := run1(append([]string{"subscription", "cancel", "--org", "proef", "--undo"}, storage...)...); err == nil ||
				!strings.Contains(err.Error(), "can no longer be undone") {
				t.Fatalf("undo of an effective cancellation: %v", err)
			}
		})
	}
}

// After the trial without a subscription the command line may read the
// organisation but not change it, as the back office and the API; privacy
// duties go on, and a longer trial lifts it.
func TestCommandsRefuseWritesAfterTheTrial(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			if out, err := run1("demo", "--org", "proef", "--units", "12"); err != nil {
				t.Fatalf("demo: %q %v", out, err)
			}
			trialEnds := func(d civil.Date) {
				a, err := app.Open(ctx, appConfig(cfg, key))
				if err != nil {
					t.Fatal(err)
				}
				defer a.Close()
				org, err := a.Accounts.OrgBySlug(ctx, "proef")
				if err != nil {
					t.Fatal(err)
				}
				if err := a.Subscriptions.ExtendTrial(ctx, 0, org.ID, d); err != nil {
					t.Fatal(err)
				}
			}
			today := civil.Today(cliClock.Now())
			trialEnds(today.AddDays(-1))
			period := today.String()[:7]
			for _, args := range [][]string{
				{"org", "set", "--org", "proef", "--city", "Zwolle"},
				{"rentrun", "--org", "proef", "--period", period},
			} {
				out, err := run1(args...)
				if err == nil || !strings.Contains(err.Error(), "trial has ended") || !strings.Contains(err.Error(), "/o/proef/settings/subscription") {
					t.Fatalf("%v after the trial: %q %v", args, out, err)
				}
			}
			if out, err := run1("org", "show", "--org", "proef"); err != nil || strings.Contains(out, "Zwolle") {
				t.Fatalf("org show after the trial: %q %v", out, err)
			}
			if out, err := run1("privacy", "retention", "--org", "proef", "--dry-run"); err != nil {
				t.Fatalf("the retention dry run after the trial: %q %v", out, err)
			}
			trialEnds(today.AddDays(7))
			if out, err := run1("org", "set", "--org", "proef", "--city", "Zwolle"); err != nil {
				t.Fatalf("org set in the trial: %q %v", out, err)
			}
		})
	}
}

// hms subscription invoice-run issues the month's invoices once, and hms
// subscription invoices lists them; a month that is not one is refused.
func TestSubscriptionInvoiceCommands(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			t.Setenv("HMS_CREDITOR_ID", "NL51ZZZ405365330000")
			t.Setenv("HMS_CREDITOR_NAME", "HMS Huurbeheer B.V.")
			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(context.Background(), append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			if out, err := run1("demo", "--org", "proef", "--units", "3"); err != nil {
				t.Fatalf("demo: %q %v", out, err)
			}
			ctx := context.Background()
			ac := appConfig(cfg, key)
			ac.CreditorID, ac.CreditorName = "NL51ZZZ405365330000", "HMS Huurbeheer B.V."
			a, err := app.Open(ctx, ac)
			if err != nil {
				t.Fatal(err)
			}
			org, err := a.Accounts.OrgBySlug(ctx, "proef")
			if err != nil {
				t.Fatal(err)
			}
			owner := account.Actor{OrgID: org.ID, OrgSlug: org.Slug, Role: account.Owner, Kind: "system"}
			if _, err := a.Subscriptions.Subscribe(ctx, owner, subscription.Input{Kind: subscription.Company, Name: "Proef B.V.",
				Street: "Stationsplein", HouseNumber: "1", Postcode: "3511 ED", City: "Utrecht", Email: "facturen@proef.example",
				KvK: "40536533", IBAN: "NL91ABNA0417164300", Sign: true}); err != nil {
				t.Fatal(err)
			}
			started := a.Subscriptions.Today()
			a.Close()
			next := civil.MonthOf(started).Add(1).String()
			out, err := run1("subscription", "invoice-run", "--month", next)
			// The start month (prorated unless it began on the 1st) and the next.
			if err != nil || !strings.Contains(out, next+": 2 invoices issued") {
				t.Fatalf("invoice-run: %q %v", out, err)
			}
			if out, err := run1("subscription", "invoice-run", "--month", next); err != nil || !strings.Contains(out, ": 0 invoices") {
				t.Fatalf("invoice-run again: %q %v", out, err)
			}
			if _, err := run1("subscription", "invoice-run", "--month", "13-2027"); err == nil {
				t.Fatal("a bad month passed")
			}
			out, err = run1("subscription", "invoices", "--org", "proef")
			if err != nil || !strings.Contains(out, "HMS0000002\t") || !strings.Contains(out, "HMS0000001\t") ||
				!strings.Contains(out, "Start\t3 units\tnet €19.00\tVAT €3.99\ttotal €22.99") {
				t.Fatalf("invoices: %q %v", out, err)
			}
			file := filepath.Join(t.TempDir(), "hms.xml")
			if _, err := run1("subscription", "collect"); err == nil {
				t.Fatal("collect without --out passed")
			}
			t.Setenv("HMS_CREDITOR_IBAN", "NL44RABO0123456789")
			if out, err := run1("subscription", "collect", "--out", file); err != nil || !strings.Contains(out, "no invoices due") {
				t.Fatalf("collect before the date: %q %v", out, err)
			}
			old := cliClock
			cliClock = clock.NewFixed(old.Now().Add(20 * 24 * time.Hour)) // past the pre-notified date
			defer func() { cliClock = old }()
			out, err = run1("subscription", "collect", "--out", file)
			if err != nil || !strings.Contains(out, ": 2 invoices") {
				t.Fatalf("collect: %q %v", out, err)
			}
			if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), "pain.008.001.02") ||
				!strings.Contains(string(b), "<SeqTp>FRST</SeqTp>") {
				t.Fatalf("the file: %v %s", err, b)
			}
			if out, err := run1("subscription", "collect", "--out", file); err != nil || !strings.Contains(out, "no invoices due") {
				t.Fatalf("collect again: %q %v", out, err)
			}

			// What the bank did: one returned (bad input refused at its flag), one paid by transfer, the batch booked.
			if _, err := run1("subscription", "returned", "--invoice", "HMS0000001", "--reason", "ZZ01"); err == nil ||
				!strings.Contains(err.Error(), "--reason") {
				t.Fatalf("a bad reason: %v", err)
			}
			if _, err := run1("subscription", "returned", "--invoice", "HMS0009999", "--reason", "AM04"); err == nil ||
				!strings.Contains(err.Error(), "--invoice") {
				t.Fatalf("an unknown invoice: %v", err)
			}
			if out, err := run1("subscription", "returned", "--invoice", "HMS0000001", "--reason", "am04"); err != nil ||
				!strings.Contains(out, "HMS0000001: returned (Insufficient funds)") {
				t.Fatalf("returned: %q %v", out, err)
			}
			// Unpaid past the grace period: the daily run makes the organisation read-only, and the CLI says why.
			cliClock = clock.NewFixed(old.Now().Add(35 * 24 * time.Hour))
			pa, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			if n, err := pa.Subscriptions.UpdatePastDue(ctx); err != nil || n != 1 {
				t.Fatalf("past due: %d %v", n, err)
			}
			pa.Close()
			if _, err := run1("org", "set", "--org", "proef", "--city", "Zwolle"); err == nil ||
				!strings.Contains(err.Error(), "unpaid after its collection failed") {
				t.Fatalf("a write while past due: %v", err)
			}
			if out, err := run1("subscription", "collected", "--batch", "1"); err != nil || !strings.Contains(out, "batch 1: 1 invoices collected") {
				t.Fatalf("collected: %q %v", out, err)
			}
			if out, err := run1("subscription", "paid", "--invoice", "HMS0000001"); err != nil || !strings.Contains(out, "HMS0000001: paid") {
				t.Fatalf("paid: %q %v", out, err)
			}
			if _, err := run1("subscription", "paid", "--invoice", "HMS0000001"); err == nil || !strings.Contains(err.Error(), "already paid") {
				t.Fatalf("paid twice: %v", err)
			}
			out, err = run1("subscription", "invoices", "--org", "proef")
			if err != nil || strings.Count(out, "paid") != 2 {
				t.Fatalf("invoices after: %q %v", out, err)
			}
			if out, err := run1("org", "set", "--org", "proef", "--city", "Zwolle"); err != nil {
				t.Fatalf("a write once paid: %q %v", out, err)
			}
		})
	}
}
