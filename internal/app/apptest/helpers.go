package apptest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"hms/internal/account"
)

// Actor creates a user with role in organisation slug (creating the
// organisation when it does not exist yet) and returns them as an actor.
func (e *Env) Actor(t testing.TB, slug, email string, role account.Role) account.Actor {
	t.Helper()
	ctx := context.Background()
	_, id, err := e.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: slug, Email: email, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.Accounts.ActorFor(ctx, id, slug)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// PDFText is the text of a PDF as pdftotext reads it in layout order, with
// all white space folded to single spaces so phrases can be searched whole.
// Without pdftotext the test is skipped, unless HMS_TEST_REQUIRE=all.
func PDFText(t testing.TB, pdf []byte) string {
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
	return strings.Join(strings.Fields(string(out)), " ")
}
