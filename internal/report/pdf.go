package report

import (
	"time"

	"hms/internal/platform/pdfdoc"
)

// The PDF of a report: A4 landscape, the title and what it covers, the table
// with its head repeated on every page, each cell wrapped within its column
// (a row is as high as its longest cell, so no text runs into the next),
// the totals row, and the rule of the report below.

const (
	pdfFont    = 7.5 // pt, the table
	pdfLine    = 3.6 // mm, a line of the table
	pdfPadding = 1.2 // mm, left and right in a cell
)

// PDF is the report as a document in lang.
func (r *Report) PDF(lang string) ([]byte, error) {
	t := pdfdoc.TextsIn(lang)
	title := r.Title(lang)
	made := time.Date(r.Made.Year, r.Made.Month, r.Made.Day, 12, 0, 0, 0, time.UTC)
	doc := pdfdoc.New(pdfdoc.Meta{Title: title, Author: r.Org, Lang: lang, Created: made, Layout: pdfdoc.SheetLayout, Landscape: true,
		Footer: []string{r.Org, title, t.T("doc.report.made", "Date", r.Made.Long(t.Lang))}, Paged: true})
	doc.SetFont("dejavu", "B", 15)
	doc.MultiCell(0, 7, title, "", "L", false)
	doc.SetFont("dejavu", "", 10)
	doc.MultiCell(0, 5, r.Subject(lang), "", "L", false)
	doc.Ln(3)

	// The cells keep their own padding (pdfPadding): fpdf's cell margin
	// would narrow what SplitText fits in a column a second time.
	doc.SetCellMargin(0)
	tb := r.Table(lang)
	var sum float64
	for _, c := range tb.Columns {
		sum += c.Width
	}
	widths := make([]float64, len(tb.Columns))
	for i, c := range tb.Columns {
		widths[i] = doc.TextWidth * c.Width / sum
	}
	heads := make([]string, len(tb.Columns))
	for i, c := range tb.Columns {
		heads[i] = t.T(c.Head)
	}
	// Rows break to a new page themselves, above the layout's bottom margin.
	_, pageHeight := doc.GetPageSize()
	limit := pageHeight - pdfdoc.SheetLayout.Bottom
	head := func() {
		doc.SetFillColor(230, 230, 230)
		row(doc, widths, tb.Columns, heads, "B", false, true, limit, nil)
	}
	head()
	for _, x := range tb.Rows {
		cells := make([]string, len(x.Cells))
		for i, c := range x.Cells {
			cells[i] = c.Format(lang)
		}
		style := ""
		if x.Sub {
			style = "B"
		}
		row(doc, widths, tb.Columns, cells, style, x.Muted, false, limit, head)
	}
	if len(tb.Rows) == 0 {
		doc.SetFont("dejavu", "", pdfFont+1)
		doc.Ln(2)
		doc.MultiCell(0, 5, t.T("doc.report.none"), "", "L", false)
	}
	if tb.Total != nil {
		cells := make([]string, len(tb.Total))
		for i, c := range tb.Total {
			cells[i] = c.Format(lang)
		}
		doc.SetFillColor(242, 242, 242)
		row(doc, widths, tb.Columns, cells, "B", false, true, limit, head)
	}
	doc.Ln(4)
	doc.SetFont("dejavu", "", pdfFont)
	doc.SetTextColor(80, 80, 80)
	doc.MultiCell(0, pdfLine, r.Note(lang), "", "L", false)
	doc.SetTextColor(0, 0, 0)
	return doc.Bytes()
}

// row writes one row of cells, each wrapped in its column; when it would
// run past limit it starts a new page first and writes the head again.
func row(doc *pdfdoc.Doc, widths []float64, cols []Column, cells []string, style string, muted, fill bool, limit float64,
	head func()) {
	doc.SetFont("dejavu", style, pdfFont)
	lines := make([][]string, len(cells))
	n := 1
	for i, s := range cells {
		lines[i] = doc.SplitText(s, widths[i]-2*pdfPadding)
		n = max(n, len(lines[i]))
	}
	height := float64(n)*pdfLine + 1.2
	if doc.GetY()+height > limit && head != nil {
		doc.AddPage()
		head()
		doc.SetFont("dejavu", style, pdfFont)
	}
	if muted {
		doc.SetTextColor(100, 100, 100)
	}
	x0, y0 := doc.GetX(), doc.GetY()
	x := x0
	for i := range cells {
		align := "L"
		if cols[i].Kind.Numeric() {
			align = "R"
		}
		if fill {
			doc.Rect(x, y0, widths[i], height, "F")
		}
		for j, l := range lines[i] {
			doc.SetXY(x+pdfPadding, y0+0.6+float64(j)*pdfLine)
			doc.CellFormat(widths[i]-2*pdfPadding, pdfLine, l, "", 0, align, false, 0, "")
		}
		x += widths[i]
	}
	doc.SetDrawColor(200, 200, 200)
	doc.Line(x0, y0+height, x, y0+height)
	doc.SetDrawColor(0, 0, 0)
	doc.SetTextColor(0, 0, 0)
	doc.SetXY(x0, y0+height)
}
