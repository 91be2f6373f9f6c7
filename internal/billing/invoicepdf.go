package billing

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc"
)

// ExemptionText is printed for VAT-exempt lines: the letting of immovable
// property is exempt (art. 11 lid 1 sub b Wet OB 1968), and art. 35a lid 1
// sub k asks the invoice to say why no VAT is charged.
const ExemptionText = "Vrijgesteld van btw (art. 11 lid 1 sub b Wet OB 1968)"

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

var docTexts = map[string]map[string]string{
	"nl": {
		"invoice": "Factuur", "credit_note": "Creditnota", "number": "Factuurnummer", "credit_number": "Nummer creditnota",
		"date": "Factuurdatum", "credit_date": "Datum", "due": "Vervaldatum", "kenmerk": "Betalingskenmerk", "lease": "Huurovereenkomst",
		"period": "Periode", "credits": "Crediteert factuur", "reason": "Reden", "description": "Omschrijving", "days": "Dagen",
		"net": "Bedrag excl. btw", "rate": "Btw", "vat": "Btw-bedrag", "total_net": "Totaal excl. btw", "vat_over": "Btw %s over %s",
		"exempt_over": "Vrijgesteld van btw over %s", "total": "Totaal", "exempt": "vrijgesteld", "kvk": "KvK", "vat_id": "Btw-id",
		"iban": "IBAN", "page": "pagina %d van {nb}", "to": "t/m", "day": "dag", "days_n": "dagen",
		"pay":         "Wij verzoeken u %s uiterlijk %s over te maken op %s ten name van %s, onder vermelding van betalingskenmerk %s.",
		"pay_no_iban": "Wij verzoeken u %s uiterlijk %s te betalen, onder vermelding van betalingskenmerk %s.",
		"debit":       "Het bedrag van %s wordt automatisch geïncasseerd rond %s van uw rekening (betalingskenmerk %s).",
		"credit_pay":  "Het bedrag van %s wordt verrekend met wat u nog verschuldigd bent; een tegoed betalen wij aan u terug.",
		"joint":       "De huurders zijn hoofdelijk aansprakelijk.",
		"quarter":     "%de kwartaal %d",
		"exemption":   ExemptionText,
		"qty":         "Aantal", "unit_price": "Prijs", "per_month": "per maand", "per_quarter": "per kwartaal",
		"proration": "Berekening deelperiode: %s, %s.",
		"m_actual":  "werkelijke dagen", "m_days30": "30 dagen per maand",
		"m_period": "bedrag van de periode × dagen / dagen in de periode", "m_month": "per maand",
	},
	"en": {
		"invoice": "Invoice", "credit_note": "Credit note", "number": "Invoice number", "credit_number": "Credit note number",
		"date": "Invoice date", "credit_date": "Date", "due": "Due date", "kenmerk": "Payment reference", "lease": "Lease",
		"period": "Period", "credits": "Credits invoice", "reason": "Reason", "description": "Description", "days": "Days",
		"net": "Amount excl. VAT", "rate": "VAT", "vat": "VAT amount", "total_net": "Total excl. VAT", "vat_over": "VAT %s on %s",
		"exempt_over": "Exempt from VAT on %s", "total": "Total", "exempt": "exempt", "kvk": "Chamber of Commerce", "vat_id": "VAT id",
		"iban": "IBAN", "page": "page %d of {nb}", "to": "to", "day": "day", "days_n": "days",
		"pay":         "Please transfer %s no later than %s to %s in the name of %s, quoting payment reference %s.",
		"pay_no_iban": "Please pay %s no later than %s, quoting payment reference %s.",
		"debit":       "The amount of %s will be collected by direct debit around %s (payment reference %s).",
		"credit_pay":  "The amount of %s is set off against what you still owe; a credit balance is paid back to you.",
		"joint":       "The tenants are jointly and severally liable.",
		"quarter":     "Q%d %d",
		"qty":         "Quantity", "unit_price": "Price", "per_month": "per month", "per_quarter": "per quarter",
		"proration": "Partial period: %s, %s.",
		"m_actual":  "actual days", "m_days30": "30 days a month",
		"m_period": "the period's amount × days / days in the period", "m_month": "month by month",
		// The legal reference stays Dutch: it is what the tax authority reads.
		"exemption": "Exempt from VAT / " + ExemptionText,
	},
}

func docLang(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return "en"
	}
	return "nl"
}

