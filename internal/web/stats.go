package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"hms/internal/platform/civil"
	"hms/internal/stats"
)

// Website statistics without cookies (package stats, PRIVACY.md P2): the
// middleware that counts the public pages, and the console's dashboard.

// countVisit counts a public page the handler answered 200 with HTML (not
// a redirect, an error or a download) in the statistics. The address and
// user agent go to stats.Count in memory; nothing of them is logged.
func (s *Server) countVisit(next http.Handler) http.Handler {
	if s.Stats == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !publicPagePath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		// Ask browsers for the viewport width on their next request (a
		// client hint; no script measures the screen).
		w.Header().Set("Accept-CH", "Sec-CH-Viewport-Width, Viewport-Width")
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.status != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			return
		}
		s.Stats.Count(s.visitOf(r))
	})
}

// publicPagePath is false for the areas that are never counted, whatever
// their access.
func publicPagePath(path string) bool {
	for _, p := range []string{"/o/", "/console", "/api/", "/static/", "/app", "/account", "/healthz", "/readyz", "/metrics"} {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	return true
}

func (s *Server) visitOf(r *http.Request) stats.Visit {
	addr, _ := netip.ParseAddr(s.clientAddr(r)) // an unreadable address is no country, still a visit
	h := r.Header
	width, _ := strconv.Atoi(strings.TrimSpace(h.Get("Sec-CH-Viewport-Width")))
	if width == 0 {
		width, _ = strconv.Atoi(strings.TrimSpace(h.Get("Viewport-Width")))
	}
	return stats.Visit{Path: r.URL.Path, Referrer: h.Get("Referer"), Host: r.Host, Addr: addr, UserAgent: r.UserAgent(),
		DNT: strings.TrimSpace(h.Get("DNT")) == "1", GPC: strings.TrimSpace(h.Get("Sec-GPC")) == "1",
		MobileHint: h.Get("Sec-CH-UA-Mobile"), PlatformHint: h.Get("Sec-CH-UA-Platform"), ViewportWidth: width}
}

// statusRecorder remembers the status a handler answered.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type statsView struct {
	R            *stats.Report
	Chart        template.HTML
	Presets      []statsPreset
	Tables       []statsTable
	FromT, ToT   string // the period in words
	HasVisitors  bool
	VisitorsNote bool
}

type statsPreset struct {
	Days int
	URL  string
	On   bool
}

type statsTable struct {
	ID, Head string
	Rows     []statsRow
	Visitors bool // the table has a visitors column (pages)
}

type statsRow struct {
	Name                string
	PageViews, Visitors int64
	Bar                 template.HTML
}

// consoleStats is the dashboard of the website statistics: a period (from
// and to, or the last 7, 30 or 90 days), visitors and page views per day,
// and the tables of pages, referrers, devices, browsers, systems, countries
// and screens with bars.
func (s *Server) consoleStats(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "stats.title")
	p.Nav = "console"
	q := r.URL.Query()
	today := civil.Today(s.Clock.Now())
	days := 30
	if n, err := strconv.Atoi(q.Get("days")); err == nil && n >= 1 && n <= stats.MaxDays {
		days = n
	}
	from, to := today.AddDays(-(days - 1)), today
	fromSet, toSet := strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	if fromSet != "" || toSet != "" {
		f, ferr := civil.Parse(fromSet)
		t, terr := civil.Parse(toSet)
		if ferr != nil {
			p.Errors.Add("from", "field.date")
		}
		if terr != nil {
			p.Errors.Add("to", "field.date")
		}
		if ferr == nil && terr == nil {
			from, to, days = f, t, 0
		}
	}
	rep, err := s.Stats.Report(r.Context(), from, to)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Form = url.Values{"from": {rep.From.String()}, "to": {rep.To.String()}}
	if len(p.Errors) > 0 {
		p.Form = q
	}
	v := statsView{R: rep, FromT: rep.From.Long(p.Lang), ToT: rep.To.Long(p.Lang),
		HasVisitors: rep.PageViews > 0, VisitorsNote: len(rep.Days) > 1}
	for _, n := range []int{7, 30, 90} {
		v.Presets = append(v.Presets, statsPreset{Days: n, URL: "/console/stats?days=" + strconv.Itoa(n), On: n == days})
	}
	var labels []string
	var views, visitors []int64
	for _, d := range rep.Days {
		labels = append(labels, fmt.Sprintf("%d %s", d.Date.Day, civil.MonthShort(d.Date.Month, p.Lang)))
		views, visitors = append(views, d.PageViews), append(visitors, d.Visitors)
	}
	count := func(n int64) string { return strconv.FormatInt(n, 10) }
	v.Chart = barChart(chartSpec{ID: "chart-stats", Title: p.T("stats.chart"), Labels: labels, Format: count,
		Series: []chartSeries{{p.T("stats.visitors"), "bar-visitors", visitors}, {p.T("stats.pageviews"), "bar-pageviews", views}}})
	word := func(prefix string) func(string) string {
		return func(n string) string {
			if n == stats.Other {
				return p.T("stats.other")
			}
			if prefix == "" {
				return n
			}
			return p.T(prefix + n)
		}
	}
	country := func(c string) string { return stats.CountryName(c, p.Lang) }
	v.Tables = []statsTable{
		{"stats-paths", p.T("stats.page"), statsRows(rep.Paths, word("")), true},
		{"stats-referrers", p.T("stats.referrer"), statsRows(rep.Referrers, word("")), false},
		{"stats-devices", p.T("stats.device"), statsRows(rep.Devices, word("stats.device.")), false},
		{"stats-browsers", p.T("stats.browser"), statsRows(rep.Browsers, word("")), false},
		{"stats-systems", p.T("stats.system"), statsRows(rep.Systems, word("")), false},
		{"stats-countries", p.T("stats.country"), statsRows(rep.Countries, country), false},
		{"stats-screens", p.T("stats.screen"), statsRows(rep.Screens, word("stats.screen.")), false},
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "console_stats", p)
}

// statsRows are a report's rows with their names in words and a bar as
// long as the row's share of the largest.
func statsRows(rows []stats.Row, name func(string) string) []statsRow {
	var top int64 = 1
	for _, r := range rows {
		top = max(top, r.PageViews)
	}
	out := make([]statsRow, 0, len(rows))
	for _, r := range rows {
		w := 100 * float64(r.PageViews) / float64(top)
		bar := template.HTML(fmt.Sprintf( //nolint:gosec // only numbers
			`<svg class="hbar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">`+
				`<rect class="bar-pageviews" width="%.1f" height="10"/></svg>`, w))
		out = append(out, statsRow{Name: name(r.Name), PageViews: r.PageViews, Visitors: r.Visitors, Bar: bar})
	}
	return out
}
