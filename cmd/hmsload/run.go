package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL server's admin connection

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/platform/db"
)

// Options are one run of the load command.
type Options struct {
	Engines     []string // "sqlite", "postgres"
	Units       int
	Conns       int
	Duration    time.Duration
	DataDir     string
	PostgresURL string // a user that may create databases
	// PostgresDB is the database to seed and reuse; empty: hms_load_<units>.
	PostgresDB string
	Only       string
	Log        func(format string, a ...any)
}

// Result is one URL on one engine: HMS and the static server.
type Result struct {
	Engine, Name string
	Units, Bytes int
	HMS, Static  Stats
}

// Run seeds, serves and loads each engine in turn.
func Run(ctx context.Context, o Options) ([]Result, error) {
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, err
	}
	var out []Result
	for _, engine := range o.Engines {
		res, err := runEngine(ctx, o, engine)
		out = append(out, res...)
		if err != nil {
			return out, fmt.Errorf("%s: %w", engine, err)
		}
	}
	return out, nil
}

func runEngine(ctx context.Context, o Options, engine string) ([]Result, error) {
	cfg, fresh, err := databaseFor(ctx, o, engine)
	if err != nil {
		return nil, err
	}
	cfg.Addr = "127.0.0.1:0"
	cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	if fresh {
		o.Log("%s: seeding a demo of %d units (once; kept under %s)", engine, o.Units, o.DataDir)
		t0 := time.Now()
		if _, _, err := a.SeedDemo(ctx, "demo", o.Units); err != nil {
			return nil, fmt.Errorf("seed: %w", err)
		}
		if err := os.WriteFile(seededMark(o, engine), []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o600); err != nil {
			return nil, err
		}
		o.Log("%s: seeded in %s", engine, time.Since(t0).Round(time.Second))
	}
	if engine == "postgres" {
		// Statistics as autovacuum would have them on a server that has run a
		// while (it may be off, as on the test server): planned for empty
		// tables, a page's aggregate read every row.
		if _, err := a.DB.Raw().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
			return nil, fmt.Errorf("analyse: %w", err)
		}
	}
	if err := a.Start(ctx); err != nil {
		return nil, err
	}
	base := a.URL()

	// A fresh owner for this run, logged in as a browser would, and a
	// read token for the API.
	email := fmt.Sprintf("load-%d@demo.hms.localhost", time.Now().UnixNano())
	pw, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "demo", Email: email, Name: "Load", Role: account.Owner})
	if err != nil {
		return nil, fmt.Errorf("load user: %w", err)
	}
	actor, err := a.Accounts.ActorFor(ctx, uid, "demo")
	if err != nil {
		return nil, err
	}
	token, err := a.Accounts.CreateAPIToken(ctx, actor, "hmsload", []account.Scope{account.ScopeRead})
	if err != nil {
		return nil, fmt.Errorf("api token: %w", err)
	}
	cookie, err := login(base, email, pw)
	if err != nil {
		return nil, err
	}
	apiHeader := http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}}
	webHeader := http.Header{"Cookie": {cookie}, "Accept-Language": {"nl"}}

	targets, err := urls(base, apiHeader)
	if err != nil {
		return nil, err
	}
	// Capture every answer once; the static server answers those bytes.
	static := map[string]captured{}
	var run []target
	for _, tg := range targets {
		if o.Only != "" && !slices.ContainsFunc(strings.Split(o.Only, ","), func(s string) bool { return strings.Contains(tg.path, s) }) {
			continue
		}
		h := webHeader
		if tg.api {
			h = apiHeader
		}
		c, err := fetch(base+tg.path, h)
		if err != nil {
			return nil, err
		}
		if c.status != http.StatusOK {
			return nil, fmt.Errorf("GET %s: %d %.200s", tg.path, c.status, c.body)
		}
		static[tg.path] = c
		run = append(run, tg)
	}
	sbase, closeStatic, err := serveStatic(static)
	if err != nil {
		return nil, err
	}
	defer closeStatic()

	var out []Result
	for _, tg := range run {
		h := webHeader
		if tg.api {
			h = apiHeader
		}
		c := static[tg.path]
		r := Result{Engine: engine, Units: o.Units, Name: "GET " + tg.path, Bytes: len(c.body)}
		r.HMS = load(ctx, base+tg.path, h, http.StatusOK, o.Conns, o.Duration)
		r.Static = load(ctx, sbase+tg.path, nil, http.StatusOK, o.Conns, o.Duration)
		o.Log("%s %s: %.0f req/s, p99 %s; static %.0f req/s", engine, tg.path, r.HMS.PerSec, ms(r.HMS.P99), r.Static.PerSec)
		if r.HMS.Errors > 0 {
			o.Log("  %d errors, the first: %s", r.HMS.Errors, r.HMS.FirstError)
		}
		out = append(out, r)
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
	}
	return out, nil
}

