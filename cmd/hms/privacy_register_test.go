package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hms/internal/platform/pdfdoc/pdfdoctest"
	"hms/internal/privacy"
)

// hms privacy register: the register as JSON (every activity), as CSV (a
// row each, in English with --lang en) and as a PDF pdftotext can read; a
// wrong format is exit code 2.
func TestPrivacyRegisterCommand(t *testing.T) {
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"privacy", "register", "--format", "json"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var entries []privacy.RegisterEntry
	if err := json.Unmarshal(out.Bytes(), &entries); err != nil || len(entries) != len(privacy.Register) || entries[0].Purpose == "" {
		t.Fatalf("json: %v %s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"privacy", "register", "--lang", "en"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != len(privacy.Register)+1 ||
		!strings.Contains(lines[0], "Retention") || !strings.Contains(out.String(), "User accounts") {
		t.Fatalf("csv: %s", out.String())
	}
	file := filepath.Join(t.TempDir(), "register.pdf")
	if err := run(ctx, []string{"privacy", "register", "--format", "pdf", "--out", file}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	pdf, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfdoctest.Text(t, pdf); !strings.Contains(text, "Register van verwerkingsactiviteiten") {
		t.Fatalf("pdf: %s", text)
	}
	var ee *exitError
	if err := run(ctx, []string{"privacy", "register", "--format", "xml"}, &out, &errOut); !errors.As(err, &ee) || ee.code != 2 {
		t.Fatalf("--format xml: %v", err)
	}
}
