// Package stats counts the public website's page views without cookies
// (PRIVACY.md P2, P3). The web's middleware hands each public page it
// answered (GET, 200, HTML) to Count as a Visit. The visitor's address and
// user agent are used in memory only: keyed with a random secret of the day
// that is never written anywhere, they make a visitor key that tells
// unique visitors apart for that day; the address also names the country by
// the embedded table (geo.go) and the user agent the device class, browser
// and system families (ua.go). What reaches the database are daily
// aggregates (stats_daily): page views and unique visitors per day and per
// path (no query string), referrer host (not the site's own), device
// class, browser, system, country and screen class (from a client hint, no
// script). Requests with DNT: 1 or Sec-GPC: 1 and robots (bots.txt) are not
// counted.
//
// Counts are kept in memory and added to the database by Flush, which the
// app calls every minute and when it closes, so a stopped server loses
// nothing it counted; instances sharing one PostgreSQL add their counts to
// the same rows. Consequences of never storing the secret or the keys:
//   - a restart makes a new secret, so a visitor seen before the restart
//     and again after it on the same day counts as two visitors;
//   - each instance keeps its own set of the day's visitor keys, so a
//     visitor served by two instances on one day counts as two;
//   - visitors over a period are the sum of the days' visitors (one person
//     on three days is three).
//
// The set of the day's keys lives in memory only; it holds at most
// maxSeen keys a day (about 24 bytes each), after which new visitors still
// add page views but no longer visitors.
package stats

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"unicode/utf8"

	"hms/internal/platform/civil"
	"hms/internal/platform/clock"
	"hms/internal/platform/db"
)

// The dimensions of the aggregates.
const (
	DimTotal    = "total"
	DimPath     = "path"
	DimReferrer = "referrer"
	DimDevice   = "device"
	DimBrowser  = "browser"
	DimSystem   = "system"
	DimCountry  = "country"
	DimScreen   = "screen"
)

// Dimensions lists them in the order they are counted and shown.
var Dimensions = []string{DimTotal, DimPath, DimReferrer, DimDevice, DimBrowser, DimSystem, DimCountry, DimScreen}

const (
	maxSeen      = 4_000_000 // visitor keys kept per day and instance
	maxValues    = 1000      // distinct values per dimension, day and instance; then Other
	maxValueSize = 200       // a longer path or host is cut
)

// Visit is what Count reads of one request; the web fills it. Addr and
// UserAgent are used in memory and forgotten.
type Visit struct {
	Path      string     // the URL path, without query string
	Referrer  string     // the Referer header as sent
	Host      string     // the host the request was for (the site's own)
	Addr      netip.Addr // the client's address
	UserAgent string
	// DNT and GPC are true when the browser sent DNT: 1 or Sec-GPC: 1.
	DNT, GPC bool
	// The client hints, when sent: Sec-CH-UA-Mobile, Sec-CH-UA-Platform and
	// the viewport width (Sec-CH-Viewport-Width or Viewport-Width).
	MobileHint, PlatformHint string
	ViewportWidth            int
}

// Deps are what the service needs.
type Deps struct {
	DB    *db.DB
	Clock clock.Clock
	Log   *slog.Logger
}

type key struct {
	day        civil.Date
	dim, value string
}

type counts struct{ pageviews, visitors int64 }

// Service counts visits and reports them.
type Service struct {
	db    *db.DB
	clock clock.Clock
	log   *slog.Logger

	mu      sync.Mutex
	day     civil.Date
	secret  [32]byte
	seen    map[uint64]struct{}
	values  map[string]map[string]bool // per dimension, the day's values
	pending map[key]counts
}

// New makes the service; it counts from the first Count on.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{db: d.DB, clock: d.Clock, log: d.Log, pending: map[key]counts{}}
}

// Counted reports whether a visit is counted at all: not when the browser
// asks not to be tracked (DNT, GPC) nor when it is a robot.
func Counted(v Visit) bool { return !v.DNT && !v.GPC && !IsBot(v.UserAgent) }

// Count adds one page view of v to the day's aggregates in memory, and a
// visitor to each aggregate the visitor's key has not been seen in today.
// It reports whether the visit was counted (see Counted).
func (s *Service) Count(v Visit) bool {
	if !Counted(v) {
		return false
	}
	path := cut(v.Path)
	if path == "" {
		path = "/"
	}
	agent := ParseAgent(v.UserAgent, v.MobileHint, v.PlatformHint)
	values := [...]string{"", path, referrerHost(v.Referrer, v.Host), agent.Device, agent.Browser, agent.System,
		Country(v.Addr), ScreenClass(v.ViewportWidth)}
	day := civil.Today(s.clock.Now())

	s.mu.Lock()
	defer s.mu.Unlock()
	if day != s.day {
		s.newDay(day)
	}
	// The visitor's key of the day: the address and user agent keyed with
	// the day's secret; only this hash is kept, and only until tomorrow.
	m := hmac.New(sha256.New, s.secret[:])
	m.Write([]byte(v.Addr.Unmap().String()))
	m.Write([]byte{0})
	m.Write([]byte(v.UserAgent))
	visitor := m.Sum(nil)
	for i, dim := range Dimensions {
		val := values[i]
		if dim == DimReferrer && val == "" {
			continue
		}
		if !s.values[dim][val] {
			if len(s.values[dim]) >= maxValues {
				val = Other
			}
			s.values[dim][val] = true
		}
		k := key{day, dim, val}
		c := s.pending[k]
		c.pageviews++
		if s.firstSeen(visitor, dim, val) {
			c.visitors++
		}
		s.pending[k] = c
	}
	return true
}

