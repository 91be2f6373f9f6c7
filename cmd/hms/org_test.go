package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"hms/internal/platform/dbtest"
)

// hms org set checks and stores the organisation's details and hms org show
// prints them; hms import opening-balances and advances report bad cells
// with their line and column, and import a clean file once.
func TestOrgAndMovingInCommands(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			_, _, storage := newCLI(t, engine)
			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(context.Background(), args, &out, &errOut)
				return out.String(), err
			}
			if out, err := run1(append([]string{"demo", "--org", "proef", "--units", "0"}, storage...)...); err != nil {
				t.Fatalf("demo: %q %v", out, err)
			}
			if out, err := run1(append([]string{"org", "set", "--org", "proef", "--kvk", "123"}, storage...)...); err == nil {
				t.Fatalf("bad KvK: %q", out)
			}
			out, err := run1(append([]string{"org", "set", "--org", "proef", "--kvk", "40536533", "--postcode", "3511ed"}, storage...)...)
			if err != nil || !strings.Contains(out, "KvK:          40536533") || !strings.Contains(out, "postcode:     3511 ED") ||
				!strings.Contains(out, "legal name:   Proef") && !strings.Contains(out, "legal name:   proef") {
				t.Fatalf("org set: %q %v", out, err)
			}
			out, err = run1(append([]string{"org", "show", "--org", "proef"}, storage...)...)
			if err != nil || !strings.Contains(out, "40536533") {
				t.Fatalf("org show: %q %v", out, err)
			}
			f := t.TempDir() + "/open.csv"
			if err := os.WriteFile(f, []byte("contractnummer;omschrijving;documentdatum;vervaldatum;bedrag\nGEEN;Huur;2026-01-01;2026-01-01;5\n"),
				0o600); err != nil {
				t.Fatal(err)
			}
			out, err = run1(append(append([]string{"import", "opening-balances", "--org", "proef"}, storage...), f)...)
			if err == nil || !strings.Contains(out, "line 2, contractnummer: There is no lease with this reference.") {
				t.Fatalf("opening balances: %q %v", out, err)
			}
			if err := os.WriteFile(f, []byte("contractnummer;jaar;in_rekening_gebracht\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err = run1(append(append([]string{"import", "advances", "--org", "proef"}, storage...), f)...)
			if err == nil || !strings.Contains(err.Error(), "ontvangen") {
				t.Fatalf("advances without a column: %q %v", out, err)
			}
		})
	}
}
