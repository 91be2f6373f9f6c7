package rentincrease

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/orgprofile"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/pdfdoc"
)

// letterData is what a letter prints.
type letterData struct {
	Proposal *Proposal
	Clause   *Clause
	Tenants  []string // names
	Address  string   // where the letter goes: the first tenant's postal address, else the unit
	Units    string
	Settings Settings
	Issuer   pdfdoc.Issuer // the organisation's details (orgprofile), printed under Settings.SenderName
	Created  time.Time
}

// docText is the letter's words (Dutch, the language of the letter), from
// the i18n catalogs.
func docText(id string, args ...any) string { return pdfdoc.TextsIn("nl").T(id, args...) }

func longDate(d civil.Date) string { return d.Long("nl") }

// letter reads the tenants (logged with purpose rentincrease.letter) and
// renders the proposal letter.
func (s *Service) letter(ctx context.Context, tx *db.Tx, a account.Actor, l *lease.Lease, p *Proposal, cl *Clause,
	st Settings) ([]byte, error) {
	facts, err := s.relations.PartyFacts(ctx, tx, a, PurposeLetter, l.TenantIDs()...)
	if err != nil {
		return nil, fmt.Errorf("letter tenants: %w", err)
	}
	is, err := orgprofile.IssuerTx(ctx, tx, "")
	if err != nil {
		return nil, err
	}
	d := letterData{Proposal: p, Clause: cl, Units: p.Address, Settings: st, Issuer: is, Created: s.clk.Now()}
	for _, id := range l.TenantIDs() {
		f := facts[id]
		d.Tenants = append(d.Tenants, f.DisplayName)
		if d.Address == "" {
			d.Address = f.Address
		}
	}
	if l.Kind == lease.Residential || d.Address == "" {
		d.Address = strings.ReplaceAll(p.Address, ", ", "\n")
	}
	return renderLetter(d)
}

// renderLetter writes the proposal (Dutch, A4): old and new kale huur, the
// change in euro and percent, the effective date, the basis and how to
// object.
func renderLetter(d letterData) ([]byte, error) {
	p := d.Proposal
	T := docText
	title := T("doc.letter.title", "Date", longDate(p.EffectiveDate))
	if p.Kind == lease.Commercial {
		title = T("doc.letter.title_commercial", "Date", longDate(p.EffectiveDate))
	}
	// The sender prints as the issuer's block (top right, with the
	// organisation's address and numbers) and leads the footer.
	is := d.Issuer
	is.Name = d.Settings.SenderName
	pdf := pdfdoc.New(pdfdoc.Meta{Title: title, Author: d.Settings.SenderName, Lang: "nl", Created: d.Created, Layout: pdfdoc.LetterLayout,
		Issuer: &is, Footer: []string{T("doc.letter.footer", "Reference", p.LeaseReference)}})
	textWidth := pdf.TextWidth
	para := func(s string) {
		pdf.MultiCell(0, 5, s, "", "L", false)
		pdf.Ln(2)
	}
	row := func(label, value string, b bool) {
		style := ""
		if b {
			style = "B"
		}
		pdf.SetFont("dejavu", style, 10)
		pdf.CellFormat(textWidth*0.62, 6.5, label, "B", 0, "L", false, 0, "")
		pdf.CellFormat(textWidth*0.38, 6.5, value, "B", 1, "R", false, 0, "")
		pdf.SetFont("dejavu", "", 10)
	}

	pdf.Ln(8)
	pdf.SetFont("dejavu", "", 10)
	pdf.MultiCell(0, 5, strings.Join(d.Tenants, "\n"), "", "L", false)
	if d.Address != "" {
		pdf.MultiCell(0, 5, d.Address, "", "L", false)
	}
	pdf.Ln(8)
	pdf.MultiCell(0, 5, T("doc.letter.date", "Date", longDate(civil.Today(d.Created))), "", "L", false)
	pdf.MultiCell(0, 5, T("doc.letter.lease", "Reference", p.LeaseReference), "", "L", false)
	if d.Units != "" {
		pdf.MultiCell(0, 5, T("doc.letter.units", "Units", d.Units), "", "L", false)
	}
	pdf.Ln(5)
	pdf.SetFont("dejavu", "B", 14)
	pdf.MultiCell(0, 7, title, "", "L", false)
	pdf.Ln(3)
	pdf.SetFont("dejavu", "", 10)

	greeting := T("doc.letter.greeting")
	if len(d.Tenants) > 1 {
		greeting = T("doc.letter.greeting_n")
	}
	para(greeting)
	if p.Kind == lease.Commercial {
		para(T("doc.letter.intro_commercial", "Date", longDate(p.EffectiveDate)))
	} else {
		para(T("doc.letter.intro", "Date", longDate(p.EffectiveDate)))
	}
	row(T("doc.letter.old"), money.Format(p.OldCents, "nl"), false)
	row(T("doc.letter.new"), money.Format(p.NewCents, "nl"), true)
	change := "increase"
	if p.NewCents < p.OldCents {
		change = "decrease"
	}
	row(T("doc.letter."+change+"_month"), money.Format((p.NewCents-p.OldCents).Abs(), "nl"), false)
	row(T("doc.letter."+change+"_rate"), money.FormatRate(absRate(p.Rate()), "nl"), false)
	row(T("doc.letter.effective"), longDate(p.EffectiveDate), false)
	pdf.Ln(4)

	para(basisText(p, d.Clause))
	if p.Kind == lease.Residential {
		para(T("doc.letter.not_income"))
		pdf.SetFont("dejavu", "B", 10.5)
		pdf.MultiCell(0, 6, T("doc.letter.objection"), "", "L", false)
		pdf.SetFont("dejavu", "", 10)
		para(d.Settings.objectionText(p.Segment))
	} else {
		para(T("doc.letter.unchanged"))
	}
	para(T("doc.letter.closing", "Sender", d.Settings.SenderName))

	b, err := pdf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("render rent increase letter: %w", err)
	}
	return b, nil
}

// basisText explains where the new rent comes from.
func basisText(p *Proposal, cl *Clause) string {
	capText := ""
	if p.CapRate != nil {
		capText = docText("doc.letter.cap", "Segment", docText("doc.letter.segment."+string(p.Segment)), "Date", longDate(p.EffectiveDate),
			"Rate", money.FormatRate(*p.CapRate, "nl"))
	}
	clauseText := ""
	if cl != nil {
		switch cl.Method {
		case MethodFixed:
			clauseText = docText("doc.letter.fixed", "Rate", money.FormatRate(cl.Percent, "nl"))
		case MethodCPI:
			newM := civil.MonthOf(p.EffectiveDate).Add(-cl.LagMonths)
			clauseText = docText("doc.letter.cpi", "Series", cl.Series, "New", newM.Long("nl"), "Old", newM.Add(-12).Long("nl"))
			if cl.Percent != 0 {
				clauseText += docText("doc.letter.cpi_plus", "Rate", money.FormatRate(cl.Percent, "nl"))
			}
			clauseText += "."
		}
	}
	switch p.Basis {
	case BasisCap:
		return capText
	case BasisClause, BasisIndexation, BasisFixed:
		return strings.TrimSpace(clauseText + " " + capText)
	case BasisClipped:
		return strings.TrimSpace(clauseText+" "+capText) + " " + docText("doc.letter.clipped")
	}
	return ""
}

func absRate(r money.Rate) money.Rate {
	if r < 0 {
		return -r
	}
	return r
}
