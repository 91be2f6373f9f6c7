// Package pdfdoc sets up HMS's documents (invoices, settlement statements,
// the tenant information, the deposit specification, rent-increase letters)
// the one same way: New gives a first page with the embedded font, the
// margins of the document's Layout, the issuer's block at the top right and
// the footer line with the issuer's numbers, so every document names the
// landlord the same way (art. 35a Wet OB: name, address, VAT id;
// Handelsregisterbesluit art. 20: KvK number), and the recipient in the
// address window. Document words come from the i18n catalogs (Texts).
package pdfdoc

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"hms/internal/nl"
	"hms/internal/platform/i18n"
)

// Issuer is who sends a document: the landlord as printed. Documents get it
// from one place, the organisation's details (orgprofile.IssuerTx).
type Issuer struct {
	Name, Address    string // Address may have more than one line
	Phone, Email     string
	KvK, VATID, IBAN string
	// Logo is a PNG or JPEG image (LogoType "image/png" or "image/jpeg")
	// printed top left on the first page; nil prints none.
	Logo     []byte
	LogoType string
}

// Labels are the words for the issuer's numbers in the document's language.
type Labels struct {
	KvK, VATID, IBAN string
}

// Numbers are the issuer's KvK number and VAT id with their labels, those
// that are known.
func (i Issuer) Numbers(l Labels) []string {
	var out []string
	if i.KvK != "" {
		out = append(out, l.KvK+" "+i.KvK)
	}
	if i.VATID != "" {
		out = append(out, l.VATID+" "+i.VATID)
	}
	return out
}

// Lines are the issuer's address, numbers and IBAN, one a line.
func (i Issuer) Lines(l Labels) []string {
	var out []string
	for _, v := range []string{i.Address, i.Phone, i.Email} {
		if v != "" {
			out = append(out, v)
		}
	}
	out = append(out, i.Numbers(l)...)
	if i.IBAN != "" {
		out = append(out, l.IBAN+" "+nl.FormatIBAN(i.IBAN))
	}
	return out
}

// Footer is the footer line: the issuer's name and numbers, then the
// document's own parts (its title, the page), separated by " · ".
func (i Issuer) Footer(l Labels, parts ...string) string {
	return strings.Join(append(append([]string{i.Name}, i.Numbers(l)...), parts...), " · ")
}

// Layout is where a kind of document puts things, in mm. The documents
// keep the layouts they were designed with; a new document picks one.
type Layout struct {
	Side, Top, Bottom        float64 // margins; Bottom is where text breaks to a new page
	FooterY                  float64 // the footer's distance from the bottom edge
	FooterSize, FooterHeight float64 // its font size (pt) and line height
	// AddressY is the highest the address window starts, AddressGap the
	// room it keeps below the issuer's block.
	AddressY, AddressGap float64
}

// The layouts of HMS's documents.
var (
	// InvoiceLayout: invoices and credit notes.
	InvoiceLayout = Layout{Side: 20, Top: 18, Bottom: 22, FooterY: 15, FooterSize: 7.5, FooterHeight: 4, AddressY: 50}
	// StatementLayout: settlement statements and deposit specifications.
	StatementLayout = Layout{Side: 18, Top: 16, Bottom: 20, FooterY: 13, FooterSize: 7.5, FooterHeight: 4, AddressY: 45, AddressGap: 4}
	// SheetLayout: the tenant information, which has no issuer block or address.
	SheetLayout = Layout{Side: 20, Top: 18, Bottom: 20, FooterY: 14, FooterSize: 8, FooterHeight: 5}
	// LetterLayout: letters, which print their sender and addressee as a letter does.
	LetterLayout = Layout{Side: 22, Top: 20, Bottom: 20, FooterY: 14, FooterSize: 8, FooterHeight: 5}
)

// Meta is what a document is and says on every page.
type Meta struct {
	Title   string // the PDF's title
	Author  string // the landlord's name
	Lang    string // "nl" or "en"
	Created time.Time
	Layout  Layout
	// Issuer, when it has a name, prints top right and leads the footer.
	Issuer *Issuer
	// Recipient is the address window's text (names, then the address);
	// "" prints none.
	Recipient string
	// Footer are the document's parts of the footer line (after the
	// issuer's name and numbers); Paged adds "page n of N".
	Footer []string
	Paged  bool
	// Landscape turns the pages (wide tables: the reports).
	Landscape bool
}

// Doc is a document being written: the fpdf document, its words and the
// width between the margins.
type Doc struct {
	*fpdf.Fpdf
	Texts     Texts
	Labels    Labels
	TextWidth float64
}

