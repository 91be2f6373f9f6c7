package billing_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/billing"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/nl"
	"hms/internal/orgprofile"
	"hms/internal/platform/db"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/platform/vault"
	"hms/internal/portfolio"
	"hms/internal/relation"
)

func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, text)
		}
	}
}

// issuer gives org a's landlord and billing settings.
func (e *env) issuer(a account.Actor, send bool) {
	e.T.Helper()
	ls := lease.DefaultSettings()
	ls.LandlordName = "Woonstichting Zuiderhuis"
	ls.LandlordAddress = "Stationsplein 1\n3511 ED Utrecht"
	if err := e.Leases.UpdateSettings(ctx, a, ls); err != nil {
		e.T.Fatal(err)
	}
	if err := e.OrgProfile.Save(ctx, a, orgprofile.Input{LegalName: "Woonstichting Zuiderhuis", Street: "Stationsplein", HouseNumber: "1",
		Postcode: "3511 ED", City: "Utrecht", KvK: "40536533", VATID: "NL000099998B57"}); err != nil {
		e.T.Fatal(err)
	}
	if err := e.Billing.SaveSettings(ctx, a, billing.Settings{Proration: billing.ActualDays,
		IssuerIBAN: "NL91ABNA0417164300", SendInvoices: send}); err != nil {
		e.T.Fatal(err)
	}
}

// person makes a tenant with a distinctive surname.
func (e *env) person(a account.Actor, surname, email, lang string) int64 {
	e.T.Helper()
	p, err := e.Relations.CreatePerson(ctx, a, relation.PersonInput{FirstNames: "Maria", Surname: surname, Email: email, Language: lang,
		Address: relation.Address{Street: "Oudegracht", HouseNumber: "12", Postcode: "3511 AB", City: "Utrecht"}})
	if err != nil {
		e.T.Fatal(err)
	}
	return p
}

// residential lets a dwelling to tenants from 2025-06-01 with rent and a
// service-cost advance, VAT exempt.
func (e *env) residential(a account.Actor, pay lease.PaymentMethod, tenants ...int64) int64 {
	e.T.Helper()
	return e.Lease(a, lease.Input{UnitIDs: []int64{e.Unit(a, portfolio.UnitInput{})}, TenantIDs: tenants, Start: d("2025-06-01"),
		PaymentMethod: pay, Components: []lease.ComponentInput{
			{Kind: lease.BareRent, AmountCents: 123456},
			{Kind: lease.ServiceCosts, Category: "schoonmaak", AmountCents: 5000},
		}})
}

// invoiceOf is the lease's invoice for period.
func (e *env) invoiceOf(leaseID int64, period string) ledger.Invoice {
	e.T.Helper()
	page, err := e.Ledger.Invoices(ctx, e.Owner, listing.Query{}, ledger.InvoiceFilter{LeaseID: leaseID, Period: period})
	if err != nil || page.Total != 1 {
		e.T.Fatalf("invoices of lease %d %s: %d %v", leaseID, period, page.Total, err)
	}
	return page.Items[0]
}

// drain runs queued jobs (the documents job, then the mail it queued)
// until none is left.
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

