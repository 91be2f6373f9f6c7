package directdebit_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"hms/internal/account"
	"hms/internal/app/apptest"
	"hms/internal/bank"
	"hms/internal/billing"
	"hms/internal/directdebit"
	"hms/internal/lease"
	"hms/internal/platform/civil"
	"hms/internal/platform/db"
	"hms/internal/platform/mail"
	"hms/internal/platform/validation"
	"hms/internal/portfolio"
	"hms/internal/relation"
	"hms/internal/sepa"
)

var ctx = context.Background()

// Today in the tests: Tuesday 10 March 2026, 11:00 in Amsterdam. With the
// bank's 2 lead days the earliest collection date is Thursday 12 March; a
// pre-notification by mail (14 days) allows 24 March and later.
var now = time.Date(2026, time.March, 10, 10, 0, 0, 0, time.UTC)

var d = civil.MustParse

const creditorID = "NL51ZZZ405365330000"

type env struct{ *apptest.Org }

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	apptest.EachOrg(t, apptest.OrgOptions{Now: now}, func(t *testing.T, o *apptest.Org) { fn(t, &env{o}) })
}

// creditor gives a's organisation an Incassant-ID and an account for rent
// (pain.008 version v, "" for the default).
func (e *env) creditor(a account.Actor, v sepa.DirectDebitVersion) int64 {
	e.T.Helper()
	if err := e.Bank.SaveSettings(ctx, a, bank.Settings{CreditorID: creditorID, CreditorName: "Alpha Vastgoed B.V."}); err != nil {
		e.T.Fatal(err)
	}
	id, err := e.Bank.AddAccount(ctx, a, bank.AccountInput{IBAN: "NL91ABNA0417164300", Name: "Alpha Vastgoed B.V.",
		Purpose: bank.PurposeRent, DirectDebitVersion: v})
	if err != nil {
		e.T.Fatal(err)
	}
	return id
}

// tenantOpts says what a lease's tenant has.
type tenantOpts struct {
	noEmail bool
	noIBAN  bool
	lang    string
	method  lease.PaymentMethod // "" direct debit
}

// lease makes a unit, a tenant (with an IBAN and e-mail address unless told
// otherwise) and a lease from 1 January 2025 with a bare rent of €750.
func (e *env) lease(a account.Actor, o tenantOpts) (leaseID, tenantID int64, iban string) {
	e.T.Helper()
	n := e.Next()
	iban = []string{"NL20INGB0001234567", "NL44RABO0123456789", "NL86INGB0002445588", "NL02ABNA0123456789"}[n%4]
	in := relation.PersonInput{FirstNames: "Zoë", Surname: fmt.Sprintf("Huurder%d", n), Language: o.lang}
	if !o.noEmail {
		in.Email = fmt.Sprintf("huurder%d@example.nl", n)
	}
	if !o.noIBAN {
		in.IBANs = []string{iban}
	}
	tenantID = e.Person(a, in)
	unit := e.Unit(a, portfolio.UnitInput{Street: "Lindelaan", HouseNumber: fmt.Sprint(n), Postcode: "3521 CD", City: "Utrecht"})
	method := o.method
	if method == "" {
		method = lease.DirectDebit
	}
	leaseID = e.Lease(a, lease.Input{Reference: fmt.Sprintf("2025-%04d", n), UnitIDs: []int64{unit}, TenantIDs: []int64{tenantID},
		Start: d("2025-01-01"), PaymentMethod: method, DueDay: 1,
		Components: []lease.ComponentInput{{Kind: lease.BareRent, AmountCents: 75000}}})
	return leaseID, tenantID, iban
}

// mandate records a recurrent mandate for a lease, signed on 1 December 2024.
func (e *env) mandate(a account.Actor, leaseID int64, kind directdebit.Kind) int64 {
	e.T.Helper()
	id, err := e.DirectDebit.CreateMandate(ctx, a, directdebit.MandateInput{LeaseID: leaseID, Kind: kind, SignedOn: d("2024-12-01"),
		SignedPlace: "Utrecht"})
	if err != nil {
		e.T.Fatal(err)
	}
	return id
}

func (e *env) rentRun(a account.Actor, period string) {
	e.T.Helper()
	if _, err := e.Billing.PostRun(ctx, a, billing.RunInput{Period: period}, nil); err != nil {
		e.T.Fatal(err)
	}
}

