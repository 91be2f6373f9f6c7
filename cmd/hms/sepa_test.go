package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"hms/internal/platform/civil"
	"hms/internal/platform/dbtest"
	"hms/internal/sepa"
)

// hms sepa export on a demo portfolio: the demo gives the organisation an
// account, an Incassant-ID and mandates; the export prints count and sum,
// writes a file the XSD accepts; the same again finds nothing due, says so,
// exits 0 and writes no file; a date TARGET2 is closed on is refused at its
// flag.
func TestSepaExportCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			_, _, storage := newCLI(t, engine)
			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(context.Background(), append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			if out, err := run1("demo", "--org", "proef", "--units", "30"); err != nil {
				t.Fatalf("demo: %q %v", out, err)
			}
			today := civil.Today(cliClock.Now())
			date := today.AddDays(14)
			for !sepa.IsBusinessDay(date) {
				date = date.AddDays(1)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "incasso.xml")
			_, err := run1("sepa", "export", "--org", "proef", "--collection-date", "2026-13-01", "--out", file)
			if err == nil || exitCode(err) != 2 {
				t.Fatalf("bad date: %v", err)
			}
			saturday := date
			for saturday.Weekday() != 6 {
				saturday = saturday.AddDays(1)
			}
			_, err = run1("sepa", "export", "--org", "proef", "--collection-date", saturday.String(), "--out", file)
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "--collection-date: ") {
				t.Fatalf("a Saturday: %v", err)
			}
			if _, err := os.Stat(file); err == nil {
				t.Fatal("a refused export wrote a file")
			}
			// The demo collected its open rent already: next month's rent is
			// what this export collects.
			next := civil.MonthOf(today).Add(1)
			if out, err := run1("rentrun", "--org", "proef", "--period", next.String(), "--confirm"); err != nil {
				t.Fatalf("rent run: %q %v", out, err)
			}
			out, err := run1("sepa", "export", "--org", "proef", "--collection-date", date.String(), "--due-until",
				next.Last().String(), "--out", file)
			m := regexp.MustCompile(`collection (HMS-DD-\S+) on \S+: (\d+) debits, €([\d,.]+) \(pain\.008\.001\.02\)`).FindStringSubmatch(out)
			if err != nil || m == nil || m[2] == "0" {
				t.Fatalf("export: %q %v", out, err)
			}
			doc, err := os.ReadFile(file)
			if err != nil || !bytes.Contains(doc, []byte("<MsgId>"+m[1]+"</MsgId>")) || !bytes.Contains(doc, []byte("<NbOfTxs>"+m[2]+"</NbOfTxs>")) {
				t.Fatalf("file: %v %.300s", err, doc)
			}
			if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
				t.Fatalf("file mode %v", st.Mode())
			}
			validate(t, "pain.008.001.02", file)

			again := filepath.Join(dir, "again.xml")
			out, err = run1("sepa", "export", "--org", "proef", "--collection-date", date.String(), "--due-until", next.Last().String(),
				"--out", again)
			if err != nil || !strings.Contains(out, "nothing to collect on "+date.String()) || !strings.Contains(out, "already in a collection") {
				t.Fatalf("again: %q %v", out, err)
			}
			if _, err := os.Stat(again); err == nil {
				t.Fatal("nothing due, yet a file was written")
			}
		})
	}
}

func validate(t *testing.T, version, file string) {
	t.Helper()
	xsd := filepath.Join("..", "..", "internal", "sepa", "testdata", "xsd", version+".xsd")
	if out, err := exec.Command("xmllint", "--noout", "--schema", xsd, file).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
}