// New starts a document: metadata, the DejaVu font as "dejavu" (regular and
// "B"), the layout's margins and footer, and the first page with the
// issuer's block and the address window. The cursor is left below them.
func New(m Meta) *Doc {
	regular, bold := fonts()
	orientation := "P"
	if m.Landscape {
		orientation = "L"
	}
	pdf := fpdf.New(orientation, "mm", "A4", "")
	t := TextsIn(m.Lang)
	d := &Doc{Fpdf: pdf, Texts: t, Labels: Labels{KvK: t.T("doc.kvk"), VATID: t.T("doc.vat_id"), IBAN: t.T("doc.iban")}}
	pdf.SetCreationDate(m.Created)
	pdf.SetModificationDate(m.Created)
	pdf.SetTitle(m.Title, true)
	pdf.SetAuthor(m.Author, true)
	pdf.SetCreator("HMS", true)
	pdf.SetLang(map[string]string{"nl": "nl-NL", "en": "en-GB"}[t.Lang])
	pdf.AddUTF8FontFromBytes("dejavu", "", regular)
	pdf.AddUTF8FontFromBytes("dejavu", "B", bold)
	l := m.Layout
	pdf.SetMargins(l.Side, l.Top, l.Side)
	pdf.SetAutoPageBreak(true, l.Bottom)
	if m.Paged {
		pdf.AliasNbPages("{nb}")
	}
	pdf.SetFooterFunc(func() {
		parts := m.Footer
		if m.Paged {
			parts = append(parts[:len(parts):len(parts)], t.T("doc.page", "Page", pdf.PageNo()))
		}
		line := strings.Join(parts, " · ")
		if m.Issuer != nil && m.Issuer.Name != "" {
			line = m.Issuer.Footer(d.Labels, parts...)
		}
		pdf.SetY(-l.FooterY)
		pdf.SetFont("dejavu", "", l.FooterSize)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, l.FooterHeight, line, "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	width, _ := pdf.GetPageSize()
	d.TextWidth = width - 2*l.Side
	if m.Issuer != nil && m.Issuer.Name != "" {
		d.logo(*m.Issuer)
		d.issuerBlock(*m.Issuer)
	}
	if m.Recipient != "" {
		pdf.SetY(max(pdf.GetY()+l.AddressGap, l.AddressY))
		pdf.SetFont("dejavu", "", 10.5)
		pdf.MultiCell(d.TextWidth*0.6, 5.2, m.Recipient, "", "L", false)
	}
	return d
}

// logoHeight is the height of the issuer's logo in mm; its width follows.
const logoHeight = 16

// logo draws the issuer's logo top left, at most a third of the width wide.
// An image fpdf cannot read is left out: orgprofile checked it on upload.
func (d *Doc) logo(i Issuer) {
	kind := map[string]string{"image/png": "PNG", "image/jpeg": "JPG"}[i.LogoType]
	if len(i.Logo) == 0 || kind == "" {
		return
	}
	info := d.RegisterImageOptionsReader("issuer-logo", fpdf.ImageOptions{ImageType: kind}, bytes.NewReader(i.Logo))
	if d.Err() || info == nil || info.Height() <= 0 {
		d.ClearError()
		return
	}
	w, h := info.Width()*logoHeight/info.Height(), float64(logoHeight)
	if w > d.TextWidth/3 {
		w, h = d.TextWidth/3, info.Height()*(d.TextWidth/3)/info.Width()
	}
	left, top, _, _ := d.GetMargins()
	d.ImageOptions("issuer-logo", left, top, w, h, false, fpdf.ImageOptions{ImageType: kind}, 0, "")
	d.SetY(top)
}

// issuerBlock writes the issuer top right: the name in bold, then its lines.
func (d *Doc) issuerBlock(i Issuer) {
	d.SetFont("dejavu", "B", 11)
	d.MultiCell(0, 5.5, i.Name, "", "R", false)
	d.SetFont("dejavu", "", 9)
	if lines := i.Lines(d.Labels); len(lines) > 0 {
		d.MultiCell(0, 4.5, strings.Join(lines, "\n"), "", "R", false)
	}
}

// Bytes finishes the document.
func (d *Doc) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// Texts are a document's words in its language, from the i18n catalogs
// (locales/documents.*.json).
type Texts struct{ Lang string }

// TextsIn is the words of lang: English for "en" and "en-…", else Dutch.
func TextsIn(lang string) Texts {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return Texts{"en"}
	}
	return Texts{"nl"}
}

// T is the text of id; args are name/value pairs for its {{.Name}}
// placeholders.
func (t Texts) T(id string, args ...any) string {
	var data map[string]any
	if len(args) > 1 {
		data = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return i18n.Shared().T(t.Lang, id, data)
}

// Row writes one row of a table: each text wraps inside its column (widths
// cols, aligns one letter a column: L, R or C), so a long text takes more
// lines instead of printing over its neighbour; the row is as high as its
// tallest cell, lineHeight a line. border ("", "B") and fill apply to every
// cell. The cursor goes to the start of the next row.
func (d *Doc) Row(lineHeight float64, cols []float64, aligns string, texts []string, border string, fill bool) {
	const pad = 1.0 // fpdf's cell margin, on each side
	lines := make([][]string, len(texts))
	n := 1
	for i, t := range texts {
		if t == "" {
			continue
		}
		lines[i] = d.SplitText(t, max(cols[i]-2*pad, 1))
		n = max(n, len(lines[i]))
	}
	h := lineHeight * float64(n)
	_, pageH := d.GetPageSize()
	_, _, _, bottom := d.GetMargins()
	if d.GetY()+h > pageH-bottom {
		d.AddPage()
	}
	x0, y0 := d.GetX(), d.GetY()
	x := x0
	for i := range texts {
		d.SetXY(x, y0)
		text := strings.Join(lines[i], "\n")
		align := "L"
		if i < len(aligns) {
			align = aligns[i : i+1]
		}
		// Each cell is drawn as high as the row, its lines from the top.
		if fill || border != "" {
			d.CellFormat(cols[i], h, "", border, 0, "", fill, 0, "")
			d.SetXY(x, y0)
		}
		d.MultiCell(cols[i], lineHeight, text, "", align, false)
		x += cols[i]
	}
	d.SetXY(x0, y0+h)
}
