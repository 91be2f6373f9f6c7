package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"hms/internal/app"
	"hms/internal/platform/civil"
	"hms/internal/stats"
)

const statsUsage = "usage: hms stats [--days N | --from YYYY-MM-DD --to YYYY-MM-DD] [--json]"

// statsJSON is what `hms stats --json` prints: one object.
type statsJSON struct {
	From      civil.Date     `json:"from"`
	To        civil.Date     `json:"to"`
	PageViews int64          `json:"pageviews"`
	Visitors  int64          `json:"visitors"`
	Paths     []statsPath    `json:"paths"`
	Referrers []statsHost    `json:"referrers"`
	Browsers  []statsNamed   `json:"browsers"`
	Systems   []statsNamed   `json:"systems"`
	Devices   []statsNamed   `json:"devices"`
	Countries []statsCountry `json:"countries"`
	Screens   []statsNamed   `json:"screens"`
	Days      []stats.Day    `json:"days"`
	Source    map[string]any `json:"country_source"`
}

type statsPath struct {
	Path      string `json:"path"`
	PageViews int64  `json:"pageviews"`
	Visitors  int64  `json:"visitors"`
}

type statsHost struct {
	Host      string `json:"host"`
	PageViews int64  `json:"pageviews"`
}

// statsCountry is a country: its name in English and its code.
type statsCountry struct {
	Name      string `json:"name"`
	Code      string `json:"code"`
	PageViews int64  `json:"pageviews"`
}

type statsNamed struct {
	Name      string `json:"name"`
	PageViews int64  `json:"pageviews"`
}

// statsCommand prints the website statistics of a period (package stats;
// the console's /console/stats): the last --days days (default 30) up to
// today, or --from to --to.
func statsCommand(ctx context.Context, args []string, stdout io.Writer) error {
	var cfg app.Config
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	commonFlags(fs, &cfg)
	days := fs.Int("days", 0, "the last N days up to today (default 30)")
	fromS := fs.String("from", "", "the first day")
	toS := fs.String("to", "", "the last day, included")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || (*days != 0 && (*fromS != "" || *toS != "")) || (*fromS == "") != (*toS == "") {
		return &exitError{code: 2, err: errors.New(statsUsage)}
	}
	if *days < 0 || *days > stats.MaxDays {
		return &exitError{code: 2, err: fmt.Errorf("--days: 1 to %d", stats.MaxDays)}
	}
	today := civil.Today(cfg.Clock.Now())
	n := *days
	if n == 0 {
		n = 30
	}
	from, to := today.AddDays(-(n - 1)), today
	if *fromS != "" {
		var err error
		if from, err = civil.Parse(*fromS); err != nil {
			return &exitError{code: 2, err: fmt.Errorf("--from: %w", err)}
		}
		if to, err = civil.Parse(*toS); err != nil {
			return &exitError{code: 2, err: fmt.Errorf("--to: %w", err)}
		}
	}
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	r, err := a.Stats.Report(ctx, from, to)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(statsOut(r))
	}
	return statsText(stdout, r)
}

func statsOut(r *stats.Report) statsJSON {
	named := func(rows []stats.Row, name func(string) string) []statsNamed {
		out := []statsNamed{}
		for _, x := range rows {
			out = append(out, statsNamed{Name: name(x.Name), PageViews: x.PageViews})
		}
		return out
	}
	same := func(s string) string { return s }
	out := statsJSON{From: r.From, To: r.To, PageViews: r.PageViews, Visitors: r.Visitors, Paths: []statsPath{},
		Referrers: []statsHost{}, Browsers: named(r.Browsers, same), Systems: named(r.Systems, same),
		Devices: named(r.Devices, same), Countries: []statsCountry{}, Screens: named(r.Screens, same), Days: r.Days,
		Source: map[string]any{"attribution": stats.GeoAttribution}}
	for _, x := range r.Paths {
		out.Paths = append(out.Paths, statsPath{Path: x.Name, PageViews: x.PageViews, Visitors: x.Visitors})
	}
	for _, x := range r.Countries {
		out.Countries = append(out.Countries, statsCountry{Name: stats.CountryName(x.Name, "en"), Code: x.Name, PageViews: x.PageViews})
	}
	for _, x := range r.Referrers {
		out.Referrers = append(out.Referrers, statsHost{Host: x.Name, PageViews: x.PageViews})
	}
	return out
}

// statsText prints the report as readable tables.
func statsText(w io.Writer, r *stats.Report) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "Website statistics %s to %s\t\n", r.From, r.To)
	fmt.Fprintf(tw, "Visitors\t%d\t\nPage views\t%d\t\n", r.Visitors, r.PageViews)
	fmt.Fprintf(tw, "\nPage\tPage views\tVisitors\t\n")
	for _, x := range r.Paths {
		fmt.Fprintf(tw, "%s\t%d\t%d\t\n", x.Name, x.PageViews, x.Visitors)
	}
	section := func(head string, rows []stats.Row, name func(string) string) {
		fmt.Fprintf(tw, "\n%s\tPage views\t\n", head)
		for _, x := range rows {
			fmt.Fprintf(tw, "%s\t%d\t\n", name(x.Name), x.PageViews)
		}
	}
	same := func(s string) string { return s }
	section("Referrer", r.Referrers, same)
	section("Device", r.Devices, same)
	section("Browser", r.Browsers, same)
	section("System", r.Systems, same)
	section("Country", r.Countries, func(c string) string { return stats.CountryName(c, "en") })
	section("Screen", r.Screens, same)
	fmt.Fprintf(tw, "\n%s\t\n", stats.GeoAttribution)
	return tw.Flush()
}
