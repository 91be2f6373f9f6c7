// Package apptest starts the whole product for tests: a fresh database of
// the chosen engine, a real SMTP server in memory, the HTTP server on
// 127.0.0.1:0 and the job workers, exactly as `hms serve` wires them.
package apptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"log/slog"
	"sync"
	"testing"

	"hms/internal/app"
	"hms/internal/platform/clock"
	"hms/internal/platform/clock/clocktest"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/mail/mailtest"
	"hms/internal/subscription"
)

// Env is a running HMS with its mail server.
type Env struct {
	*app.App
	Mail *mailtest.Server

	dbc db.Config
	key []byte
}

// Options change the defaults.
type Options struct {
	NoServer bool        // build services only, do not listen or run workers
	Clock    clock.Clock // nil: clocktest.Running (the wall clock, or the day HMS_TEST_TODAY sets)
	// Configure, when set, changes the configuration before the app opens
	// (a base URL, who may read /metrics).
	Configure func(*app.Config)
}

// Start runs HMS on engine until the test ends.
func Start(t testing.TB, engine db.Dialect, opts ...Options) *Env {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return open(t, dbtest.Config(t, engine), key, mailtest.NewServer(t), opts...)
}

// Reopen starts a second HMS on e's database, master key and mail server,
// as a restarted process would (crash-recovery tests); the caller closes
// or abandons e first.
func (e *Env) Reopen(t testing.TB, opts ...Options) *Env {
	t.Helper()
	return open(t, e.dbc, e.key, e.Mail, opts...)
}

// On starts HMS on the database dbc, with master key key and mail server
// smtp: one of several instances of one deployment (internal/app's
// TestTwoInstancesOnOnePostgres). Leave dbc.OwnerURL empty to start it as
// `hms serve` does on PostgreSQL, checking the schema instead of migrating.
func On(t testing.TB, dbc db.Config, key []byte, smtp *mailtest.Server, opts ...Options) *Env {
	t.Helper()
	return open(t, dbc, key, smtp, opts...)
}

func open(t testing.TB, dbc db.Config, key []byte, smtp *mailtest.Server, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Clock == nil {
		o.Clock = clocktest.Running()
	}
	// The server's log is shown only when the test fails.
	logs := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	cfg := app.Config{
		Addr: "127.0.0.1:0", DataDir: dbc.DataDir, MasterKey: key,
		// As production: the two roles, and the owner that migrates first.
		DatabaseURL: dbc.URL, DatabaseSystemURL: dbc.SystemURL, DatabaseOwnerURL: dbc.OwnerURL,
		SMTPURL: smtp.URL(), Clock: o.Clock, Log: slog.New(slog.NewTextHandler(logs, nil)),
		// HMS's own Incassant-ID (DOMAIN §5.5's example) for subscriptions.
		CreditorID: "NL51ZZZ405365330000", CreditorName: "HMS Huurbeheer B.V.",
		Seller: subscription.Seller{Address: "Oudegracht 100, 3511 AX Utrecht", KvK: "40536533", VATID: "NL000099998B57",
			IBAN: "NL44RABO0123456789"},
	}
	if o.Configure != nil {
		o.Configure(&cfg)
	}
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	if !o.NoServer {
		if err := a.Start(context.Background()); err != nil {
			t.Fatalf("start app: %v", err)
		}
	}
	return &Env{App: a, Mail: smtp, dbc: dbc, key: key}
}

// Each runs fn on a fresh product per engine.
func Each(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) { fn(t, Start(t, engine)) })
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
