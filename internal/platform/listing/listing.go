// Package listing is how every list in HMS is asked for: a search text, a
// sort column, a direction and a page. The web turns query parameters into a
// Query, the API turns its cursor into one, and services answer a Page.
package listing

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// DefaultLimit and MaxLimit bound a page.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// CountCap is where a back-office list stops counting its matches: a Page's
// Total above it means "more than CountCap". A landlord reads the count to
// see how large a search's answer is; past a thousand rows (twenty pages)
// nobody pages through, they search or filter, and the portfolio's size is
// on the overview. Counting to the cap costs at most CountCap+1 index
// entries, so a list page's cost stops growing with the portfolio there.
const CountCap = 1000

// CappedCount is the statement counting the rows of from (" FROM … WHERE
// …", without order) up to CountCap+1.
func CappedCount(from string) string {
	return `SELECT COUNT(*) FROM (SELECT 1` + from + ` LIMIT ` + strconv.Itoa(CountCap+1) + `) capped`
}

// Query asks for one page of a list.
type Query struct {
	Search string // free text; each service says which fields it matches
	Sort   string // a column name the service allows; "" for its default
	Desc   bool
	Offset int
	Limit  int
	All    bool // every row, for CSV export (services may cap it)
	// NoTotal: the caller pages by cursor and shows no total (the API), so
	// lists that honour it skip counting every match, which grows with the
	// organisation; Page.Total is then 0.
	NoTotal bool
}

// Page is one page of results and the total number of matches (for the
// back-office lists at most CountCap+1: see CountCap).
type Page[T any] struct {
	Items []T
	Total int
}

// Normalize clamps limits and drops a sort column not in allowed (the first
// allowed column is the default).
func (q Query) Normalize(allowed ...string) Query {
	q.Search = strings.TrimSpace(q.Search)
	if len(q.Search) > 200 {
		q.Search = q.Search[:200]
	}
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	if q.Limit > MaxLimit {
		q.Limit = MaxLimit
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	if len(allowed) > 0 && !slices.Contains(allowed, q.Sort) {
		q.Sort = allowed[0]
	}
	return q
}

// Direction is "DESC" or "ASC" for SQL built from a Normalized query.
func (q Query) Direction() string {
	if q.Desc {
		return "DESC"
	}
	return "ASC"
}

// FromValues reads q, sort, dir, page and per from URL values (the web's
// list parameters). Pages are 1-based.
func FromValues(v url.Values) Query {
	q := Query{Search: v.Get("q"), Sort: v.Get("sort"), Desc: v.Get("dir") == "desc"}
	per, _ := strconv.Atoi(v.Get("per"))
	if per <= 0 {
		per = DefaultLimit
	}
	q.Limit = min(per, MaxLimit)
	page, _ := strconv.Atoi(v.Get("page"))
	if page > 1 {
		q.Offset = (page - 1) * q.Limit
	}
	q.All = v.Get("format") == "csv"
	return q
}

// Pages is the number of pages for total rows at q's limit.
func (q Query) Pages(total int) int {
	if q.Limit <= 0 || total == 0 {
		return 1
	}
	return (total + q.Limit - 1) / q.Limit
}

// PageNumber is the 1-based page q asks for.
func (q Query) PageNumber() int {
	if q.Limit <= 0 {
		return 1
	}
	return q.Offset/q.Limit + 1
}

// EscapeLike escapes a search text for use in LIKE … ESCAPE '\'.
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
