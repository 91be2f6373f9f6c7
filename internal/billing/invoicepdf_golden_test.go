package billing

import (
	"testing"
	"time"

	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc"
	"hms/internal/platform/pdfdoc/pdfdoctest"
)

// The invoice and credit note say, in both languages, what their golden
// texts say: moving texts or layout code must not change a document.
func TestInvoiceDocumentsGolden(t *testing.T) {
	d := civil.MustParse
	iss := pdfdoc.Issuer{Name: "Woonstichting Zuiderhuis", Address: "Stationsplein 1\n3511 ED Utrecht", KvK: "40536533",
		VATID: "NL000099998B57", IBAN: "NL91ABNA0417164300"}
	debtor := debtorSnapshot{Names: []string{"Anneke Çelik-Jansen", "Bram de Wit"}, Address: "Lindelaan 4 bis\n3521 CD Utrecht"}
	lines := []docLine{
		{Line: "bare_rent||", From: d("2026-02-10"), To: d("2026-03-31"), Net: 150000, Basis: []ledger.Basis{{Unit: 270000, Num: 50, Den: 90}}},
		{Line: "service_costs|schoonmaak|", From: d("2026-01-01"), To: d("2026-03-31"), Net: 7500,
			Basis: []ledger.Basis{{Unit: 2500, Num: 2, Den: 1}, {Unit: 2500, Num: 1, Den: 1}}},
		{Line: "parking||", From: d("2026-03-31"), To: d("2026-03-31"), Net: 1000, Rate: 21 * money.Percent, VAT: 210,
			Basis: []ledger.Basis{{Unit: 3000, Num: 1, Den: 30}}},
		{Line: "bare_rent|||c1", From: d("2026-01-01"), To: d("2026-01-31"), Net: 2500},
		{Line: "other||Tuinonderhoud", From: d("2026-01-01"), To: d("2026-03-31"), Net: 4000, Rate: 9 * money.Percent, VAT: 360},
	}
	invoice := invoiceDoc{Kind: ledger.KindInvoice, Number: "2026-000042", IssueDate: d("2026-01-25"), DueDate: d("2026-02-01"),
		Period: "2026-Q1", LeaseReference: "2026-0007", Kenmerk: "1234567890123456", Issuer: iss, Debtor: debtor, Lines: lines,
		Net: 165000, VAT: 570, Total: 165570, Proration: "actual/period", Created: time.Date(2026, 1, 25, 9, 0, 0, 0, time.UTC)}
	for _, lang := range []string{"nl", "en"} {
		doc := invoice
		doc.Lang = lang
		render(t, "invoice."+lang, doc)
		doc.Period, doc.DirectDebit, doc.Proration = "2026-03", true, "days30/month"
		render(t, "invoice_month_debit."+lang, doc)
		doc.Issuer.IBAN, doc.DirectDebit, doc.Debtor.Names = "", false, doc.Debtor.Names[:1]
		render(t, "invoice_no_iban."+lang, doc)
		credit := invoiceDoc{Lang: lang, Kind: ledger.KindCreditNote, Number: "2026-000043", IssueDate: d("2026-02-03"),
			Period: "2026-01", LeaseReference: "2026-0007", Issuer: iss, Debtor: debtor, CreditedNumber: "2026-000042",
			Reason: "Huur te hoog", Lines: []docLine{{Line: "bare_rent||", From: d("2026-01-01"), To: d("2026-01-31"), Net: -2500}},
			Net: -2500, Total: -2500, Created: time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC)}
		render(t, "credit_note."+lang, credit)
	}
}

func render(t *testing.T, name string, doc invoiceDoc) {
	t.Helper()
	pdf, err := renderInvoice(doc)
	if err != nil {
		t.Fatal(err)
	}
	pdfdoctest.Golden(t, name, pdf)
}
