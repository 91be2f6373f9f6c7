package lease

import (
	"fmt"
	"strings"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc"
)

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

// docText is a text of the tenant information (Dutch, the language of the
// sheet), from the i18n catalogs.
func docText(id string, args ...any) string { return pdfdoc.TextsIn("nl").T(id, args...) }

func months(n int) string {
	if n == 1 {
		return docText("doc.tenant_info.month_1")
	}
	return docText("doc.tenant_info.months", "N", n)
}

// componentName is a component's name on documents.
func componentName(c Component) string {
	switch c.Kind {
	case BareRent, Parking, Furnishing:
		return docText("doc.tenant_info.component." + string(c.Kind))
	case ServiceCosts:
		return docText("doc.tenant_info.component.service_costs", "Category", c.Category)
	}
	return c.Label
}

// renderTenantInformation writes the Wgv information sheet (Dutch, A4).
func renderTenantInformation(sh infoSheet) ([]byte, error) {
	l := sh.Lease
	T := docText
	pdf := pdfdoc.New(pdfdoc.Meta{Title: T("doc.tenant_info.meta_title", "Reference", l.Reference), Author: sh.Settings.LandlordName,
		Lang: "nl", Created: sh.Created, Layout: pdfdoc.SheetLayout, Paged: true,
		Footer: []string{T("doc.tenant_info.footer", "Reference", l.Reference)}})
	textWidth := pdf.TextWidth
	long := func(d civil.Date) string { return d.Long("nl") }

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
	pdf.MultiCell(0, 8, T("doc.tenant_info.title"), "", "L", false)
	pdf.SetFont("dejavu", "", 9.5)
	pdf.MultiCell(0, 5, T("doc.tenant_info.intro"), "", "L", false)
	pdf.Ln(1)
	pdf.MultiCell(0, 5, T("doc.tenant_info.drawn_up", "Reference", l.Reference, "Date", long(civil.Today(sh.Created))), "", "L", false)
	pdf.SetFont("dejavu", "", 10)

	heading(T("doc.tenant_info.h_tenant"))
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
		para(T("doc.tenant_info.joint"))
	}

	heading(T("doc.tenant_info.h_home"))
	for _, u := range sh.Units {
		para(u.Address)
	}
	term := T("doc.tenant_info.term_open")
	if !l.End.IsZero() {
		term = T("doc.tenant_info.term_fixed", "End", long(l.End))
	}
	para(T("doc.tenant_info.starts", "Start", long(l.Start), "Term", term))
	para(T("doc.tenant_info.kinds"))

	heading(T("doc.tenant_info.h_contact"))
	para(T("doc.tenant_info.contact"))
	contact := []string{sh.Settings.LandlordName}
	if sh.Settings.LandlordAddress != "" {
		contact = append(contact, sh.Settings.LandlordAddress)
	}
	if sh.Settings.LandlordPhone != "" {
		contact = append(contact, T("doc.tenant_info.phone", "Phone", sh.Settings.LandlordPhone))
	}
	if sh.Settings.LandlordEmail != "" {
		contact = append(contact, T("doc.tenant_info.email", "Email", sh.Settings.LandlordEmail))
	}
	para(strings.Join(contact, "\n"))

	heading(T("doc.tenant_info.h_rent"))
	if len(sh.Components) == 0 {
		para(T("doc.tenant_info.no_amounts"))
	} else {
		para(T("doc.tenant_info.amounts_from", "Date", long(latestFrom(sh.Components, sh.PriceDate))))
		var total money.Cents
		hasService := false
		for _, c := range sh.Components {
			row(componentName(c), money.Format(c.AmountCents, "nl"))
			total += c.AmountCents
			hasService = hasService || c.Kind == ServiceCosts
		}
		pdf.SetFont("dejavu", "B", 10)
		pdf.CellFormat(textWidth*0.62, 6, T("doc.tenant_info.total"), "", 0, "L", false, 0, "")
		pdf.CellFormat(textWidth*0.38, 6, money.Format(total, "nl"), "", 1, "R", false, 0, "")
		pdf.SetFont("dejavu", "", 10)
		pdf.Ln(2)
		if hasService {
			para(T("doc.tenant_info.service"))
		} else {
			para(T("doc.tenant_info.no_service"))
		}
	}
	period := T("doc.tenant_info.month")
	if l.BillingFrequency == Quarterly {
		period = T("doc.tenant_info.quarter")
	}
	how := T("doc.tenant_info.transfer")
	if l.PaymentMethod == DirectDebit {
		how = T("doc.tenant_info.direct_debit")
	}
	para(T("doc.tenant_info.payment", "Period", period, "Day", l.DueDay, "How", how))

	heading(T("doc.tenant_info.h_deposit"))
	if l.DepositCents == 0 {
		para(T("doc.tenant_info.no_deposit"))
	} else {
		if DepositCapApplies(l.Kind, l.Start) {
			para(T("doc.tenant_info.deposit_capped", "Amount", money.Format(l.DepositCents, "nl")))
		} else {
			para(T("doc.tenant_info.deposit", "Amount", money.Format(l.DepositCents, "nl")))
		}
		para(T("doc.tenant_info.deposit_return", "Days", DepositReturnDays(sh.Settings, false),
			"DaysDeducted", DepositReturnDays(sh.Settings, true)))
	}

	heading(T("doc.tenant_info.h_rights"))
	para(T("doc.tenant_info.use"))
	para(T("doc.tenant_info.access"))
	for _, s := range []string{"emergency", "urgent", "renovation", "neighbours", "viewing"} {
		bullet(T("doc.tenant_info.access." + s))
	}
	pdf.Ln(1.5)
	para(T("doc.tenant_info.duties"))
	para(T("doc.tenant_info.disputes"))

	heading(T("doc.tenant_info.h_notice"))
	tenantMonths := TenantNoticeMonths(l.BillingFrequency, l.NoticeMonthsTenant)
	if sh.Settings.NoticeWholeMonths {
		para(T("doc.tenant_info.notice_whole", "Term", months(tenantMonths)))
	} else {
		para(T("doc.tenant_info.notice_days", "Term", months(tenantMonths)))
	}
	para(T("doc.tenant_info.notice_rule"))
	if sh.LandlordMonths > 0 {
		para(T("doc.tenant_info.landlord_notice", "Term", months(sh.LandlordMonths)))
	} else {
		para(T("doc.tenant_info.landlord_statutory"))
	}

	heading(T("doc.tenant_info.h_meldpunt"))
	para(T("doc.tenant_info.meldpunt_intro"))
	pdf.SetFont("dejavu", "B", 10)
	pdf.MultiCell(0, 5, T("doc.tenant_info.meldpunt", "Meldpunt", sh.Settings.Meldpunt), "", "L", false)
	pdf.SetFont("dejavu", "", 10)

	if sh.Settings.ExtraInformation != "" {
		heading(T("doc.tenant_info.h_extra"))
		para(sh.Settings.ExtraInformation)
	}

	b, err := pdf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("render tenant information: %w", err)
	}
	return b, nil
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
