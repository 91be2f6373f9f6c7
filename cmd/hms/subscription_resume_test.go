package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"hms/internal/app"
	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
)

// hms subscription subscribe while a cancellation is pending exits non-zero
// and says to undo the cancellation; after the cancellation took effect it
// makes the organisation active again and the cancellation is gone.
func TestSubscriptionSubscribeAfterCancellation(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			t.Setenv("HMS_CREDITOR_ID", "NL51ZZZ405365330000")
			t.Setenv("HMS_CREDITOR_NAME", "HMS Huurbeheer B.V.")
			ctx := context.Background()
			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			for _, slug := range []string{"proef", "tweede"} {
				if out, err := run1("demo", "--org", slug, "--units", "3"); err != nil {
					t.Fatalf("demo: %q %v", out, err)
				}
			}
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			org, err := a.Accounts.OrgBySlug(ctx, "proef")
			if err != nil {
				t.Fatal(err)
			}
			if err := a.Subscriptions.ExtendTrial(ctx, 0, org.ID, civil.Today(cliClock.Now()).AddDays(7)); err != nil {
				t.Fatal(err)
			}
			a.Close()
			subscribe := []string{"subscription", "subscribe", "--kind", "company", "--name", "Proef B.V.", "--street", "Stationsplein",
				"--house-number", "1", "--postcode", "3511 ED", "--city", "Utrecht", "--email", "facturen@proef.example",
				"--kvk", "40536533", "--iban", "NL91ABNA0417164300", "--signed"}
			// proef: in its trial, the cancellation pending until the trial ends.
			if out, err := run1("subscription", "cancel", "--org", "proef"); err != nil {
				t.Fatalf("cancel: %q %v", out, err)
			}
			out, err := run1(append(subscribe, "--org", "proef")...)
			if err == nil || !strings.Contains(err.Error(), "undo the cancellation") {
				t.Fatalf("subscribe while the cancellation is pending: %q %v", out, err)
			}
			if out, err := run1("subscription", "show", "--org", "proef"); err != nil || !strings.Contains(out, "cancelled: usable through") {
				t.Fatalf("show after the refusal: %q %v", out, err)
			}
			// tweede: no trial, so cancelled at once; subscribing makes it active again.
			if out, err := run1("subscription", "cancel", "--org", "tweede"); err != nil {
				t.Fatalf("cancel: %q %v", out, err)
			}
			if out, err := run1(append(subscribe[:len(subscribe)-1], "--org", "tweede")...); err == nil ||
				!strings.Contains(err.Error(), "--signed") {
				t.Fatalf("subscribe without the signature: %q %v", out, err)
			}
			if out, err := run1(append(subscribe, "--org", "tweede")...); err != nil || !strings.Contains(out, "subscribed: ") {
				t.Fatalf("subscribe after the cancellation: %q %v", out, err)
			}
			out, err = run1("subscription", "show", "--org", "tweede")
			if err != nil || !strings.Contains(out, "state: subscribed") || strings.Contains(out, "cancelled:") {
				t.Fatalf("show after subscribing again: %q %v", out, err)
			}
		})
	}
}
