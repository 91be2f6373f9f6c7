package billing

import (
	"fmt"
	"strings"
	"time"

	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc"
)

// issuer is who sends the invoice (pdfdoc.Issuer).
type issuer = pdfdoc.Issuer

// debtorSnapshot is the debtor as printed, kept sealed in the fiscal
// archive with the invoice: the tenants are jointly liable, so all their
// names are printed, with one postal address.
type debtorSnapshot struct {
	Names    []string `json:"names"`
	Address  string   `json:"address"`
	Language string   `json:"lang,omitempty"`
}

// docLine is one printed line.
type docLine struct {
	Line     string // "kind|category|label"
	From, To civil.Date
	Net      money.Cents
	Rate     money.Rate
	VAT      money.Cents
	Basis    []ledger.Basis // quantity × unit price; nil on lines without (corrections, credit notes)
}

// invoiceDoc is everything an invoice or credit note prints.
type invoiceDoc struct {
	Lang           string
	Kind           ledger.InvoiceKind
	Number         string
	IssueDate      civil.Date
	DueDate        civil.Date
	Period         string
	LeaseReference string
	Kenmerk        string
	Issuer         issuer
	Debtor         debtorSnapshot
	Lines          []docLine
	Net, VAT       money.Cents
	Total          money.Cents
	DirectDebit    bool
	CreditedNumber string // credit notes: the invoice they correct
	Reason         string // credit notes
	Proration      string // Rules.Method() of the run that posted it
	Created        time.Time
}

func docLang(lang string) string { return pdfdoc.TextsIn(lang).Lang }

// PeriodName writes a billing period key in words, on documents and pages
// alike: "2026-01" → "januari 2026", "2026-Q1" → "1e kwartaal 2026"; other
// text as it is.
func PeriodName(key, lang string) string { return periodName(key, lang) }

func periodName(key, lang string) string {
	if m, err := civil.ParseMonth(key); err == nil {
		return m.Long(lang)
	}
	var y, q int
	if n, _ := fmt.Sscanf(key, "%d-Q%d", &y, &q); n == 2 && q >= 1 && q <= 4 {
		return pdfdoc.TextsIn(lang).T("doc.invoice.quarter", "Quarter", q, "Year", y)
	}
	return key
}

// lineName is a charge line's name on documents, as the lease documents
// name components.
func lineName(line, lang string) string {
	t := pdfdoc.TextsIn(lang)
	base, n := ledger.BaseLine(line)
	if n > 0 {
		return t.T("doc.invoice.line.correction", "Line", lineName(base, lang))
	}
	kind, rest, _ := strings.Cut(line, "|")
	category, label, _ := strings.Cut(rest, "|")
	switch k := lease.ComponentKind(kind); k {
	case lease.BareRent, lease.Parking, lease.Furnishing:
		return t.T("doc.invoice.line." + string(k))
	case ledger.CollectionCostsKind:
		return t.T("doc.invoice.line.collection_costs")
	case lease.ServiceCosts:
		name := t.T("doc.invoice.line.service_costs")
		if category != "" {
			name += " (" + category + ")"
		}
		return name
	}
	if label != "" {
		return label
	}
	return kind
}

// vatGroup is the net and VAT of one rate.
type vatGroup struct {
	Rate     money.Rate
	Net, VAT money.Cents
}

// vatGroups sums lines per rate, in order of first appearance; exempt
// (rate 0) lines form one group.
func vatGroups(ls []docLine) []vatGroup {
	var out []vatGroup
	for _, l := range ls {
		i := 0
		for i < len(out) && out[i].Rate != l.Rate {
			i++
		}
		if i == len(out) {
			out = append(out, vatGroup{Rate: l.Rate})
		}
		out[i].Net += l.Net
		out[i].VAT += l.VAT
	}
	return out
}

