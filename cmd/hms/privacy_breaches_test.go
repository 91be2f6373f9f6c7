package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"hms/internal/app"
	"hms/internal/platform/dbtest"
	"hms/internal/privacy"
)

// hms privacy breaches lists the register with the 72-hour clock; hms
// migrate refuses a storage country without an adequacy decision (P18).
func TestPrivacyBreachesCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			var out, errOut bytes.Buffer
			if err := run(ctx, append([]string{"privacy", "breaches"}, storage...), &out, &errOut); err != nil ||
				!strings.Contains(out.String(), "no breaches recorded") {
				t.Fatalf("empty register: %v %q", err, out.String())
			}
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Privacy.RecordBreach(ctx, 1, privacy.BreachInput{DiscoveredAt: cliClock.Now().Add(-80 * time.Hour),
				Description: "Laptop gestolen"}); err != nil {
				t.Fatal(err)
			}
			a.Close()
			out.Reset()
			if err := run(ctx, append([]string{"privacy", "breaches"}, storage...), &out, &errOut); err != nil ||
				!strings.Contains(out.String(), "#1") || !strings.Contains(out.String(), "OVERDUE") ||
				!strings.Contains(out.String(), "not assessed") {
				t.Fatalf("register: %v %q", err, out.String())
			}
			t.Setenv("HMS_STORAGE_COUNTRY", "CN")
			args := append(append([]string{"migrate"}, ownerFlag(cfg)...), storage...)
			if err := run(ctx, args, &out, &errOut); err == nil || !strings.Contains(err.Error(), "HMS_STORAGE_COUNTRY=CN") {
				t.Fatalf("migrate with storage in CN: %v", err)
			}
		})
	}
}
