package privacy_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/bank"
	"hms/internal/billing"
	"hms/internal/directdebit"
	"hms/internal/lease"
	"hms/internal/ledger"
	"hms/internal/money"
	"hms/internal/platform/audit"
	"hms/internal/platform/civil"
	"hms/internal/platform/listing"
	"hms/internal/platform/validation"
	"hms/internal/reconcile"
	"hms/internal/relation"
)

// subject is a former tenant whose lease has ended and whose books are
// settled: a person who may be erased.
type subject struct {
	person, lease int64
	invoice       int64
	fiscalYear    int
	total         money.Cents
	// secrets are the person's data in plain text.
	secrets []string
}

const (
	secretSurname = "Zeldzaamvelt"
	secretEmail   = "wilhelmina.zeldzaamvelt@voorbeeld.nl"
	secretIBAN    = "NL44RABO0123456789"
	secretPhone   = "0687654321"
)

// formerTenant makes the subject: a person with every personal field, a
// lease that started 14 months ago and ended two months ago, one month's
// invoice paid in full through a bank statement, the tenant-information
// document and a direct-debit mandate.
func formerTenant(t *testing.T, org *apptest.Org) subject {
	t.Helper()
	a := org.Owner
	today := civil.Today(org.Clock.Now())
	p := org.Person(a, relation.PersonInput{Initials: "W.", FirstNames: "Wilhelmina", Surname: secretSurname, Email: secretEmail,
		Phones: []string{secretPhone}, IBANs: []string{secretIBAN}, BirthDate: "1980-05-17"})
	start := today.AddMonths(-14).FirstOfMonth()
	l := org.Lease(a, lease.Input{TenantIDs: []int64{p}, Start: start, End: today.AddMonths(-2).FirstOfMonth().AddDays(-1)})
	period := fmt.Sprintf("%04d-%02d", start.Year, start.Month)
	if _, err := org.Billing.PostRun(ctx, a, billing.RunInput{Period: period,
		Scope: billing.Scope{Kind: billing.ScopeLease, ID: l}}, nil); err != nil {
		t.Fatalf("post rent: %v", err)
	}
	invs, err := org.Ledger.Invoices(ctx, a, listingAll(), ledger.InvoiceFilter{LeaseID: l})
	if err != nil || len(invs.Items) != 1 {
		t.Fatalf("invoices of the lease: %v %+v", err, invs)
	}
	inv := invs.Items[0]
	if _, err := org.Leases.GenerateTenantInformation(ctx, a, l); err != nil {
		t.Fatalf("tenant information: %v", err)
	}
	// The organisation's bank account and creditor settings.
	if err := org.Bank.SaveSettings(ctx, a, bank.Settings{CreditorID: "NL51ZZZ405365330000", CreditorName: "Alpha B.V."}); err != nil {
		t.Fatal(err)
	}
	if _, err := org.Bank.AddAccount(ctx, a, bank.AccountInput{IBAN: "NL91ABNA0417164300", Name: "Alpha B.V.",
		Purpose: bank.PurposeRent}); err != nil {
		t.Fatal(err)
	}
	// Paid by transfer, read from a bank statement: the payer's name, IBAN
	// and text are on the statement line, sealed per organisation.
	if _, err := org.Reconcile.Import(ctx, a, strings.NewReader(statement(inv.Total, inv.Kenmerk, today.AddDays(-1))),
		reconcile.ImportOptions{}); err != nil {
		t.Fatalf("bank statement: %v", err)
	}
	if paid, err := org.Ledger.Invoice(ctx, a, inv.ID); err != nil || paid.Open != 0 {
		t.Fatalf("the statement did not pay the invoice: %v %+v", err, paid)
	}
	// A direct-debit mandate: the debtor's name and IBAN sealed per
	// organisation, which erasure must reach too.
	if _, err := org.DirectDebit.CreateMandate(ctx, a, directdebit.MandateInput{LeaseID: l, SignedOn: start, SignedPlace: "Utrecht",
		DebtorName: "W. " + secretSurname, IBAN: secretIBAN}); err != nil {
		t.Fatalf("mandate: %v", err)
	}
	return subject{person: p, lease: l, invoice: inv.ID, fiscalYear: inv.FiscalYear, total: inv.Total,
		secrets: []string{secretSurname, secretEmail, secretIBAN, secretPhone, "Wilhelmina"}}
}