// renderInvoice writes an invoice or credit note (A4) that meets art. 35a
// Wet OB 1968 (DOMAIN.md §3.4): issuer and debtor names and addresses, the
// issuer's VAT id and KvK number, date and sequential number, what was
// supplied over which period, the amount excluding VAT per rate, rate and
// VAT amount, or the exemption; and how to pay.
func renderInvoice(d invoiceDoc) ([]byte, error) {
	lang := docLang(d.Lang)
	T := pdfdoc.TextsIn(lang).T
	eur := func(c money.Cents) string { return money.Format(c, lang) }
	credit := d.Kind == ledger.KindCreditNote
	title := T("doc.invoice.invoice")
	if credit {
		title = T("doc.invoice.credit_note")
	}
	debtor := strings.Join(d.Debtor.Names, "\n")
	if d.Debtor.Address != "" {
		debtor += "\n" + d.Debtor.Address
	}
	pdf := pdfdoc.New(pdfdoc.Meta{Title: title + " " + d.Number, Author: d.Issuer.Name, Lang: lang, Created: d.Created,
		Layout: pdfdoc.InvoiceLayout, Issuer: &d.Issuer, Recipient: debtor, Footer: []string{title + " " + d.Number}, Paged: true})
	tw := pdf.TextWidth

	pdf.SetY(max(pdf.GetY()+8, 88))
	pdf.SetFont("dejavu", "B", 18)
	pdf.CellFormat(0, 9, title, "", 1, "L", false, 0, "")
	pdf.Ln(1)

	meta := func(label, value string) {
		if value == "" {
			return
		}
		pdf.SetFont("dejavu", "", 9.5)
		pdf.CellFormat(42, 5.2, label, "", 0, "L", false, 0, "")
		pdf.SetFont("dejavu", "B", 9.5)
		pdf.CellFormat(0, 5.2, value, "", 1, "L", false, 0, "")
	}
	if credit {
		meta(T("doc.invoice.credit_number"), d.Number)
		meta(T("doc.invoice.credit_date"), d.IssueDate.Long(lang))
		meta(T("doc.invoice.credits"), d.CreditedNumber)
		meta(T("doc.invoice.reason"), d.Reason)
	} else {
		meta(T("doc.invoice.number"), d.Number)
		meta(T("doc.invoice.date"), d.IssueDate.Long(lang))
		meta(T("doc.invoice.due"), d.DueDate.Long(lang))
		meta(T("doc.invoice.kenmerk"), nl.FormatKenmerk(d.Kenmerk))
		meta(T("doc.invoice.reason"), d.Reason) // a correction says what it corrects
	}
	meta(T("doc.invoice.lease"), d.LeaseReference)
	meta(T("doc.invoice.period"), periodName(d.Period, lang))
	pdf.Ln(5)

	// Lines: description, quantity and unit price (art. 35a Wet OB), net,
	// rate, VAT; below each, the days charged and, for a line of several
	// parts, each part's quantity × price.
	cols := []float64{tw * 0.29, tw * 0.10, tw * 0.15, tw * 0.16, tw * 0.14, tw * 0.16}
	per := T("doc.invoice.per_month")
	if strings.Contains(d.Period, "-Q") && !strings.HasSuffix(d.Proration, "/"+string(ByMonth)) {
		per = T("doc.invoice.per_quarter")
	}
	partial := false
	pdf.SetFont("dejavu", "B", 8)
	pdf.SetFillColor(238, 238, 238)
	pdf.Row(4, cols, "LRRRRR", []string{T("doc.invoice.description"), T("doc.invoice.qty"), T("doc.invoice.unit_price"),
		T("doc.invoice.net"), T("doc.invoice.rate"), T("doc.invoice.vat")}, "B", true)
	for _, l := range d.Lines {
		days := l.From.DaysUntil(l.To) + 1
		rate := T("doc.exempt")
		vat := ""
		if l.Rate != 0 {
			rate = money.FormatRate(l.Rate, lang)
			vat = eur(l.VAT)
		}
		qty, price := "", ""
		if len(l.Basis) == 1 {
			qty, price = l.Basis[0].Quantity(), eur(l.Basis[0].Unit)
		}
		for _, b := range l.Basis {
			partial = partial || !b.Whole()
		}
		pdf.SetFont("dejavu", "", 9.5)
		pdf.Row(4.6, cols, "LRRRRR", []string{lineName(l.Line, lang), qty, price, eur(l.Net), rate, vat}, "", false)
		pdf.SetFont("dejavu", "", 8)
		pdf.SetTextColor(90, 90, 90)
		if len(l.Basis) > 1 {
			for _, b := range l.Basis {
				pdf.CellFormat(cols[0], 4.5, "", "", 0, "L", false, 0, "")
				pdf.CellFormat(cols[1], 4.5, b.Quantity(), "", 0, "R", false, 0, "")
				pdf.CellFormat(cols[2], 4.5, eur(b.Unit), "", 1, "R", false, 0, "")
			}
		}
		dayWord := T("doc.invoice.days_n")
		if days == 1 {
			dayWord = T("doc.invoice.day")
		}
		span := fmt.Sprintf("%s %s %s (%d %s)", l.From.Long(lang), T("doc.to"), l.To.Long(lang), days, dayWord)
		if len(l.Basis) > 0 {
			span += " · " + T("doc.invoice.unit_price") + " " + per
		}
		pdf.CellFormat(tw, 4.5, span, "B", 1, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	}
	pdf.Ln(2)

	// Totals: net, per rate the VAT over its net amount, the exempt part.
	total := func(label, value string, strong bool) {
		style := ""
		if strong {
			style = "B"
		}
		pdf.SetFont("dejavu", style, 9.5)
		pdf.CellFormat(tw*0.7, 5.5, label, "", 0, "R", false, 0, "")
		pdf.CellFormat(tw*0.3, 5.5, value, "", 1, "R", false, 0, "")
	}
	total(T("doc.invoice.total_net"), eur(d.Net), false)
	exempt := false
	for _, g := range vatGroups(d.Lines) {
		if g.Rate == 0 {
			exempt = true
			total(T("doc.exempt_over", "Net", eur(g.Net)), eur(0), false)
			continue
		}
		total(T("doc.vat_over", "Rate", money.FormatRate(g.Rate, lang), "Net", eur(g.Net)), eur(g.VAT), false)
	}
	total(T("doc.invoice.total"), eur(d.Total), true)
	pdf.Ln(3)
	pdf.SetFont("dejavu", "", 9.5)
	if day, period, ok := strings.Cut(d.Proration, "/"); ok && partial {
		pdf.MultiCell(0, 5, T("doc.invoice.proration", "Days", T("doc.invoice.m_"+day), "Period", T("doc.invoice.m_"+period)), "", "L", false)
		pdf.Ln(1)
	}
	if exempt {
		pdf.MultiCell(0, 5, T("doc.exemption"), "", "L", false)
		pdf.Ln(1)
	}
	if len(d.Debtor.Names) > 1 {
		pdf.MultiCell(0, 5, T("doc.joint"), "", "L", false)
		pdf.Ln(1)
	}

	// Payment.
	pdf.Ln(2)
	var pay string
	switch {
	case credit:
		pay = T("doc.invoice.credit_pay", "Amount", eur(-d.Total))
	case d.DirectDebit:
		pay = T("doc.invoice.debit", "Amount", eur(d.Total), "Due", d.DueDate.Long(lang), "Kenmerk", nl.FormatKenmerk(d.Kenmerk))
	case d.Issuer.IBAN != "":
		pay = T("doc.invoice.pay", "Amount", eur(d.Total), "Due", d.DueDate.Long(lang), "IBAN", nl.FormatIBAN(d.Issuer.IBAN),
			"Name", d.Issuer.Name, "Kenmerk", nl.FormatKenmerk(d.Kenmerk))
	default:
		pay = T("doc.invoice.pay_no_iban", "Amount", eur(d.Total), "Due", d.DueDate.Long(lang), "Kenmerk", nl.FormatKenmerk(d.Kenmerk))
	}
	pdf.SetFont("dejavu", "B", 10)
	pdf.MultiCell(0, 5.5, pay, "", "L", false)

	b, err := pdf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("render %s %s: %w", d.Kind, d.Number, err)
	}
	return b, nil
}
