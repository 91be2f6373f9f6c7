package settlement

import (
	"testing"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc"
	"hms/internal/platform/pdfdoc/pdfdoctest"
)

// Statements say, in both languages, what their golden texts say: moving
// texts or layout code must not change a document.
func TestStatementDocumentsGolden(t *testing.T) {
	d := civil.MustParse
	created := time.Date(2026, 3, 14, 10, 0, 0, 0, time.UTC)
	residential := Statement{Year: 2025, ComplexName: "De Linde", PeriodStart: d("2025-01-01"), PeriodEnd: d("2025-12-31"),
		Start: d("2025-03-01"), End: d("2025-12-31"), Address: "Lindelaan 4 bis, 3521 CD Utrecht", LeaseReference: "2025-0007",
		Names: []string{"Anneke Çelik-Jansen", "Bram de Wit"}, DebtorAddress: "Lindelaan 4 bis\n3521 CD Utrecht",
		Issuer: pdfdoc.Issuer{Name: "Woonstichting Zuiderhuis", Address: "Stationsplein 1\n3511 ED Utrecht", KvK: "40536533",
			IBAN: "NL91ABNA0417164300"},
		IssueDate: d("2026-03-14"), DueDate: d("2026-04-13"), Regulated: true,
		Lines: []StatementLine{
			{Category: "Schoonmaak", CostTotal: 1200000, Basis: Basis{Key: KeyEqual, Mine: "1", Total: "24", Days: 306, Of: 365},
				Share: 41900, Invoices: []StatementInvoice{{Number: "F-881", Supplier: "Schoon BV", Date: d("2025-06-30"), Amount: 600000}}},
			{Category: "Verwarming", CostTotal: 3400000, Basis: Basis{Key: KeyGas3565, Mine: "62", Total: "1300", Units: 24, Days: 306,
				Of: 365, Heating: true}, Share: 98765},
			{Category: "Water", CostTotal: 500000, Basis: Basis{Key: KeyMeter, Mine: "41", Total: "2000", ByReadings: true}, Share: 10250,
				Tariff: "2.5000", Meter: &OccupancyReads{Reads: []MeterRead{{Meter: "W-12", Measure: "m3", FromDate: d("2025-03-01"), From: 1200,
					ToDate: d("2025-12-31"), To: 1241}}}},
			{Category: "Lift", CostTotal: 240000, Basis: Basis{Key: KeyArea, Mine: "62", Total: "1300"}, Share: 11446,
				Meter: &OccupancyReads{ByDays: true}},
		},
		Subtotal: 162361, AdminFeePercent: "5", AdminFeeBase: 162361, AdminFee: 8118, Total: 170479,
		Advances: 150000, Paid: 125000, AdvancesOpen: 25000, AdvancesBasis: AdvancesCharged, Balance: 20479, Vacancy: 12345,
		DegreeDaysSource: SourceKNMIPrefix + "260", ProposedAdvance: 17000, AdvanceFrom: d("2026-05-01"),
		Levies:   []LevyShareLine{{Name: "Rioolheffing", PeriodStart: d("2025-03-01"), PeriodEnd: d("2025-12-31"), Amount: 9900, Days: 306}},
		Deadline: d("2026-06-30"), ObjectUntil: d("2028-06-30"), InvoiceNumber: "2026-000101", Kenmerk: "5000020260001010",
	}
	commercial := residential
	commercial.Regulated, commercial.Commercial, commercial.Issuer.VATID = false, true, "NL000099998B57"
	commercial.Names, commercial.Levies, commercial.Vacancy, commercial.AdvancesOpen = commercial.Names[:1], nil, 0, 0
	commercial.Lines = []StatementLine{
		{Category: "Schoonmaak", CostTotal: 1200000, Basis: Basis{Key: KeyOccupants, Mine: "2", Total: "40"}, Share: 60000,
			VATClass: VATAncillary},
		{Category: "Beveiliging", CostTotal: 800000, Basis: Basis{Key: KeyShares, Mine: "3", Total: "100"}, Share: 24000,
			VATClass: VATIndependent, VATRate: 21 * money.Percent},
	}
	commercial.VAT = []VATGroup{{Rate: 0, Net: 60000}, {Rate: 21 * money.Percent, Net: 24000, VAT: 5040}}
	commercial.AdminFee, commercial.AdminFeeBase, commercial.Subtotal, commercial.Total, commercial.TotalInclVAT = 0, 0, 84000, 84000, 89040
	commercial.AdvancesBasis, commercial.Balance, commercial.Refund = AdvancesReceived, -35960, RefundPayBack
	commercial.DegreeDaysSource, commercial.SentAt = "entered", created
	for _, lang := range []string{"nl", "en"} {
		s := residential
		s.Lang = lang
		renderGolden(t, "statement."+lang, &s, created)
		s.Issuer.IBAN, s.Regulated, s.DegreeDaysSource = "", false, "table"
		renderGolden(t, "statement_no_iban."+lang, &s, created)
		s.Balance, s.InspectionText, s.ObjectionText, s.ProposedAdvance = -100, "Inzage op afspraak.", "Bezwaar per brief.", 0
		renderGolden(t, "statement_set_off."+lang, &s, created)
		c := commercial
		c.Lang = lang
		renderGolden(t, "statement_commercial."+lang, &c, created)
		c.Balance = 0
		renderGolden(t, "statement_nil."+lang, &c, created)
	}
}

func renderGolden(t *testing.T, name string, s *Statement, created time.Time) {
	t.Helper()
	pdf, err := renderStatement(s, created)
	if err != nil {
		t.Fatal(err)
	}
	pdfdoctest.Golden(t, name, pdf)
}
