package settlement

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/pdfdoc"
)

// decimalText writes "1300" as "1.300" in Dutch and "1,300" in English,
// and a decimal point as a comma in Dutch.
func decimalText(s, lang string) string {
	if s == "" {
		return "0"
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	thou, dec := ".", ","
	if lang == "en" {
		thou, dec = ",", "."
	}
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(thou)
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += dec + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// BasisText is a line's key and units as printed: "62 m² van 1.300 m²".
func BasisText(b Basis, lang string) string {
	lang = statementLang(lang)
	T := pdfdoc.TextsIn(lang).T
	D := func(s string) string { return decimalText(s, lang) }
	s := T("doc.statement.key."+b.Key, "Mine", D(b.Mine), "Total", D(b.Total), "Units", b.Units)
	if b.Days > 0 && b.Days < b.Of && !b.ByReadings {
		s += "; " + T("doc.statement.days", "Days", b.Days, "Of", b.Of)
		if b.Heating {
			s += ", " + T("doc.statement.heating")
		}
	}
	return s
}

// MeterText is a metered line's readings, use and tariff as printed
// (DOMAIN.md §7.2), or why it went by days; "" for other lines.
func MeterText(l StatementLine, lang string) string {
	if l.Meter == nil {
		return ""
	}
	lang = statementLang(lang)
	T := pdfdoc.TextsIn(lang).T
	D := func(n int64) string { return decimalText(fmt.Sprint(n), lang) }
	var parts []string
	measure := ""
	for _, r := range l.Meter.Reads {
		measure = r.Measure
		parts = append(parts, T("doc.statement.meter", "Meter", r.Meter, "FromDate", r.FromDate.Long(lang), "From", D(r.From),
			"ToDate", r.ToDate.Long(lang), "To", D(r.To), "Use", D(r.To-r.From), "Measure", r.Measure))
	}
	if l.Tariff != "" && measure != "" {
		whole, frac, _ := strings.Cut(l.Tariff, ".")
		cents, _ := strconv.ParseInt(whole+frac[:2], 10, 64)
		eur := money.Format(money.Cents(cents), lang) + frac[2:]
		parts = append(parts, T("doc.statement.tariff", "Tariff", eur, "Measure", measure))
	}
	if l.Meter.ByDays {
		parts = append(parts, T("doc.statement.meter_by_days"))
	}
	return strings.Join(parts, "; ")
}

// DegreeDaysText names where the degree days of the statement's heating
// costs come from (DOMAIN.md §7.6), when they divided one of its lines: a
// heating cost of a tenant who was there for part of the period; else "".
func DegreeDaysText(s *Statement, lang string) string {
	lang = statementLang(lang)
	used := false
	for _, l := range s.Lines {
		used = used || (l.Basis.Heating && l.Basis.Days > 0 && l.Basis.Days < l.Basis.Of)
	}
	switch station, knmi := strings.CutPrefix(s.DegreeDaysSource, SourceKNMIPrefix); {
	case !used || s.DegreeDaysSource == "":
		return ""
	case knmi:
		return pdfdoc.TextsIn(lang).T("doc.statement.dd.knmi", "Station", station)
	default:
		return pdfdoc.TextsIn(lang).T("doc.statement.dd." + s.DegreeDaysSource)
	}
}

// renderStatement writes a statement (A4) that meets DOMAIN.md §7.2, and
// for a commercial lease is a VAT invoice (§3.4, §7.11).
func renderStatement(s *Statement, created time.Time) ([]byte, error) {
	lang := statementLang(s.Lang)
	T := pdfdoc.TextsIn(lang).T
	eur := func(c money.Cents) string { return money.Format(c, lang) }
	title := T("doc.statement.title", "Year", s.Year)
	if s.Commercial {
		title = T("doc.statement.title_vat", "Year", s.Year)
	}
	debtor := strings.Join(s.Names, "\n")
	if s.DebtorAddress != "" {
		debtor += "\n" + s.DebtorAddress
	}
	pdf := pdfdoc.New(pdfdoc.Meta{Title: title, Author: s.Issuer.Name, Lang: lang, Created: created, Layout: pdfdoc.StatementLayout,
		Issuer: &s.Issuer, Recipient: debtor, Footer: []string{title}, Paged: true})
	tw := pdf.TextWidth

	pdf.SetY(max(pdf.GetY()+6, 78))
	pdf.SetFont("dejavu", "B", 16)
	pdf.MultiCell(0, 8, title, "", "L", false)
	if s.SentAt.IsZero() {
		pdf.SetFont("dejavu", "", 9)
		pdf.SetTextColor(160, 0, 0)
		pdf.CellFormat(0, 5, T("doc.statement.concept"), "", 1, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	}
	meta := func(label, value string) {
		if value == "" {
			return
		}
		pdf.SetFont("dejavu", "", 9.5)
		pdf.CellFormat(42, 5, label, "", 0, "L", false, 0, "")
		pdf.SetFont("dejavu", "B", 9.5)
		pdf.CellFormat(0, 5, value, "", 1, "L", false, 0, "")
	}
	meta(T("doc.statement.period"), s.PeriodStart.Long(lang)+" "+T("doc.to")+" "+s.PeriodEnd.Long(lang))
	if s.Start != s.PeriodStart || s.End != s.PeriodEnd {
		meta(T("doc.statement.your_days"), s.Start.Long(lang)+" "+T("doc.to")+" "+s.End.Long(lang))
	}
	meta(T("doc.statement.address"), s.Address+" ("+s.ComplexName+")")
	meta(T("doc.statement.lease"), s.LeaseReference)
	meta(T("doc.statement.date"), s.IssueDate.Long(lang))
	meta(T("doc.statement.invoice"), s.InvoiceNumber)
	if s.Kenmerk != "" {
		meta(T("doc.statement.kenmerk"), nl.FormatKenmerk(s.Kenmerk))
	}
	pdf.Ln(3)

	// Cost lines: type, total, key and units, share (VAT), invoices below.
	cols := []float64{tw * 0.19, tw * 0.15, tw * 0.34, tw * 0.13, tw * 0.19}
	if !s.Commercial { // no VAT column: the key gets its room
		cols = []float64{tw * 0.20, tw * 0.16, tw * 0.49, tw * 0.15, 0}
	}
	heads := []string{T("doc.statement.cost"), T("doc.statement.total_cost"), T("doc.statement.key"), T("doc.statement.share"), ""}
	if s.Commercial {
		heads[4] = T("doc.statement.vat")
	}
	pdf.SetFont("dejavu", "B", 8.5)
	pdf.SetFillColor(238, 238, 238)
	pdf.Row(4.2, cols, "LRLRR", heads, "B", true)
	for _, l := range s.Lines {
		pdf.SetFont("dejavu", "", 8.5)
		vat := ""
		if s.Commercial {
			vat = T("doc.exempt")
			if l.VATRate != 0 {
				vat = money.FormatRate(l.VATRate, lang)
			}
			vat += " (" + T("doc.statement."+l.VATClass) + ")"
		}
		pdf.Row(4.2, cols, "LRLRR", []string{l.Category, eur(l.CostTotal), BasisText(l.Basis, lang), eur(l.Share), vat}, "", false)
		if t := MeterText(l, lang); t != "" {
			pdf.SetFont("dejavu", "", 7.5)
			pdf.SetTextColor(90, 90, 90)
			pdf.MultiCell(tw, 3.8, t, "", "L", false)
			pdf.SetTextColor(0, 0, 0)
		}
		if len(l.Invoices) > 0 {
			pdf.SetFont("dejavu", "", 7.5)
			pdf.SetTextColor(90, 90, 90)
			var inv []string
			for _, x := range l.Invoices {
				inv = append(inv, fmt.Sprintf("%s %s, %s, %s", x.Supplier, x.Number, x.Date.Dutch(), eur(x.Amount)))
			}
			pdf.MultiCell(tw, 3.8, T("doc.statement.invoices")+": "+strings.Join(inv, "; "), "B", "L", false)
			pdf.SetTextColor(0, 0, 0)
		}
	}
	pdf.Ln(2)
	row := func(label, value string, strong bool) {
		style := ""
		if strong {
			style = "B"
		}
		pdf.SetFont("dejavu", style, 9.5)
		pdf.Row(5.5, []float64{tw * 0.72, tw * 0.28}, "RR", []string{label, value}, "", false)
	}
	row(T("doc.statement.subtotal"), eur(s.Subtotal), false)
	if s.AdminFee != 0 || s.AdminFeeBase != 0 {
		row(T("doc.statement.admin_fee", "Percent", decimalText(s.AdminFeePercent, lang), "Base", eur(s.AdminFeeBase)), eur(s.AdminFee), false)
	}
	row(T("doc.statement.total"), eur(s.Total), true)
	exempt := false
	if s.Commercial {
		for _, g := range s.VAT {
			if g.Rate == 0 {
				exempt = true
				row(T("doc.exempt_over", "Net", eur(g.Net)), eur(0), false)
				continue
			}
			row(T("doc.vat_over", "Rate", money.FormatRate(g.Rate, lang), "Net", eur(g.Net)), eur(g.VAT), false)
		}
		row(T("doc.statement.total_vat"), eur(s.TotalInclVAT), true)
	}
	// The advances: charged, received and open (§7.2), then what the balance
	// settles against (StatementSettings.AdvancesBasis).
	row(T("doc.statement.advances"), eur(s.Advances), false)
	row(T("doc.statement.received"), eur(s.Paid), false)
	row(T("doc.statement.open"), eur(s.AdvancesOpen), false)
	against := s.Advances
	if s.AdvancesBasis == AdvancesReceived {
		against = s.Paid
	}
	row(T("doc.statement.against."+s.AdvancesBasis), eur(-against), false)
	switch {
	case s.Balance > 0:
		row(T("doc.statement.to_pay"), eur(s.Balance), true)
	case s.Balance < 0:
		row(T("doc.statement.to_refund"), eur(-s.Balance), true)
	default:
		row(T("doc.statement.nil"), eur(0), true)
	}
	pdf.Ln(3)
	para := func(text string, strong bool) {
		style := ""
		if strong {
			style = "B"
		}
		pdf.SetFont("dejavu", style, 9)
		pdf.MultiCell(0, 4.6, text, "", "L", false)
		pdf.Ln(1.5)
	}
	ref := s.InvoiceNumber
	switch {
	case s.Balance > 0 && s.Issuer.IBAN != "":
		if s.Kenmerk != "" {
			para(T("doc.statement.pay_kenmerk", "Amount", eur(s.Balance), "Due", s.DueDate.Long(lang), "IBAN", nl.FormatIBAN(s.Issuer.IBAN),
				"Name", s.Issuer.Name, "Invoice", ref, "Kenmerk", nl.FormatKenmerk(s.Kenmerk)), true)
			break
		}
		para(T("doc.statement.pay", "Amount", eur(s.Balance), "Due", s.DueDate.Long(lang), "IBAN", nl.FormatIBAN(s.Issuer.IBAN),
			"Name", s.Issuer.Name, "Invoice", ref), true)
	case s.Balance > 0:
		if s.Kenmerk != "" {
			para(T("doc.statement.pay_no_iban_kenmerk", "Amount", eur(s.Balance), "Due", s.DueDate.Long(lang), "Invoice", ref,
				"Kenmerk", nl.FormatKenmerk(s.Kenmerk)), true)
			break
		}
		para(T("doc.statement.pay_no_iban", "Amount", eur(s.Balance), "Due", s.DueDate.Long(lang), "Invoice", ref), true)
	case s.Balance < 0 && s.Refund == RefundPayBack:
		para(T("doc.statement.pay_back", "Amount", eur(-s.Balance), "Due", s.DueDate.Long(lang)), true)
	case s.Balance < 0:
		para(T("doc.statement.set_off", "Amount", eur(-s.Balance)), true)
	}
	if s.AdvancesOpen > 0 {
		para(T("doc.statement.open."+s.AdvancesBasis, "Amount", eur(s.AdvancesOpen)), false)
	}
	if exempt {
		para(T("doc.exemption"), false)
	}
	if s.Vacancy > 0 {
		para(T("doc.statement.vacancy", "Amount", eur(s.Vacancy)), false)
	}
	if t := DegreeDaysText(s, lang); t != "" {
		para(t, false)
	}
	if s.ProposedAdvance > 0 {
		para(T("doc.statement.advance", "Amount", eur(s.ProposedAdvance), "From", s.AdvanceFrom.Long(lang)), true)
	}
	if len(s.Levies) > 0 {
		pdf.Ln(1)
		pdf.SetFont("dejavu", "B", 10)
		pdf.CellFormat(0, 6, T("doc.statement.levies"), "B", 1, "L", false, 0, "")
		for _, l := range s.Levies {
			pdf.SetFont("dejavu", "", 9)
			label := fmt.Sprintf("%s (%s %s %s, %s)", l.Name, l.PeriodStart.Long(lang), T("doc.to"), l.PeriodEnd.Long(lang),
				T("doc.statement.levy_days", "Days", l.Days))
			pdf.CellFormat(tw*0.72, 5, label, "", 0, "L", false, 0, "")
			pdf.CellFormat(tw*0.28, 5, eur(l.Amount), "", 1, "R", false, 0, "")
		}
		pdf.Ln(2)
	}
	if s.InspectionText != "" {
		para(s.InspectionText, false)
	} else {
		para(T("doc.statement.inspection"), false)
	}
	switch {
	case s.ObjectionText != "":
		para(s.ObjectionText, false)
	case s.Commercial:
		para(T("doc.statement.objection_com"), false)
	case s.Regulated:
		para(T("doc.statement.objection_reg", "Until", s.ObjectUntil.Long(lang), "Deadline", s.Deadline.Long(lang)), false)
	default:
		para(T("doc.statement.objection"), false)
	}
	if len(s.Names) > 1 {
		para(T("doc.joint"), false)
	}
	b, err := pdf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("render statement of lease %d: %w", s.LeaseID, err)
	}
	return b, nil
}
