package stats_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
	"hms/internal/platform/dbtest"
	"hms/internal/stats"
)

const (
	iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
		"Version/17.4 Mobile/15E148 Safari/604.1"
	ipad = "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
		"Version/17.4 Mobile/15E148 Safari/604.1"
	windows   = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	edge      = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0"
	firefox   = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
	android   = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36"
	googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
)

// A fixed moment: 14:00 in Amsterdam on a Tuesday.
var noon = time.Date(2026, 3, 10, 13, 0, 0, 0, time.UTC)

func visit(addr, ua, path string) stats.Visit {
	return stats.Visit{Path: path, Host: "hms.example.nl", Addr: netip.MustParseAddr(addr), UserAgent: ua}
}

func rows(rs []stats.Row) map[string]stats.Row {
	out := map[string]stats.Row{}
	for _, r := range rs {
		out[r.Name] = r
	}
	return out
}

// A burst of visits: page views count every counted request, visitors each
// address and user agent once a day (per path too); DNT, GPC and robots
// are not counted; the site's own host is no referrer; devices, browsers,
// systems, countries and screens come out right.
func TestCountBurst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(noon)
		s := stats.New(stats.Deps{DB: d, Clock: clk})
		counted := 0
		count := func(v stats.Visit) {
			if s.Count(v) {
				counted++
			}
		}
		// A Dutch iPhone reads three pages, the home page twice, coming from a search engine.
		v := visit("145.97.1.10", iphone, "/")
		v.Referrer = "https://www.google.com/search?q=huur"
		v.ViewportWidth = 390
		count(v)
		count(visit("145.97.1.10", iphone, "/"))
		count(visit("145.97.1.10", iphone, "/privacy"))
		// A British desktop with Chrome, and from the same address Edge: two visitors.
		w := visit("81.2.69.142", windows, "/")
		w.Referrer = "https://hms.example.nl/privacy" // the site itself: no referrer
		w.ViewportWidth = 1440
		count(w)
		count(visit("81.2.69.142", edge, "/"))
		// An American iPad, a Linux Firefox over IPv6, an Android phone.
		count(visit("8.8.8.8", ipad, "/signup"))
		f := visit("2001:4860:4860::8888", firefox, "/")
		f.Referrer = "https://duckduckgo.com/"
		count(f)
		count(visit("1.1.1.1", android, "/voorwaarden"))
		// Not counted: DNT, GPC, a robot, an empty user agent.
		dnt := visit("145.97.1.11", windows, "/")
		dnt.DNT = true
		count(dnt)
		gpc := visit("145.97.1.12", windows, "/")
		gpc.GPC = true
		count(gpc)
		count(visit("66.249.66.1", googlebot, "/"))
		count(visit("66.249.66.2", "", "/"))
		if counted != 8 {
			t.Fatalf("%d visits counted, want 8", counted)
		}
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		today := civil.Today(noon)
		r, err := s.Report(ctx, today, today)
		if err != nil {
			t.Fatal(err)
		}
		if r.PageViews != 8 || r.Visitors != 6 {
			t.Fatalf("page views %d, visitors %d; want 8 and 6", r.PageViews, r.Visitors)
		}
		if len(r.Days) != 1 || r.Days[0].PageViews != 8 || r.Days[0].Visitors != 6 {
			t.Fatalf("days %+v", r.Days)
		}
		paths := rows(r.Paths)
		if p := paths["/"]; p.PageViews != 5 || p.Visitors != 4 {
			t.Errorf("home page %+v, want 5 views by 4 visitors", p)
		}
		if p := paths["/privacy"]; p.PageViews != 1 || p.Visitors != 1 {
			t.Errorf("privacy %+v", p)
		}
		if r.Paths[0].Name != "/" {
			t.Errorf("paths not by page views: %+v", r.Paths)
		}
		refs := rows(r.Referrers)
		if len(refs) != 2 || refs["google.com"].PageViews != 1 || refs["duckduckgo.com"].PageViews != 1 {
			t.Errorf("referrers %+v: want google.com and duckduckgo.com, not the own host", r.Referrers)
		}
		dev := rows(r.Devices)
		if dev[stats.DevicePhone].PageViews != 4 || dev[stats.DeviceTablet].PageViews != 1 || dev[stats.DeviceDesktop].PageViews != 3 {
			t.Errorf("devices %+v", r.Devices)
		}
		if dev[stats.DevicePhone].Visitors != 2 {
			t.Errorf("phone visitors %+v", dev[stats.DevicePhone])
		}
		br := rows(r.Browsers)
		if br["Safari"].PageViews != 4 || br["Chrome"].PageViews != 2 || br["Edge"].PageViews != 1 || br["Firefox"].PageViews != 1 {
			t.Errorf("browsers %+v", r.Browsers)
		}
		sys := rows(r.Systems)
		if sys["iOS"].PageViews != 4 || sys["Windows"].PageViews != 2 || sys["Linux"].PageViews != 1 || sys["Android"].PageViews != 1 {
			t.Errorf("systems %+v", r.Systems)
		}
		cc := rows(r.Countries)
		if cc["NL"].PageViews != 3 || cc["GB"].PageViews != 2 || cc["US"].PageViews != 2 || cc["AU"].PageViews != 1 {
			t.Errorf("countries %+v", r.Countries)
		}
		sc := rows(r.Screens)
		if sc[stats.ScreenSmall].PageViews != 1 || sc[stats.ScreenLarge].PageViews != 1 || sc[stats.ScreenUnknown].PageViews != 6 {
			t.Errorf("screens %+v", r.Screens)
		}
	})
}

