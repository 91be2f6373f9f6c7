package billing_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/orgprofile"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

// commercial lets a shop to a company from start, opted into taxed
// letting: the bare rent carries 21% VAT.
func (e *env) commercial(start string, rent int64, f lease.Frequency) int64 {
	e.T.Helper()
	e.Next() // numbers as before: the next unit's house number follows
	shop := e.Unit(e.Owner, portfolio.UnitInput{Street: "Vismarkt", HouseNumber: "3", Postcode: "3511 KB", City: "Utrecht",
		Type: portfolio.TypeBedrijfsruimte, FloorArea: "120"})
	co, err := e.Relations.CreateCompany(ctx, e.Owner, relation.CompanyInput{Name: "Bakkerij Korstmos B.V.", KvK: "69599084",
		Address: relation.Address{Street: "Vismarkt", HouseNumber: "3", Postcode: "3511 KB", City: "Utrecht"}})
	if err != nil {
		e.T.Fatal(err)
	}
	return e.Lease(e.Owner, lease.Input{UnitIDs: []int64{shop}, TenantIDs: []int64{co}, Start: d(start),
		BillingFrequency: f, PaymentMethod: lease.Transfer, VATOpted: true, Components: []lease.ComponentInput{
			{Kind: lease.BareRent, AmountCents: money.Cents(rent), VAT: lease.VATStandard}}})
}