// exportFiles reads an export's zip into name → content.
func exportFiles(t *testing.T, org *apptest.Org, a account.Actor, person int64, lang string) map[string]string {
	t.Helper()
	var b bytes.Buffer
	if err := org.Rights.Export(ctx, a, person, lang, &b); err != nil {
		t.Fatalf("export: %v", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatalf("export is no zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(data)
	}
	return out
}

// An export holds a JSON file per registered source and a CSV file per
// section, and the report names every section: a source added to the
// registry without export data fails here.
func TestExportHoldsEverySource(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, org *apptest.Org) {
		s := formerTenant(t, org)
		rep, err := org.Rights.Collect(ctx, org.Manager, s.person)
		if err != nil {
			t.Fatal(err)
		}
		files := exportFiles(t, org, org.Manager, s.person, "en")
		html := files["report.html"]
		if len(org.Rights.Sources()) < 10 {
			t.Fatalf("only %d sources registered", len(org.Rights.Sources()))
		}
		for i, src := range org.Rights.Sources() {
			if rep.Sections[i].Source != src.Name() || len(rep.Sections[i].Sections) == 0 {
				t.Errorf("source %s: no section in the export", src.Name())
				continue
			}
			if _, ok := files["json/"+src.Name()+".json"]; !ok {
				t.Errorf("source %s: no json file", src.Name())
			}
			for _, sec := range rep.Sections[i].Sections {
				if _, ok := files["csv/"+sec.Key+".csv"]; !ok {
					t.Errorf("section %s: no csv file", sec.Key)
				}
				title := org.Texts.T("en", sec.Title, nil)
				if title == sec.Title || !strings.Contains(html, title) {
					t.Errorf("section %s: title %q not in the report", sec.Key, title)
				}
				for _, id := range []string{sec.Purpose, sec.Basis, sec.Retention, sec.Recipients, sec.Origin} {
					if !org.Texts.Has("en", id) || !org.Texts.Has("nl", id) {
						t.Errorf("section %s: %q has no text", sec.Key, id)
					}
				}
			}
		}
		// The person's data, in words: name, address, amounts, the lease.
		for _, want := range append(s.secrets, "Oudegracht 12", money.Format(s.total, "en"), "Tenant information (Wgv)", "Invoice") {
			if !strings.Contains(html, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		if !strings.Contains(files["csv/ledger.invoices.csv"], money.Format(s.total, "en")) {
			t.Errorf("invoices csv:\n%s", files["csv/ledger.invoices.csv"])
		}
		if !strings.Contains(files["json/relation.json"], secretEmail) {
			t.Errorf("relation json:\n%s", files["json/relation.json"])
		}
		// No code or unknown message id reaches people.
		for _, bad := range []string{"privacy.", "relation.viewed", "lease.tenant_information"} {
			if strings.Contains(html, bad) {
				t.Errorf("report shows %q", bad)
			}
		}
		if nl := exportFiles(t, org, org.Manager, s.person, "nl")["report.html"]; !strings.Contains(nl, "Gegevens over W. Zeldzaamvelt") ||
			!strings.Contains(nl, "Facturen en creditnota") {
			t.Errorf("Dutch report:\n%s", nl)
		}
		// The export is in the access log (ids only).
		if n := org.Count(`SELECT COUNT(*) FROM audit_events WHERE action = 'privacy.exported' AND target_id = $1`,
			fmt.Sprint(s.person)); n != 3 {
			t.Errorf("%d export events, want 3", n)
		}
	})
}

// Export: owners and managers; erasure: owners only.
func TestRightsAuthorisation(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, org *apptest.Org) {
		s := formerTenant(t, org)
		for _, a := range []account.Actor{org.Bookkeeper, org.Viewer, org.OwnerB} {
			if err := org.Rights.Export(ctx, a, s.person, "nl", io.Discard); !errors.Is(err, validation.ErrForbidden) &&
				!errors.Is(err, validation.ErrNotFound) {
				t.Errorf("%s exports: %v", a.Role, err)
			}
		}
		for _, a := range []account.Actor{org.Manager, org.Bookkeeper, org.Viewer} {
			if _, err := org.Rights.Erase(ctx, a, s.person); !errors.Is(err, validation.ErrForbidden) {
				t.Errorf("%s erases: %v", a.Role, err)
			}
		}
		if _, err := org.Rights.Erase(ctx, org.OwnerB, s.person); !errors.Is(err, validation.ErrNotFound) {
			t.Errorf("another organisation's owner erases: %v", err)
		}
		if _, err := org.Relations.Get(ctx, org.Owner, s.person, relation.ViaWeb); err != nil {
			t.Errorf("refused erasures changed the person: %v", err)
		}
	})
}

