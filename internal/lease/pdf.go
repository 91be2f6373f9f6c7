package lease

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc"
)

// The embedded DejaVu Sans every document prints with (pdfdoc.Fonts).
var fontRegular, fontBold = pdfdoc.Fonts()

// infoSheet is what the tenant information prints.
type infoSheet struct {
	Lease      *Lease
	Tenants    []Party
	Units      []Unit
	Components []Component // valid on PriceDate
	PriceDate  civil.Date
	Settings   Settings // LandlordName filled
	Created    time.Time
	// LandlordMonths is the landlord's notice period when the lease sets
	// one; 0 prints the statutory rule.
	LandlordMonths int
}

var dutchMonthNames = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// longDate writes 14 maart 2026.
func longDate(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", d.Day, dutchMonthNames[d.Month-1], d.Year)
}

func months(n int) string {
	if n == 1 {
		return "1 maand"
	}
	return fmt.Sprintf("%d maanden", n)
}

// componentName is a component's Dutch name on documents.
func componentName(c Component) string {
	switch c.Kind {
	case BareRent:
		return "Kale huur"
	case ServiceCosts:
		return "Voorschot servicekosten (" + c.Category + ")"
	case Parking:
		return "Parkeren"
	case Furnishing:
		return "Meubilering en stoffering"
	}
	return c.Label
}