// newDay forgets yesterday's secret and visitor keys: a new random secret,
// never written anywhere. Caller holds mu.
func (s *Service) newDay(day civil.Date) {
	s.day = day
	if _, err := rand.Read(s.secret[:]); err != nil {
		panic("stats: no randomness: " + err.Error()) // crypto/rand does not fail on supported systems
	}
	s.seen = map[uint64]struct{}{}
	s.values = map[string]map[string]bool{}
	for _, d := range Dimensions {
		s.values[d] = map[string]bool{}
	}
}

// firstSeen records the visitor in dim's value and reports whether it is
// the first time today. Caller holds mu.
func (s *Service) firstSeen(visitor []byte, dim, val string) bool {
	h := sha256.New()
	h.Write(visitor)
	h.Write([]byte(dim + "\x00" + val))
	k := binary.BigEndian.Uint64(h.Sum(nil))
	if _, ok := s.seen[k]; ok {
		return false
	}
	if len(s.seen) >= maxSeen {
		return false
	}
	s.seen[k] = struct{}{}
	return true
}

// referrerHost is the host name a Referer names, lower case, without
// "www."; "" for none, a malformed one, or the site's own host.
func referrerHost(ref, own string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	_, rest, ok := strings.Cut(ref, "://")
	if !ok {
		return ""
	}
	host := rest
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = host[i+1:]
	}
	host = strings.ToLower(stripPort(host))
	if host == "" || host == strings.ToLower(stripPort(own)) {
		return ""
	}
	for _, r := range host {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == ':' || r == '[' || r == ']') {
			return ""
		}
	}
	return cut(strings.TrimPrefix(host, "www."))
}

func stripPort(h string) string {
	if strings.HasPrefix(h, "[") {
		if i := strings.Index(h, "]"); i >= 0 {
			return h[:i+1]
		}
		return h
	}
	if i := strings.LastIndex(h, ":"); i >= 0 && strings.Count(h, ":") == 1 {
		return h[:i]
	}
	return h
}

func cut(s string) string {
	if len(s) > maxValueSize {
		s = s[:maxValueSize]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

// Flush adds the counts in memory to the database and forgets them; when
// the write fails they stay to be added by the next Flush.
func (s *Service) Flush(ctx context.Context) error {
	s.mu.Lock()
	batch := s.pending
	s.pending = map[key]counts{}
	s.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := s.db.System(ctx, func(tx *db.Tx) error { return addCounts(ctx, tx, batch) })
	if err != nil {
		s.mu.Lock()
		for k, c := range batch {
			p := s.pending[k]
			p.pageviews += c.pageviews
			p.visitors += c.visitors
			s.pending[k] = p
		}
		s.mu.Unlock()
	}
	return err
}

// Row is one value of a dimension over a period.
type Row struct {
	Name      string `json:"name"`
	PageViews int64  `json:"pageviews"`
	Visitors  int64  `json:"visitors"`
}

// Day is one day's totals.
type Day struct {
	Date      civil.Date `json:"date"`
	PageViews int64      `json:"pageviews"`
	Visitors  int64      `json:"visitors"`
}

// Report is the statistics of a period, both days included. Visitors are
// summed over days (see the package comment). Rows are ordered by page
// views, most first, then by name. Country rows are codes; CountryName
// gives the words.
type Report struct {
	From, To  civil.Date
	PageViews int64
	Visitors  int64
	Days      []Day // every day of the period, also those without visits
	Paths     []Row
	Referrers []Row
	Devices   []Row
	Browsers  []Row
	Systems   []Row
	Countries []Row
	Screens   []Row
}

// MaxDays is the longest period a report covers.
const MaxDays = 366

// Report reads the aggregates of the days from through to (swapped when
// reversed, cut to MaxDays), after flushing this instance's counts so the
// report is up to date.
func (s *Service) Report(ctx context.Context, from, to civil.Date) (*Report, error) {
	if to.Before(from) {
		from, to = to, from
	}
	if from.DaysUntil(to) >= MaxDays {
		from = to.AddDays(-(MaxDays - 1))
	}
	if err := s.Flush(ctx); err != nil {
		return nil, err
	}
	r := &Report{From: from, To: to}
	var rows []dimRow
	var daily map[civil.Date]counts
	err := s.db.ReadSystem(ctx, func(tx *db.Tx) error {
		var err error
		if rows, err = sumByValue(ctx, tx, from, to); err != nil {
			return err
		}
		daily, err = totalsByDay(ctx, tx, from, to)
		return err
	})
	if err != nil {
		return nil, err
	}
	for d := from; !d.After(to); d = d.AddDays(1) {
		c := daily[d]
		r.Days = append(r.Days, Day{Date: d, PageViews: c.pageviews, Visitors: c.visitors})
		r.PageViews += c.pageviews
		r.Visitors += c.visitors
	}
	for _, x := range rows {
		row := Row{Name: x.value, PageViews: x.pageviews, Visitors: x.visitors}
		switch x.dim {
		case DimPath:
			r.Paths = append(r.Paths, row)
		case DimReferrer:
			r.Referrers = append(r.Referrers, row)
		case DimDevice:
			r.Devices = append(r.Devices, row)
		case DimBrowser:
			r.Browsers = append(r.Browsers, row)
		case DimSystem:
			r.Systems = append(r.Systems, row)
		case DimCountry:
			r.Countries = append(r.Countries, row)
		case DimScreen:
			r.Screens = append(r.Screens, row)
		}
	}
	return r, nil
}