// DOMAIN §3.4 (art. 35a Wet OB 1968): a VAT invoice names the supplier's
// address, VAT id and KvK number, and each line's quantity and unit price.
// Without those settings the preview names them and posting is refused;
// once they are set the 21% invoice prints them.
func TestVATInvoiceNeedsTheIssuersDetailsDOMAIN34(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		com := e.commercial("2025-01-01", 200000, lease.Monthly)
		in := billing.RunInput{Period: "2026-01"}
		pv, err := e.Billing.Preview(ctx, e.Owner, in, billing.PreviewWindow{})
		if err != nil {
			t.Fatal(err)
		}
		var fields []string
		for _, m := range pv.VATBlocked {
			fields = append(fields, m.Field+"@"+m.Page)
		}
		if got := strings.Join(fields, ","); got != "kvk@settings/organisation,vat_id@settings/organisation,street@settings/organisation,"+
			"house_number@settings/organisation,postcode@settings/organisation,city@settings/organisation" {
			t.Fatalf("blocked by %q", got)
		}
		if _, err := e.Billing.PostRun(ctx, e.Owner, in, nil); !errors.Is(err, billing.ErrVATIssuerMissing) {
			t.Fatalf("posted without the issuer's details: %v", err)
		}
		if _, err := e.Billing.StartRun(ctx, e.Owner, in); !errors.Is(err, billing.ErrVATIssuerMissing) {
			t.Fatalf("started without the issuer's details: %v", err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM ledger_invoices`); n != 0 {
			t.Fatalf("%d invoices posted", n)
		}
		// A VAT-exempt run of the same organisation is not held up.
		res := e.lease(e.Owner, "2025-01-01", 100000, 0, lease.Monthly)
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-01", Scope: billing.Scope{Kind: billing.ScopeLease, ID: res}},
			nil); err != nil {
			t.Fatalf("exempt run refused: %v", err)
		}

		e.issuer(e.Owner, false)
		if pv, err = e.Billing.Preview(ctx, e.Owner, in, billing.PreviewWindow{}); err != nil || len(pv.VATBlocked) != 0 {
			t.Fatalf("still blocked: %+v %v", pv.VATBlocked, err)
		}
		if _, err := e.Billing.PostRun(ctx, e.Owner, in, nil); err != nil {
			t.Fatal(err)
		}
		txt := apptest.PDFText(t, mustDoc(t, e, e.invoiceOf(com, "2026-01").ID))
		// Quantity 1 (month) × unit price € 2.000,00; 21% VAT € 420,00.
		mustContain(t, "VAT invoice", txt, "Stationsplein 1", "3511 ED Utrecht", "KvK 40536533", "Btw-id NL000099998B57",
			"Aantal", "Prijs", "Kale huur 1 € 2.000,00 € 2.000,00 21% € 420,00", "Btw 21% over € 2.000,00")
	})
}

// DOMAIN §3.1: a partial period is charged amount × occupied days / days
// in the period. A quarterly lease at €900 a month from 10 February 2026
// is charged €2,700.00 × 50/90 = €1,500.00 for Q1, and the invoice prints
// the quantity, the unit price and the method; an organisation that set
// month by month is charged 19/28 × €900 + €900 = €1,510.71.
func TestQuarterlyLeaseProratedOverTheQuarterDOMAIN31(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner, false)
		q := e.lease(e.Owner, "2026-02-10", 90000, 0, lease.Quarterly)
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-Q1"}, nil); err != nil {
			t.Fatal(err)
		}
		inv, err := e.Ledger.Invoice(ctx, e.Owner, e.invoiceOf(q, "2026-Q1").ID)
		if err != nil {
			t.Fatal(err)
		}
		if inv.Total != 150000 || inv.Proration != "actual/period" {
			t.Fatalf("Q1 charged %s (%s), want € 1.500,00", inv.Total, inv.Proration)
		}
		txt := apptest.PDFText(t, mustDoc(t, e, inv.ID))
		mustContain(t, "quarter invoice", txt, "Kale huur 50/90 € 2.700,00 € 1.500,00",
			"10 februari 2026 t/m 31 maart 2026 (50 dagen) · Prijs per kwartaal",
			"Berekening deelperiode: werkelijke dagen, bedrag van de periode × dagen / dagen in de periode.")

		// Month by month, as a setting, in organisation B.
		if err := e.Billing.SaveSettings(ctx, e.OwnerB, billing.Settings{Proration: billing.ActualDays,
			PeriodProration: billing.ByMonth}); err != nil {
			t.Fatal(err)
		}
		qb := e.lease(e.OwnerB, "2026-02-10", 90000, 0, lease.Quarterly)
		pv, err := e.Billing.Preview(ctx, e.OwnerB, billing.RunInput{Period: "2026-Q1"}, billing.PreviewWindow{})
		if err != nil || pv.Total != 151071 || len(pv.Charges) != 1 || pv.Charges[0].LeaseID != qb {
			t.Fatalf("month by month: %+v %v", pv, err)
		}
		if err := e.Billing.SaveSettings(ctx, e.OwnerB, billing.Settings{Proration: billing.ActualDays,
			PeriodProration: "weekly"}); !isField(err, "period_proration") {
			t.Fatalf("bad method: %v", err)
		}
	})
}

// An invoice is never due before its issue date (DOMAIN §3.1: the due
// date is the period's first day for rent in advance): January posted on
// 20 January is due 20 January + the payment term (default 14 days: 3
// February; 30 days set: 19 February); February keeps 1 February.
func TestLateRunIsDueAfterTheIssueDateDOMAIN31(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		l := e.lease(e.Owner, "2025-01-01", 100000, 0, lease.Monthly)
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-01"}, nil); err != nil {
			t.Fatal(err)
		}
		if inv := e.invoiceOf(l, "2026-01"); inv.IssueDate != d("2026-01-20") || inv.DueDate != d("2026-02-03") {
			t.Fatalf("issued %s due %s, want due 2026-02-03", inv.IssueDate, inv.DueDate)
		}
		if err := e.OrgProfile.Save(ctx, e.Owner, orgprofile.Input{PaymentTermDays: 400}); !isField(err, "payment_term_days") {
			t.Fatalf("term 400: %v", err)
		}
		if err := e.OrgProfile.Save(ctx, e.Owner, orgprofile.Input{PaymentTermDays: 30}); err != nil {
			t.Fatal(err)
		}
		l2 := e.lease(e.Owner, "2025-01-01", 100000, 0, lease.Monthly)
		pv, err := e.Billing.Preview(ctx, e.Owner, billing.RunInput{Period: "2026-01"}, billing.PreviewWindow{})
		if err != nil || len(pv.Charges) != 1 || pv.Charges[0].LeaseID != l2 || pv.Charges[0].DueDate != d("2026-02-19") {
			t.Fatalf("preview due: %+v %v", pv.Charges, err)
		}
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, nil); err != nil {
			t.Fatal(err)
		}
		if inv := e.invoiceOf(l2, "2026-02"); inv.DueDate != d("2026-02-01") {
			t.Fatalf("February due %s", inv.DueDate)
		}
	})
}

func isField(err error, field string) bool {
	fe, ok := validation.AsFields(err)
	return ok && fe[field] != ""
}

// DOMAIN §3.1 (regenerate only future unposted charges; posted charges are
// immutable, corrections are new documents): a rent set back into a month
// already charged is not ignored. January is charged €950.00; the rent is
// then set to €975.00 from 1 January: the February run also posts a
// correcting invoice for January of €25.00 with the reason "correctie kale
// huur januari 2026: € 950,00 → € 975,00", shown in the preview first; run
// again it posts nothing more. Lowered to €960.00 from 1 February, the
// March run posts a credit note of €15.00 for February. A manual credit
// note is not undone.
func TestBackdatedRentChangeIsCorrectedDOMAIN31(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner, false)
		l := e.lease(e.Owner, "2025-01-01", 95000, 0, lease.Monthly)
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-01"}, nil); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(time.Hour)
		if _, err := e.Leases.SetComponent(ctx, e.Owner, l, lease.ComponentInput{Kind: lease.BareRent, AmountCents: 97500,
			ValidFrom: d("2026-01-01")}); err != nil {
			t.Fatal(err)
		}
		// Running January again: the correction, nothing else.
		pv, err := e.Billing.Preview(ctx, e.Owner, billing.RunInput{Period: "2026-01"}, billing.PreviewWindow{})
		if err != nil || pv.Invoices != 1 || pv.Total != 2500 || len(pv.Charges) != 1 || !pv.Charges[0].Correction {
			t.Fatalf("January again: %+v %v", pv, err)
		}
		pv, err = e.Billing.Preview(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, billing.PreviewWindow{})
		if err != nil || pv.Invoices != 2 || pv.Total != 97500+2500 {
			t.Fatalf("February preview: %+v %v", pv, err)
		}
		var corr billing.Charge
		for _, c := range pv.Charges {
			if c.Correction {
				corr = c
			}
		}
		if corr.Period.Key != "2026-01" || corr.Reason != "correctie kale huur januari 2026: € 950,00 → € 975,00" || len(corr.Lines) != 1 ||
			corr.Lines[0].Net != 2500 || corr.Lines[0].Line != "bare_rent|||c1" {
			t.Fatalf("correction: %+v", corr)
		}
		run, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, nil)
		if err != nil || run.Invoices != 2 || run.Total != 100000 {
			t.Fatalf("February run: %+v %v", run, err)
		}
		if again, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-02"}, nil); err != nil || again.Invoices != 0 {
			t.Fatalf("second run posted %+v %v", again, err)
		}
		page, err := e.Ledger.Invoices(ctx, e.Owner, listing.Query{Sort: "number"}, ledger.InvoiceFilter{LeaseID: l, Period: "2026-01"})
		if err != nil || page.Total != 2 {
			t.Fatalf("January invoices: %d %v", page.Total, err)
		}
		ci := page.Items[1]
		txt := apptest.PDFText(t, mustDoc(t, e, ci.ID))
		mustContain(t, "correcting invoice", txt, "Factuur", "Periode januari 2026",
			"Reden correctie kale huur januari 2026: € 950,00 → € 975,00",
			"Kale huur (correctie) 1 € 25,00 € 25,00")

		// Lowered from February: a credit note in the March run.
		e.Clock.Advance(time.Hour)
		if _, err := e.Leases.SetComponent(ctx, e.Owner, l, lease.ComponentInput{Kind: lease.BareRent, AmountCents: 96000,
			ValidFrom: d("2026-02-01")}); err != nil {
			t.Fatal(err)
		}
		run, err = e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-03"}, nil)
		if err != nil || run.Invoices != 2 || run.Total != 96000-1500 {
			t.Fatalf("March run: %+v %v", run, err)
		}
		page, _ = e.Ledger.Invoices(ctx, e.Owner, listing.Query{Sort: "number"}, ledger.InvoiceFilter{LeaseID: l, Period: "2026-02"})
		if page.Total != 2 || page.Items[1].Kind != ledger.KindCreditNote || page.Items[1].Total != -1500 ||
			page.Items[1].Reason != "correctie kale huur februari 2026: € 975,00 → € 960,00" {
			t.Fatalf("February credit note: %+v", page.Items)
		}
		mustContain(t, "correcting credit note", apptest.PDFText(t, mustDoc(t, e, page.Items[1].ID)), "Creditnota", "€ -15,00")

		// Crediting January's invoice by hand is a decision the run keeps.
		jan := e.invoiceOf2(l, "2026-01")
		if _, err := e.Ledger.Credit(ctx, e.Owner, ledger.CreditInput{InvoiceID: jan, Reason: "kwijtschelding"}); err != nil {
			t.Fatal(err)
		}
		if pv, err := e.Billing.Preview(ctx, e.Owner, billing.RunInput{Period: "2026-03"},
			billing.PreviewWindow{}); err != nil || pv.Invoices != 0 {
			t.Fatalf("after a manual credit note: %+v %v", pv, err)
		}

		// A parking space added from 1 January: the April run charges April
		// and, as corrections, January to March (€50.00 each).
		e.Clock.Advance(time.Hour)
		if _, err := e.Leases.SetComponent(ctx, e.Owner, l, lease.ComponentInput{Kind: lease.Parking, AmountCents: 5000,
			ValidFrom: d("2026-01-01")}); err != nil {
			t.Fatal(err)
		}
		pv, err = e.Billing.Preview(ctx, e.Owner, billing.RunInput{Period: "2026-04"}, billing.PreviewWindow{})
		var reasons []string
		for _, c := range pv.Charges {
			if c.Correction {
				reasons = append(reasons, c.Reason)
			}
		}
		if err != nil || pv.Invoices != 4 || pv.Total != 96000+5000+3*5000 || strings.Join(reasons, "|") !=
			"correctie parkeren januari 2026: € 0,00 → € 50,00|correctie parkeren februari 2026: € 0,00 → € 50,00|"+
				"correctie parkeren maart 2026: € 0,00 → € 50,00" {
			t.Fatalf("parking added back: %d invoices, %s, %q %v", pv.Invoices, pv.Total, reasons, err)
		}
		if run, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-04"}, nil); err != nil || run.Invoices != 4 {
			t.Fatalf("April run: %+v %v", run, err)
		}
		if pv, err := e.Billing.Preview(ctx, e.Owner, billing.RunInput{Period: "2026-Q1"}, billing.PreviewWindow{}); err != nil ||
			pv.Invoices != 0 {
			t.Fatalf("the first quarter again: %+v %v", pv, err)
		}
	})
}

// invoiceOf2 is the first (original) invoice of the lease's period.
func (e *env) invoiceOf2(leaseID int64, period string) int64 {
	e.T.Helper()
	page, err := e.Ledger.Invoices(ctx, e.Owner, listing.Query{Sort: "number"}, ledger.InvoiceFilter{LeaseID: leaseID, Period: period})
	if err != nil || page.Total == 0 {
		e.T.Fatalf("invoices of lease %d %s: %v", leaseID, period, err)
	}
	return page.Items[0].ID
}
