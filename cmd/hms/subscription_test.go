package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"hms/internal/platform/dbtest"
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
