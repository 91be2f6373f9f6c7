package settlement

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc"
)

var stmtTexts = map[string]map[string]string{
	"nl": {
		"title": "Afrekening servicekosten %d", "title_vat": "Afrekening servicekosten %d — factuur", "period": "Periode",
		"your_days": "Uw huurperiode", "address": "Adres", "lease": "Huurovereenkomst", "date": "Datum", "invoice": "Factuurnummer",
		"cost": "Kostensoort", "total_cost": "Totale kosten", "key": "Verdeelsleutel", "share": "Uw aandeel", "vat": "Btw",
		"invoices": "Facturen", "subtotal": "Subtotaal", "admin_fee": "Administratiekosten %s%% over %s", "total": "Totaal servicekosten",
		"total_vat": "Totaal incl. btw", "vat_over": "Btw %s over %s", "exempt_over": "Vrijgesteld van btw over %s",
		"advances": "Voorschotten in rekening gebracht", "received": "waarvan ontvangen", "open": "waarvan nog open",
		"against.charged": "Verrekend: in rekening gebrachte voorschotten", "against.received": "Verrekend: ontvangen voorschotten",
		"open.charged":  "Het nog openstaande voorschot van %s is niet in dit saldo verrekend: het staat als achterstand op uw huurrekening.",
		"open.received": "Het nog niet betaalde voorschot van %s is in dit saldo opgenomen; het vervalt als achterstand op uw huurrekening.",
		"to_pay":        "Te betalen", "to_refund": "In uw voordeel", "nil": "Saldo nihil",
		"pay":         "Wij verzoeken u %s uiterlijk %s over te maken op %s ten name van %s, onder vermelding van factuur %s.",
		"pay_no_iban": "Wij verzoeken u %s uiterlijk %s te betalen, onder vermelding van factuur %s.",
		"set_off":     "Het bedrag van %s wordt verrekend met wat u nog verschuldigd bent; een tegoed blijft op uw rekening staan voor de volgende termijnen.",
		"pay_back":    "Het bedrag van %s betalen wij uiterlijk %s aan u terug.",
		"vacancy":     "Kosten van leegstaande eenheden in het complex (%s) komen voor rekening van de verhuurder en zijn niet in uw aandeel opgenomen.",
		"advance":     "Nieuw voorschot servicekosten: %s per maand vanaf %s (art. 7:261 BW).",
		"levies":      "Heffingen en gebruikerslasten (aparte rekening)", "levy_days": "%d dagen",
		"inspection":    "U kunt de facturen en andere stukken waarop deze afrekening berust inzien (art. 7:259 lid 4 BW). Neem daarvoor contact met ons op.",
		"objection_reg": "Bent u het niet eens met deze afrekening, laat het ons dan eerst weten. U kunt de Huurcommissie vragen uitspraak te doen tot %s (24 maanden na %s, art. 7:260 BW).",
		"objection":     "Bent u het niet eens met deze afrekening, laat het ons dan weten. Komen wij er samen niet uit, dan kunt u de kantonrechter om een oordeel vragen.",
		"objection_com": "Bent u het niet eens met deze afrekening, laat het ons dan weten; de huurovereenkomst bepaalt hoe bezwaar wordt behandeld.",
		"exemption":     "Vrijgesteld van btw (art. 11 lid 1 sub b Wet OB 1968)",
		"kvk":           "KvK", "vat_id": "Btw-id", "iban": "IBAN", "page": "pagina %d van {nb}", "to": "t/m", "joint": "De huurders zijn hoofdelijk aansprakelijk.",
		"ancillary": "bijkomend", "independent": "zelfstandig", "exempt": "vrijgesteld", "concept": "Concept — nog niet verzonden",
		"key.equal": "%s van %s eenheden", "key.area": "%s m² van %s m²", "key.gas_35_65": "35%% gelijk (1 van %d), 65%% naar m² (%s m² van %s m²)",
		"key.occupants": "%s van %s bewoners", "key.meter": "verbruik %s van %s", "key.shares": "%s van %s delen",
		"days": "%d van %d dagen", "heating": "graaddagen",
		"meter":         "Meter %s: %s %s, %s %s; verbruik %s %s",
		"tariff":        "tarief %s per %s",
		"meter_by_days": "Geen meterstand bij de wissel van huurder: het verbruik van de woning is naar dagen verdeeld.",
		"dd.knmi": "Het variabele deel van de stookkosten is verdeeld naar gewogen graaddagen " +
			"(18 °C, maandfactoren 0,8 / 1,0 / 1,1) van KNMI-station %s.",
		"dd.entered": "Het variabele deel van de stookkosten is verdeeld naar de gewogen graaddagen per maand " +
			"die de verhuurder heeft ingevoerd.",
		"dd.table": "Het variabele deel van de stookkosten is verdeeld naar de graaddagentabel VDI 2067 " +
			"(per mille per maand), omdat er geen KNMI-gegevens waren.",
	},
	"en": {
		"title": "Service charge statement %d", "title_vat": "Service charge statement %d — invoice", "period": "Period",
		"your_days": "Your tenancy", "address": "Address", "lease": "Lease", "date": "Date", "invoice": "Invoice number",
		"cost": "Cost type", "total_cost": "Total cost", "key": "Distribution key", "share": "Your share", "vat": "VAT",
		"invoices": "Invoices", "subtotal": "Subtotal", "admin_fee": "Administration fee %s%% of %s", "total": "Total service charges",
		"total_vat": "Total incl. VAT", "vat_over": "VAT %s on %s", "exempt_over": "Exempt from VAT on %s",
		"advances": "Advances charged", "received": "of which received", "open": "of which still open",
		"against.charged": "Settled: advances charged", "against.received": "Settled: advances received",
		"open.charged":  "The advance of %s still open is not settled in this balance: it stays as arrears on your rent account.",
		"open.received": "The unpaid advance of %s is included in this balance; it no longer counts as arrears on your rent account.",
		"to_pay":        "To pay", "to_refund": "In your favour", "nil": "Balance nil",
		"pay":         "Please transfer %s no later than %s to %s in the name of %s, quoting invoice %s.",
		"pay_no_iban": "Please pay %s no later than %s, quoting invoice %s.",
		"set_off":     "The amount of %s is set off against what you still owe; any credit stays on your account for the next instalments.",
		"pay_back":    "We will pay the amount of %s back to you no later than %s.",
		"vacancy":     "Costs of vacant units in the complex (%s) are borne by the landlord and are not included in your share.",
		"advance":     "New service charge advance: %s a month from %s (art. 7:261 Dutch Civil Code).",
		"levies":      "Levies and user charges (separate account)", "levy_days": "%d days",
		"inspection":    "You may inspect the invoices and other documents this statement is based on (art. 7:259(4) Dutch Civil Code). Please contact us to do so.",
		"objection_reg": "If you disagree with this statement, please tell us first. You may ask the Huurcommissie (rent tribunal) for a ruling until %s (24 months after %s, art. 7:260 Dutch Civil Code).",
		"objection":     "If you disagree with this statement, please tell us. If we cannot agree, you may ask the subdistrict court for a ruling.",
		"objection_com": "If you disagree with this statement, please tell us; the lease says how objections are handled.",
		"exemption":     "Exempt from VAT / Vrijgesteld van btw (art. 11 lid 1 sub b Wet OB 1968)",
		"kvk":           "Chamber of Commerce", "vat_id": "VAT id", "iban": "IBAN", "page": "page %d of {nb}", "to": "to", "joint": "The tenants are jointly and severally liable.",
		"ancillary": "ancillary", "independent": "independent", "exempt": "exempt", "concept": "Draft — not sent yet",
		"key.equal": "%s of %s units", "key.area": "%s m² of %s m²", "key.gas_35_65": "35%% equal (1 of %d), 65%% by m² (%s m² of %s m²)",
		"key.occupants": "%s of %s occupants", "key.meter": "use %s of %s", "key.shares": "%s of %s shares",
		"days": "%d of %d days", "heating": "degree days",
		"meter":         "Meter %s: %s %s, %s %s; use %s %s",
		"tariff":        "tariff %s per %s",
		"meter_by_days": "No meter reading at the change of tenant: the home's use is divided by days.",
		"dd.knmi": "The variable part of the heating costs is divided by weighted degree days " +
			"(18 °C, month factors 0.8 / 1.0 / 1.1) of KNMI station %s.",
		"dd.entered": "The variable part of the heating costs is divided by the weighted degree days per month " +
			"that the landlord entered.",
		"dd.table": "The variable part of the heating costs is divided by the VDI 2067 degree-day table " +
			"(per mille per month), as there were no KNMI data.",
	},
}