// databaseFor is the engine's database for this many units, and whether it
// still has to be seeded. A database whose seeding did not finish is started
// again from empty.
func databaseFor(ctx context.Context, o Options, engine string) (app.Config, bool, error) {
	var cfg app.Config
	key, err := masterKey(filepath.Join(o.DataDir, fmt.Sprintf("%s-%d.key", engine, o.Units)))
	if err != nil {
		return cfg, false, err
	}
	cfg.MasterKey = key
	_, err = os.Stat(seededMark(o, engine))
	fresh := err != nil
	if engine == "sqlite" {
		dir := filepath.Join(o.DataDir, fmt.Sprintf("sqlite-%d", o.Units))
		if fresh {
			if err := os.RemoveAll(dir); err != nil {
				return cfg, false, err
			}
		}
		cfg.DataDir = dir
		return cfg, fresh, nil
	}
	if o.PostgresURL == "" {
		return cfg, false, errors.New("no PostgreSQL server: set HMS_TEST_POSTGRES_URL or -pg")
	}
	name := o.PostgresDB
	if name == "" {
		name = fmt.Sprintf("hms_load_%d", o.Units)
	}
	admin, err := sql.Open("pgx", o.PostgresURL)
	if err != nil {
		return cfg, false, err
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return cfg, false, fmt.Errorf("PostgreSQL: %w", err)
	}
	if exists && fresh && o.PostgresDB == "" {
		if _, err := admin.ExecContext(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			return cfg, false, err
		}
		exists = false
	}
	if !exists {
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
			return cfg, false, err
		}
		fresh = true
	}
	owner, err := url.Parse(o.PostgresURL)
	if err != nil {
		return cfg, false, err
	}
	owner.Path = "/" + name
	as := func(role string) string {
		u := *owner
		u.User = url.User(role)
		return u.String()
	}
	cfg.DatabaseOwnerURL = owner.String()
	cfg.DatabaseURL = as(db.OrgRole)
	cfg.DatabaseSystemURL = as(db.SystemRole)
	return cfg, fresh, nil
}

func seededMark(o Options, engine string) string {
	name := fmt.Sprintf("%s-%d.seeded", engine, o.Units)
	if engine == "postgres" && o.PostgresDB != "" {
		name = fmt.Sprintf("%s-%s.seeded", engine, o.PostgresDB)
	}
	return filepath.Join(o.DataDir, name)
}

// masterKey reads the vault key a seeded database was sealed with, or makes
// one.
func masterKey(file string) ([]byte, error) {
	if b, err := os.ReadFile(file); err == nil && len(b) == 32 {
		return b, nil
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return key, os.WriteFile(file, key, 0o600)
}

// login signs in through the login form and returns the session's Cookie
// header.
func login(base, email, pw string) (string, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.PostForm(base+"/login", url.Values{"email": {email}, "password": {pw}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("login: %d", resp.StatusCode)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, c := range jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	if len(parts) == 0 {
		return "", errors.New("login: no session cookie")
	}
	return strings.Join(parts, "; "), nil
}

type target struct {
	path string
	api  bool
}

// urls are the measured requests: the API's lists of 50 and one detail of
// each, and the back office's main pages. Details take the first item of
// their list.
func urls(base string, apiHeader http.Header) ([]target, error) {
	first := func(list string) (string, error) {
		c, err := fetch(base+"/api/v1/"+list+"?limit=1", apiHeader)
		if err != nil {
			return "", err
		}
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		}
		if err := json.Unmarshal(c.body, &page); err != nil || len(page.Items) == 0 {
			return "", fmt.Errorf("GET /api/v1/%s: no item (%d %.200s)", list, c.status, c.body)
		}
		return fmt.Sprint(page.Items[0].ID), nil
	}
	var out []target
	api := func(p string) { out = append(out, target{path: "/api/v1/" + p, api: true}) }
	web := func(p string) { out = append(out, target{path: "/o/demo/" + p}) }
	api("me")
	ids := map[string]string{}
	for _, list := range []string{"complexes", "units", "relations", "leases", "invoices"} {
		id, err := first(list)
		if err != nil {
			return nil, err
		}
		ids[list] = id
		if list == "complexes" {
			api(list)
		} else {
			api(list + "?limit=50")
		}
		api(list + "/" + id)
	}
	web("")
	for _, list := range []string{"complexes", "units", "relations", "leases"} {
		web(list)
		web(list + "/" + ids[list])
	}
	web("finance")
	return out, nil
}

type captured struct {
	status      int
	contentType string
	body        []byte
}

func fetch(u string, h http.Header) (captured, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return captured{}, err
	}
	req.Header = h.Clone()
	hc := &http.Client{Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		return captured{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return captured{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: b}, err
}

// serveStatic answers each captured path (with its query) with its bytes
// and content type: the floor any server pays for the same answer.
func serveStatic(pages map[string]captured) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := pages[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", c.contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(c.body)))
		_, _ = w.Write(c.body)
	})}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