// renderTenantInformation writes the Wgv information sheet (Dutch, A4).
func renderTenantInformation(sh infoSheet) ([]byte, error) {
	l := sh.Lease
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(sh.Created)
	pdf.SetModificationDate(sh.Created)
	pdf.SetTitle("Informatie voor de huurder – huurovereenkomst "+l.Reference, true)
	pdf.SetAuthor(sh.Settings.LandlordName, true)
	pdf.SetCreator("HMS", true)
	pdf.SetLang("nl-NL")
	pdf.AddUTF8FontFromBytes("dejavu", "", fontRegular)
	pdf.AddUTF8FontFromBytes("dejavu", "B", fontBold)
	pdf.SetMargins(20, 18, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("dejavu", "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 5, fmt.Sprintf("Huurovereenkomst %s · pagina %d van {nb}", l.Reference, pdf.PageNo()), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	width, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	textWidth := width - left - right

	heading := func(s string) {
		pdf.Ln(3)
		pdf.SetFont("dejavu", "B", 11.5)
		pdf.MultiCell(0, 6, s, "", "L", false)
		pdf.SetFont("dejavu", "", 10)
		pdf.Ln(0.5)
	}
	para := func(s string) {
		pdf.MultiCell(0, 5, s, "", "L", false)
		pdf.Ln(1.5)
	}
	bullet := func(s string) {
		x := pdf.GetX()
		pdf.CellFormat(5, 5, "•", "", 0, "L", false, 0, "")
		pdf.MultiCell(textWidth-5, 5, s, "", "L", false)
		pdf.SetX(x)
	}
	row := func(label, value string) {
		pdf.SetFont("dejavu", "", 10)
		pdf.CellFormat(textWidth*0.62, 6, label, "B", 0, "L", false, 0, "")
		pdf.CellFormat(textWidth*0.38, 6, value, "B", 1, "R", false, 0, "")
	}

	pdf.SetFont("dejavu", "B", 17)
	pdf.MultiCell(0, 8, "Informatie voor de huurder", "", "L", false)
	pdf.SetFont("dejavu", "", 9.5)
	pdf.MultiCell(0, 5, "Schriftelijke informatie bij uw huurovereenkomst, zoals de Wet goed verhuurderschap (artikel 2) "+
		"en de Regeling goed verhuurderschap voorschrijven.", "", "L", false)
	pdf.Ln(1)
	pdf.MultiCell(0, 5, fmt.Sprintf("Huurovereenkomst %s · opgesteld op %s", l.Reference, longDate(civil.Today(sh.Created))), "", "L", false)
	pdf.SetFont("dejavu", "", 10)

	heading("1. Huurder")
	for _, t := range sh.Tenants {
		pdf.SetFont("dejavu", "B", 10)
		pdf.MultiCell(0, 5, t.Name, "", "L", false)
		pdf.SetFont("dejavu", "", 10)
		if t.Address != "" {
			pdf.MultiCell(0, 5, t.Address, "", "L", false)
		}
		pdf.Ln(1.5)
	}
	if len(sh.Tenants) > 1 {
		para("De huurders zijn ieder hoofdelijk aansprakelijk voor alle verplichtingen uit de huurovereenkomst: " +
			"de verhuurder kan de hele huur van ieder van hen vragen.")
	}

	heading("2. De woonruimte en de huurovereenkomst")
	for _, u := range sh.Units {
		para(u.Address)
	}
	term := "voor onbepaalde tijd"
	if !l.End.IsZero() {
		term = "voor bepaalde tijd, tot en met " + longDate(l.End)
	}
	para(fmt.Sprintf("De huurovereenkomst gaat in op %s en is aangegaan %s.", longDate(l.Start), term))
	para("Soorten huurovereenkomsten: een huurovereenkomst voor woonruimte wordt in de regel aangegaan voor onbepaalde tijd. " +
		"Een huurovereenkomst voor bepaalde tijd is alleen toegestaan in de gevallen die de wet noemt. " +
		"Bij een huurovereenkomst voor onbepaalde tijd heeft u huurbescherming: de verhuurder kan alleen opzeggen " +
		"om een reden die in de wet staat, en als u niet instemt beslist de rechter.")

	heading("3. Verhuurder en contactpunt voor de woning")
	para("Voor vragen, reparatieverzoeken, onderhoud en klachten over de woning kunt u terecht bij:")
	contact := []string{sh.Settings.LandlordName}
	if sh.Settings.LandlordAddress != "" {
		contact = append(contact, sh.Settings.LandlordAddress)
	}
	if sh.Settings.LandlordPhone != "" {
		contact = append(contact, "Telefoon: "+sh.Settings.LandlordPhone)
	}
	if sh.Settings.LandlordEmail != "" {
		contact = append(contact, "E-mail: "+sh.Settings.LandlordEmail)
	}
	para(strings.Join(contact, "\n"))

	heading("4. Huurprijs en servicekosten")
	if len(sh.Components) == 0 {
		para("Er zijn nog geen bedragen vastgelegd.")
	} else {
		para(fmt.Sprintf("Bedragen per maand, geldend vanaf %s:", longDate(latestFrom(sh.Components, sh.PriceDate))))
		var total money.Cents
		hasService := false
		for _, c := range sh.Components {
			row(componentName(c), money.Format(c.AmountCents, "nl"))
			total += c.AmountCents
			hasService = hasService || c.Kind == ServiceCosts
		}
		pdf.SetFont("dejavu", "B", 10)
		pdf.CellFormat(textWidth*0.62, 6, "Totaal per maand", "", 0, "L", false, 0, "")
		pdf.CellFormat(textWidth*0.38, 6, money.Format(total, "nl"), "", 1, "R", false, 0, "")
		pdf.SetFont("dejavu", "", 10)
		pdf.Ln(2)
		if hasService {
			para("Servicekosten: u betaalt maandelijks een voorschot voor leveringen en diensten die met het huren " +
				"samenhangen. De verhuurder mag geen onredelijke servicekosten in rekening brengen. U ontvangt ieder jaar, " +
				"uiterlijk zes maanden na afloop van het kalenderjaar, een overzicht van de werkelijke kosten per post en hoe die " +
				"zijn berekend (artikel 7:259 BW). Wat u te veel heeft betaald, krijgt u terug.")
		} else {
			para("Servicekosten: er worden geen servicekosten in rekening gebracht.")
		}
	}
	period := "maand"
	if l.BillingFrequency == Quarterly {
		period = "kwartaal"
	}
	how := "overmaken"
	if l.PaymentMethod == DirectDebit {
		how = "automatische incasso"
	}
	para(fmt.Sprintf("U betaalt de huur per %s, uiterlijk op dag %d van de periode, door %s.", period, l.DueDay, how))

	heading("5. Waarborgsom")
	if l.DepositCents == 0 {
		para("Er is geen waarborgsom afgesproken.")
	} else {
		if DepositCapApplies(l.Kind, l.Start) {
			para(fmt.Sprintf("De waarborgsom bedraagt %s. Voor woonruimte mag de waarborgsom niet hoger zijn dan twee keer de "+
				"kale huur per maand; over servicekosten wordt geen waarborgsom gevraagd (artikel 7:261b BW).", money.Format(l.DepositCents, "nl")))
		} else {
			para(fmt.Sprintf("De waarborgsom bedraagt %s, zoals afgesproken bij het aangaan van de huurovereenkomst.",
				money.Format(l.DepositCents, "nl")))
		}
		para(fmt.Sprintf("Na het einde van de huurovereenkomst betaalt de verhuurder de waarborgsom binnen %d dagen na het einde aan u terug. "+
			"Houdt de verhuurder een deel in, dan betaalt hij de rest binnen %d dagen na het einde terug, met een schriftelijke specificatie "+
			"van wat is ingehouden en waarom. Inhouden mag alleen voor achterstallige huur, servicekosten, de energieprestatievergoeding "+
			"en schade aan de woning; administratiekosten mogen niet worden ingehouden. De verhuurder moet aantonen dat een inhouding terecht is.",
			DepositReturnDays(sh.Settings, false), DepositReturnDays(sh.Settings, true)))
	}

	heading("6. Uw rechten en plichten")
	para("Gebruik van de woning: u gebruikt de woonruimte om te wonen, zoals in de huurovereenkomst is afgesproken. Gebruikt u " +
		"de woning zonder toestemming van de verhuurder voor iets anders, dan komt u de huurovereenkomst niet na. Dat kan ertoe " +
		"leiden dat de rechter de huurovereenkomst ontbindt en dat u de schade moet vergoeden.")
	para("Toegang tot de woning: de verhuurder mag de woning alleen binnengaan als u daarvoor toestemming geeft. Dat geldt niet bij:")
	for _, s := range []string{
		"een spoedeisende noodsituatie;",
		"dringende werkzaamheden (artikel 7:220 lid 1 BW);",
		"renovatie waarmee u heeft ingestemd of die de rechter heeft toegestaan (artikel 7:220 lid 2 BW);",
		"werkzaamheden waarvoor de buren recht op toegang hebben (artikel 5:56 BW);",
		"bezichtiging door kandidaat-kopers of kandidaat-huurders als de woning wordt verkocht of de huurovereenkomst eindigt (artikel 7:223 BW).",
	} {
		bullet(s)
	}
	pdf.Ln(1.5)
	para("U betaalt de huur op tijd, gebruikt de woning als een goed huurder en zorgt zelf voor kleine herstellingen " +
		"(artikel 7:217 BW). De verhuurder zorgt voor het overige onderhoud en herstelt gebreken (artikel 7:206 BW).")
	para("Geschillen: over de huurprijs, de servicekosten en onderhoudsgebreken kunt u zich in veel gevallen wenden tot de " +
		"Huurcommissie (www.huurcommissie.nl). Voor gratis juridisch advies kunt u terecht bij het Juridisch Loket " +
		"(www.juridischloket.nl) of bij een huurteam of huurdersvereniging in uw gemeente. De verhuurder mag niet " +
		"discrimineren of intimideren.")

	heading("7. Opzegging")
	tenantMonths := TenantNoticeMonths(l.BillingFrequency, l.NoticeMonthsTenant)
	if sh.Settings.NoticeWholeMonths {
		para(fmt.Sprintf("U kunt de huurovereenkomst schriftelijk opzeggen met een opzegtermijn van %s. De opzegtermijn gaat in op de "+
			"eerste dag van de maand na uw opzegging; de huurovereenkomst eindigt op de laatste dag van een maand.", months(tenantMonths)))
	} else {
		para(fmt.Sprintf("U kunt de huurovereenkomst schriftelijk opzeggen met een opzegtermijn van %s, gerekend vanaf de dag na uw opzegging.",
			months(tenantMonths)))
	}
	para("De opzegtermijn van de huurder is gelijk aan de termijn waarover u de huur betaalt, maar ten minste één en ten hoogste " +
		"drie maanden (artikel 7:271 lid 5 BW).")
	if sh.LandlordMonths > 0 {
		para(fmt.Sprintf("De verhuurder kan alleen opzeggen om een reden die de wet noemt (artikel 7:274 BW), met een opzegtermijn van %s.",
			months(sh.LandlordMonths)))
	} else {
		para("De verhuurder kan alleen opzeggen om een reden die de wet noemt (artikel 7:274 BW), met een opzegtermijn van drie maanden, " +
			"plus één maand voor ieder jaar dat de huurovereenkomst heeft geduurd, tot ten hoogste zes maanden (artikel 7:271 BW).")
	}

	heading("8. Meldpunt goed verhuurderschap")
	para("Houdt de verhuurder zich niet aan de regels van goed verhuurderschap, bijvoorbeeld bij discriminatie, intimidatie, " +
		"een te hoge waarborgsom of onredelijke servicekosten, dan kunt u dat melden bij het meldpunt van de gemeente:")
	pdf.SetFont("dejavu", "B", 10)
	pdf.MultiCell(0, 5, "Meldpunt: "+sh.Settings.Meldpunt, "", "L", false)
	pdf.SetFont("dejavu", "", 10)

	if sh.Settings.ExtraInformation != "" {
		heading("9. Overige informatie")
		para(sh.Settings.ExtraInformation)
	}

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render tenant information: %w", err)
	}
	return buf.Bytes(), nil
}

// latestFrom is the latest valid_from among components valid on d: the day
// from which the printed amounts hold.
func latestFrom(cs []Component, d civil.Date) civil.Date {
	var latest civil.Date
	for _, c := range cs {
		if c.ValidFrom.After(latest) && !c.ValidFrom.After(d) {
			latest = c.ValidFrom
		}
	}
	if latest.IsZero() {
		return d
	}
	return latest
}
