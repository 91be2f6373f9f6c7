package rentincrease

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"hms/internal/account"
	"hms/internal/lease"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/pdfdoc"
	"hms/internal/portfolio"
)

// letterData is what a letter prints.
type letterData struct {
	Proposal *Proposal
	Clause   *Clause
	Tenants  []string // names
	Address  string   // where the letter goes: the first tenant's postal address, else the unit
	Units    string
	Settings Settings
	Created  time.Time
}

var dutchMonths = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

func longDate(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", d.Day, dutchMonths[d.Month-1], d.Year)
}

func monthName(m civil.Month) string { return fmt.Sprintf("%s %d", dutchMonths[m.Month-1], m.Year) }

var segmentNames = map[portfolio.Segment]string{
	portfolio.SegmentSociaal: "sociale huur", portfolio.SegmentMiddenhuur: "middenhuur", portfolio.SegmentVrij: "vrije sector",
}

// letter reads the tenants (logged with purpose rentincrease.letter) and
// renders the proposal letter.
func (s *Service) letter(ctx context.Context, tx *db.Tx, a account.Actor, l *lease.Lease, p *Proposal, cl *Clause, st Settings) ([]byte, error) {
	facts, err := s.relations.PartyFacts(ctx, tx, a, PurposeLetter, l.TenantIDs()...)
	if err != nil {
		return nil, fmt.Errorf("letter tenants: %w", err)
	}
	d := letterData{Proposal: p, Clause: cl, Units: p.Address, Settings: st, Created: s.clk.Now()}
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
	regular, bold := pdfdoc.Fonts()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(d.Created)
	pdf.SetModificationDate(d.Created)
	title := "Voorstel huurverhoging per " + longDate(p.EffectiveDate)
	if p.Kind == lease.Commercial {
		title = "Huurprijsaanpassing per " + longDate(p.EffectiveDate)
	}
	pdf.SetTitle(title, true)
	pdf.SetAuthor(d.Settings.SenderName, true)
	pdf.SetCreator("HMS", true)
	pdf.SetLang("nl-NL")
	pdf.AddUTF8FontFromBytes("dejavu", "", regular)
	pdf.AddUTF8FontFromBytes("dejavu", "B", bold)
	pdf.SetMargins(22, 20, 22)
	pdf.SetAutoPageBreak(true, 20)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("dejavu", "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 5, fmt.Sprintf("%s · huurovereenkomst %s", d.Settings.SenderName, p.LeaseReference), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	textWidth := width - left - right
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

	pdf.SetFont("dejavu", "B", 11)
	pdf.MultiCell(0, 5, d.Settings.SenderName, "", "L", false)
	pdf.Ln(8)
	pdf.SetFont("dejavu", "", 10)
	pdf.MultiCell(0, 5, strings.Join(d.Tenants, "\n"), "", "L", false)
	if d.Address != "" {
		pdf.MultiCell(0, 5, d.Address, "", "L", false)
	}
	pdf.Ln(8)
	pdf.MultiCell(0, 5, "Datum: "+longDate(civil.Today(d.Created)), "", "L", false)
	pdf.MultiCell(0, 5, "Huurovereenkomst: "+p.LeaseReference, "", "L", false)
	if d.Units != "" {
		pdf.MultiCell(0, 5, "Gehuurde: "+d.Units, "", "L", false)
	}
	pdf.Ln(5)
	pdf.SetFont("dejavu", "B", 14)
	pdf.MultiCell(0, 7, title, "", "L", false)
	pdf.Ln(3)
	pdf.SetFont("dejavu", "", 10)

	greeting := "Geachte huurder,"
	if len(d.Tenants) > 1 {
		greeting = "Geachte huurders,"
	}
	para(greeting)
	if p.Kind == lease.Commercial {
		para(fmt.Sprintf("Op grond van de huurovereenkomst wordt de huurprijs jaarlijks aangepast. Per %s wordt uw kale huur als volgt aangepast:",
			longDate(p.EffectiveDate)))
	} else {
		para(fmt.Sprintf("Wij stellen u voor uw kale huur per %s te verhogen. Hieronder ziet u wat dat voor u betekent.", longDate(p.EffectiveDate)))
	}
	row("Huidige kale huur per maand", money.Format(p.OldCents, "nl"), false)
	row("Nieuwe kale huur per maand", money.Format(p.NewCents, "nl"), true)
	change := "Verhoging"
	if p.NewCents < p.OldCents {
		change = "Verlaging"
	}
	row(change+" per maand", money.Format((p.NewCents-p.OldCents).Abs(), "nl"), false)
	row(change+" in procenten", money.FormatRate(absRate(p.Rate()), "nl"), false)
	row("Ingangsdatum", longDate(p.EffectiveDate), false)
	pdf.Ln(4)

	para(basisText(p, d.Clause))
	if p.Kind == lease.Residential {
		para("Dit is geen inkomensafhankelijke huurverhoging. Servicekosten en andere onderdelen van de huurprijs veranderen door dit voorstel niet.")
		pdf.SetFont("dejavu", "B", 10.5)
		pdf.MultiCell(0, 6, "Bezwaar maken", "", "L", false)
		pdf.SetFont("dejavu", "", 10)
		para(d.Settings.objectionText(p.Segment))
	} else {
		para("Servicekosten en andere onderdelen van de huurprijs veranderen door deze aanpassing niet.")
	}
	para("Met vriendelijke groet,\n\n" + d.Settings.SenderName)

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render rent increase letter: %w", err)
	}
	return buf.Bytes(), nil
}

// basisText explains where the new rent comes from.
func basisText(p *Proposal, cl *Clause) string {
	capText := ""
	if p.CapRate != nil {
		capText = fmt.Sprintf("De maximale huurverhoging voor %s per %s is %s.", segmentNames[p.Segment], longDate(p.EffectiveDate),
			money.FormatRate(*p.CapRate, "nl"))
	}
	clauseText := ""
	if cl != nil {
		switch cl.Method {
		case MethodFixed:
			clauseText = fmt.Sprintf("De huurovereenkomst bepaalt een jaarlijkse verhoging van %s.", money.FormatRate(cl.Percent, "nl"))
		case MethodCPI:
			newM := civil.MonthOf(p.EffectiveDate).Add(-cl.LagMonths)
			clauseText = fmt.Sprintf("De huurovereenkomst koppelt de huur aan het consumentenprijsindexcijfer (reeks %s): het cijfer van %s "+
				"ten opzichte van dat van %s", cl.Series, monthName(newM), monthName(newM.Add(-12)))
			if cl.Percent != 0 {
				clauseText += fmt.Sprintf(", plus %s", money.FormatRate(cl.Percent, "nl"))
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
		return strings.TrimSpace(clauseText+" "+capText) + " Wij verhogen daarom niet meer dan dit maximum."
	}
	return ""
}

func absRate(r money.Rate) money.Rate {
	if r < 0 {
		return -r
	}
	return r
}
