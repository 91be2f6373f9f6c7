package dunning

import (
	"fmt"
	netmail "net/mail"
	"slices"
	"strings"
	"time"

	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/platform/civil"
	"hms/internal/platform/mail"
	"hms/internal/platform/pdfdoc"
)

// letterDoc is everything a dunning letter prints.
type letterDoc struct {
	Lang      string
	Stage     Stage
	Date      civil.Date
	Deadline  civil.Date // final letters
	TermDays  int
	Reference string
	Units     string // the let units' addresses
	Issuer    pdfdoc.Issuer
	Tenants   []string
	Address   string
	Lines     []letterLine
	Principal money.Cents
	Base      money.Cents // the principal sum the costs are computed over
	Costs     money.Cents // 14-day letter (or a sommatie that names them)
	CostsVAT  bool
	Created   time.Time
}

// letterLine is one invoice's open part in the letter.
type letterLine struct {
	Number string
	Period string // the rent period key, or "" with From and To
	From   civil.Date
	To     civil.Date
	Due    civil.Date
	Open   money.Cents
}

// linesOf groups charges per invoice, oldest due first.
func linesOf(cs []ledger.Charge) []letterLine {
	var out []letterLine
	for _, c := range cs {
		i := slices.IndexFunc(out, func(l letterLine) bool { return l.Number == c.InvoiceNumber })
		if i < 0 {
			out = append(out, letterLine{Number: c.InvoiceNumber, Period: c.Period, From: c.From, To: c.To, Due: c.DueDate})
			i = len(out) - 1
		}
		l := &out[i]
		l.Open += c.Open()
		if c.From.Before(l.From) {
			l.From = c.From
		}
		if c.To.After(l.To) {
			l.To = c.To
		}
		if c.Period != l.Period {
			l.Period = ""
		}
		if c.DueDate.Before(l.Due) {
			l.Due = c.DueDate
		}
	}
	slices.SortStableFunc(out, func(a, b letterLine) int { return a.Due.Compare(b.Due) })
	return out
}

// periodText names what an invoice line was for: "januari 2026", "1e
// kwartaal 2026", or its dates.
func periodText(l letterLine, lang string) string {
	t := pdfdoc.TextsIn(lang)
	if m, err := civil.ParseMonth(l.Period); err == nil {
		return m.Long(lang)
	}
	var y, q int
	if n, _ := fmt.Sscanf(l.Period, "%d-Q%d", &y, &q); n == 2 && q >= 1 && q <= 4 {
		return t.T("doc.dunning.quarter", "Quarter", q, "Year", y)
	}
	if l.From == l.To {
		return l.From.Long(lang)
	}
	return l.From.Long(lang) + " – " + l.To.Long(lang)
}

