package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"hms/internal/platform/csvfile"
	"hms/internal/platform/listing"
)

// ListView is what a list page's template needs for search, sorting, paging
// and export; build it with newListView and put it in the page data.
type ListView struct {
	Query listing.Query
	Total int // at most listing.CountCap+1 for the lists that cap their count
	Shown int // rows on this page (serveList sets it), for the pager of a capped count
	path  string
	vals  url.Values
	tr    func(id string) string
}

// T translates a message id in the page's language.
func (l *ListView) T(id string) string { return l.tr(id) }

func (s *Server) newListView(r *http.Request, q listing.Query, total int) *ListView {
	v := url.Values{}
	for k, vs := range r.URL.Query() {
		if k != "page" && k != "format" {
			v[k] = vs
		}
	}
	lang := langOf(r)
	return &ListView{Query: q, Total: total, path: r.URL.Path, vals: v, tr: func(id string) string { return s.Texts.T(lang, id, nil) }}
}

// Param is a query parameter the search form keeps.
type Param struct{ Name, Value string }

// Kept are the list's filters (a complex, a status…) that a new search
// keeps: every parameter but the search, the sort and the page.
func (l *ListView) Kept() []Param {
	var out []Param
	for k, vs := range l.vals {
		switch k {
		case "q", "sort", "dir", "page", "format":
			continue
		}
		for _, v := range vs {
			out = append(out, Param{k, v})
		}
	}
	slices.SortFunc(out, func(a, b Param) int { return strings.Compare(a.Name+"="+a.Value, b.Name+"="+b.Value) })
	return out
}

func (l *ListView) url(set map[string]string) string {
	v := url.Values{}
	for k, vs := range l.vals {
		v[k] = vs
	}
	for k, s := range set {
		if s == "" {
			v.Del(k)
		} else {
			v.Set(k, s)
		}
	}
	if len(v) == 0 {
		return l.path
	}
	return l.path + "?" + v.Encode()
}

// SortURL sorts by col, flipping the direction when col is already the sort.
func (l *ListView) SortURL(col string) string {
	dir := ""
	if l.Query.Sort == col && !l.Query.Desc {
		dir = "desc"
	}
	return l.url(map[string]string{"sort": col, "dir": dir})
}

// Arrow marks the sorted column.
func (l *ListView) Arrow(col string) string {
	switch {
	case l.Query.Sort != col:
		return ""
	case l.Query.Desc:
		return " ▼"
	default:
		return " ▲"
	}
}

// AriaSort is the aria-sort value of a column header.
func (l *ListView) AriaSort(col string) string {
	switch {
	case l.Query.Sort != col:
		return "none"
	case l.Query.Desc:
		return "descending"
	default:
		return "ascending"
	}
}

// Page numbers and links.
func (l *ListView) Page() int     { return l.Query.PageNumber() }
func (l *ListView) Pages() int    { return l.Query.Pages(l.Total) }
func (l *ListView) HasPrev() bool { return l.Page() > 1 }

// Capped reports that the list counted no further than listing.CountCap:
// the pager says "more than" and leaves out the number of pages.
func (l *ListView) Capped() bool { return l.Total > listing.CountCap }

// HasNext: a capped list has a next page while this one is full.
func (l *ListView) HasNext() bool {
	if l.Capped() {
		return l.Shown >= l.Query.Limit
	}
	return l.Page() < l.Pages()
}
func (l *ListView) PrevURL() string {
	return l.url(map[string]string{"page": strconv.Itoa(l.Page() - 1)})
}
func (l *ListView) NextURL() string {
	return l.url(map[string]string{"page": strconv.Itoa(l.Page() + 1)})
}

// ExportURL downloads the whole (searched, sorted) list as CSV.
func (l *ListView) ExportURL() string { return l.url(map[string]string{"format": "csv"}) }

// listSpec is one back-office list for serveList: how to fetch a page of
// it, its CSV export, and its page.
type listSpec[T any] struct {
	Sorts    []string // the sort columns the page offers; the first is the default
	Desc     bool     // without a sort asked for, the default column runs from high to low
	Fetch    func(q listing.Query) (listing.Page[T], error)
	CSV      func(items []T) csvFile               // the whole searched and sorted list
	Show     func(list *ListView, items []T) error // fills the page's data
	Template string
	Status   int // 0: 200 OK (another when a failed form shows the list again)
}

// csvFile is what a list exports.
type csvFile struct {
	Name   string
	Header []string
	Rows   [][]string
}

// serveList answers a list's address: the query (search, sort, page) read
// from it, the page asked of the service, then either the whole list as CSV
// (?format=csv, which listing.FromValues turns into every row) or the page.
func serveList[T any](s *Server, w http.ResponseWriter, r *http.Request, p *page, spec listSpec[T]) {
	q := listing.FromValues(r.URL.Query())
	items, err := spec.Fetch(q)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	if wantsCSV(r) && spec.CSV != nil {
		f := spec.CSV(items.Items)
		writeCSV(w, f.Name, f.Header, f.Rows)
		return
	}
	if q.Sort == "" && spec.Desc {
		q.Desc = true
	}
	list := s.newListView(r, q.Normalize(spec.Sorts...), items.Total)
	list.Shown = len(items.Items)
	if err := spec.Show(list, items.Items); err != nil {
		s.fail(w, r, err, p)
		return
	}
	status := spec.Status
	if status == 0 {
		status = http.StatusOK
	}
	s.render(w, r, status, spec.Template, p)
}

// wantsCSV reports whether the request asks for the CSV export.
func wantsCSV(r *http.Request) bool { return r.URL.Query().Get("format") == "csv" }

// writeCSV sends rows as a download (csvfile.Write: what Dutch spreadsheet
// programs open correctly, formula cells defused).
func writeCSV(w http.ResponseWriter, name string, header []string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename=%q`, name))
	// The status line is sent with the first byte: a failed write can only
	// be a client that went away, and there is nobody left to tell.
	_ = csvfile.Write(w, header, rows)
}