// Flushes add up: a second flush of the same day adds page views but not
// the visitors already counted; a second instance (another Service on the
// same database, its own secret) adds its own; a new day counts everyone
// again; a period sums the days and lists every day.
func TestFlushesAndInstancesAddUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := clock.NewFixed(noon)
		a := stats.New(stats.Deps{DB: d, Clock: clk})
		b := stats.New(stats.Deps{DB: d, Clock: clk})
		a.Count(visit("145.97.1.10", iphone, "/"))
		if err := a.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		a.Count(visit("145.97.1.10", iphone, "/"))
		a.Count(visit("145.97.1.20", windows, "/"))
		b.Count(visit("145.97.1.30", firefox, "/"))
		for _, s := range []*stats.Service{a, b} {
			if err := s.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.Flush(ctx); err != nil { // nothing new: nothing added
			t.Fatal(err)
		}
		today := civil.Today(noon)
		r, err := a.Report(ctx, today, today)
		if err != nil {
			t.Fatal(err)
		}
		if r.PageViews != 4 || r.Visitors != 3 {
			t.Fatalf("page views %d, visitors %d; want 4 and 3", r.PageViews, r.Visitors)
		}
		clk.Advance(24 * time.Hour)
		a.Count(visit("145.97.1.10", iphone, "/"))
		r, err = b.Report(ctx, today.AddDays(-1), today.AddDays(1)) // b's report flushes only b; a flushes itself
		if err != nil {
			t.Fatal(err)
		}
		if r.PageViews != 4 {
			t.Fatalf("a's unflushed count showed in b's report: %d", r.PageViews)
		}
		r, err = a.Report(ctx, today.AddDays(1), today.AddDays(-1)) // reversed: swapped
		if err != nil {
			t.Fatal(err)
		}
		if r.PageViews != 5 || r.Visitors != 4 || len(r.Days) != 3 || r.Days[0].PageViews != 0 || r.Days[2].Visitors != 1 {
			t.Fatalf("three days: %d views, %d visitors, days %+v", r.PageViews, r.Visitors, r.Days)
		}
	})
}

func TestParseAgent(t *testing.T) {
	for _, c := range []struct {
		ua, mobile, platform string
		want                 stats.Agent
	}{
		{iphone, "", "", stats.Agent{Device: stats.DevicePhone, Browser: "Safari", System: "iOS"}},
		{ipad, "", "", stats.Agent{Device: stats.DeviceTablet, Browser: "Safari", System: "iOS"}},
		{windows, "?0", `"Windows"`, stats.Agent{Device: stats.DeviceDesktop, Browser: "Chrome", System: "Windows"}},
		{edge, "", "", stats.Agent{Device: stats.DeviceDesktop, Browser: "Edge", System: "Windows"}},
		{firefox, "", "", stats.Agent{Device: stats.DeviceDesktop, Browser: "Firefox", System: "Linux"}},
		{android, "?1", `"Android"`, stats.Agent{Device: stats.DevicePhone, Browser: "Chrome", System: "Android"}},
		{"Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0 Safari/537.36",
			"", "", stats.Agent{Device: stats.DeviceTablet, Browser: "Samsung Internet", System: "Android"}},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
			"", "", stats.Agent{Device: stats.DeviceDesktop, Browser: "Safari", System: "macOS"}},
		{"something odd", "", "", stats.Agent{Device: stats.DeviceDesktop, Browser: stats.Other, System: stats.Other}},
	} {
		if got := stats.ParseAgent(c.ua, c.mobile, c.platform); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.ua, got, c.want)
		}
	}
	for _, ua := range []string{googlebot, "curl/8.5.0", "python-requests/2.31", "Mozilla/5.0 HeadlessChrome/124.0", " "} {
		if !stats.IsBot(ua) {
			t.Errorf("%q is no robot", ua)
		}
	}
	for _, ua := range []string{iphone, windows, firefox, android} {
		if stats.IsBot(ua) {
			t.Errorf("%q taken for a robot", ua)
		}
	}
}

// The embedded table names countries of IPv4 and IPv6 addresses, in Dutch
// and English; private and loopback addresses are no country.
func TestCountry(t *testing.T) {
	for addr, want := range map[string]string{
		"145.97.1.1": "NL", "8.8.8.8": "US", "81.2.69.142": "GB", "2001:4860:4860::8888": "US", "::ffff:145.97.1.1": "NL",
		"127.0.0.1": stats.UnknownCountry, "10.1.2.3": stats.UnknownCountry, "192.168.1.1": stats.UnknownCountry,
	} {
		if got := stats.Country(netip.MustParseAddr(addr)); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
	if stats.Country(netip.Addr{}) != stats.UnknownCountry {
		t.Error("no address has a country")
	}
	if n := stats.CountryName("NL", "nl"); n != "Nederland" {
		t.Errorf("NL in Dutch: %q", n)
	}
	if n := stats.CountryName("DE", "en"); n != "Germany" {
		t.Errorf("DE in English: %q", n)
	}
}
