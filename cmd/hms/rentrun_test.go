package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
)

// hms rentrun on a demo portfolio, for the month after the tests' today (the
// demo charged the three months up to it): a scope that does not resolve is
// refused at its flag with exit code 2; without --confirm nothing is
// written; the scope is said in words; a run posts only what is missing; a
// run can be undone and its month charged again.
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
			n := civil.Today(cliClock.Now()).FirstOfMonth().AddMonths(1)
			next := fmt.Sprintf("%04d-%02d", n.Year, int(n.Month))
			if _, err := run1("rentrun", "--org", "proef", "--period", "2026-13"); err == nil || !strings.Contains(err.Error(), "--period") {
				t.Fatalf("bad period: %v", err)
			}
			if _, err := run1("rentrun", "--org", "nobody", "--period", next); err == nil {
				t.Fatal("unknown organisation accepted")
			}
			for _, args := range [][]string{{"--lease", "2027-0001"}, {"--unit", "Nergensstraat 1"}, {"--complex", "Bestaat Niet"}} {
				_, err := run1(append([]string{"rentrun", "--org", "proef", "--period", next, "--confirm"}, args...)...)
				if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), args[0]+": No ") {
					t.Fatalf("%v: %v (exit %d)", args, err, exitCode(err))
				}
			}
			if _, err := run1("rentrun", "--org", "proef", "--period", next, "--lease", "x", "--unit", "y"); err == nil || exitCode(err) != 2 {
				t.Fatalf("two scopes: %v", err)
			}

			out, err := run1("rentrun", "--org", "proef", "--period", next)
			m := regexp.MustCompile(`preview ` + next + `: (\d+) invoices`).FindStringSubmatch(out)
			if err != nil || m == nil || m[1] == "0" || !strings.Contains(out, "scope: the whole organisation (") {
				t.Fatalf("preview: %q %v", out, err)
			}
			ref := strings.SplitN(strings.Split(out, "\n")[1], "\t", 2)[0]
			out, err = run1("rentrun", "--org", "proef", "--period", next, "--lease", ref)
			if err != nil || !strings.Contains(out, "scope: 1 lease: "+ref+", ") || !strings.Contains(out, ": 1 invoices") ||
				!strings.Contains(out, "nothing was posted") {
				t.Fatalf("preview of %s: %q %v", ref, out, err)
			}
			out, err = run1("rentrun", "--org", "proef", "--period", next, "--lease", ref, "--confirm")
			if err != nil || !strings.Contains(out, ": 1 invoices posted") {
				t.Fatalf("run of %s: %q %v", ref, out, err)
			}
			var rest int
			fmt.Sscan(m[1], &rest)
			rest--
			out, err = run1("rentrun", "--org", "proef", "--period", next, "--confirm")
			runID := regexp.MustCompile(`run (\d+) for`).FindStringSubmatch(out)
			if err != nil || runID == nil || !strings.Contains(out, fmt.Sprintf(": %d invoices posted", rest)) {
				t.Fatalf("run: %q %v (preview said %s)", out, err, m[1])
			}
			out, err = run1("rentrun", "--org", "proef", "--period", next, "--confirm")
			if err != nil || !strings.Contains(out, ": 0 invoices posted") {
				t.Fatalf("second run: %q %v", out, err)
			}

			out, err = run1("rentrun", "undo", "--org", "proef", "--run", runID[1])
			if err != nil || !strings.Contains(out, fmt.Sprintf("undo run %s: %d credit notes", runID[1], rest)) ||
				!strings.Contains(out, "nothing was booked") {
				t.Fatalf("undo plan: %q %v", out, err)
			}
			out, err = run1("rentrun", "undo", "--org", "proef", "--run", runID[1], "--confirm")
			if err != nil || !strings.Contains(out, fmt.Sprintf("run %s undone: %d credit notes booked", runID[1], rest)) {
				t.Fatalf("undo: %q %v", out, err)
			}
			if _, err := run1("rentrun", "undo", "--org", "proef", "--run", runID[1], "--confirm"); err == nil || exitCode(err) != 2 {
				t.Fatalf("undo again: %v", err)
			}
			out, err = run1("rentrun", "--org", "proef", "--period", next)
			if err != nil || !strings.Contains(out, fmt.Sprintf(": %d invoices", rest)) {
				t.Fatalf("preview after the undo: %q %v", out, err)
			}
		})
	}
}
