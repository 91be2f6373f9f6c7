package report

import (
	"strconv"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc"
)

// Kind is what a cell holds, which says how it is written and aligned.
type Kind int

const (
	Text Kind = iota
	Amount
	Day
	MonthOf
	Count
	Percentage
)

// Numeric reports whether cells of k are aligned right.
func (k Kind) Numeric() bool { return k == Amount || k == Count || k == Percentage }

// Column is a column of a report's table: its head (a document text id),
// what its cells hold and its share of a PDF page's width.
type Column struct {
	Head  string
	Kind  Kind
	Width float64
}

// Cell is one value of a table.
type Cell struct {
	Kind  Kind
	Text  string
	Cents money.Cents
	Date  civil.Date
	Month civil.Month
	N     int
	Rate  money.Rate
	Blank bool // nothing to show (a vacant unit's amounts)
}

// Row is a row of a table; Sub rows are a group's subtotal, Muted rows a
// vacant unit or a lease's further unit.
type Row struct {
	Cells []Cell
	Sub   bool
	Muted bool
}

// Table is a report as the page, the CSV and the PDF print it.
type Table struct {
	Columns []Column
	Rows    []Row
	Total   []Cell // the totals row; its first cell is the word "Total"
}

// Format writes c for a page or a PDF in lang: amounts with the euro sign,
// days and months in words.
func (c Cell) Format(lang string) string {
	if c.Blank {
		return ""
	}
	switch c.Kind {
	case Amount:
		return money.Format(c.Cents, lang)
	case Day:
		if c.Date.IsZero() {
			return "—"
		}
		return c.Date.Long(lang)
	case MonthOf:
		return c.Month.Long(lang)
	case Count:
		return strconv.Itoa(c.N)
	case Percentage:
		return money.FormatRate(c.Rate, lang)
	}
	return c.Text
}

// CSV writes c for a spreadsheet: amounts without the euro sign in lang's
// notation, days and months in ISO.
func (c Cell) CSV(lang string) string {
	if c.Blank {
		return ""
	}
	switch c.Kind {
	case Amount:
		return money.FormatPlain(c.Cents, lang)
	case Day:
		if c.Date.IsZero() {
			return ""
		}
		return c.Date.String()
	case MonthOf:
		return c.Month.String()
	}
	return c.Format(lang)
}

func text(s string) Cell                        { return Cell{Kind: Text, Text: s} }
func amount(c money.Cents) Cell                 { return Cell{Kind: Amount, Cents: c} }
func day(d civil.Date) Cell                     { return Cell{Kind: Day, Date: d} }
func count(n int) Cell                          { return Cell{Kind: Count, N: n} }
func percentage(r money.Rate) Cell              { return Cell{Kind: Percentage, Rate: r} }
func blank(k Kind) Cell                         { return Cell{Kind: k, Blank: true} }
func col(head string, k Kind, w float64) Column { return Column{Head: head, Kind: k, Width: w} }