func TestInvoiceDocumentContent(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner, false)
		maria := e.person(e.Owner, "Zwanenburg", "", "")
		res := e.residential(e.Owner, lease.Transfer, maria)

		// A commercial lease opted into taxed letting: 21% VAT on the rent.
		shop, err := e.Portfolio.CreateUnit(ctx, e.Owner, portfolio.UnitInput{Street: "Vismarkt", HouseNumber: "3", Postcode: "3511 KB",
			City: "Utrecht", Type: portfolio.TypeBedrijfsruimte, FloorArea: "120", Segment: portfolio.SegmentCommercieel})
		if err != nil {
			t.Fatal(err)
		}
		co, err := e.Relations.CreateCompany(ctx, e.Owner, relation.CompanyInput{Name: "Bakkerij Korstmos B.V.", KvK: "69599084",
			Address: relation.Address{Street: "Vismarkt", HouseNumber: "3", Postcode: "3511 KB", City: "Utrecht"}})
		if err != nil {
			t.Fatal(err)
		}
		com, err := e.Leases.Create(ctx, e.Owner, lease.Input{UnitIDs: []int64{shop}, TenantIDs: []int64{co}, Start: d("2025-01-01"),
			PaymentMethod: lease.Transfer, VATOpted: true, Components: []lease.ComponentInput{
				{Kind: lease.BareRent, AmountCents: 200000, VAT: lease.VATStandard}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-01"}, nil); err != nil {
			t.Fatal(err)
		}

		inv := e.invoiceOf(res, "2026-01")
		if inv.HasDocument {
			t.Fatal("the run made the document itself")
		}
		if _, err := e.Billing.InvoiceDocument(ctx, e.OwnerB, inv.ID); !errors.Is(err, validation.ErrNotFound) {
			t.Fatalf("other organisation: %v", err)
		}
		// A bookkeeper (no portfolio access) may print invoices.
		bookkeeper := e.Env.Actor(t, "alpha", "boek@alpha.nl", account.Bookkeeper)
		pdf, err := e.Billing.InvoiceDocument(ctx, bookkeeper, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		txt := apptest.PDFText(t, pdf)
		mustContain(t, "residential invoice", txt,
			"Factuur", inv.Number, nl.FormatKenmerk(inv.Kenmerk), "M. Zwanenburg", "Oudegracht 12", "3511 AB Utrecht",
			"Woonstichting Zuiderhuis", "Stationsplein 1", "KvK 40536533", "Btw-id NL000099998B57", "NL91 ABNA 0417 1643 00",
			"Factuurdatum 20 januari 2026", "Vervaldatum 3 februari 2026", "januari 2026",
			"Kale huur", "Voorschot servicekosten", "(schoonmaak)", "€ 1.234,56", "€ 50,00", "€ 1.284,56",
			"1 januari 2026 t/m 31 januari 2026 (31 dagen)",
			"Vrijgesteld van btw (art. 11 lid 1 sub b Wet OB 1968)",
			"Wij verzoeken u € 1.284,56 uiterlijk 3 februari 2026 over te maken")
		if strings.Contains(txt, "21%") {
			t.Errorf("exempt invoice shows 21%%:\n%s", txt)
		}
		// Stored: the same bytes every time, for anyone allowed to read.
		again, err := e.Billing.InvoiceDocument(ctx, e.Viewer, inv.ID)
		if err != nil || !bytes.Equal(again, pdf) {
			t.Fatalf("second read differs (%v)", err)
		}
		if inv = e.invoiceOf(res, "2026-01"); !inv.HasDocument {
			t.Fatal("document not stored")
		}
		if n := e.Count(`SELECT COUNT(*) FROM ledger_invoices WHERE id = $1 AND debtor_sealed IS NOT NULL
			AND document_sha256 <> ''`, inv.ID); n != 1 {
			t.Fatal("debtor snapshot or digest missing")
		}
		if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'relation.viewed' AND details LIKE '%billing.invoice%'`); n != 1 {
			t.Fatalf("%d logged reads of the tenant for the invoice, want 1", n)
		}

		cinv := e.invoiceOf(com, "2026-01")
		ctxt := apptest.PDFText(t, mustDoc(t, e, cinv.ID))
		mustContain(t, "commercial invoice", ctxt, "Bakkerij Korstmos B.V.", "Vismarkt 3", "21%", "€ 2.000,00", "€ 420,00", "€ 2.420,00",
			"Btw 21% over € 2.000,00", "Btw-id NL000099998B57")
		if strings.Contains(ctxt, "Vrijgesteld") {
			t.Errorf("taxed invoice shows an exemption:\n%s", ctxt)
		}

		// A credit note: its number, the invoice it credits, negative amounts.
		cn, err := e.Ledger.Credit(ctx, e.Owner, ledger.CreditInput{InvoiceID: cinv.ID, Reason: "Huurkorting januari"})
		if err != nil {
			t.Fatal(err)
		}
		note, err := e.Ledger.Invoice(ctx, e.Owner, cn)
		if err != nil {
			t.Fatal(err)
		}
		ntxt := apptest.PDFText(t, mustDoc(t, e, cn))
		mustContain(t, "credit note", ntxt, "Creditnota", note.Number, "Crediteert factuur "+cinv.Number, "Huurkorting januari",
			"€ -2.000,00", "€ -420,00", "€ -2.420,00", "Bakkerij Korstmos B.V.", "verrekend", "Kale huur 1 € -2.000,00 € -2.000,00 21%")

		// Nothing of the person's name is stored in clear anywhere (a company name is no personal data).
		if hits := apptest.FindPlaintext(t, e.DB, "Zwanenburg"); len(hits) > 0 {
			t.Fatalf("plaintext in the database: %v", hits)
		}
	})
}

func mustDoc(t *testing.T, e *env, id int64) []byte {
	t.Helper()
	pdf, err := e.Billing.InvoiceDocument(ctx, e.Owner, id)
	if err != nil {
		t.Fatal(err)
	}
	return pdf
}

// shred crypto-shreds a person's vault subject, as erasing them will.
func (e *env) shred(a account.Actor, person int64) {
	e.T.Helper()
	if err := e.DB.InOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var subject int64
		if err := tx.QueryRowContext(ctx, `SELECT subject_id FROM relations WHERE id = $1 AND org_id = $2`, person,
			tx.OrgID()).Scan(&subject); err != nil {
			return err
		}
		return e.Vault.Shred(ctx, tx, vault.SubjectID(subject))
	}); err != nil {
		e.T.Fatal(err)
	}
}

func TestInvoicePrintsAfterTheTenantIsErased(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner, false)
		p := e.person(e.Owner, "Verhoeckx", "", "")
		l := e.residential(e.Owner, lease.Transfer, p)
		for _, period := range []string{"2025-12", "2026-01"} {
			if _, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: period}, nil); err != nil {
				t.Fatal(err)
			}
		}
		dec, jan := e.invoiceOf(l, "2025-12"), e.invoiceOf(l, "2026-01")
		before := mustDoc(t, e, jan.ID)

		e.shred(e.Owner, p)
		after, err := e.Billing.InvoiceDocument(ctx, e.Owner, jan.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, after) {
			t.Fatal("the printed invoice changed after erasure")
		}
		mustContain(t, "invoice after erasure", apptest.PDFText(t, after), "M. Verhoeckx", "Oudegracht 12")
		// An invoice whose document was never made cannot be made now: its
		// debtor is gone, and nothing else is printed in their place.
		if _, err := e.Billing.InvoiceDocument(ctx, e.Owner, dec.ID); err == nil {
			t.Fatal("an invoice without a snapshot printed after erasure")
		}
		// A credit note for the printed invoice goes to the debtor as printed there.
		cn, err := e.Ledger.Credit(ctx, e.Owner, ledger.CreditInput{InvoiceID: jan.ID, Reason: "dubbel"})
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, "credit note after erasure", apptest.PDFText(t, mustDoc(t, e, cn)), "Creditnota", "M. Verhoeckx", jan.Number)
	})
}

func TestRunDocumentsAreStoredAndMailed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner, true)
		anna := e.person(e.Owner, "Oosterhuis", "anna.oosterhuis@example.nl", "")
		ben := e.person(e.Owner, "Brinkman", "ben.brinkman@example.nl", "en")
		nomail := e.person(e.Owner, "Zondermail", "", "")
		joint := e.residential(e.Owner, lease.Transfer, anna, ben)
		debit := e.residential(e.Owner, lease.DirectDebit, nomail)
		_ = debit

		run, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-01"}, nil)
		if err != nil || run.Invoices != 2 {
			t.Fatalf("run: %+v %v", run, err)
		}
		if n := e.Count(`SELECT COUNT(*) FROM jobs WHERE kind = $1`, billing.JobDocuments); n != 1 {
			t.Fatalf("%d documents jobs queued", n)
		}
		if n := e.Count(`SELECT COUNT(*) FROM ledger_invoices WHERE document_sealed IS NOT NULL`); n != 0 {
			t.Fatalf("the run itself stored %d documents", n)
		}
		e.drain()
		if n := e.Count(`SELECT COUNT(*) FROM ledger_invoices WHERE run_id = $1 AND document_sealed IS NOT NULL`, run.ID); n != 2 {
			t.Fatalf("%d documents stored by the job", n)
		}
		inv := e.invoiceOf(joint, "2026-01")
		if inv.SentAt.IsZero() {
			t.Fatal("sent_at not set")
		}
		stored := mustDoc(t, e, inv.ID)
		mustContain(t, "joint invoice", apptest.PDFText(t, stored), "M. Oosterhuis", "M. Brinkman", "hoofdelijk aansprakelijk")

		m := e.Mail.WaitFor(t, "anna.oosterhuis@example.nl", 5*time.Second)
		if want := "Factuur " + inv.Number + " — huur januari 2026"; m.Subject != want {
			t.Errorf("subject %q, want %q", m.Subject, want)
		}
		mustContain(t, "mail text", m.Text, "Beste M. Oosterhuis", money.Format(inv.Total, "nl"), "3 februari 2026",
			"NL91 ABNA 0417 1643 00", nl.FormatKenmerk(inv.Kenmerk))
		if len(m.Attachments) != 1 || !bytes.HasPrefix(m.Attachments[0].Data, []byte("%PDF")) ||
			m.Attachments[0].ContentType != "application/pdf" {
			t.Fatalf("attachments: %+v", m.Attachments)
		}
		if !bytes.Equal(m.Attachments[0].Data, stored) || m.Attachments[0].Name != "factuur-"+inv.Number+".pdf" {
			t.Fatalf("the mailed PDF %q is not the stored one", m.Attachments[0].Name)
		}
		en := e.Mail.WaitFor(t, "ben.brinkman@example.nl", 5*time.Second)
		if !strings.HasPrefix(en.Subject, "Invoice "+inv.Number+" — rent January 2026") || !strings.Contains(en.Text, "Payment reference") {
			t.Errorf("English mail: %q\n%s", en.Subject, en.Text)
		}
		if len(en.Attachments) != 1 || !bytes.Equal(en.Attachments[0].Data, stored) {
			t.Fatal("second tenant's attachment differs")
		}
		// No e-mail address: stored, not sent. Direct debit prints the collection.
		dinv := e.invoiceOf(debit, "2026-01")
		if !dinv.SentAt.IsZero() {
			t.Fatal("an invoice without a recipient is marked sent")
		}
		mustContain(t, "direct-debit invoice", apptest.PDFText(t, mustDoc(t, e, dinv.ID)), "automatisch geïncasseerd")
		if got := len(e.Mail.Messages()); got != 2 {
			t.Fatalf("%d messages sent, want 2", got)
		}
		// Again: nothing new is made or sent.
		if err := e.Billing.MakeRunDocuments(ctx, e.Owner, run.ID, nil); err != nil {
			t.Fatal(err)
		}
		e.drain()
		if got := len(e.Mail.Messages()); got != 2 {
			t.Fatalf("%d messages after a second pass", got)
		}
		if err := e.Billing.MakeRunDocuments(ctx, e.Viewer, run.ID, nil); !errors.Is(err, validation.ErrForbidden) {
			t.Fatalf("viewer made documents: %v", err)
		}
		if hits := apptest.FindPlaintext(t, e.DB, "Oosterhuis", "anna.oosterhuis@example.nl"); len(hits) > 0 {
			t.Fatalf("plaintext in the database: %v", hits)
		}
		// Each tenant read for the documents is logged once with its
		// purpose, in the transaction that stored them.
		for _, p := range []int64{anna, ben, nomail} {
			if n := e.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'relation.viewed' AND target_id = $1
				AND details LIKE '%billing.invoice%'`, fmt.Sprint(p)); n != 1 {
				t.Errorf("tenant %d read for the documents logged %d times, want once", p, n)
			}
		}
	})
}

