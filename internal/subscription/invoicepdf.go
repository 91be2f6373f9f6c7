package subscription

import (
	"fmt"
	"time"

	"hms/internal/money"
	"hms/internal/platform/pdfdoc"
)

// renderInvoice writes HMS's invoice to its customer in the invoice's
// language (A4): HMS as the seller, the customer's billing details, the
// number, date and period, the plan with its units, net, VAT and total,
// and the direct-debit notice (mandate reference, Incassant-ID, the day of
// collection), which is the SEPA pre-notification.
func renderInvoice(inv Invoice, created time.Time) ([]byte, error) {
	tx := pdfdoc.TextsIn(inv.Lang)
	T, lang := tx.T, tx.Lang
	title := T("doc.invoice.invoice")
	recipient := inv.Buyer.Name + "\n" + inv.Buyer.Street + " " + inv.Buyer.HouseNumber + "\n" + inv.Buyer.Postcode + "  " + inv.Buyer.City
	pdf := pdfdoc.New(pdfdoc.Meta{Title: T("doc.hms_invoice.meta_title", "Number", inv.Number), Author: inv.Seller.Name,
		Lang: lang, Created: created, Layout: pdfdoc.InvoiceLayout,
		Issuer:    &pdfdoc.Issuer{Name: inv.Seller.Name, Address: inv.Seller.Address, KvK: inv.Seller.KvK, VATID: inv.Seller.VATID},
		Recipient: recipient, Footer: []string{title + " " + inv.Number}})
	tw := pdf.TextWidth
	pdf.SetY(pdf.GetY() + 10)
	pdf.SetFont("dejavu", "B", 17)
	pdf.MultiCell(0, 9, title, "", "L", false)
	pdf.Ln(2)
	period := inv.Period(lang)
	facts := [][2]string{{T("doc.invoice.number"), inv.Number}, {T("doc.invoice.date"), inv.IssuedOn.Long(lang)},
		{T("doc.invoice.period"), period}}
	if inv.Buyer.KvK != "" {
		facts = append(facts, [2]string{T("doc.hms_invoice.customer_kvk"), inv.Buyer.KvK})
	}
	if inv.Buyer.VATID != "" {
		facts = append(facts, [2]string{T("doc.hms_invoice.customer_vat"), inv.Buyer.VATID})
	}
	for _, f := range facts {
		pdf.SetFont("dejavu", "", 9.5)
		pdf.Row(5.5, []float64{tw * 0.3, tw * 0.7}, "LL", []string{f[0], f[1]}, "", false)
	}
	pdf.Ln(6)
	cols := []float64{tw * 0.5, tw * 0.25, tw * 0.25}
	pdf.SetFont("dejavu", "B", 9.5)
	pdf.Row(6, cols, "LRR", []string{T("doc.invoice.description"), T("doc.hms_invoice.units"), T("doc.hms_invoice.amount")}, "B", false)
	pdf.SetFont("dejavu", "", 9.5)
	desc := T("doc.hms_invoice.line", "Plan", inv.Plan(lang), "Period", period)
	pdf.Row(6, cols, "LRR", []string{desc, fmt.Sprint(inv.Units), money.Format(inv.Net, lang)}, "B", false)
	pdf.Ln(3)
	sums := []float64{tw * 0.75, tw * 0.25}
	pdf.Row(6, sums, "RR", []string{T("doc.invoice.total_net"), money.Format(inv.Net, lang)}, "", false)
	pdf.Row(6, sums, "RR", []string{T("doc.hms_invoice.vat", "Rate", money.FormatRate(inv.VATRate, lang)),
		money.Format(inv.VAT, lang)}, "", false)
	pdf.SetFont("dejavu", "B", 10.5)
	pdf.Row(7, sums, "RR", []string{T("doc.invoice.total"), money.Format(inv.Total, lang)}, "", false)
	pdf.Ln(8)
	pdf.SetFont("dejavu", "", 10)
	pdf.MultiCell(0, 5.2, T("doc.hms_invoice.debit", "Amount", money.Format(inv.Total, lang), "Date", inv.CollectOn.Long(lang),
		"Mandate", inv.Mandate, "Creditor", inv.Seller.Name, "CreditorID", inv.Creditor), "", "L", false)
	b, err := pdf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("render subscription invoice %s: %w", inv.Number, err)
	}
	return b, nil
}
