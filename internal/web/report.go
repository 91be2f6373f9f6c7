package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"hms/internal/platform/civil"
	"hms/internal/platform/validation"
	"hms/internal/report"
)

// The reports (Rapportages): the list of them, and each report as a page
// with its small form (the day or the period, the complex), the table and
// the downloads (?format=csv, ?format=pdf) of the same report.

type reportsView struct {
	Reports []reportLink
}

type reportLink struct {
	Name report.Name
	Key  string
}

func (s *Server) reportsIndex(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "report.title")
	p.Nav = "reports"
	var v reportsView
	for _, n := range report.Names {
		v.Reports = append(v.Reports, reportLink{Name: n, Key: n.Key()})
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "reports", p)
}

type reportView struct {
	Name           report.Name
	Key            string
	AtDate, Months bool // which fields the form has; neither: a period of days
	Complexes      []report.Complex
	ComplexID      int64
	Subject, Note  string
	Heads          []reportCell
	Rows           []reportRow
	Total          []reportCell
	Shown          bool // a report was made (not a form with errors)
	CSVURL, PDFURL string
}

type reportCell struct {
	Text string
	Num  bool
}

type reportRow struct {
	Cells      []reportCell
	Sub, Muted bool
}

// reportParams reads the report's form from the query: the day ("date"),
// the period ("from", "to": days, or months for income) and the complex.
func reportParams(n report.Name, q url.Values) (report.Params, validation.Errors) {
	var p report.Params
	fe := validation.Errors{}
	day := func(field string) civil.Date {
		v := strings.TrimSpace(q.Get(field))
		if v == "" {
			return civil.Date{}
		}
		d, err := civil.Parse(v)
		if err != nil {
			fe[field] = "field.date"
		}
		return d
	}
	month := func(field string) civil.Month {
		v := strings.TrimSpace(q.Get(field))
		if v == "" {
			return civil.Month{}
		}
		m, err := civil.ParseMonth(v)
		if err != nil {
			fe[field] = "field.invalid"
		}
		return m
	}
	switch n.PeriodOf() {
	case report.Days:
		p.From, p.To = day("from"), day("to")
	case report.Months:
		p.FromMonth, p.ToMonth = month("from"), month("to")
	default:
		p.On = day("date")
	}
	if v := strings.TrimSpace(q.Get("complex")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			fe["complex"] = "report.error.complex"
		}
		p.ComplexID = id
	}
	if len(fe) > 0 {
		return p, fe
	}
	return p, nil
}

// reportForm are the form's values of p (defaults filled in), so the page
// and its download links name the same report.
func reportForm(n report.Name, p report.Params) url.Values {
	v := url.Values{}
	switch n.PeriodOf() {
	case report.Days:
		v.Set("from", p.From.String())
		v.Set("to", p.To.String())
	case report.Months:
		v.Set("from", p.FromMonth.String())
		v.Set("to", p.ToMonth.String())
	default:
		v.Set("date", p.On.String())
	}
	if p.ComplexID != 0 {
		v.Set("complex", strconv.FormatInt(p.ComplexID, 10))
	}
	return v
}

func (s *Server) reportShow(w http.ResponseWriter, r *http.Request) {
	n := report.Name(r.PathValue("name"))
	if !n.Valid() {
		s.notFound(w, r)
		return
	}
	p := s.newPage(r, "doc.report."+n.Key()+".title")
	p.Nav = "reports"
	a := actorOf(r)
	v := reportView{Name: n, Key: n.Key(), AtDate: n.PeriodOf() == report.AtDate, Months: n.PeriodOf() == report.Months}
	again := onPage(func(status int) {
		p.Form = r.URL.Query()
		v.ComplexID, _ = strconv.ParseInt(p.Form.Get("complex"), 10, 64)
		// The form shows again with what was typed; the complexes are only
		// the select's options, so failing to read them leaves it empty.
		v.Complexes, _ = s.Reports.Complexes(r.Context(), a)
		p.Data = v
		s.render(w, r, status, "report", p)
	}, nil)
	params, fe := reportParams(n, r.URL.Query())
	if fe != nil {
		s.fail(w, r, fe, p, again)
		return
	}
	rep, err := s.Reports.Make(r.Context(), a, n, params)
	if err != nil {
		s.fail(w, r, err, p, again)
		return
	}
	switch r.URL.Query().Get("format") {
	case "csv":
		header, rows := rep.CSV(p.Lang)
		writeCSV(w, rep.FileName(p.Lang, "csv"), header, rows)
		return
	case "pdf":
		pdf, err := rep.PDF(p.Lang)
		if err != nil {
			s.fail(w, r, err, p)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", rep.FileName(p.Lang, "pdf")))
		_, _ = w.Write(pdf) // a failed write is a client that went away
		return
	}
	cs, err := s.Reports.Complexes(r.Context(), a)
	if err != nil {
		s.fail(w, r, err, p)
		return
	}
	p.Form = reportForm(n, rep.Params)
	v.Complexes, v.ComplexID, v.Shown = cs, rep.Params.ComplexID, true
	v.Subject, v.Note = rep.Subject(p.Lang), rep.Note(p.Lang)
	tb := rep.Table(p.Lang)
	for _, c := range tb.Columns {
		v.Heads = append(v.Heads, reportCell{Text: p.T(c.Head), Num: c.Kind.Numeric()})
	}
	cells := func(cs []report.Cell) []reportCell {
		out := make([]reportCell, len(cs))
		for i, c := range cs {
			out[i] = reportCell{Text: c.Format(p.Lang), Num: c.Kind.Numeric()}
		}
		return out
	}
	for _, row := range tb.Rows {
		v.Rows = append(v.Rows, reportRow{Cells: cells(row.Cells), Sub: row.Sub, Muted: row.Muted})
	}
	v.Total = cells(tb.Total)
	for format, dst := range map[string]*string{"csv": &v.CSVURL, "pdf": &v.PDFURL} {
		q := reportForm(n, rep.Params)
		q.Set("format", format)
		*dst = r.URL.Path + "?" + q.Encode()
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "report", p)
}
