package app_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/platform/mail"
	"hms/internal/platform/mail/mailtest"
	"hms/internal/platform/migrations"
	"hms/internal/stats"
)

// Two HMS instances on one PostgreSQL database, as behind a load balancer
// (docs/ARCHITECTURE.md, "Several instances"): both migrate an empty
// database at once and the migrations run once; then two servers started as
// `hms serve` starts them (without the owner's URL, each with its own job
// workers and HTTP server) share sessions, jobs, rate limits, the rent run
// and the website statistics' page views.
func TestTwoInstancesOnOnePostgres(t *testing.T) {
	ctx := context.Background()
	dbc := dbtest.Config(t, db.Postgres)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	smtp := mailtest.NewServer(t)
	clk := clock.NewFixed(time.Date(2026, time.March, 15, 11, 0, 0, 0, time.UTC))
	owner, err := sql.Open("pgx", dbc.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	count := func(t *testing.T, query string, args ...any) int {
		t.Helper()
		var n int
		if err := owner.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}

	// Two `hms migrate` (app.Open with the owner's URL) at once on an
	// empty database: the advisory lock lets one migrate while the other
	// waits and then finds nothing to do.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := app.Open(ctx, app.Config{DatabaseURL: dbc.URL, DatabaseSystemURL: dbc.SystemURL,
				DatabaseOwnerURL: dbc.OwnerURL, MasterKey: key, Clock: clk, DataDir: t.TempDir(),
				Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err == nil {
				err = a.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("migration %d: %v", i+1, err)
		}
	}
	files, err := migrations.Files(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			n++
		}
	}
	if got := count(t, `SELECT COUNT(*) FROM goose_db_version WHERE version_id > 0`); got != n {
		t.Errorf("goose recorded %d migrations, want each of the %d once", got, n)
	}
	if got := count(t, `SELECT COUNT(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`); got != n {
		t.Errorf("goose recorded %d distinct migrations of %d", got, n)
	}
	if got := count(t, `SELECT COUNT(*) FROM (SELECT polrelid FROM pg_policy GROUP BY polrelid, polname HAVING COUNT(*) > 1) d`); got != 0 {
		t.Errorf("%d tables with a policy twice", got)
	}
	if got := count(t, `SELECT COUNT(*) FROM pg_policy WHERE polname = 'org_isolation'`); got < 50 {
		t.Errorf("only %d tables isolated by organisation", got)
	}

	// Two servers as `hms serve` starts them on PostgreSQL: they check the
	// schema instead of migrating.
	serve := dbc
	serve.OwnerURL = ""
	a := apptest.On(t, serve, key, smtp, apptest.Options{Clock: clk})
	b := apptest.On(t, serve, key, smtp, apptest.Options{Clock: clk})
	servers := []*apptest.Env{a, b}
	o := &apptest.Org{Env: a, T: t, Clock: clk}
	pw, uid, err := a.Accounts.CreateUser(ctx, account.CreateUserInput{OrgSlug: "alpha", Email: "owner@alpha.nl", Role: account.Owner})
	if err != nil {
		t.Fatal(err)
	}
	if o.Owner, err = a.Accounts.ActorFor(ctx, uid, "alpha"); err != nil {
		t.Fatal(err)
	}
	if err := b.Privacy.AcceptProcessorAgreement(ctx, o.Owner, b.Privacy.Current().Version); err != nil {
		t.Fatal(err)
	}

	t.Run("a session made on one works on the other", func(t *testing.T) {
		c := newBrowser(t)
		login := url.Values{"email": {"owner@alpha.nl"}, "password": {pw}}
		if resp, _ := c.do("POST", a.URL()+"/login", login); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login on the first: %d", resp.StatusCode)
		}
		for _, s := range servers {
			if resp, body := c.do("GET", s.URL()+"/o/alpha/", nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, `action="/logout"`) {
				t.Fatalf("dashboard on %s: %d %.500s", s.URL(), resp.StatusCode, body)
			}
		}
		// Signed out on the second, the session is gone on the first too.
		if resp, _ := c.do("POST", b.URL()+"/logout", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout on the second: %d", resp.StatusCode)
		}
		if resp, _ := c.do("GET", a.URL()+"/o/alpha/", nil); resp.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("dashboard on the first after logout: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})

	t.Run("each job is done once", func(t *testing.T) {
		// Mail queued on both instances is sent by whichever worker claims
		// it first, each message exactly once.
		const total = 40
		for i := range total {
			s := servers[i%2]
			err := s.DB.InOrg(ctx, o.Owner.OrgID, func(tx *db.Tx) error {
				_, err := s.Outbox.Send(ctx, tx, mail.Message{To: "tenant@example.nl", Subject: fmt.Sprintf("bericht %02d", i),
					Text: "Beste heer of mevrouw,"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(60 * time.Second)
		for count(t, `SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state <> 'done'`, mail.JobKind) > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("mail jobs not done within a minute")
			}
			time.Sleep(100 * time.Millisecond)
		}
		seen := map[string]int{}
		for _, m := range smtp.Messages() {
			seen[m.Subject]++
		}
		for i := range total {
			if s := fmt.Sprintf("bericht %02d", i); seen[s] != 1 {
				t.Errorf("%q received %d times", s, seen[s])
			}
		}
		if got := count(t, `SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'done' AND attempts = 1`, mail.JobKind); got != total {
			t.Errorf("%d mail jobs done in one attempt, want %d", got, total)
		}
	})

	t.Run("rate limits count across both", func(t *testing.T) {
		// Sign-up allows ten attempts an hour from one address, wherever
		// they land.
		c := newBrowser(t)
		for i := range 12 {
			s := servers[i%2]
			resp, body := c.do("POST", s.URL()+"/aanmelden", url.Values{"org_name": {""}})
			if limited := resp.StatusCode == http.StatusTooManyRequests; limited != (i >= 10) {
				t.Fatalf("sign-up attempt %d on %s: %d %.300s", i+1, s.URL(), resp.StatusCode, body)
			}
		}
	})

	t.Run("the rent run started twice at once posts once", func(t *testing.T) {
		for range 3 {
			o.Lease(o.Owner, lease.Input{})
		}
		in := billing.RunInput{Period: "2026-03"}
		p, err := a.Billing.Preview(ctx, o.Owner, in, billing.PreviewWindow{})
		if err != nil || p.Invoices != 3 {
			t.Fatalf("preview: %+v %v", p, err)
		}
		c := newBrowser(t)
		login := url.Values{"email": {"owner@alpha.nl"}, "password": {pw}}
		if resp, _ := c.do("POST", a.URL()+"/login", login); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		form := url.Values{"period": {in.Period}, "expect_invoices": {fmt.Sprint(p.Invoices)}, "expect_total": {fmt.Sprint(int64(p.Total))}}
		var wg sync.WaitGroup
		status, bodies := make([]int, 2), make([]string, 2)
		for i, s := range servers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, body := c.do("POST", s.URL()+"/o/alpha/finance/rentrun", form)
				status[i], bodies[i] = resp.StatusCode, body
			}()
		}
		wg.Wait()
		// One start is refused while the other's run is in progress (or,
		// had that run already finished, because the books changed since
		// the preview); both at once never post.
		refused := 0
		for i, st := range status {
			switch {
			case st == http.StatusConflict && (strings.Contains(bodies[i], "Er loopt al een huurrun voor deze periode") ||
				strings.Contains(bodies[i], "Er is iets veranderd sinds het voorbeeld")):
				refused++
			case st != http.StatusSeeOther:
				t.Fatalf("start %d: %d %.2000s", i+1, st, bodies[i])
			}
		}
		if refused > 1 {
			t.Fatalf("answers to the two starts: %v, both refused", status)
		}
		deadline := time.Now().Add(90 * time.Second)
		for count(t, `SELECT COUNT(*) FROM ledger_runs WHERE state IN ('queued', 'running')`) > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("rent runs not finished within 90 s")
			}
			time.Sleep(100 * time.Millisecond)
		}
		if got := count(t, `SELECT COUNT(*) FROM ledger_invoices WHERE kind = 'invoice' AND period = $1`, in.Period); got != 3 {
			t.Errorf("%d invoices for %s, want 3", got, in.Period)
		}
		if got := count(t, `SELECT COUNT(*) FROM ledger_charges WHERE period = $1`, in.Period); got != 3 {
			t.Errorf("%d charges for %s, want 3", got, in.Period)
		}
		if got := count(t, `SELECT COALESCE(SUM(invoices), 0) FROM ledger_runs`); got != 3 {
			t.Errorf("the runs say they posted %d invoices, want 3", got)
		}
		if got := count(t, `SELECT COUNT(*) FROM ledger_runs WHERE state = 'failed'`); got != 0 {
			t.Errorf("%d runs failed", got)
		}
	})

	t.Run("page views add up", func(t *testing.T) {
		c := newBrowser(t)
		for _, s := range servers {
			if resp, _ := c.do("GET", s.URL()+"/prijzen", nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("pricing page on %s: %d", s.URL(), resp.StatusCode)
			}
			if err := s.Stats.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if got := count(t, `SELECT COALESCE(SUM(pageviews), 0) FROM stats_daily WHERE dimension = $1 AND value = '/prijzen'`,
			stats.DimPath); got != 2 {
			t.Errorf("%d page views of /prijzen, want one from each instance", got)
		}
	})
}

// browser is an HTTP client with cookies that does not follow redirects.
// The cookie jar keeps cookies per host, not per port: both instances on
// 127.0.0.1 get the same session cookie, as behind one load balancer.
type browser struct {
	t  testing.TB
	hc *http.Client
}

func newBrowser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, hc: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *browser) do(method, u string, form url.Values) (*http.Response, string) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Errorf("%s %s: %v", method, u, err)
		return &http.Response{}, ""
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}