// A tenant of a running lease, or of an ended lease with open items, is
// refused, and nothing changes; a company is not a person.
func TestEraseRefusals(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, org *apptest.Org) {
		a := org.Owner
		today := civil.Today(org.Clock.Now())
		running := org.Person(a, relation.PersonInput{Surname: "Loopt"})
		org.Lease(a, lease.Input{TenantIDs: []int64{running}, Start: today.AddMonths(-3)})
		guarantor := org.Person(a, relation.PersonInput{Surname: "Borgsteller"})
		org.Lease(a, lease.Input{GuarantorIDs: []int64{guarantor}, Start: today.AddMonths(-3)})
		for _, p := range []int64{running, guarantor} {
			_, err := org.Rights.Erase(ctx, a, p)
			if pr, ok := validation.AsProblem(err); !ok || pr.Code != "privacy.erase_running_lease" || pr.Status != 409 {
				t.Fatalf("erase a party to a running lease: %v", err)
			}
			if _, err := org.Relations.Get(ctx, a, p, relation.ViaWeb); err != nil {
				t.Fatalf("the refused erasure changed the person: %v", err)
			}
		}
		if msg := org.Texts.T("nl", "privacy.erase_running_lease", nil); !strings.Contains(msg, "loopt") {
			t.Errorf("refusal says %q", msg)
		}

		owing := org.Person(a, relation.PersonInput{Surname: "Schuldig"})
		start := today.AddMonths(-14).FirstOfMonth()
		l := org.Lease(a, lease.Input{TenantIDs: []int64{owing}, Start: start, End: today.AddMonths(-2).FirstOfMonth().AddDays(-1)})
		if _, err := org.Billing.PostRun(ctx, a, billing.RunInput{Period: fmt.Sprintf("%04d-%02d", start.Year, start.Month),
			Scope: billing.Scope{Kind: billing.ScopeLease, ID: l}}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := org.Rights.Erase(ctx, a, owing); !isProblem(err, "privacy.erase_open_items") {
			t.Fatalf("erase a person with open items: %v", err)
		}
		// The preview says the same and changes nothing either.
		if _, err := org.Rights.PreviewErase(ctx, a, owing); !isProblem(err, "privacy.erase_open_items") {
			t.Fatalf("preview: %v", err)
		}

		company, err := org.Relations.CreateCompany(ctx, a, relation.CompanyInput{Name: "Bouwbedrijf Test BV", LegalForm: "bv"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := org.Rights.Erase(ctx, a, company); !isProblem(err, "privacy.erase_not_a_person") {
			t.Fatalf("erase a company: %v", err)
		}
	})
}

func isProblem(err error, code string) bool {
	pr, ok := validation.AsProblem(err)
	return ok && pr.Code == code
}

// Erasure shreds the person: afterwards the database holds none of their
// plain text (every column of every table; on SQLite also the files), a new
// export shows none of it, the relation reads as not found, the invoice
// keeps its total and printable document, the books add up, the audit
// chain holds, and erasing again changes nothing.
func TestErase(t *testing.T) {
	apptest.EachOrg(t, apptest.OrgOptions{}, func(t *testing.T, org *apptest.Org) {
		a := org.Owner
		s := formerTenant(t, org)
		other := org.Lease(a, lease.Input{Start: civil.Today(org.Clock.Now()).AddMonths(-1)})
		before, err := org.Ledger.BalanceAt(ctx, a, s.lease, civil.Today(org.Clock.Now()))
		if err != nil {
			t.Fatal(err)
		}
		var sumBefore int64
		if err := org.DB.Raw().QueryRow(`SELECT COALESCE(SUM(total_cents), 0) FROM ledger_invoices`).Scan(&sumBefore); err != nil {
			t.Fatal(err)
		}
		files := exportFiles(t, org, a, s.person, "nl")
		for _, secret := range s.secrets {
			if !strings.Contains(files["report.html"], secret) {
				t.Fatalf("the export before erasure lacks %q; the test below would prove nothing", secret)
			}
		}
		for _, csv := range []string{"csv/directdebit.mandates.csv", "csv/reconcile.bank_lines.csv"} {
			if m := files[csv]; !strings.Contains(m, secretIBAN) || !strings.Contains(m, secretSurname) {
				t.Fatalf("%s in the export before erasure:\n%s", csv, m)
			}
		}

		preview, err := org.Rights.PreviewErase(ctx, a, s.person)
		if err != nil {
			t.Fatalf("preview: %v", err)
		}
		if _, err := org.Relations.Get(ctx, a, s.person, relation.ViaWeb); err != nil {
			t.Fatalf("the preview erased: %v", err)
		}
		rc, err := org.Rights.Erase(ctx, a, s.person)
		if err != nil {
			t.Fatalf("erase: %v", err)
		}
		if rc.AlreadyErased || len(rc.Outcomes) != len(org.Rights.Sources()) || len(preview.Outcomes) != len(rc.Outcomes) {
			t.Fatalf("receipt %+v", rc)
		}
		erased, kept := rc.Totals()
		has := func(what string, n int) bool {
			for _, e := range erased {
				if e.What == what && e.Count == n {
					return true
				}
			}
			return false
		}
		if !has("privacy.what.keys", 1) || !has("privacy.what.lease_documents", 1) || !has("privacy.what.personal_fields", 1) ||
			!has("privacy.what.mandate_debtor", 1) || !has("privacy.what.bank_line_details", 1) {
			t.Errorf("erased: %+v", erased)
		}
		fiscal := false
		for _, k := range kept {
			if k.What == "privacy.what.invoices" && k.Count == 1 && k.Until == ledger.RetainedUntil(s.fiscalYear) {
				fiscal = true
			}
		}
		if !fiscal {
			t.Errorf("kept: %+v", kept)
		}

		// No plain text anywhere.
		if hits := apptest.FindPlaintext(t, org.DB, s.secrets...); len(hits) > 0 {
			t.Errorf("plain text after erasure: %v", hits)
		}
		if org.DB.Dialect == "sqlite" {
			entries, err := os.ReadDir(org.DataDir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				data, err := os.ReadFile(filepath.Join(org.DataDir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				for _, secret := range s.secrets {
					if bytes.Contains(bytes.ToLower(data), bytes.ToLower([]byte(secret))) {
						t.Errorf("%s holds %q", e.Name(), secret)
					}
				}
			}
		}
		if n := org.Count(`SELECT COUNT(*) FROM relation_search WHERE relation_id = $1`, s.person); n != 0 {
			t.Errorf("%d search tokens left", n)
		}
		if n := org.Count(`SELECT COUNT(*) FROM vault_subjects v JOIN relations r ON r.subject_id = v.id
			WHERE r.id = $1 AND v.keyset_wrapped IS NULL AND v.shredded_at IS NOT NULL`, s.person); n != 1 {
			t.Errorf("the person's key is not shredded")
		}
		if n := org.Count(`SELECT COUNT(*) FROM lease_documents WHERE lease_id = $1`, s.lease); n != 0 {
			t.Errorf("%d lease documents left", n)
		}
		after := exportFiles(t, org, a, s.person, "en")
		for name, content := range after {
			for _, secret := range s.secrets {
				if strings.Contains(content, secret) {
					t.Errorf("export after erasure: %s holds %q", name, secret)
				}
			}
		}
		if !strings.Contains(after["report.html"], "an erased person") {
			t.Errorf("report after erasure:\n%s", after["report.html"])
		}
		if _, err := org.Relations.Get(ctx, a, s.person, relation.ViaWeb); !errors.Is(err, validation.ErrNotFound) {
			t.Errorf("an erased person reads as %v, want not found", err)
		}
		if page, err := org.Relations.List(ctx, a, listingAll(), relation.Filter{}); err != nil {
			t.Fatal(err)
		} else {
			for _, it := range page.Items {
				if it.ID == s.person {
					t.Errorf("the erased person is listed")
				}
			}
		}

		// The books: the invoice keeps its total and its document as sent.
		inv, err := org.Ledger.Invoice(ctx, a, s.invoice)
		if err != nil || inv.Total != s.total || inv.Open != 0 {
			t.Fatalf("invoice after erasure: %v %+v", err, inv)
		}
		pdf, err := org.Billing.InvoiceDocument(ctx, a, s.invoice)
		if err != nil {
			t.Fatalf("invoice document after erasure: %v", err)
		}
		if txt := apptest.PDFText(t, pdf); !strings.Contains(txt, secretSurname) || !strings.Contains(txt, money.Format(s.total, "nl")) {
			t.Errorf("the invoice as sent names the debtor and the amount:\n%s", txt)
		}
		bal, err := org.Ledger.BalanceAt(ctx, a, s.lease, civil.Today(org.Clock.Now()))
		if err != nil || bal != before {
			t.Errorf("balance %+v, was %+v (%v)", bal, before, err)
		}
		var sumAfter int64
		if err := org.DB.Raw().QueryRow(`SELECT COALESCE(SUM(total_cents), 0) FROM ledger_invoices`).Scan(&sumAfter); err != nil {
			t.Fatal(err)
		}
		if sumAfter != sumBefore {
			t.Errorf("invoice totals %d, were %d", sumAfter, sumBefore)
		}
		if _, err := org.Ledger.Debtors(ctx, a, listingAll()); err != nil {
			t.Errorf("the debtors list after erasure: %v", err)
		}
		if _, err := org.Leases.Detail(ctx, a, s.lease); err != nil {
			t.Errorf("the ended lease after erasure: %v", err)
		}
		if _, err := org.Leases.Detail(ctx, a, other); err != nil {
			t.Errorf("another lease after erasure: %v", err)
		}

		// The receipt is in the audit log, ids and counts only, and the
		// chains hold.
		var details string
		if err := org.DB.Raw().QueryRow(`SELECT details FROM audit_events WHERE action = 'privacy.erased' AND target_id = $1`,
			fmt.Sprint(s.person)).Scan(&details); err != nil || !strings.Contains(details, "privacy.what.keys") {
			t.Errorf("audit of the erasure: %v %s", err, details)
		}
		rep, err := audit.Verify(ctx, org.DB)
		if err != nil || rep.Broken != nil || rep.Events == 0 {
			t.Errorf("audit verify: %v %+v", err, rep)
		}

		// Again: harmless, and said so.
		again, err := org.Rights.Erase(ctx, a, s.person)
		if err != nil || !again.AlreadyErased {
			t.Fatalf("erase again: %v %+v", err, again)
		}
		if e, _ := again.Totals(); len(e) != 0 {
			t.Errorf("erasing again erased %+v", e)
		}
	})
}

func listingAll() listing.Query { return listing.Query{All: true} }

// statement is a camt.053 of the organisation's account with one credit
// from the subject, paying kenmerk.
func statement(amount money.Cents, kenmerk string, day civil.Date) string {
	amt := fmt.Sprintf("%d.%02d", int64(amount)/100, int64(amount)%100)
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>S1</MsgId>
<CreDtTm>2020-01-01T00:00:00</CreDtTm></GrpHdr><Stmt><Id>S1</Id><CreDtTm>2020-01-01T00:00:00</CreDtTm>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><NtryRef>S1-0</NtryRef><Amt Ccy="EUR">` + amt + `</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>` + day.String() + `</Dt></BookgDt><ValDt><Dt>` + day.String() + `</Dt></ValDt><AcctSvcrRef>S1-0</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">` + amt + `</Amt></TxAmt></AmtDtls>
<RltdPties><Dbtr><Nm>W. ` + secretSurname + `</Nm></Dbtr><DbtrAcct><Id><IBAN>` + secretIBAN + `</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>huur Wilhelmina</Ustrd><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp>` +
		`<Ref>` + kenmerk + `</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`
}