// The documents of a run are rendered while no write transaction is held:
// on SQLite every other write (a person saved, a page's access log) waits
// for the one writer, and rendering thousands of PDFs took seconds a batch.
// (PostgreSQL has no single writer: there the write passes either way.)
func TestRunDocumentsRenderWithoutHoldingTheWriter(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.issuer(e.Owner, false)
		e.residential(e.Owner, lease.Transfer, e.person(e.Owner, "Oosterhuis", "", ""))
		run, err := e.Billing.PostRun(ctx, e.Owner, billing.RunInput{Period: "2026-01"}, nil)
		if err != nil || run.Invoices != 1 {
			t.Fatalf("run: %+v %v", run, err)
		}
		renders := 0
		e.Billing.SetFaultContext(func(ctx context.Context, point string) error {
			if point != "documents.render" {
				return nil
			}
			renders++
			// Inside the batch's write transaction this would wait for
			// itself; the deadline only bounds a failing test.
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			return e.DB.InOrg(wctx, e.Owner.OrgID, func(tx *db.Tx) error {
				_, err := tx.ExecContext(wctx, `UPDATE ledger_invoices SET due_date = due_date WHERE id = 0`)
				return err
			})
		})
		defer e.Billing.SetFault(nil)
		if err := e.Billing.MakeRunDocuments(ctx, e.Owner, run.ID, nil); err != nil {
			t.Fatalf("a write while the documents were rendered: %v", err)
		}
		if renders != 1 {
			t.Fatalf("%d batches rendered, want 1", renders)
		}
		if n := e.Count(`SELECT COUNT(*) FROM ledger_invoices WHERE run_id = $1 AND document_sealed IS NOT NULL`, run.ID); n != 1 {
			t.Fatalf("%d documents stored", n)
		}
	})
}
