package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"hms/internal/app"
	"hms/internal/platform/dbtest"
	"hms/internal/stats"
)

// hms stats --json prints exactly one object with the totals and the rows
// of each table; the text form is a readable table; flags that contradict
// each other are refused.
func TestStatsCommand(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			cfg, key, storage := newCLI(t, engine)
			ctx := context.Background()
			a, err := app.Open(ctx, appConfig(cfg, key))
			if err != nil {
				t.Fatal(err)
			}
			ua := "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
				"Version/17.4 Mobile/15E148 Safari/604.1"
			for _, v := range []stats.Visit{
				{Path: "/", Addr: netip.MustParseAddr("145.97.1.1"), UserAgent: ua, Referrer: "https://www.google.com/"},
				{Path: "/", Addr: netip.MustParseAddr("145.97.1.1"), UserAgent: ua},
				{Path: "/privacy", Addr: netip.MustParseAddr("81.2.69.142"), UserAgent: ua},
			} {
				a.Stats.Count(v)
			}
			if err := a.Close(); err != nil { // Close flushes
				t.Fatal(err)
			}
			var out, errOut bytes.Buffer
			if err := run(ctx, append([]string{"stats", "--days", "7", "--json"}, storage...), &out, &errOut); err != nil {
				t.Fatalf("stats: %v %s", err, errOut.String())
			}
			dec := json.NewDecoder(&out)
			var got map[string]json.RawMessage
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if dec.More() {
				t.Fatal("more than one object")
			}
			for _, k := range []string{"pageviews", "visitors", "paths", "referrers", "browsers", "systems", "devices", "countries"} {
				if _, ok := got[k]; !ok {
					t.Errorf("no %q in %v", k, got)
				}
			}
			var r struct {
				PageViews int64 `json:"pageviews"`
				Visitors  int64 `json:"visitors"`
				Paths     []struct {
					Path      string `json:"path"`
					PageViews int64  `json:"pageviews"`
					Visitors  int64  `json:"visitors"`
				} `json:"paths"`
				Referrers []struct {
					Host      string `json:"host"`
					PageViews int64  `json:"pageviews"`
				} `json:"referrers"`
				Countries []struct {
					Name      string `json:"name"`
					PageViews int64  `json:"pageviews"`
				} `json:"countries"`
				Devices []struct {
					Name      string `json:"name"`
					PageViews int64  `json:"pageviews"`
				} `json:"devices"`
			}
			raw, _ := json.Marshal(got)
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			if r.PageViews != 3 || r.Visitors != 2 || len(r.Paths) != 2 || r.Paths[0].Path != "/" || r.Paths[0].PageViews != 2 ||
				r.Paths[0].Visitors != 1 {
				t.Errorf("totals and paths: %+v", r)
			}
			if len(r.Referrers) != 1 || r.Referrers[0].Host != "google.com" {
				t.Errorf("referrers %+v", r.Referrers)
			}
			if len(r.Countries) != 2 || r.Countries[0].Name != "Netherlands" || r.Countries[0].PageViews != 2 {
				t.Errorf("countries %+v", r.Countries)
			}
			if len(r.Devices) != 1 || r.Devices[0].Name != stats.DevicePhone {
				t.Errorf("devices %+v", r.Devices)
			}
			out.Reset()
			if err := run(ctx, append([]string{"stats"}, storage...), &out, &errOut); err != nil {
				t.Fatal(err)
			}
			if text := out.String(); !strings.Contains(text, "Page views") || !strings.Contains(text, "/privacy") ||
				!strings.Contains(text, "MaxMind") {
				t.Errorf("text: %s", text)
			}
			if err := run(ctx, append([]string{"stats", "--days", "7", "--from", "2026-01-01", "--to", "2026-01-31"}, storage...),
				&out, &errOut); err == nil || exitCode(err) != 2 {
				t.Errorf("--days with --from: %v", err)
			}
		})
	}
}
