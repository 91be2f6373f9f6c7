package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hms/internal/account"
	"hms/internal/money"
	"hms/internal/overview"
	"hms/internal/platform/civil"
)

// --- the overview (Overzicht): figures and charts ---

type dashboardView struct {
	leaseFmt
	Org     *account.Organisation
	F       *overview.Figures
	Base    string // "/o/<slug>"
	Complex string // "&complex=<id>" for the lists that filter by complex, "" for all
	// ComplexID is the complex the figures are of (0: the organisation).
	ComplexID int64
	// Charts as inline SVG.
	MoneyChart, ArrearsChart, OccupancyChart template.HTML
	Buckets                                  []bucketView
	DemoFilling                              bool // serve --demo is still filling the portfolio
}

type bucketView struct {
	Label  string
	Amount money.Cents
}

// ArrearsURL is the list behind the arrears figure: the dunning list, or,
// for one complex, the arrears report of that complex.
func (v dashboardView) ArrearsURL() string {
	return v.complexURL("/dunning/arrears", "/reports/arrears")
}

// IncomeURL is the list behind this month's charged and received: the
// invoices, or, for one complex, the income report of that complex.
func (v dashboardView) IncomeURL() string {
	return v.complexURL("/finance/invoices", "/reports/income")
}

// DepositsURL is the list of deposits to return, of the complex if chosen.
func (v dashboardView) DepositsURL() string {
	return v.complexURL("/finance/deposits", "/finance/deposits")
}

// VacancyURL is the vacancy report over this year, of the complex if chosen.
func (v dashboardView) VacancyURL() string {
	return v.complexURL("/reports/vacancy", "/reports/vacancy")
}

func (v dashboardView) complexURL(all, one string) string {
	if v.ComplexID == 0 {
		return v.Base + all
	}
	return v.Base + one + "?complex=" + strconv.FormatInt(v.ComplexID, 10)
}

// MonthName is a month in words.
func (v dashboardView) MonthName(m civil.Month) string { return m.Long(v.Lang) }

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "dashboard.title")
	p.Nav = "dashboard"
	a := actorOf(r)
	o, err := s.Accounts.Organisation(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	complexID, _ := strconv.ParseInt(r.URL.Query().Get("complex"), 10, 64) // not a number: the whole organisation
	f, err := s.Overview.Figures(r.Context(), a, complexID)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	v := dashboardView{leaseFmt: leaseFmt{p.Lang}, Org: o, F: f, Base: "/o/" + a.OrgSlug, DemoFilling: s.DemoFilling != nil && s.DemoFilling()}
	if complexID != 0 {
		v.Complex = "&complex=" + strconv.FormatInt(complexID, 10)
		v.ComplexID = complexID
		p.Form = url.Values{"complex": {strconv.FormatInt(complexID, 10)}}
	}
	fmtMoney := func(c int64) string { return money.Format(money.Cents(c), p.Lang) }
	var labels []string
	var charged, received, let []int64
	for _, m := range f.Months {
		labels = append(labels, shortMonth(m.Month, p.Lang))
		charged, received = append(charged, int64(m.Charged)), append(received, int64(m.Received))
		let = append(let, int64(m.LetPercent()))
	}
	if f.Finance {
		v.MoneyChart = barChart(chartSpec{ID: "chart-money", Title: p.T("overview.chart.money"), Labels: labels, Format: fmtMoney,
			Series: []chartSeries{{p.T("overview.charged"), "bar-charged", charged}, {p.T("overview.received"), "bar-received", received}}})
		var bl []string
		var bv []int64
		for i, c := range f.Buckets {
			v.Buckets = append(v.Buckets, bucketView{p.T(fmt.Sprintf("overview.bucket.%d", i)), c})
			bl, bv = append(bl, p.T(fmt.Sprintf("overview.bucket_short.%d", i))), append(bv, int64(c))
		}
		v.ArrearsChart = barChart(chartSpec{ID: "chart-arrears", Title: p.T("overview.chart.arrears"), Labels: bl, Format: fmtMoney,
			Series: []chartSeries{{p.T("overview.arrears"), "bar-arrears", bv}}})
	}
	if f.Portfolio {
		v.OccupancyChart = lineChart(chartSpec{ID: "chart-occupancy", Title: p.T("overview.chart.occupancy"), Labels: labels, Max: 100,
			Format: func(n int64) string { return fmt.Sprintf("%d%%", n) },
			Series: []chartSeries{{p.T("overview.occupancy"), "line-occupancy", let}}})
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "dashboard", p)
}

// shortMonth is a month abbreviated, with the year's last two digits in
// January ("jan 26").
func shortMonth(m civil.Month, lang string) string {
	out := civil.MonthShort(m.Month, lang)
	if m.Month == 1 {
		out += fmt.Sprintf(" %02d", m.Year%100)
	}
	return out
}

// --- the search box and its results ---

type searchView struct {
	Query   string
	Results []searchResult
}

type searchResult struct {
	Kind, Label, Detail, URL string
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "search.title")
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p.Form = url.Values{"q": {q}}
	rs, err := s.Overview.Search(r.Context(), actorOf(r), q)
	if err != nil {
		s.fail(w, r, err, p, onPage(func(status int) {
			p.Data = searchView{Query: q}
			s.render(w, r, status, "search", p)
		}, nil))
		return
	}
	v := searchView{Query: q}
	for _, x := range rs {
		v.Results = append(v.Results, searchResult{Kind: p.T("search.kind." + string(x.Kind)), Label: x.Label,
			Detail: x.DetailIn(p.Lang), URL: x.URL})
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "search", p)
}