// collect previews and creates a collection as the person would.
func (e *env) collect(a account.Actor, in directdebit.CollectionInput) (*directdebit.Preview, *directdebit.Batch, []byte) {
	e.T.Helper()
	p, err := e.DirectDebit.Preview(ctx, a, in)
	if err != nil {
		e.T.Fatal(err)
	}
	b, err := e.DirectDebit.Create(ctx, a, in, directdebit.Expectation{Count: p.Count, Total: p.Total})
	if err != nil {
		e.T.Fatal(err)
	}
	file, _, err := e.DirectDebit.File(ctx, a, b.ID)
	if err != nil {
		e.T.Fatal(err)
	}
	validateXSD(e.T, string(b.Version), file)
	return p, b, file
}

// mails are the organisation's outbox messages, newest first.
func (e *env) mails(a account.Actor) []mail.Stored {
	e.T.Helper()
	var out []mail.Stored
	err := e.DB.ReadOrg(ctx, a.OrgID, func(tx *db.Tx) error {
		var err error
		out, err = e.Outbox.List(ctx, tx, 100)
		return err
	})
	if err != nil {
		e.T.Fatal(err)
	}
	return out
}

func fieldErr(t *testing.T, err error, field, msg string) {
	t.Helper()
	fe, ok := validation.AsFields(err)
	if !ok || fe[field] != msg {
		t.Fatalf("want %s: %s, got %v", field, msg, err)
	}
}

func problem(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("want %v, got %v", want, err)
	}
}

// validateXSD checks a file against the ISO schema of its version with
// xmllint (the schemas of internal/sepa).
func validateXSD(t testing.TB, version string, doc []byte) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		if os.Getenv("HMS_TEST_REQUIRE") == "all" {
			t.Fatal("xmllint (libxml2-utils) is required")
		}
		t.Skip("xmllint not installed")
	}
	f := filepath.Join(t.TempDir(), version+".xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	xsd := filepath.Join("..", "sepa", "testdata", "xsd", version+".xsd")
	if out, err := exec.Command("xmllint", "--noout", "--schema", xsd, f).CombinedOutput(); err != nil {
		t.Fatalf("%s file does not validate: %v\n%s\n%s", version, err, out, doc)
	}
}

// Readers of a written file by local element names, as a bank reads it.
type xTx struct {
	EndToEndID string `xml:"PmtId>EndToEndId"`
	Amount     string `xml:"InstdAmt"`
	MandateID  string `xml:"DrctDbtTx>MndtRltdInf>MndtId"`
	SignedOn   string `xml:"DrctDbtTx>MndtRltdInf>DtOfSgntr"`
	Amended    string `xml:"DrctDbtTx>MndtRltdInf>AmdmntInd"`
	OrigID     string `xml:"DrctDbtTx>MndtRltdInf>AmdmntInfDtls>OrgnlMndtId"`
	OrigAcct   string `xml:"DrctDbtTx>MndtRltdInf>AmdmntInfDtls>OrgnlDbtrAcct>Id>Othr>Id"`
	DbtrName   string `xml:"Dbtr>Nm"`
	DbtrIBAN   string `xml:"DbtrAcct>Id>IBAN"`
	RefCode    string `xml:"RmtInf>Strd>CdtrRefInf>Tp>CdOrPrtry>Cd"`
	RefIssuer  string `xml:"RmtInf>Strd>CdtrRefInf>Tp>Issr"`
	Ref        string `xml:"RmtInf>Strd>CdtrRefInf>Ref"`
	Ustrd      string `xml:"RmtInf>Ustrd"`
}

type xPmtInf struct {
	ID         string `xml:"PmtInfId"`
	SeqTp      string `xml:"PmtTpInf>SeqTp"`
	Collection string `xml:"ReqdColltnDt"`
	Txs        []xTx  `xml:"DrctDbtTxInf"`
}

type xFile struct {
	XMLName xml.Name
	MsgID   string    `xml:"CstmrDrctDbtInitn>GrpHdr>MsgId"`
	NbOfTxs string    `xml:"CstmrDrctDbtInitn>GrpHdr>NbOfTxs"`
	CtrlSum string    `xml:"CstmrDrctDbtInitn>GrpHdr>CtrlSum"`
	PmtInf  []xPmtInf `xml:"CstmrDrctDbtInitn>PmtInf"`
}

func readFile(t testing.TB, doc []byte) xFile {
	t.Helper()
	var f xFile
	if err := xml.Unmarshal(doc, &f); err != nil {
		t.Fatalf("read file: %v", err)
	}
	return f
}

// txs are a file's debits by end-to-end id, with their block.
func txs(f xFile) map[string]struct {
	xTx
	Block xPmtInf
} {
	out := map[string]struct {
		xTx
		Block xPmtInf
	}{}
	for _, p := range f.PmtInf {
		for _, tx := range p.Txs {
			out[tx.EndToEndID] = struct {
				xTx
				Block xPmtInf
			}{tx, p}
		}
	}
	return out
}