// Table is the report as a table; words (a vacant unit, no complex) in
// lang.
func (r *Report) Table(lang string) Table {
	t := pdfdoc.TextsIn(lang)
	var out Table
	switch {
	case r.RentRoll != nil:
		rr := r.RentRoll
		out.Columns = []Column{col("doc.report.col.address", Text, 38), col("doc.report.col.complex", Text, 24),
			col("doc.report.col.tenants", Text, 28), col("doc.report.col.reference", Text, 20), col("doc.report.col.start", Day, 25),
			col("doc.report.col.bare_rent", Amount, 25), col("doc.report.col.service_costs", Amount, 25),
			col("doc.report.col.other", Amount, 25), col("doc.report.col.total", Amount, 25), col("doc.report.col.deposit", Amount, 25)}
		for _, x := range rr.Rows {
			row := Row{Cells: []Cell{text(x.Address), text(x.Complex)}}
			switch {
			case x.Vacant:
				row.Muted = true
				row.Cells = append(row.Cells, text(t.T("doc.report.vacant")), text(""), blank(Day))
				row.Cells = append(row.Cells, blank(Amount), blank(Amount), blank(Amount), blank(Amount), blank(Amount))
			case x.Continued:
				row.Muted = true
				row.Cells = append(row.Cells, text(names(x.Tenants)), text(x.Reference), day(x.Start))
				row.Cells = append(row.Cells, blank(Amount), blank(Amount), blank(Amount), blank(Amount), blank(Amount))
			default:
				row.Cells = append(row.Cells, text(names(x.Tenants)), text(x.Reference), day(x.Start), amount(x.BareRent),
					amount(x.ServiceCosts), amount(x.Other), amount(x.Total), amount(x.Deposit))
			}
			out.Rows = append(out.Rows, row)
		}
		out.Total = []Cell{text(t.T("doc.report.total")), text(t.T("doc.report.rent_roll.units", "Units", rr.Units, "Vacant", rr.Vacant)),
			text(""), text(""), blank(Day), amount(rr.BareRent), amount(rr.ServiceCosts), amount(rr.Other), amount(rr.Total),
			amount(rr.Deposit)}
	case r.Arrears != nil:
		ar := r.Arrears
		out.Columns = []Column{col("doc.report.col.tenants", Text, 2), col("doc.report.col.address", Text, 2.6),
			col("doc.report.col.reference", Text, 1.1), col("doc.report.col.days_0_30", Amount, 1), col("doc.report.col.days_31_60", Amount, 1),
			col("doc.report.col.days_61_90", Amount, 1), col("doc.report.col.days_over_90", Amount, 1), col("doc.report.col.overdue", Amount, 1.1)}
		for _, x := range ar.Rows {
			row := Row{Cells: []Cell{text(names(x.Tenants)), text(x.Address), text(x.Reference)}}
			for _, b := range x.Buckets {
				row.Cells = append(row.Cells, amount(b))
			}
			out.Rows = append(out.Rows, Row{Cells: append(row.Cells, amount(x.Overdue))})
		}
		out.Total = []Cell{text(t.T("doc.report.total")), text(""), text("")}
		for _, b := range ar.Buckets {
			out.Total = append(out.Total, amount(b))
		}
		out.Total = append(out.Total, amount(ar.Overdue))
	case r.Vacancy != nil:
		v := r.Vacancy
		out.Columns = []Column{col("doc.report.col.address", Text, 2.6), col("doc.report.col.complex", Text, 1.5),
			col("doc.report.col.days_empty", Count, 1), col("doc.report.col.vacancy_rate", Percentage, 1),
			col("doc.report.col.last_rent", Amount, 1.2), col("doc.report.col.rent_lost", Amount, 1.2)}
		for _, x := range v.Rows {
			rent := amount(x.Rent)
			if x.Rent == 0 {
				rent = text(t.T("doc.report.vacancy.never_let"))
			}
			out.Rows = append(out.Rows, Row{Cells: []Cell{text(x.Address), text(x.Complex), count(x.Days), percentage(x.Rate), rent,
				amount(x.Lost)}})
		}
		out.Total = []Cell{text(t.T("doc.report.total")), text(t.T("doc.report.vacancy.units", "Units", v.Units, "Days", v.PeriodDays)),
			count(v.Days), percentage(v.Rate), text(""), amount(v.Lost)}
	case r.Income != nil:
		in := r.Income
		out.Columns = []Column{col("doc.report.col.complex", Text, 2.2), col("doc.report.col.month", MonthOf, 1.4),
			col("doc.report.col.charged", Amount, 1.2), col("doc.report.col.received", Amount, 1.2)}
		for _, c := range in.Complexes {
			name := c.Complex
			if c.ComplexID == 0 {
				name = t.T("doc.report.no_complex")
			}
			for _, m := range c.Months {
				out.Rows = append(out.Rows, Row{Cells: []Cell{text(name), {Kind: MonthOf, Month: m.Month}, amount(m.Charged), amount(m.Received)}})
			}
			out.Rows = append(out.Rows, Row{Sub: true, Cells: []Cell{text(t.T("doc.report.subtotal", "Name", name)), text(""),
				amount(c.Charged), amount(c.Received)}})
		}
		out.Total = []Cell{text(t.T("doc.report.total")), text(""), amount(in.Charged), amount(in.Received)}
	case r.Deposits != nil:
		d := r.Deposits
		out.Columns = []Column{col("doc.report.col.tenants", Text, 2), col("doc.report.col.address", Text, 2.4),
			col("doc.report.col.reference", Text, 1.1), col("doc.report.col.received", Amount, 1), col("doc.report.col.returned", Amount, 1),
			col("doc.report.col.held", Amount, 1), col("doc.report.col.ends_on", Day, 1.3), col("doc.report.col.deadline", Day, 1.3)}
		for _, x := range d.Rows {
			end, deadline := day(x.EndsOn), day(x.Deadline)
			if x.EndsOn.IsZero() {
				end, deadline = blank(Day), blank(Day)
			}
			out.Rows = append(out.Rows, Row{Cells: []Cell{text(names(x.Tenants)), text(x.Address), text(x.Reference), amount(x.Received),
				amount(x.Returned), amount(x.Held), end, deadline}})
		}
		out.Total = []Cell{text(t.T("doc.report.total")), text(""), text(""), amount(d.Received), amount(d.Returned), amount(d.Held),
			blank(Day), blank(Day)}
	}
	return out
}

