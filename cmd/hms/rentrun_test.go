package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"hms/internal/platform/dbtest"
)

// hms rentrun on a demo portfolio: a preview writes nothing, the run posts,
// and running the month again posts nothing more.
func TestRentRunCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			_, _, storage := newCLI(t, engine)
			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(context.Background(), append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			if out, err := run1("demo", "--org", "proef", "--units", "20"); err != nil {
				t.Fatalf("demo: %q %v", out, err)
			}
			if _, err := run1("rentrun", "--org", "proef", "--period", "2026-13"); err == nil || !strings.Contains(err.Error(), "--period") {
				t.Fatalf("bad period: %v", err)
			}
			if _, err := run1("rentrun", "--org", "nobody", "--period", "2026-12"); err == nil {
				t.Fatal("unknown organisation accepted")
			}
			out, err := run1("rentrun", "--org", "proef", "--period", "2026-12", "--preview")
			m := regexp.MustCompile(`preview 2026-12: (\d+) invoices`).FindStringSubmatch(out)
			if err != nil || m == nil || m[1] == "0" {
				t.Fatalf("preview: %q %v", out, err)
			}
			out, err = run1("rentrun", "--org", "proef", "--period", "2026-12")
			if err != nil || !strings.Contains(out, " "+m[1]+" invoices posted") {
				t.Fatalf("run: %q %v (preview said %s)", out, err, m[1])
			}
			out, err = run1("rentrun", "--org", "proef", "--period", "2026-12")
			if err != nil || !strings.Contains(out, ": 0 invoices posted") {
				t.Fatalf("second run: %q %v", out, err)
			}
		})
	}
}
