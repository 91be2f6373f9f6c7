package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/platform/dbtest"
)

// hms bank import: the JSON result, a second import that stores nothing,
// and refusals with exit code 2 that name the account or the line and store
// nothing.
func TestBankImportCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "alpha", Email: "owner@alpha.nl", Role: account.Owner}); err != nil {
				t.Fatal(err)
			}
			a.Close()
			file := filepath.Join("..", "..", "internal", "bankfile", "testdata", "mt940", "ing-mt940-mijn-ing-zakelijk-spec-example.txt")
			importArgs := func(extra ...string) []string {
				return append(append(append([]string{"bank", "import", "--org", "alpha"}, storage...), extra...), file)
			}
			err = run(ctx, importArgs("--json"), &bytes.Buffer{}, &bytes.Buffer{})
			if exitCode(err) != 2 || !strings.Contains(err.Error(), "NL69INGB0123456789") {
				t.Fatalf("unknown account: %v (exit %d)", err, exitCode(err))
			}
			var out bytes.Buffer
			if err := run(ctx, importArgs("--add-account", "--json"), &out, &bytes.Buffer{}); err != nil {
				t.Fatal(err)
			}
			var res map[string]any
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatalf("%v: %s", err, out.String())
			}
			for _, k := range []string{"statements", "entries", "new", "duplicates", "matched", "review", "warnings"} {
				if _, ok := res[k]; !ok {
					t.Errorf("no %q in %s", k, out.String())
				}
			}
			if res["statements"] != float64(1) || res["entries"] != float64(8) || res["new"] != float64(8) || res["duplicates"] != float64(0) {
				t.Fatalf("first import: %s", out.String())
			}
			out.Reset()
			if err := run(ctx, importArgs("--json"), &out, &bytes.Buffer{}); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(out.Bytes(), &res); err != nil || res["new"] != float64(0) || res["duplicates"] != float64(8) {
				t.Fatalf("again: %s", out.String())
			}
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			broken := filepath.Join(t.TempDir(), "broken.txt")
			if err := os.WriteFile(broken, bytes.Replace(data, []byte(":62F:C"), []byte(":62F:X"), 1), 0o600); err != nil {
				t.Fatal(err)
			}
			args := append(append([]string{"bank", "import", "--org", "alpha", "--add-account"}, storage...), broken)
			err = run(ctx, args, &bytes.Buffer{}, &bytes.Buffer{})
			if exitCode(err) != 2 || !strings.Contains(err.Error(), "line ") {
				t.Fatalf("a broken file: %v", err)
			}
		})
	}
}
