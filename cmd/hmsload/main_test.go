package main

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
)

// The load command on each engine with a tiny demo and a short load: every
// measured request answers, on HMS and on the static server, without an
// error, and the table has a row for each. Not a timed assertion.
func TestLoadCommandSmoke(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			o := Options{Units: 12, Conns: 2, Duration: 150 * time.Millisecond, DataDir: t.TempDir(), Log: t.Logf}
			if engine == db.SQLite {
				o.Engines = []string{"sqlite"}
			} else {
				o.Engines = []string{"postgres"}
				owner := dbtest.NewPostgresDatabase(t)
				u, err := url.Parse(owner)
				if err != nil {
					t.Fatal(err)
				}
				o.PostgresDB = strings.TrimPrefix(u.Path, "/")
				u.Path = "/postgres"
				o.PostgresURL = u.String()
			}
			res, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"GET /api/v1/me", "GET /api/v1/units?limit=50", "GET /api/v1/relations?limit=50",
				"GET /api/v1/invoices?limit=50", "GET /o/demo/", "GET /o/demo/units", "GET /o/demo/finance"}
			got := map[string]Result{}
			for _, r := range res {
				got[r.Name] = r
			}
			if len(res) < 20 {
				t.Errorf("%d requests measured, want the 22 lists, details and pages", len(res))
			}
			for _, w := range want {
				if _, ok := got[w]; !ok {
					t.Errorf("no row for %s", w)
				}
			}
			for _, r := range res {
				if r.HMS.Requests == 0 || r.Static.Requests == 0 || r.HMS.Errors+r.Static.Errors > 0 || r.Bytes == 0 {
					t.Errorf("%s: %d HMS and %d static answers, %d+%d errors (%s), %d bytes", r.Name, r.HMS.Requests,
						r.Static.Requests, r.HMS.Errors, r.Static.Errors, r.HMS.FirstError, r.Bytes)
				}
			}
			md := Markdown(res)
			if !strings.Contains(md, "| "+o.Engines[0]+" | 12 | GET /api/v1/units?limit=50 |") {
				t.Errorf("table lacks the units row:\n%s", md)
			}
			// A second run reuses the seeded database instead of seeding again.
			o.Duration = 50 * time.Millisecond
			o.Only = "/api/v1/me"
			var logs []string
			o.Log = func(f string, a ...any) { logs = append(logs, f) }
			if res, err = Run(context.Background(), o); err != nil || len(res) != 1 {
				t.Fatalf("second run: %d rows, %v", len(res), err)
			}
			for _, l := range logs {
				if strings.Contains(l, "seeding") {
					t.Errorf("second run seeded again")
				}
			}
		})
	}
}