func text(lang, key string) string { return docTexts[docLang(lang)][key] }

var monthNames = map[string][]string{
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// longDate writes "14 maart 2026" / "14 March 2026".
func longDate(d civil.Date, lang string) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", d.Day, monthNames[docLang(lang)][d.Month-1], d.Year)
}

// periodName writes a billing period key: "2026-01" → "januari 2026",
// "2026-Q1" → "1e kwartaal 2026"; other text as it is.
func periodName(key, lang string) string {
	if m, err := civil.ParseMonth(key); err == nil {
		return monthNames[docLang(lang)][m.Month-1] + " " + fmt.Sprint(m.Year)
	}
	var y, q int
	if n, _ := fmt.Sscanf(key, "%d-Q%d", &y, &q); n == 2 && q >= 1 && q <= 4 {
		return fmt.Sprintf(text(lang, "quarter"), q, y)
	}
	return key
}

// lineName is a charge line's name on documents, as the lease documents
// name components.
func lineName(line, lang string) string {
	base, n := ledger.BaseLine(line)
	if n > 0 {
		if docLang(lang) == "en" {
			return lineName(base, lang) + " (correction)"
		}
		return lineName(base, lang) + " (correctie)"
	}
	kind, rest, _ := strings.Cut(line, "|")
	category, label, _ := strings.Cut(rest, "|")
	en := docLang(lang) == "en"
	switch lease.ComponentKind(kind) {
	case lease.BareRent:
		if en {
			return "Base rent"
		}
		return "Kale huur"
	case lease.ServiceCosts:
		name := "Voorschot servicekosten"
		if en {
			name = "Service charges (advance)"
		}
		if category != "" {
			name += " (" + category + ")"
		}
		return name
	case lease.Parking:
		if en {
			return "Parking"
		}
		return "Parkeren"
	case lease.Furnishing:
		if en {
			return "Furnishing"
		}
		return "Meubilering en stoffering"
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
	T := func(k string) string { return text(lang, k) }
	eur := func(c money.Cents) string { return money.Format(c, lang) }
	labels := pdfdoc.Labels{KvK: T("kvk"), VATID: T("vat_id"), IBAN: T("iban")}
	credit := d.Kind == ledger.KindCreditNote
	title := T("invoice")
	if credit {
		title = T("credit_note")
	}

	regular, bold := pdfdoc.Fonts()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(d.Created)
	pdf.SetModificationDate(d.Created)
	pdf.SetTitle(title+" "+d.Number, true)
	pdf.SetAuthor(d.Issuer.Name, true)
	pdf.SetCreator("HMS", true)
	pdf.SetLang(map[string]string{"nl": "nl-NL", "en": "en-GB"}[lang])
	pdf.AddUTF8FontFromBytes("dejavu", "", regular)
	pdf.AddUTF8FontFromBytes("dejavu", "B", bold)
	pdf.SetMargins(20, 18, 20)
	pdf.SetAutoPageBreak(true, 22)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("dejavu", "", 7.5)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 4, d.Issuer.Footer(labels, title+" "+d.Number, fmt.Sprintf(T("page"), pdf.PageNo())), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	tw := width - left - right

	// Issuer, top right.
	pdfdoc.Block(pdf, d.Issuer, labels)

	// Debtor, left: the address window.
	pdf.SetY(50)
	pdf.SetFont("dejavu", "", 10.5)
	debtor := strings.Join(d.Debtor.Names, "\n")
	if d.Debtor.Address != "" {
		debtor += "\n" + d.Debtor.Address
	}
	pdf.MultiCell(tw*0.6, 5.2, debtor, "", "L", false)

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
		meta(T("credit_number"), d.Number)
		meta(T("credit_date"), longDate(d.IssueDate, lang))
		meta(T("credits"), d.CreditedNumber)
		meta(T("reason"), d.Reason)
	} else {
		meta(T("number"), d.Number)
		meta(T("date"), longDate(d.IssueDate, lang))
		meta(T("due"), longDate(d.DueDate, lang))
		meta(T("kenmerk"), nl.FormatKenmerk(d.Kenmerk))
		meta(T("reason"), d.Reason) // a correction says what it corrects
	}
	meta(T("lease"), d.LeaseReference)
	meta(T("period"), periodName(d.Period, lang))
	pdf.Ln(5)

	// Lines: description, quantity and unit price (art. 35a Wet OB), net,
	// rate, VAT; below each, the days charged and, for a line of several
	// parts, each part's quantity × price.
	cols := []float64{tw * 0.31, tw * 0.09, tw * 0.16, tw * 0.17, tw * 0.10, tw * 0.17}
	per := T("per_month")
	if strings.Contains(d.Period, "-Q") && !strings.HasSuffix(d.Proration, "/"+string(ByMonth)) {
		per = T("per_quarter")
	}
	partial := false
	pdf.SetFont("dejavu", "B", 9)
	pdf.SetFillColor(238, 238, 238)
	for i, h := range []string{T("description"), T("qty"), T("unit_price"), T("net"), T("rate"), T("vat")} {
		align := "R"
		if i == 0 {
			align = "L"
		}
		pdf.CellFormat(cols[i], 6.5, h, "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	for _, l := range d.Lines {
		days := l.From.DaysUntil(l.To) + 1
		rate := T("exempt")
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
		pdf.CellFormat(cols[0], 5.5, lineName(l.Line, lang), "", 0, "L", false, 0, "")
		pdf.CellFormat(cols[1], 5.5, qty, "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[2], 5.5, price, "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[3], 5.5, eur(l.Net), "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[4], 5.5, rate, "", 0, "R", false, 0, "")
		pdf.CellFormat(cols[5], 5.5, vat, "", 1, "R", false, 0, "")
		pdf.SetFont("dejavu", "", 8)
		pdf.SetTextColor(90, 90, 90)
		if len(l.Basis) > 1 {
			for _, b := range l.Basis {
				pdf.CellFormat(cols[0], 4.5, "", "", 0, "L", false, 0, "")
				pdf.CellFormat(cols[1], 4.5, b.Quantity(), "", 0, "R", false, 0, "")
				pdf.CellFormat(cols[2], 4.5, eur(b.Unit), "", 1, "R", false, 0, "")
			}
		}
		dayWord := T("days_n")
		if days == 1 {
			dayWord = T("day")
		}
		span := fmt.Sprintf("%s %s %s (%d %s)", longDate(l.From, lang), T("to"), longDate(l.To, lang), days, dayWord)
		if len(l.Basis) > 0 {
			span += " · " + T("unit_price") + " " + per
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
	total(T("total_net"), eur(d.Net), false)
	exempt := false
	for _, g := range vatGroups(d.Lines) {
		if g.Rate == 0 {
			exempt = true
			total(fmt.Sprintf(T("exempt_over"), eur(g.Net)), eur(0), false)
			continue
		}
		total(fmt.Sprintf(T("vat_over"), money.FormatRate(g.Rate, lang), eur(g.Net)), eur(g.VAT), false)
	}
	total(T("total"), eur(d.Total), true)
	pdf.Ln(3)
	pdf.SetFont("dejavu", "", 9.5)
	if day, period, ok := strings.Cut(d.Proration, "/"); ok && partial {
		pdf.MultiCell(0, 5, fmt.Sprintf(T("proration"), T("m_"+day), T("m_"+period)), "", "L", false)
		pdf.Ln(1)
	}
	if exempt {
		pdf.MultiCell(0, 5, T("exemption"), "", "L", false)
		pdf.Ln(1)
	}
	if len(d.Debtor.Names) > 1 {
		pdf.MultiCell(0, 5, T("joint"), "", "L", false)
		pdf.Ln(1)
	}

	// Payment.
	pdf.Ln(2)
	var pay string
	switch {
	case credit:
		pay = fmt.Sprintf(T("credit_pay"), eur(-d.Total))
	case d.DirectDebit:
		pay = fmt.Sprintf(T("debit"), eur(d.Total), longDate(d.DueDate, lang), nl.FormatKenmerk(d.Kenmerk))
	case d.Issuer.IBAN != "":
		pay = fmt.Sprintf(T("pay"), eur(d.Total), longDate(d.DueDate, lang), nl.FormatIBAN(d.Issuer.IBAN), d.Issuer.Name,
			nl.FormatKenmerk(d.Kenmerk))
	default:
		pay = fmt.Sprintf(T("pay_no_iban"), eur(d.Total), longDate(d.DueDate, lang), nl.FormatKenmerk(d.Kenmerk))
	}
	pdf.SetFont("dejavu", "B", 10)
	pdf.MultiCell(0, 5.5, pay, "", "L", false)

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render %s %s: %w", d.Kind, d.Number, err)
	}
	return buf.Bytes(), nil
}