// Title is the report's name in lang.
func (r *Report) Title(lang string) string {
	return pdfdoc.TextsIn(lang).T("doc.report." + r.Name.Key() + ".title")
}

// Subject says what the report covers: the day or the period, and the
// complex or the whole organisation, in lang.
func (r *Report) Subject(lang string) string {
	t := pdfdoc.TextsIn(lang)
	var when string
	switch r.Name.PeriodOf() {
	case Days:
		when = t.T("doc.report.period", "From", r.Params.From.Long(t.Lang), "To", r.Params.To.Long(t.Lang))
	case Months:
		when = t.T("doc.report.period", "From", r.Params.FromMonth.Long(t.Lang), "To", r.Params.ToMonth.Long(t.Lang))
	default:
		when = t.T("doc.report.on", "Date", r.Params.On.Long(t.Lang))
	}
	scope := t.T("doc.report.all_complexes")
	if r.Complex != "" {
		scope = t.T("doc.report.complex", "Name", r.Complex)
	}
	return when + " · " + scope
}

// Note is the report's rule in words (what is counted how), in lang.
func (r *Report) Note(lang string) string {
	return pdfdoc.TextsIn(lang).T("doc.report." + r.Name.Key() + ".note")
}

// FileName is the name of the report's download ("huurlijst-2026-03-01.csv").
func (r *Report) FileName(lang, ext string) string {
	t := pdfdoc.TextsIn(lang)
	var when string
	switch r.Name.PeriodOf() {
	case Days:
		when = r.Params.From.String() + "-" + r.Params.To.String()
	case Months:
		when = r.Params.FromMonth.String() + "-" + r.Params.ToMonth.String()
	default:
		when = r.Params.On.String()
	}
	return t.T("doc.report."+r.Name.Key()+".file") + "-" + when + "." + ext
}

// CSV is the report as a spreadsheet: the header, the rows and the totals
// row, in lang.
func (r *Report) CSV(lang string) (header []string, rows [][]string) {
	t := pdfdoc.TextsIn(lang)
	tb := r.Table(lang)
	for _, c := range tb.Columns {
		header = append(header, t.T(c.Head))
	}
	line := func(cs []Cell) []string {
		out := make([]string, len(cs))
		for i, c := range cs {
			out[i] = c.CSV(lang)
		}
		return out
	}
	for _, row := range tb.Rows {
		rows = append(rows, line(row.Cells))
	}
	if tb.Total != nil {
		rows = append(rows, line(tb.Total))
	}
	return header, rows
}
