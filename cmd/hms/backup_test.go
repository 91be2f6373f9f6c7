package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/relation"
)

// hms backup writes an encrypted file (mode 0600) without readable personal
// data; hms restore loads it into a new database, refuses a database with
// data unless --force, and refuses a file made under another master key.
// On PostgreSQL both need the owner's URL.
func TestBackupAndRestoreCommands(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			cfg, key, storage := newCLI(t, engine)
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			_, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "alpha", Email: "owner@alpha.nl", Role: account.Owner})
			if err != nil {
				t.Fatal(err)
			}
			owner, _ := a.Accounts.ActorFor(ctx, uid, "alpha")
			if err := a.Privacy.AcceptProcessorAgreement(ctx, owner, a.Privacy.Current().Version); err != nil {
				t.Fatal(err)
			}
			person, err := a.Relations.CreatePerson(ctx, owner, relation.PersonInput{FirstNames: "Grietje", Surname: "Zandvoort",
				Email: "grietje@zandvoort.nl", IBANs: []string{"NL02ABNA0123456789"}})
			if err != nil {
				t.Fatal(err)
			}
			a.Close()

			file := filepath.Join(t.TempDir(), "hms.backup")
			var out bytes.Buffer
			if err := run(ctx, append([]string{"backup"}, storage...), &out, &out); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Fatalf("backup without --out: %v", err)
			}
			if engine == "postgres" {
				err := run(ctx, append([]string{"backup", "--out", file}, storage...), &out, &out)
				if err == nil || !strings.Contains(err.Error(), "--database-owner-url") {
					t.Fatalf("backup without the owner's URL: %v", err)
				}
			}
			if err := run(ctx, append(append([]string{"backup", "--out", file}, storage...), ownerFlag(cfg)...), &out, &out); err != nil {
				t.Fatalf("backup: %v", err)
			}
			if !strings.Contains(out.String(), "backup written to "+file) {
				t.Errorf("backup says %q", out.String())
			}
			st, err := os.Stat(file)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != 0o600 {
				t.Errorf("the backup file has mode %#o, want 0600", st.Mode().Perm())
			}
			b, _ := os.ReadFile(file)
			for _, s := range []string{"Zandvoort", "grietje@zandvoort.nl", "NL02ABNA0123456789", "relations"} {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("the backup file contains %q", s)
				}
			}

			// A second, new database with the same master key.
			cfg2, storage2 := emptyCLI(t, engine, key)
			restore := func(cfg2 db.Config, storage2 []string, args ...string) error {
				out.Reset()
				return run(ctx, append(append(append([]string{"restore"}, args...), storage2...), ownerFlag(cfg2)...), &out, &out)
			}
			if err := restore(cfg2, storage2, file); err != nil {
				t.Fatalf("restore into a new database: %v", err)
			}
			if !strings.Contains(out.String(), "restored "+file) {
				t.Errorf("restore says %q", out.String())
			}
			if err := restore(cfg2, storage2, file); err == nil || !strings.Contains(err.Error(), "--force") {
				t.Fatalf("restore over data without --force: %v", err)
			}
			if err := restore(cfg2, storage2, file, "--force"); err != nil {
				t.Fatalf("restore --force: %v", err)
			}
			if err := restore(cfg2, storage2, "--force"); err == nil || !strings.Contains(err.Error(), "usage") {
				t.Fatalf("restore without a file: %v", err)
			}
			if err := restore(cfg2, storage2, file+".missing"); err == nil || !strings.Contains(err.Error(), "no such file") {
				t.Fatalf("restore of a missing file: %v", err)
			}
			// A new database under another master key cannot open the file.
			other := make([]byte, 32)
			_, _ = rand.Read(other)
			cfg3, storage3 := emptyCLI(t, engine, other)
			if err := restore(cfg3, storage3, "--force", file); err == nil || !strings.Contains(err.Error(), "another one") {
				t.Fatalf("restore under another master key: %v", err)
			}
			t.Setenv("HMS_MASTER_KEY", base64.StdEncoding.EncodeToString(key))

			b2, err := app.Open(ctx, appConfig(cfg2, key))
			if err != nil {
				t.Fatal(err)
			}
			defer b2.Close()
			owner2, err := b2.Accounts.ActorFor(ctx, uid, "alpha")
			if err != nil {
				t.Fatal(err)
			}
			r, err := b2.Relations.Get(ctx, owner2, person, relation.ViaWeb)
			if err != nil || r.Surname != "Zandvoort" || r.Email != "grietje@zandvoort.nl" {
				t.Fatalf("the person in the restored database: %+v, %v", r, err)
			}
		})
	}
}

// emptyCLI is a new database as newCLI makes it, with HMS_MASTER_KEY set to
// key (on PostgreSQL migrated under it, as an operator would).
func emptyCLI(t *testing.T, engine db.Dialect, key []byte) (db.Config, []string) {
	t.Helper()
	cfg := dbtest.Config(t, engine)
	t.Setenv("HMS_MASTER_KEY", base64.StdEncoding.EncodeToString(key))
	storage := []string{"--data", cfg.DataDir}
	if cfg.URL != "" {
		storage = []string{"--database-url", cfg.URL, "--database-system-url", cfg.SystemURL}
		args := append(append([]string{"migrate"}, ownerFlag(cfg)...), storage...)
		if err := run(context.Background(), args, io.Discard, io.Discard); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	return cfg, storage
}
