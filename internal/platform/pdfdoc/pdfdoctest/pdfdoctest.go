// Package pdfdoctest compares what a document says with a golden text file,
// so a change that must not alter a document (a refactoring, texts moved to
// the catalogs) is proved not to: the text is poppler's pdftotext in layout
// mode, which also moves when a line or column moves.
package pdfdoctest

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update-golden", false, "write the documents' golden texts in testdata/ instead of comparing")

// Text is the text of a PDF in layout mode, as pdftotext reads it. Without
// pdftotext the test is skipped, unless HMS_TEST_REQUIRE=all.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("HMS_TEST_REQUIRE") == "all" {
			t.Fatal("pdftotext (poppler-utils) is required")
		}
		t.Skip("pdftotext not installed")
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	f := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// Golden compares the text of pdf with testdata/<name>.txt (written by
// go test -update-golden) and checks that it is Legible. With HMS_PDF_DUMP set to a directory the PDF is
// also written there, to look at it (pdftoppm -png -r 60).
func Golden(t testing.TB, name string, pdf []byte) {
	t.Helper()
	if dir := os.Getenv("HMS_PDF_DUMP"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got := Text(t, pdf)
	Legible(t, name, pdf)
	file := filepath.Join("testdata", name+".txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("golden text: %v (go test -update-golden writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s says something else than %s:\n--- got\n%s\n--- want\n%s", name, file, got, want)
	}
}
