package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"hms/internal/app"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// The operator's commands work on both engines, print what they promise,
// refuse bad input with a clear message, and `audit verify` finds tampering.
func TestCommands(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			hms := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(ctx, append(args, storage...), &out, &errOut)
				return out.String(), err
			}
			// A server's URLs cannot migrate PostgreSQL: only the owner's can.
			if _, err := hms("migrate"); engine == db.Postgres && (err == nil || !strings.Contains(err.Error(), "HMS_DATABASE_OWNER_URL")) {
				t.Fatalf("migrate without the owner's URL: %v", err)
			}
			if out, err := hms(append([]string{"migrate"}, ownerFlag(cfg)...)...); err != nil || !strings.Contains(out, "up to date") {
				t.Fatalf("migrate: %q %v", out, err)
			}
			out, err := hms("user", "create", "--org", "acme", "--email", "Owner@Acme.nl", "--role", "owner", "--name", "Olga")
			if err != nil || !strings.Contains(out, "one-time password: ") {
				t.Fatalf("user create: %q %v", out, err)
			}
			password := strings.TrimSpace(out[strings.Index(out, "one-time password: ")+19:])
			if _, err := hms("user", "create", "--org", "acme", "--email", "x@acme.nl", "--role", "boss"); err == nil ||
				!strings.Contains(err.Error(), "--role") {
				t.Fatalf("bad role: %v", err)
			}
			if _, err := hms("user", "create", "--org", "acme", "--email", "nope", "--role", "viewer"); err == nil ||
				!strings.Contains(err.Error(), "--email") {
				t.Fatalf("bad e-mail: %v", err)
			}
			if _, err := hms("user", "create", "--org", "acme", "--email", "v@acme.nl", "--role", "viewer"); err != nil {
				t.Fatal(err)
			}
			if _, err := hms("token", "create", "--org", "acme", "--email", "v@acme.nl"); err == nil {
				t.Fatal("a viewer created an API token")
			}
			tok, err := hms("token", "create", "--org", "acme", "--email", "owner@acme.nl", "--scopes", "read,write")
			if err != nil || !strings.HasPrefix(tok, "hms_") {
				t.Fatalf("token create: %q %v", tok, err)
			}
			if out, err := hms("audit", "verify"); err != nil || !strings.Contains(out, "intact") {
				t.Fatalf("audit verify: %q %v", out, err)
			}

			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			actor, err := a.Accounts.AuthenticateAPIToken(ctx, strings.TrimSpace(tok))
			if err != nil || actor.OrgSlug != "acme" || len(actor.Scopes) != 2 {
				t.Fatalf("printed token: %+v %v", actor, err)
			}
			if _, err := a.Accounts.Login(ctx, "owner@acme.nl", password, "127.0.0.1"); err != nil {
				t.Fatalf("one-time password does not log in: %v", err)
			}
			// Tamper with one event as the database owner would.
			if engine == db.SQLite {
				_, err = a.DB.Raw().Exec(`DROP TRIGGER audit_events_no_update`)
				if err != nil {
					t.Fatal(err)
				}
			}
			if _, err := a.DB.Raw().Exec(`UPDATE audit_events SET action = 'member.removed' WHERE seq = 1 AND org_id = (SELECT id FROM organisations
				WHERE slug = 'acme')`); err != nil {
				t.Fatal(err)
			}
			a.Close()
			_, err = hms("audit", "verify")
			if err == nil || !strings.Contains(err.Error(), "sequence 1") {
				t.Fatalf("tampered audit log: %v", err)
			}
			if _, err := hms("frobnicate"); err == nil {
				t.Fatal("unknown command accepted")
			}
		})
	}
}

// hms demo builds a portfolio; hms import reads a rent roll, lists bad lines
// with their column, and a clean file twice changes nothing.
func TestImportAndDemoCommands(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			_, _, storage := newCLI(t, engine)
			run1 := func(args ...string) (string, error) {
				var out, errOut bytes.Buffer
				err := run(context.Background(), args, &out, &errOut)
				return out.String(), err
			}
			out, err := run1(append([]string{"demo", "--org", "proef", "--units", "30"}, storage...)...)
			if err != nil || !strings.Contains(out, "30 units") || !strings.Contains(out, "password") {
				t.Fatalf("demo: %q %v", out, err)
			}
			again, err := run1(append([]string{"demo", "--org", "proef", "--units", "30"}, storage...)...)
			if err != nil || strings.Contains(again, "password") {
				t.Fatalf("demo again: %q %v", again, err)
			}
			dir := t.TempDir()
			bad := dir + "/bad.csv"
			good := dir + "/good.csv"
			content := "straat;huisnummer;postcode;plaats;type;oppervlakte;segment\nKerkstraat;1;1234 AB;Ede;zelfstandig;50;sociaal\n" +
				"Kerkstraat;2;0000 XX;Ede;zelfstandig;50;sociaal\n"
			if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err = run1(append(append([]string{"import", "--org", "proef"}, storage...), bad)...)
			if err == nil || !strings.Contains(out, "line 3, postcode") {
				t.Fatalf("bad import: %q %v", out, err)
			}
			if err := os.WriteFile(good, []byte(strings.Replace(content, "0000 XX", "1234 AC", 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			// The second run says that nothing was new (hardening issue: a
			// re-import reports what was new and what was unchanged).
			for i, says := range []string{"new: 2 units, 0 tenants, 0 leases", "unchanged: 2 units, 0 tenants, 0 leases"} {
				out, err = run1(append(append([]string{"import", "--org", "proef"}, storage...), good)...)
				if err != nil || !strings.Contains(out, "2 units") || !strings.Contains(out, says) {
					t.Fatalf("good import %d: %q %v, want %q", i, out, err, says)
				}
			}
			if !strings.Contains(out, "new: 0 units, 0 tenants, 0 leases") || !strings.Contains(out, "updated: 0 units") {
				t.Fatalf("second import: %q", out)
			}
		})
	}
}
