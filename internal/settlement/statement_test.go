package settlement_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/orgprofile"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
	"hms/internal/settlement"
)

func contains(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// scenario: complex "De Linde" with A (62 m², tenant change on 1 August),
// B (70 m², let from 1 March to a tenant with e-mail, English) and C
// (100 m², vacant); cleaning 1,200.00 equal, lift 600.00 by area; advances
// 50.00 a month posted for 2025; the run made final.
type scenario struct {
	cx, ua, ub, uc int64
	l1, l2, l3     int64
	run            *settlement.Run
}

func (e *env) tenant(a account.Actor, surname, email, lang string) int64 {
	e.T.Helper()
	return must[int64](e.T)(e.Relations.CreatePerson(ctx, a,
		relation.PersonInput{FirstNames: "Anna", Surname: surname, Email: email, Language: lang,
			Address: relation.Address{Street: "Oudegracht", HouseNumber: "12", Postcode: "3511 AB", City: "Utrecht"}}))
}

// drain runs queued jobs (the mail the send queued) until none is left.
func (e *env) drain() {
	e.T.Helper()
	for range 100 {
		ran, err := e.Jobs.RunOnce(ctx)
		if err != nil {
			e.T.Fatalf("job: %v", err)
		}
		if !ran {
			return
		}
	}
	e.T.Fatal("jobs never ran out")
}

func (e *env) scenario(a account.Actor) *scenario { return e.scenarioWith(a, 5000) }

// scenarioWith gives B an advance of advanceB a month.
func (e *env) scenarioWith(a account.Actor, advanceB money.Cents) *scenario {
	e.T.Helper()
	t := e.T
	ls := lease.DefaultSettings()
	ls.LandlordName = "Woonstichting Zuiderhuis"
	ls.LandlordAddress = "Stationsplein 1\n3511 ED Utrecht"
	if err := e.Leases.UpdateSettings(ctx, a, ls); err != nil {
		t.Fatal(err)
	}
	if err := e.OrgProfile.Save(ctx, a, orgprofile.Input{LegalName: "Woonstichting Zuiderhuis", Street: "Stationsplein", HouseNumber: "1",
		Postcode: "3511 ED", City: "Utrecht", KvK: "40536533", VATID: "NL000099998B57"}); err != nil {
		t.Fatal(err)
	}
	if err := e.Billing.SaveSettings(ctx, a, billing.Settings{Proration: billing.ActualDays, IssuerIBAN: "NL91ABNA0417164300"}); err != nil {
		t.Fatal(err)
	}
	s := &scenario{}
	s.cx = e.complex(a, "De Linde")
	s.ua, s.ub, s.uc = e.unit(a, s.cx, "62"), e.unit(a, s.cx, "70"), e.unit(a, s.cx, "100")
	s.l1 = e.lease(a, s.ua, "2024-01-01", "2025-07-31")
	s.l2 = e.lease(a, s.ua, "2025-08-01", "")
	p := e.tenant(a, "Brinkman", "ben.brinkman@example.nl", "en")
	s.l3 = must[int64](t)(e.Leases.Create(ctx, a, lease.Input{UnitIDs: []int64{s.ub}, TenantIDs: []int64{p}, Start: d("2025-03-01"),
		PaymentMethod: lease.Transfer, Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 80000},
			{Kind: lease.ServiceCosts, Category: "schoonmaak", AmountCents: advanceB}}}))
	for m := 1; m <= 12; m++ {
		if _, err := e.Billing.PostRun(ctx, a, billing.RunInput{Period: fmt.Sprintf("2025-%02d", m)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	sup := e.supplier(a, "Schoon BV")
	e.cost(a,
		settlement.CostInput{ComplexID: s.cx, SupplierID: sup, InvoiceNumber: "S-1", InvoiceDate: "2025-12-31", PeriodStart: "2025-01-01",
			PeriodEnd: "2025-12-31", Amount: "1200.00", Category: "schoonmaak"})
	e.cost(a,
		settlement.CostInput{ComplexID: s.cx, SupplierID: sup, InvoiceNumber: "L-7", InvoiceDate: "2025-11-30", PeriodStart: "2025-01-01",
			PeriodEnd: "2025-12-31", Amount: "2320.00", Category: "lift"})
	for _, k := range []settlement.CategoryKey{{Category: "schoonmaak", Key: "equal", AdminFee: true},
		{Category: "lift", Key: "area", AdminFee: true}} {
		if err := e.Settlement.SetKey(ctx, a, s.cx, 2025, k); err != nil {
			t.Fatal(err)
		}
	}
	run := must[*settlement.Run](t)(e.Settlement.Run(ctx, a, s.cx, 2025))
	if err := e.Settlement.Finalise(ctx, a, run.ID); err != nil {
		t.Fatal(err)
	}
	s.run = must[*settlement.Run](t)(e.Settlement.GetRun(ctx, a, run.ID))
	return s
}

func occOf(t *testing.T, r *settlement.Run, leaseID int64) settlement.RunOccupancy {
	t.Helper()
	for _, o := range r.Occupancies {
		if o.LeaseID == leaseID {
			return o
		}
	}
	t.Fatalf("no occupancy of lease %d", leaseID)
	return settlement.RunOccupancy{}
}

func (e *env) invoicesOf(leaseID int64) []ledger.Invoice {
	e.T.Helper()
	page, err := e.Ledger.Invoices(ctx, e.Owner, listing.Query{Limit: 100}, ledger.InvoiceFilter{LeaseID: leaseID})
	if err != nil {
		e.T.Fatal(err)
	}
	var out []ledger.Invoice
	for _, inv := range page.Items {
		full := must[*ledger.Invoice](e.T)(e.Ledger.Invoice(ctx, e.Owner, inv.ID))
		if len(full.Charges) > 0 && strings.HasPrefix(full.Charges[0].Line, "settlement|") {
			out = append(out, *full)
		}
	}
	return out
}

func TestStatementsSendBookAndMail(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		s := e.scenario(e.Owner)
		st := e.Statements
		st.SetBatch(2) // two transactions for three occupancies
		o3 := occOf(t, s.run, s.l3)

		// A draft run cannot be sent; a viewer cannot send; another organisation sees nothing.
		if _, err := st.Send(ctx, e.Viewer, s.run.ID, nil); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("viewer sends: %v", err)
		}
		if _, err := st.Review(ctx, e.OwnerB, s.run.ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation: %v", err)
		}
		if _, _, err := st.StatementPDF(ctx, e.OwnerB, s.run.ID, o3.ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation's PDF: %v", err)
		}

		// Shares: cleaning 400.00 per unit (by days for A), lift 2,320 × 70/232 = 700.00 for B.
		rev := must[*settlement.RunStatements](t)(st.Review(ctx, e.Viewer, s.run.ID))
		if len(rev.Statements) != 3 || rev.Sent != 0 {
			t.Fatalf("review: %d statements, %d sent", len(rev.Statements), rev.Sent)
		}
		// B: 10 months: cleaning 400 × 306/365 = 335.34, lift 700 × 306/365 = 586.85; fee 5%.
		var b settlement.Statement
		for _, x := range rev.Statements {
			if x.LeaseID == s.l3 {
				b = x
			}
		}
		if b.Total != o3.Total || b.Balance != o3.Balance || b.Advances != 50000 {
			t.Fatalf("statement B: total %s balance %s advances %s (run: %s %s)", b.Total, b.Balance, b.Advances, o3.Total, o3.Balance)
		}
		// New advance: total for a whole year / 12, whole euros up.
		want := (int64(o3.Total)*365 + int64(306*12*100) - 1) / int64(306*12*100) * 100
		if int64(b.ProposedAdvance) != want {
			t.Fatalf("proposed advance %s, want %d", b.ProposedAdvance, want)
		}

		res, err := st.Send(ctx, e.Owner, s.run.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Statements != 3 || res.Mails != 1 {
			t.Fatalf("sent %+v", res)
		}
		// Again: nothing twice.
		again := must[settlement.SendResult](t)(st.Send(ctx, e.Owner, s.run.ID, nil))
		if again.Statements != 0 || again.Invoices != 0 || again.Skipped != 3 {
			t.Fatalf("second send %+v", again)
		}
		for _, l := range []int64{s.l1, s.l2, s.l3} {
			occ := occOf(t, s.run, l)
			invs := e.invoicesOf(l)
			if occ.Balance == 0 {
				if len(invs) != 0 {
					t.Fatalf("lease %d: booked a zero balance", l)
				}
				continue
			}
			if len(invs) != 1 || invs[0].Total != occ.Balance || invs[0].Charges[0].Line != settlement.SettlementLine(2025, s.cx) {
				t.Fatalf("lease %d: settlement invoices %+v, balance %s", l, invs, occ.Balance)
			}
			if (occ.Balance < 0) != (invs[0].Kind == ledger.KindCreditNote) {
				t.Fatalf("lease %d: kind %s for balance %s", l, invs[0].Kind, occ.Balance)
			}
		}

		// B's PDF is the stored one, in English, itemised (§7.2).
		pdf, _ := must2(t)(st.StatementPDF(ctx, e.Viewer, s.run.ID, o3.ID))
		if dir := os.Getenv("HMS_TEST_ARTIFACTS"); dir != "" { // to look at
			_ = os.WriteFile(filepath.Join(dir, "statement-"+string(e.DB.Dialect)+".pdf"), pdf, 0o600)
		}
		txt := apptest.PDFText(t, pdf)
		contains(t, "statement B", txt, "Service charge statement 2025", "1 January 2025 to 31 December 2025", "1 March 2025 to 31 December 2025",
			"schoonmaak", "1 of 3 units", "70 m² of 232 m²", "306 of 365 days", "Schoon BV S-1", "L-7", "€1,200.00", "€2,320.00",
			"Administration fee 5% of", "Advances charged", "New service charge advance", "art. 7:259(4)", "Woonstichting Zuiderhuis",
			"NL000099998B57", "Brinkman", "Costs of vacant units")
		if strings.Contains(txt, "Draft") {
			t.Error("a sent statement says draft")
		}
		e.drain()
		m := e.Mail.WaitFor(t, "ben.brinkman@example.nl", 5*time.Second)
		if len(m.Attachments) != 1 || !bytes.Equal(m.Attachments[0].Data, pdf) || !strings.Contains(m.Subject, "Service charge statement 2025") {
			t.Fatalf("mail: %q, %d attachments", m.Subject, len(m.Attachments))
		}

		// A (the outgoing tenant) in Dutch.
		o1 := occOf(t, s.run, s.l1)
		pdf1, _ := must2(t)(st.StatementPDF(ctx, e.Viewer, s.run.ID, o1.ID))
		txt1 := apptest.PDFText(t, pdf1)
		contains(t, "statement A", txt1, "Afrekening servicekosten 2025", "1 van 3 eenheden", "62 m² van 232 m²", "212 van 365 dagen",
			"Administratiekosten 5% over", "kantonrechter")

		// The new advance is applied once, from the month after sending.
		if _, err := st.ApplyAdvance(ctx, e.Owner, s.run.ID, o3.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ApplyAdvance(ctx, e.Owner, s.run.ID, o3.ID); !errors.Is(err, settlement.ErrAdvanceApplied) {
			t.Fatalf("second apply: %v", err)
		}
		l3 := must[*lease.Lease](t)(e.Leases.Get(ctx, e.Owner, s.l3))
		var got money.Cents
		for _, c := range l3.ComponentsOn(d("2026-02-01")) {
			if c.Kind == lease.ServiceCosts {
				got += c.AmountCents
			}
		}
		if int64(got) != want {
			t.Fatalf("advance from February: %s, want %d", got, want)
		}
		for _, c := range l3.ComponentsOn(d("2026-01-31")) {
			if c.Kind == lease.ServiceCosts && c.AmountCents != 5000 {
				t.Fatalf("January advance changed: %s", c.AmountCents)
			}
		}
	})
}

func must2(t *testing.T) func([]byte, string, error) ([]byte, string) {
	return func(b []byte, s string, err error) ([]byte, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b, s
	}
}

// A refund is a credit note: set off against open charges, or paid back as
// an open payout.
func TestStatementRefundSetOffAndPayBack(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for _, mode := range []string{settlement.RefundSetOff, settlement.RefundPayBack} {
			a := e.Owner
			if mode == settlement.RefundPayBack {
				a = e.OwnerB
			}
			if err := e.Statements.SaveSettings(ctx, a, settlement.StatementSettings{DueDays: 14, Refund: mode}); err != nil {
				t.Fatal(err)
			}
			s := e.scenarioWith(a, 15000)
			o3 := occOf(t, s.run, s.l3)
			if o3.Balance >= 0 {
				t.Fatalf("B should get money back: %s", o3.Balance)
			}
			// January 2026 rent is open, to set off against.
			if _, err := e.Billing.PostRun(ctx, a, billing.RunInput{Period: "2026-01"}, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := e.Statements.Send(ctx, a, s.run.ID, nil); err != nil {
				t.Fatal(err)
			}
			var payouts, allocated int64
			err := e.DB.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
				if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_cents), 0) FROM payouts WHERE org_id = $1 AND lease_id = $2
					AND kind = 'settlement' AND state IN ('open', 'approved')`,
					a.OrgID, s.l3).Scan(&payouts); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx,
					`SELECT COALESCE(SUM(a.amount_cents), 0) FROM ledger_allocations a JOIN ledger_charges c ON c.id = a.credit_charge_id
					WHERE a.org_id = $1 AND c.line LIKE 'settlement|%'`, a.OrgID).Scan(&allocated)
			})
			if err != nil {
				t.Fatal(err)
			}
			switch mode {
			case settlement.RefundSetOff:
				if allocated < -int64(o3.Balance) || payouts != 0 {
					t.Fatalf("set off: allocated %d, payouts %d, refund %s", allocated, payouts, -o3.Balance)
				}
			case settlement.RefundPayBack:
				// The credit is used up by the payout debit, not by rent.
				var toPayout int64
				if err := e.DB.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
					return tx.QueryRowContext(ctx,
						`SELECT COALESCE(SUM(a.amount_cents), 0) FROM ledger_allocations a JOIN ledger_charges c ON c.id = a.charge_id
						WHERE a.org_id = $1 AND a.lease_id = $2 AND c.line = $3`, a.OrgID, s.l3, ledger.PayoutLine("settlement", "2025")).Scan(&toPayout)
				}); err != nil {
					t.Fatal(err)
				}
				if payouts != -int64(o3.Balance) || allocated != payouts || toPayout != payouts {
					t.Fatalf("pay back: allocated %d (to the payout %d), payouts %d, refund %s", allocated, toPayout, payouts, -o3.Balance)
				}
				// Nothing is left to set off against the open January rent.
				if applied, err := e.Ledger.AllocateCredit(ctx, a, s.l3); err != nil || applied != 0 {
					t.Fatalf("credit set off again after pay back: %s, %v", applied, err)
				}
			}
		}
	})
}

// A commercial lease opted for VAT: ancillary lines follow the rent (21%),
// an independent line has its own rate; the statement is a VAT invoice.
func TestCommercialVATStatement(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.Owner
		if err := e.OrgProfile.Save(ctx, a, orgprofile.Input{Street: "Stationsplein", HouseNumber: "1", Postcode: "3511 ED",
			City: "Utrecht", KvK: "40536533", VATID: "NL000099998B57"}); err != nil {
			t.Fatal(err)
		}
		// The rent run posts VAT lines only with the issuer's address (DOMAIN §3.4).
		ls := lease.DefaultSettings()
		ls.LandlordAddress = "Stationsplein 1\n3511 ED Utrecht"
		if err := e.Leases.UpdateSettings(ctx, a, ls); err != nil {
			t.Fatal(err)
		}
		cx := e.complex(a, "Winkelhof")
		shop := must[int64](t)(e.Portfolio.CreateUnit(ctx, a,
			portfolio.UnitInput{ComplexID: cx, Street: "Vismarkt", HouseNumber: "3", Postcode: "3511 KB",
				City: "Utrecht", Type: portfolio.TypeBedrijfsruimte, FloorArea: "100", Segment: portfolio.SegmentCommercieel}))
		co := must[int64](t)(e.Relations.CreateCompany(ctx, a, relation.CompanyInput{Name: "Bakkerij Korstmos B.V.", KvK: "69599084",
			Address: relation.Address{Street: "Vismarkt", HouseNumber: "3", Postcode: "3511 KB", City: "Utrecht"}}))
		l := must[int64](t)(e.Leases.Create(ctx, a, lease.Input{UnitIDs: []int64{shop}, TenantIDs: []int64{co}, Start: d("2025-01-01"),
			PaymentMethod: lease.Transfer, VATOpted: true, Components: []lease.ComponentInput{{Kind: lease.BareRent,
				AmountCents: 200000, VAT: lease.VATStandard},
				{Kind: lease.ServiceCosts, Category: "schoonmaak", AmountCents: 10000, VAT: lease.VATStandard}}}))
		for m := 1; m <= 12; m++ {
			if _, err := e.Billing.PostRun(ctx, a, billing.RunInput{Period: fmt.Sprintf("2025-%02d", m)}, nil); err != nil {
				t.Fatal(err)
			}
		}
		sup := e.supplier(a, "Energie BV")
		e.cost(a, settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: "C-1", InvoiceDate: "2025-12-31", PeriodStart: "2025-01-01",
			PeriodEnd: "2025-12-31", Amount: "1500.00", Category: "schoonmaak"})
		e.cost(a, settlement.CostInput{ComplexID: cx, SupplierID: sup, InvoiceNumber: "E-1", InvoiceDate: "2025-12-31", PeriodStart: "2025-01-01",
			PeriodEnd: "2025-12-31", Amount: "800.00", Category: "energie"})
		for _, k := range []string{"schoonmaak", "energie"} {
			if err := e.Settlement.SetKey(ctx, a, cx, 2025, settlement.CategoryKey{Category: k, Key: "equal"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Statements.SetVATClass(ctx, a, cx, 2025,
			settlement.VATClassInput{Category: "energie", Class: settlement.VATIndependent, Rate: "9"}); err != nil {
			t.Fatal(err)
		}
		err := e.Statements.SetVATClass(ctx, a, cx, 2025,
			settlement.VATClassInput{Category: "energie", Class: settlement.VATIndependent, Rate: "x"})
		fieldErr(t, err, "rate", "settlement_statement.rate_invalid")
		run := must[*settlement.Run](t)(e.Settlement.Run(ctx, a, cx, 2025))
		if err := e.Settlement.Finalise(ctx, a, run.ID); err != nil {
			t.Fatal(err)
		}
		o := occOf(t, run, l)
		st := must[*settlement.Statement](t)(e.Statements.Statement(ctx, a, run.ID, o.ID))
		// Net 1,500 at 21% and 800 at 9%; advances 12 × 100 net at 21%.
		if !st.Commercial || len(st.VAT) != 2 || st.VAT[0].Rate != 9*money.Percent || st.VAT[0].VAT != 7200 || st.VAT[1].VAT != 31500 {
			t.Fatalf("vat groups %+v", st.VAT)
		}
		wantBal := money.Cents(80000 + 7200 + (150000-120000)*121/100)
		if st.Balance != wantBal {
			t.Fatalf("balance %s, want %s", st.Balance, wantBal)
		}
		if _, err := e.Statements.Send(ctx, a, run.ID, nil); err != nil {
			t.Fatal(err)
		}
		invs := e.invoicesOf(l)
		if len(invs) != 1 || invs[0].Total != wantBal || invs[0].VAT != 7200+6300 {
			t.Fatalf("booked %+v", invs)
		}
		pdf, _ := must2(t)(e.Statements.StatementPDF(ctx, a, run.ID, o.ID))
		contains(t, "VAT statement", apptest.PDFText(t, pdf), "Afrekening servicekosten 2025 — factuur", "Btw 9% over € 800,00",
			"Btw 21% over € 1.500,00", "zelfstandig", "bijkomend", "NL000099998B57", "Factuurnummer "+invs[0].Number, "Bakkerij Korstmos")
	})
}

func TestDeadlineStates(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.Owner
		none := e.complex(a, "A Geen")
		e.lease(a, e.unit(a, none, "50"), "2024-01-01", "")
		draft := e.complex(a, "B Concept")
		e.lease(a, e.unit(a, draft, "50"), "2025-05-01", "")
		final := e.complex(a, "C Definitief")
		e.lease(a, e.unit(a, final, "50"), "2025-01-01", "")
		sent := e.complex(a, "D Verzonden")
		e.lease(a, e.unit(a, sent, "50"), "2025-01-01", "")
		old := e.complex(a, "E Oud") // a lease that ended before 2025: not on the list
		e.lease(a, e.unit(a, old, "50"), "2023-01-01", "2024-06-30")
		must[*settlement.Run](t)(e.Settlement.Run(ctx, a, draft, 2025))
		for _, cx := range []int64{final, sent} {
			r := must[*settlement.Run](t)(e.Settlement.Run(ctx, a, cx, 2025))
			if err := e.Settlement.Finalise(ctx, a, r.ID); err != nil {
				t.Fatal(err)
			}
			if cx == sent {
				if _, err := e.Statements.Send(ctx, a, r.ID, nil); err != nil {
					t.Fatal(err)
				}
			}
		}
		rows := must[[]settlement.DeadlineRow](t)(e.Statements.Deadlines(ctx, e.Viewer, 2025))
		var got []string
		for _, r := range rows {
			got = append(got, r.ComplexName+":"+r.State+":"+r.Warning)
			if r.Due != d("2026-06-30") || r.DaysLeft != 161 {
				t.Fatalf("due %s, %d days left", r.Due, r.DaysLeft)
			}
		}
		if strings.Join(got, ",") != "A Geen:none:,B Concept:draft:,C Definitief:final:,D Verzonden:sent:" {
			t.Fatalf("deadlines %v", got)
		}
		// 2024: overdue for A, whose lease ran then.
		rows = must[[]settlement.DeadlineRow](t)(e.Statements.Deadlines(ctx, e.Viewer, 2024))
		if len(rows) != 2 || rows[0].ComplexName != "A Geen" || rows[0].Warning != settlement.WarnOverdue {
			t.Fatalf("2024: %+v", rows)
		}
		if rows, _ := e.Statements.Deadlines(ctx, e.OwnerB, 2025); len(rows) != 0 {
			t.Fatalf("other organisation sees %d", len(rows))
		}
	})
}

func TestDeadlineWarnings(t *testing.T) {
	for _, c := range []struct {
		days int
		want string
	}{{61, ""}, {60, "60_days"}, {31, "60_days"}, {30, "30_days"}, {0, "30_days"}, {-1, "overdue"}} {
		if got := settlement.DeadlineWarning("final", c.days); got != c.want {
			t.Errorf("%d days: %q, want %q", c.days, got, c.want)
		}
	}
	if settlement.DeadlineWarning("sent", -10) != "" {
		t.Error("a sent settlement warns")
	}
}

// A levy is split by occupancy days; the parts add up to the amount
// exactly, vacancy stays with the landlord; booking is idempotent.
func TestLevyDistribution(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		a := e.Owner
		s := e.scenario(a)
		_, err := e.Statements.CreateLevy(ctx, a,
			settlement.LevyInput{ComplexID: s.cx, Name: "", PeriodStart: "2025-01-01", PeriodEnd: "2024-12-31",
				Amount: "-1", Basis: "x"})
		fe, _ := validation.AsFields(err)
		if fe["name"] == "" || fe["period_end"] == "" || fe["amount"] == "" || fe["basis"] == "" {
			t.Fatalf("bad input: %v", err)
		}
		id := must[int64](t)(e.Statements.CreateLevy(ctx, a, settlement.LevyInput{ComplexID: s.cx, Name: "Afvalstoffenheffing",
			PeriodStart: "2025-01-01", PeriodEnd: "2025-12-31", Amount: "1000.00", Basis: settlement.LevyEqual, OnStatement: true}))
		lv := must[[]settlement.Levy](t)(e.Statements.Levies(ctx, a, settlement.LevyFilter{ComplexID: s.cx}))
		if len(lv) != 1 || lv[0].ID != id {
			t.Fatalf("levies %+v", lv)
		}
		var sum money.Cents
		byLease := map[int64]money.Cents{}
		for _, sh := range lv[0].Shares {
			sum += sh.Amount
			byLease[sh.LeaseID] += sh.Amount
		}
		// 3 units × 365 days = 1,095 unit-days: A 212 + 153, B 306, vacant 59 (B) + 365 (C).
		if sum != 100000 || byLease[s.l1] != 19361 || byLease[s.l2] != 13973 || byLease[s.l3] != 27945 || byLease[0] != 38721 {
			t.Fatalf("shares %v sum %s", byLease, sum)
		}
		if rows, _ := e.Statements.Levies(ctx, e.OwnerB, settlement.LevyFilter{}); len(rows) != 0 {
			t.Fatal("other organisation sees levies")
		}
		// Sending the statements books the levies on them; BookLevy after it books nothing more.
		if _, err := e.Statements.Send(ctx, a, s.run.ID, nil); err != nil {
			t.Fatal(err)
		}
		if n := must[int](t)(e.Statements.BookLevy(ctx, a, id)); n != 0 {
			t.Fatalf("booked %d again", n)
		}
		if err := e.Statements.DeleteLevy(ctx, a, id); !errors.Is(err, settlement.ErrLevyBooked) {
			t.Fatalf("delete booked levy: %v", err)
		}
		o3 := occOf(t, s.run, s.l3)
		pdf, _ := must2(t)(e.Statements.StatementPDF(ctx, a, s.run.ID, o3.ID))
		contains(t, "levy on statement", apptest.PDFText(t, pdf), "Levies and user charges", "Afvalstoffenheffing", "€279.45")
	})
}