// renderLetter writes a dunning letter (A4, the tenant's language): the
// open invoices with what is still owed on each, the total, and what the
// stage asks. A 14-day letter states the amount, the term of 14 days from
// the day after receipt with its last day, and the collection costs that
// follow if the term passes unpaid, in euros (art. 6:96 lid 6 BW).
func renderLetter(d letterDoc) ([]byte, error) {
	lang := pdfdoc.TextsIn(d.Lang).Lang
	T := pdfdoc.TextsIn(lang).T
	// An amount never breaks over two lines: "€" and its number are held
	// together by a no-break space.
	eur := func(c money.Cents) string { return strings.ReplaceAll(money.Format(c, lang), " ", "\u00a0") }
	title := T("doc.dunning.title." + string(d.Stage))
	recipient := strings.Join(d.Tenants, "\n")
	if d.Address != "" {
		recipient += "\n" + d.Address
	}
	pdf := pdfdoc.New(pdfdoc.Meta{Title: title + " – " + d.Reference, Author: d.Issuer.Name, Lang: lang, Created: d.Created,
		Layout: pdfdoc.StatementLayout, Issuer: &d.Issuer, Recipient: recipient,
		Footer: []string{T("doc.dunning.footer", "Title", title, "Reference", d.Reference)}, Paged: true})
	tw := pdf.TextWidth

	pdf.SetY(max(pdf.GetY()+8, 84))
	pdf.SetFont("dejavu", "B", 16)
	pdf.MultiCell(0, 8, title, "", "L", false)
	pdf.Ln(1)
	meta := func(label, value string) {
		if value == "" {
			return
		}
		pdf.SetFont("dejavu", "", 9.5)
		pdf.CellFormat(42, 5.2, label, "", 0, "L", false, 0, "")
		pdf.SetFont("dejavu", "B", 9.5)
		pdf.MultiCell(0, 5.2, value, "", "L", false)
	}
	meta(T("doc.dunning.date"), d.Date.Long(lang))
	meta(T("doc.dunning.lease"), d.Reference)
	meta(T("doc.dunning.units"), d.Units)
	pdf.Ln(4)

	para := func(s string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("dejavu", style, 10)
		pdf.MultiCell(0, 5, s, "", "L", false)
		pdf.Ln(2)
	}
	greeting := T("doc.dunning.greeting")
	if len(d.Tenants) > 1 {
		greeting = T("doc.dunning.greeting_n")
	}
	para(greeting, false)
	para(T("doc.dunning.intro."+string(d.Stage), "Amount", eur(d.Principal)), false)

	// The open invoices.
	cols := []float64{tw * 0.22, tw * 0.38, tw * 0.2, tw * 0.2}
	pdf.SetFont("dejavu", "B", 9)
	pdf.SetFillColor(238, 238, 238)
	for i, h := range []string{T("doc.dunning.invoice"), T("doc.dunning.period"), T("doc.dunning.due"), T("doc.dunning.open")} {
		align := "L"
		if i == 3 {
			align = "R"
		}
		pdf.CellFormat(cols[i], 6.5, h, "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("dejavu", "", 9.5)
	for _, l := range d.Lines {
		pdf.CellFormat(cols[0], 5.8, l.Number, "B", 0, "L", false, 0, "")
		pdf.CellFormat(cols[1], 5.8, periodText(l, lang), "B", 0, "L", false, 0, "")
		pdf.CellFormat(cols[2], 5.8, l.Due.Long(lang), "B", 0, "L", false, 0, "")
		pdf.CellFormat(cols[3], 5.8, eur(l.Open), "B", 1, "R", false, 0, "")
	}
	pdf.SetFont("dejavu", "B", 10)
	pdf.CellFormat(tw*0.8, 6.5, T("doc.dunning.total"), "", 0, "R", false, 0, "")
	pdf.CellFormat(tw*0.2, 6.5, eur(d.Principal), "", 1, "R", false, 0, "")
	pdf.Ln(4)

	switch d.Stage {
	case StageWIK:
		para(T("doc.dunning.wik.term", "Amount", eur(d.Principal), "Days", d.TermDays, "Deadline", d.Deadline.Long(lang)), true)
		costs := T("doc.dunning.wik.costs", "Costs", eur(d.Costs), "Amount", eur(d.Base))
		if d.CostsVAT {
			costs += " " + T("doc.dunning.wik.costs_vat")
		}
		para(costs, false)
		para(T("doc.dunning.wik.no_costs", "Deadline", d.Deadline.Long(lang)), false)
	case StageDemand:
		para(T("doc.dunning.demand.term", "Amount", eur(d.Principal), "Days", d.TermDays, "Deadline", d.Deadline.Long(lang)), true)
		if d.Costs > 0 {
			para(T("doc.dunning.demand.costs", "Costs", eur(d.Costs)), false)
		}
		para(T("doc.dunning.demand.handover"), false)
	}
	if d.Issuer.IBAN != "" {
		para(T("doc.dunning.pay", "IBAN", nl.FormatIBAN(d.Issuer.IBAN), "Name", d.Issuer.Name, "Reference", d.Reference), false)
	} else {
		para(T("doc.dunning.pay_no_iban", "Reference", d.Reference), false)
	}
	para(T("doc.dunning.plan"), false)
	if d.Stage == StageReminder || d.Stage == StageNotice {
		para(T("doc.dunning.paid_already"), false)
	}
	if len(d.Tenants) > 1 {
		para(T("doc.joint"), false)
	}
	pdf.Ln(2)
	para(T("doc.dunning.closing", "Sender", d.Issuer.Name), false)

	b, err := pdf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("render %s letter %s: %w", d.Stage, d.Reference, err)
	}
	return b, nil
}

// recipient is a tenant a letter is mailed to.
type recipient struct {
	name, email, lang string
}

// letterMail is the message that carries a letter to one tenant, in the
// tenant's language.
func letterMail(d letterDoc, rc recipient, pdf []byte) mail.Message {
	t := pdfdoc.TextsIn(rc.lang)
	lang := t.Lang
	eur := func(c money.Cents) string { return money.Format(c, lang) }
	title := t.T("doc.dunning.title." + string(d.Stage))
	ask := t.T("doc.dunning.mail.ask."+string(d.Stage), "Deadline", d.Deadline.Long(lang), "Costs", eur(d.Costs))
	body := t.T("doc.dunning.mail.body", "Name", rc.name, "Title", strings.ToLower(title), "Date", d.Date.Long(lang), "Reference", d.Reference,
		"Amount", eur(d.Principal), "Ask", ask, "Sender", d.Issuer.Name)
	file := t.T("doc.dunning.mail.file."+string(d.Stage), "Reference", d.Reference) + ".pdf"
	return mail.Message{To: (&netmail.Address{Name: rc.name, Address: rc.email}).String(),
		Subject: t.T("doc.dunning.mail.subject", "Title", title, "Reference", d.Reference), Text: body,
		Attachments: []mail.Attachment{{Name: file, ContentType: "application/pdf", Data: pdf}}}
}