var months = map[string][]string{
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

func longDate(d civil.Date, lang string) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", d.Day, months[statementLang(lang)][d.Month-1], d.Year)
}

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
	T := func(k string) string { return stmtTexts[lang][k] }
	D := func(s string) string { return decimalText(s, lang) }
	var s string
	switch b.Key {
	case KeyEqual:
		s = fmt.Sprintf(T("key.equal"), D(b.Mine), D(b.Total))
	case KeyGas3565:
		s = fmt.Sprintf(T("key.gas_35_65"), b.Units, D(b.Mine), D(b.Total))
	default:
		s = fmt.Sprintf(T("key."+b.Key), D(b.Mine), D(b.Total))
	}
	if b.Days > 0 && b.Days < b.Of && !b.ByReadings {
		s += "; " + fmt.Sprintf(T("days"), b.Days, b.Of)
		if b.Heating {
			s += ", " + T("heating")
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
	T := func(k string) string { return stmtTexts[lang][k] }
	D := func(n int64) string { return decimalText(fmt.Sprint(n), lang) }
	var parts []string
	measure := ""
	for _, r := range l.Meter.Reads {
		measure = r.Measure
		parts = append(parts, fmt.Sprintf(T("meter"), r.Meter, longDate(r.FromDate, lang), D(r.From), longDate(r.ToDate, lang), D(r.To),
			D(r.To-r.From), r.Measure))
	}
	if l.Tariff != "" && measure != "" {
		whole, frac, _ := strings.Cut(l.Tariff, ".")
		cents, _ := strconv.ParseInt(whole+frac[:2], 10, 64)
		eur := money.Format(money.Cents(cents), lang) + frac[2:]
		parts = append(parts, fmt.Sprintf(T("tariff"), eur, measure))
	}
	if l.Meter.ByDays {
		parts = append(parts, T("meter_by_days"))
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
		return fmt.Sprintf(stmtTexts[lang]["dd.knmi"], station)
	default:
		return stmtTexts[lang]["dd."+s.DegreeDaysSource]
	}
}

// renderStatement writes a statement (A4) that meets DOMAIN.md §7.2, and
// for a commercial lease is a VAT invoice (§3.4, §7.11).
func renderStatement(s *Statement, created time.Time) ([]byte, error) {
	lang := statementLang(s.Lang)
	T := func(k string) string { return stmtTexts[lang][k] }
	eur := func(c money.Cents) string { return money.Format(c, lang) }
	labels := pdfdoc.Labels{KvK: T("kvk"), VATID: T("vat_id"), IBAN: T("iban")}
	title := fmt.Sprintf(T("title"), s.Year)
	if s.Commercial {
		title = fmt.Sprintf(T("title_vat"), s.Year)
	}

	regular, bold := pdfdoc.Fonts()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetTitle(title, true)
	pdf.SetAuthor(s.Issuer.Name, true)
	pdf.SetCreator("HMS", true)
	pdf.SetLang(map[string]string{"nl": "nl-NL", "en": "en-GB"}[lang])
	pdf.AddUTF8FontFromBytes("dejavu", "", regular)
	pdf.AddUTF8FontFromBytes("dejavu", "B", bold)
	pdf.SetMargins(18, 16, 18)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-13)
		pdf.SetFont("dejavu", "", 7.5)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 4, s.Issuer.Footer(labels, title, fmt.Sprintf(T("page"), pdf.PageNo())), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	tw := width - left - right

	// Issuer, top right; tenants, left.
	pdfdoc.Block(pdf, s.Issuer, labels)
	pdf.SetY(max(pdf.GetY()+4, 45))
	pdf.SetFont("dejavu", "", 10.5)
	debtor := strings.Join(s.Names, "\n")
	if s.DebtorAddress != "" {
		debtor += "\n" + s.DebtorAddress
	}
	pdf.MultiCell(tw*0.6, 5.2, debtor, "", "L", false)

	pdf.SetY(max(pdf.GetY()+6, 78))
	pdf.SetFont("dejavu", "B", 16)
	pdf.MultiCell(0, 8, title, "", "L", false)
	if s.SentAt.IsZero() {
		pdf.SetFont("dejavu", "", 9)
		pdf.SetTextColor(160, 0, 0)
		pdf.CellFormat(0, 5, T("concept"), "", 1, "L", false, 0, "")
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
	meta(T("period"), longDate(s.PeriodStart, lang)+" "+T("to")+" "+longDate(s.PeriodEnd, lang))
	if s.Start != s.PeriodStart || s.End != s.PeriodEnd {
		meta(T("your_days"), longDate(s.Start, lang)+" "+T("to")+" "+longDate(s.End, lang))
	}
	meta(T("address"), s.Address+" ("+s.ComplexName+")")
	meta(T("lease"), s.LeaseReference)
	meta(T("date"), longDate(s.IssueDate, lang))
	meta(T("invoice"), s.InvoiceNumber)
	pdf.Ln(3)

	// Cost lines: type, total, key and units, share (VAT), invoices below.
	cols := []float64{tw * 0.22, tw * 0.16, tw * 0.36, tw * 0.14, tw * 0.12}
	heads := []string{T("cost"), T("total_cost"), T("key"), T("share"), ""}
	if s.Commercial {
		heads[4] = T("vat")
	}
	pdf.SetFont("dejavu", "B", 8.5)
	pdf.SetFillColor(238, 238, 238)
	for i, h := range heads {
		align := "R"
		if i == 0 || i == 2 {
			align = "L"
		}
		pdf.CellFormat(cols[i], 6, h, "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	for _, l := range s.Lines {
		pdf.SetFont("dejavu", "", 8.5)
		pdf.CellFormat(cols[0], 5, l.Category, "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[1], 5, eur(l.CostTotal), "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[2], 5, BasisText(l.Basis, lang), "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[3], 5, eur(l.Share), "", 0, "R", false, 0, "")
		vat := ""
		if s.Commercial {
			vat = T("exempt")
			if l.VATRate != 0 {
				vat = money.FormatRate(l.VATRate, lang)
			}
			vat += " (" + T(l.VATClass) + ")"
		}
		pdf.CellFormat(cols[4], 5, vat, "", 1, "R", false, 0, "")
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
			pdf.MultiCell(tw, 3.8, T("invoices")+": "+strings.Join(inv, "; "), "B", "L", false)
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
		pdf.CellFormat(tw*0.72, 5.5, label, "", 0, "R", false, 0, "")
		pdf.CellFormat(tw*0.28, 5.5, value, "", 1, "R", false, 0, "")
	}
	row(T("subtotal"), eur(s.Subtotal), false)
	if s.AdminFee != 0 || s.AdminFeeBase != 0 {
		row(fmt.Sprintf(T("admin_fee"), decimalText(s.AdminFeePercent, lang), eur(s.AdminFeeBase)), eur(s.AdminFee), false)
	}
	row(T("total"), eur(s.Total), true)
	exempt := false
	if s.Commercial {
		for _, g := range s.VAT {
			if g.Rate == 0 {
				exempt = true
				row(fmt.Sprintf(T("exempt_over"), eur(g.Net)), eur(0), false)
				continue
			}
			row(fmt.Sprintf(T("vat_over"), money.FormatRate(g.Rate, lang), eur(g.Net)), eur(g.VAT), false)
		}
		row(T("total_vat"), eur(s.TotalInclVAT), true)
	}
	// The advances: charged, received and open (§7.2), then what the balance
	// settles against (StatementSettings.AdvancesBasis).
	row(T("advances"), eur(s.Advances), false)
	row(T("received"), eur(s.Paid), false)
	row(T("open"), eur(s.AdvancesOpen), false)
	against := s.Advances
	if s.AdvancesBasis == AdvancesReceived {
		against = s.Paid
	}
	row(T("against."+s.AdvancesBasis), eur(-against), false)
	switch {
	case s.Balance > 0:
		row(T("to_pay"), eur(s.Balance), true)
	case s.Balance < 0:
		row(T("to_refund"), eur(-s.Balance), true)
	default:
		row(T("nil"), eur(0), true)
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
		para(fmt.Sprintf(T("pay"), eur(s.Balance), longDate(s.DueDate, lang), nl.FormatIBAN(s.Issuer.IBAN), s.Issuer.Name, ref), true)
	case s.Balance > 0:
		para(fmt.Sprintf(T("pay_no_iban"), eur(s.Balance), longDate(s.DueDate, lang), ref), true)
	case s.Balance < 0 && s.Refund == RefundPayBack:
		para(fmt.Sprintf(T("pay_back"), eur(-s.Balance), longDate(s.DueDate, lang)), true)
	case s.Balance < 0:
		para(fmt.Sprintf(T("set_off"), eur(-s.Balance)), true)
	}
	if s.AdvancesOpen > 0 {
		para(fmt.Sprintf(T("open."+s.AdvancesBasis), eur(s.AdvancesOpen)), false)
	}
	if exempt {
		para(T("exemption"), false)
	}
	if s.Vacancy > 0 {
		para(fmt.Sprintf(T("vacancy"), eur(s.Vacancy)), false)
	}
	if t := DegreeDaysText(s, lang); t != "" {
		para(t, false)
	}
	if s.ProposedAdvance > 0 {
		para(fmt.Sprintf(T("advance"), eur(s.ProposedAdvance), longDate(s.AdvanceFrom, lang)), true)
	}
	if len(s.Levies) > 0 {
		pdf.Ln(1)
		pdf.SetFont("dejavu", "B", 10)
		pdf.CellFormat(0, 6, T("levies"), "B", 1, "L", false, 0, "")
		for _, l := range s.Levies {
			pdf.SetFont("dejavu", "", 9)
			label := fmt.Sprintf("%s (%s %s %s, %s)", l.Name, longDate(l.PeriodStart, lang), T("to"), longDate(l.PeriodEnd, lang),
				fmt.Sprintf(T("levy_days"), l.Days))
			pdf.CellFormat(tw*0.72, 5, label, "", 0, "L", false, 0, "")
			pdf.CellFormat(tw*0.28, 5, eur(l.Amount), "", 1, "R", false, 0, "")
		}
		pdf.Ln(2)
	}
	if s.InspectionText != "" {
		para(s.InspectionText, false)
	} else {
		para(T("inspection"), false)
	}
	switch {
	case s.ObjectionText != "":
		para(s.ObjectionText, false)
	case s.Commercial:
		para(T("objection_com"), false)
	case s.Regulated:
		para(fmt.Sprintf(T("objection_reg"), longDate(s.ObjectUntil, lang), longDate(s.Deadline, lang)), false)
	default:
		para(T("objection"), false)
	}
	if len(s.Names) > 1 {
		para(T("joint"), false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render statement of lease %d: %w", s.LeaseID, err)
	}
	return buf.Bytes(), nil
}
