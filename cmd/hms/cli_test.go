package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"os"
	"testing"

	"hms/internal/app"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// Every command in these tests runs on the tests' clock: the wall clock, or
// the day HMS_TEST_TODAY sets, so they pass on any day of any year.
func TestMain(m *testing.M) {
	cliClock = clocktest.Running()
	os.Exit(m.Run())
}

// newCLI gives a command-line test a fresh database of engine, a master key
// in HMS_MASTER_KEY (returned too, for opening the app beside the
// commands) and the storage flags every command takes.
func newCLI(t *testing.T, engine db.Dialect) (cfg db.Config, key []byte, storage []string) {
	t.Helper()
	cfg = dbtest.Config(t, engine)
	key = make([]byte, 32)
	_, _ = rand.Read(key)
	t.Setenv("HMS_MASTER_KEY", base64.StdEncoding.EncodeToString(key))
	storage = []string{"--data", cfg.DataDir}
	if cfg.URL != "" {
		// The two roles' URLs, as a server has them; only migrate is given
		// the owner's (ownerFlag). As on a server, the operator has migrated
		// the database before any other command runs.
		storage = []string{"--database-url", cfg.URL, "--database-system-url", cfg.SystemURL}
		args := append(append([]string{"migrate"}, ownerFlag(cfg)...), storage...)
		if err := run(context.Background(), args, io.Discard, io.Discard); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	return cfg, key, storage
}

// ownerFlag is the owner's URL for hms migrate on PostgreSQL, nothing on
// SQLite.
func ownerFlag(cfg db.Config) []string {
	if cfg.OwnerURL == "" {
		return nil
	}
	return []string{"--database-owner-url", cfg.OwnerURL}
}

// appConfig opens the app beside the commands on cfg's database; with the
// owner's URL it migrates first, as hms migrate does before a server starts.
func appConfig(cfg db.Config, key []byte) app.Config {
	return app.Config{DataDir: cfg.DataDir, DatabaseURL: cfg.URL, DatabaseSystemURL: cfg.SystemURL,
		DatabaseOwnerURL: cfg.OwnerURL, MasterKey: key, Clock: cliClock}
}
