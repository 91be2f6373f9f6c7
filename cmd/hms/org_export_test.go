package main

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"

	"hms/internal/platform/dbtest"
)

// hms org export writes the organisation's zip with every table's files and
// the README, and refuses to overwrite a file.
func TestOrgExportCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			_, _, storage := newCLI(t, engine)
			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(context.Background(), args, &out, &errOut)
				return out.String(), err
			}
			if out, err := run1(append([]string{"demo", "--org", "proef", "--units", "2"}, storage...)...); err != nil {
				t.Fatalf("demo: %q %v", out, err)
			}
			f := t.TempDir() + "/proef.zip"
			out, err := run1(append([]string{"org", "export", "--org", "proef", "--out", f}, storage...)...)
			if err != nil || !strings.Contains(out, "wrote "+f) {
				t.Fatalf("export: %q %v", out, err)
			}
			zr, err := zip.OpenReader(f)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			names := map[string]bool{}
			for _, zf := range zr.File {
				names[zf.Name] = true
			}
			for _, n := range []string{"README.txt", "json/relations.json", "csv/relations.csv", "json/leases.json", "csv/audit_events.csv"} {
				if !names[n] {
					t.Errorf("no %s in the zip", n)
				}
			}
			if _, err := run1(append([]string{"org", "export", "--org", "proef", "--out", f}, storage...)...); err == nil {
				t.Error("overwrote the zip")
			}
			if _, err := run1(append([]string{"org", "export", "--org", "geen", "--out", f + "2"}, storage...)...); err == nil {
				t.Error("exported an organisation that does not exist")
			}
		})
	}
}
