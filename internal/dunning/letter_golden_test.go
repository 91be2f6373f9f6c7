package dunning

import (
	"testing"
	"time"

	"hms/internal/ledger"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc"
	"hms/internal/platform/pdfdoc/pdfdoctest"
)

// The letters say what their golden texts say: moving texts or layout code
// must not change a letter.
func TestLetterGolden(t *testing.T) {
	d := civil.MustParse
	issuer := pdfdoc.Issuer{Name: "Woonstichting Zuiderhuis", Address: "Stationsplein 1\n3511 ED Utrecht", KvK: "40536533",
		IBAN: "NL91ABNA0417164300"}
	lines := linesOf([]ledger.Charge{
		{InvoiceNumber: "20260000012", Period: "2026-02", From: d("2026-02-01"), To: d("2026-02-28"), DueDate: d("2026-02-01"), Total: 80000},
		{InvoiceNumber: "20260000012", Period: "2026-02", From: d("2026-02-01"), To: d("2026-02-28"), DueDate: d("2026-02-01"), Total: 5050,
			Allocated: 1000},
		{InvoiceNumber: "20260000001", Period: "2026-01", From: d("2026-01-01"), To: d("2026-01-31"), DueDate: d("2026-01-01"), Total: 80000,
			Allocated: 30000},
		{InvoiceNumber: "20250000140", Period: "2025-Q4", From: d("2025-10-01"), To: d("2025-12-31"), DueDate: d("2025-10-01"), Total: 12000},
		{InvoiceNumber: "20250000201", From: d("2025-01-01"), To: d("2025-12-31"), DueDate: d("2025-12-15"), Total: 7500},
	})
	created := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	wik := letterDoc{Lang: "nl", Stage: StageWIK, Date: d("2026-03-10"), Deadline: d("2026-03-26"), TermDays: 14, Reference: "2025-0007",
		Units: "Lindelaan 4 bis, 3521 CD Utrecht", Issuer: issuer, Tenants: []string{"M. Zwanenburg", "B. Brinkman"},
		Address: "Oudegracht 12\n3511 AB Utrecht", Lines: lines, Principal: 173550, Base: 173550, Costs: 26033, Created: created}
	golden(t, "wik_nl", wik)
	en := wik
	en.Lang, en.CostsVAT, en.Costs = "en", true, 31500
	golden(t, "wik_en_vat", en)
	reminder := wik
	reminder.Stage, reminder.Deadline, reminder.Costs, reminder.Tenants = StageReminder, civil.Date{}, 0, reminder.Tenants[:1]
	reminder.Issuer.IBAN = ""
	golden(t, "reminder_nl", reminder)
	notice := reminder
	notice.Lang, notice.Stage = "en", StageNotice
	golden(t, "notice_en", notice)
	demand := wik
	demand.Stage, demand.Costs = StageDemand, 0
	demand.Tenants = []string{"Bakkerij Korstmos B.V."}
	golden(t, "demand_nl", demand)
	demand.Costs, demand.Lang = 26033, "en"
	golden(t, "demand_costs_en", demand)
}

func golden(t *testing.T, name string, d letterDoc) {
	t.Helper()
	pdf, err := renderLetter(d)
	if err != nil {
		t.Fatal(err)
	}
	pdfdoctest.Golden(t, name, pdf)
}
