package bankfile

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/i18n"
)

func hasWarning(s Statement, id string) bool {
	return slices.ContainsFunc(s.Warnings, func(w Warning) bool { return w.MsgID == id })
}

// A batch-booked return of two direct debits keeps both transactions, each with
// its own amount, end-to-end id and reason (ABN AMRO camt.053, entry 2).
func TestCamtBatchReturn(t *testing.T) {
	f := parseFile(t, "camt053/abnamro-camt053.001.02-oca-test1.xml", Options{Today: today})
	if f.Version != "camt.053.001.02" {
		t.Errorf("version %q", f.Version)
	}
	s := f.Statements[0]
	if s.Account != "NL77ABNA0574908765" || s.Currency != "EUR" || s.ID != "1234Test/1" || s.Sequence != "2" {
		t.Errorf("statement %q %q %q %q", s.Account, s.Currency, s.ID, s.Sequence)
	}
	if s.From != civil.MustParse("2014-01-05") || s.To != civil.MustParse("2014-01-05") {
		t.Errorf("period %s – %s", s.From, s.To)
	}
	if !s.Opening.Present || s.Opening.Amount != 1556827 || !s.Closing.Present || s.Closing.Amount != 1512112 {
		t.Errorf("balances %+v %+v", s.Opening, s.Closing)
	}
	// 15568.27 − 754.25 − 664.05 + 1405.31 = 15555.28, not the 15121.12 the file closes with.
	if !hasWarning(s, WarnBalancesDoNotAddUp) {
		t.Errorf("no warning that the balances do not add up: %v", s.Warnings)
	}
	e := s.Entries[1]
	if e.Amount != -66405 || !e.Reversal || e.BatchCount != 2 || e.BatchRef != "2018/125-20141229-NORM" {
		t.Errorf("entry %s reversal %v batch %d %q", e.Amount, e.Reversal, e.BatchCount, e.BatchRef)
	}
	if e.BankTxCode.Domain != "PMNT" || e.BankTxCode.Family != "IDDT" || e.BankTxCode.SubFamily != "UPDD" ||
		e.BankTxCode.Proprietary != "EIST" {
		t.Errorf("code %+v", e.BankTxCode)
	}
	if len(e.Details) != 2 {
		t.Fatalf("%d transactions, want 2", len(e.Details))
	}
	want := []struct {
		amount  money.Cents
		e2e, mr string
	}{
		{-56405, "TESTBANK/NL/20141229/01206408", "NL22ZZZ524885430000-C0125.1"},
		{-10000, "TESTBANK/NL/20141229/01206407", "NL22ZZZ524885430000-C0125.2"},
	}
	for i, w := range want {
		tx := e.Details[i]
		if tx.Amount != w.amount || tx.EndToEndID != w.e2e || tx.MandateID != w.mr || tx.ReturnReason != "AC06" {
			t.Errorf("tx %d: %s %q %q %q", i, tx.Amount, tx.EndToEndID, tx.MandateID, tx.ReturnReason)
		}
		if tx.Counterparty.Name != "Test Customer" || tx.Remittance != "Direct Debit S14 0410" {
			t.Errorf("tx %d: %+v %q", i, tx.Counterparty, tx.Remittance)
		}
	}
	// Money going out names the creditor, money coming in the debtor.
	if got := s.Entries[0].Details[0].Counterparty.Name; got != "INSURANCE COMPANY TESTX" {
		t.Errorf("debit counterparty %q", got)
	}
	in := s.Entries[2].Details[0]
	if in.Counterparty.Name != "3rd party Media" || in.Counterparty.IBAN != "NL69ABNA0522123643" || in.Amount != 140531 {
		t.Errorf("credit %+v %s", in.Counterparty, in.Amount)
	}
}

// camt.053.001.08: Acct/Id/Othr holds the IBAN, the structured reference sits in
// RmtInf/Strd, the booking date is a DtTm, the closing balance is in another currency.
func TestCamt08(t *testing.T) {
	f := parseFile(t, "camt053/generic-camt053.001.08-genkgo.xml", Options{Today: today})
	if f.Version != "camt.053.001.08" {
		t.Errorf("version %q", f.Version)
	}
	s := f.Statements[0]
	if s.Account != "NL26VAYB8060476890" || s.Sequence != "12312" || s.Info != "Additional Information" {
		t.Errorf("statement %q %q %q", s.Account, s.Sequence, s.Info)
	}
	e := s.Entries[0]
	if e.BookingDate != civil.MustParse("2014-12-31") || e.ValueDate != civil.MustParse("2015-01-02") ||
		e.AccountServicerRef != "AAAASESS-FP-CN_98765/01" || e.Status != "BOOK" {
		t.Errorf("entry %+v", e)
	}
	tx := e.Details[0]
	if tx.CreditorRef != (CreditorRef{Ref: "4654654654654654", Issuer: "BBA", Type: "SCOR"}) || tx.EndToEndID != "MUELL/FINP/RA12345" {
		t.Errorf("tx %+v", tx)
	}
	if tx.Counterparty.Name != "NAME NAME" || tx.Counterparty.IBAN != "NL56AGDH9619008421" {
		t.Errorf("counterparty %+v", tx.Counterparty)
	}
	if !hasWarning(s, WarnCurrencyDiffers) {
		t.Errorf("no warning for the SEK closing balance: %v", s.Warnings)
	}
}

// The betalingskenmerk to the Belastingdienst: camt Strd/CdtrRefInf and Rabobank's
// MT940 syntax /REMI//CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/…, split over two lines.
func TestRabobankBetalingskenmerk(t *testing.T) {
	f := parseFile(t, "mt940/rabobank-mt940-structured-scor-betalingskenmerk.txt", Options{Today: today})
	tx := f.Statements[0].Entries[0].Details[0]
	if tx.CreditorRef != (CreditorRef{Ref: "1234567899874563", Issuer: "CUR", Type: "SCOR"}) {
		t.Errorf("creditor ref %+v", tx.CreditorRef)
	}
	if tx.Counterparty.Name != "Belastingdienst" || tx.Counterparty.IBAN != "NL86INGB0002445588" || tx.EndToEndID != "123456789" {
		t.Errorf("tx %+v", tx)
	}
	f = parseFile(t, "camt053/rabobank-camt053.001.02-multistatement.xml", Options{Today: today})
	var found bool
	for _, s := range f.Statements {
		for _, e := range s.Entries {
			if e.BankTxCode.Proprietary == "086" {
				found = true
				tx := e.Details[0]
				if tx.CreditorRef != (CreditorRef{Ref: "1067931951601240", Issuer: "CUR", Type: "SCOR"}) || e.Amount != -407600 {
					t.Errorf("camt kenmerk %+v %s", tx.CreditorRef, e.Amount)
				}
			}
		}
	}
	if !found {
		t.Error("the Belastingdienst payment (code 086) is missing")
	}
}

// ING returns: /RTRN/ in structured :86:, with the code words REMI and the
// incassant ID cut over two lines.
func TestINGReturn(t *testing.T) {
	f := parseFile(t, "mt940/ing-mt940-mijn-ing-zakelijk-spec-example.txt", Options{Today: today})
	s := f.Statements[0]
	e := s.Entries[5] // :61:1402200220D12,75NRTIEREF//00000000001010
	tx := e.Details[0]
	if e.Amount != -1275 || e.BankTxCode.Proprietary != "NRTI" || e.AccountServicerRef != "00000000001010" {
		t.Errorf("entry %s %+v %q", e.Amount, e.BankTxCode, e.AccountServicerRef)
	}
	if tx.ReturnReason != "MS03" || tx.EndToEndID != "20120501P0123478" || tx.MandateID != "MND-120123" ||
		tx.CreditorID != "NL32ZZZ999999991234" || tx.Remittance != "CONTRIBUTIE FEB 2014" {
		t.Errorf("tx %+v", tx)
	}
	if tx.Counterparty != (Party{Name: "J.Janssen", IBAN: "NL32INGB0000012345", BIC: "INGBNL2A"}) {
		t.Errorf("counterparty %+v", tx.Counterparty)
	}
	if s.Info != "/SUM/4/4/134,46/36,58/" {
		t.Errorf("statement info %q", s.Info)
	}
	f = parseFile(t, "mt940/ing-mt940-mijn-ing-zakelijk-single-message.txt", Options{Today: today})
	var reasons []string
	for _, e := range f.Statements[0].Entries {
		if r := e.Details[0].ReturnReason; r != "" {
			reasons = append(reasons, r)
		}
	}
	if !slices.Equal(reasons, []string{"MD06", "AC04"}) {
		t.Errorf("return reasons %v", reasons)
	}
}

// A code word cut over two :86: lines is read whole; the lines are joined before
// the text is split into code words.
func TestMT940SplitCodeWord(t *testing.T) {
	in := ":20:STMT1\n:25:NL91ABNA0417164300EUR\n:28C:1\n:60F:C240102EUR100,00\n" +
		":61:2401030103C650,00NTRFNONREF\n" +
		":86:/EREF/HUUR-2024-01//CNTP/NL20INGB0001234567/INGBNL2A/J. de Vr\nies/Utrecht//RE\n" +
		"MI/STRD/CUR/1000002025000123/\n" +
		":62F:C240103EUR750,00\n-\n"
	f, err := Parse(strings.NewReader(in), Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	s := f.Statements[0]
	if s.Account != "NL91ABNA0417164300" || s.Currency != "EUR" || len(s.Warnings) != 0 {
		t.Errorf("statement %q %q %v", s.Account, s.Currency, s.Warnings)
	}
	tx := s.Entries[0].Details[0]
	if tx.EndToEndID != "HUUR-2024-01" || tx.CreditorRef != (CreditorRef{Ref: "1000002025000123", Issuer: "CUR", Type: "SCOR"}) {
		t.Errorf("tx %+v", tx)
	}
	if tx.Counterparty != (Party{Name: "J. de Vries", IBAN: "NL20INGB0001234567", BIC: "INGBNL2A", City: "Utrecht"}) {
		t.Errorf("counterparty %+v", tx.Counterparty)
	}
}

// Strict on amounts: a bad one refuses the file and names its line.
func TestMT940BadAmount(t *testing.T) {
	head := ":20:STMT1\n:25:NL91ABNA0417164300\n:28C:1\n"
	cases := []struct {
		body string
		line int
		id   string
	}{
		{":60F:C240102EUR100,00\n:61:2401030103C12,345NTRFNONREF\n", 5, ErrAmount}, // a third decimal
		{":60F:C240102EUR100,00\n:61:2401030103C1,2,3NTRFNONREF\n", 5, ErrAmount},
		{":60F:C240102EUR100.00\n", 4, ErrAmount},
		{":60F:C240102EUR100,00\n:61:2401030103X12,00NTRFNONREF\n", 5, ErrMark},
		{":60F:C240230EUR100,00\n", 4, ErrDate},
		{":60F:C240102EUR100,00\n:61:2401031303C12,00NTRFNONREF\n", 5, ErrDate}, // month 13
	}
	for _, c := range cases {
		f, err := Parse(strings.NewReader(head+c.body), Options{})
		var pe *ParseError
		if f != nil || !errors.As(err, &pe) || pe.Line != c.line || pe.MsgID != c.id {
			t.Errorf("%q: %v, %v; want %s on line %d", c.body, f, err, c.id, c.line)
		}
	}
}

// Strict on dates and amounts in camt: the error names the element path.
func TestCamtBadValueNamesPath(t *testing.T) {
	data, err := os.ReadFile("testdata/camt053/abnamro-camt053.001.02-oca-test1.xml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	second := strings.Index(doc, "<RvslInd>") // inside the second entry
	badDate := doc[:second] + strings.Replace(doc[second:], "<Dt>2014-01-05</Dt>", "<Dt>2014-02-30</Dt>", 1)
	badAmount := strings.Replace(doc, ">100.00<", ">100,00<", 1)
	cases := []struct{ doc, path, id string }{
		{badDate, "Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/BookgDt/Dt", ErrDate},
		{badAmount, "Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/NtryDtls/TxDtls[2]/AmtDtls/TxAmt/Amt", ErrAmount},
		{strings.Replace(doc, "<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>CREDIT</CdtDbtInd>", 1),
			"Document/BkToCstmrStmt/Stmt[1]/Bal/CdtDbtInd", ErrMark},
		{strings.Replace(doc, "</Ntry>", "</Ntr>", 1), "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]", ErrXML},
		{doc[:strings.Index(doc, "<ValDt>")], "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]", ErrXML}, // cut off
	}
	for _, c := range cases {
		f, err := Parse(strings.NewReader(c.doc), Options{})
		var pe *ParseError
		if f != nil || !errors.As(err, &pe) || pe.Path != c.path || pe.MsgID != c.id {
			t.Errorf("want %s at %s, got %v, %v", c.id, c.path, f, err)
		}
	}
}

func TestWarnings(t *testing.T) {
	// The last SNS message ends without :62F:.
	f := parseFile(t, "mt940/sns-mt940-oca.940", Options{Today: today})
	for i, s := range f.Statements {
		if got, want := hasWarning(s, WarnNoClosingBalance), i == 2; got != want {
			t.Errorf("statement %d: no-closing-balance warning %v, want %v", i, got, want)
		}
	}
	// Rabobank's batch sample: 1147.95 − 98.99 − 840.20 − 840.20 is not 18846.34.
	f = parseFile(t, "mt940/rabobank-mt940-structured-batch-pref.txt", Options{Today: today})
	if s := f.Statements[0]; !hasWarning(s, WarnBalancesDoNotAddUp) || s.Entries[1].BatchRef != "PmtInfId-20151208-987" {
		t.Errorf("rabobank batch: %v %q", s.Warnings, s.Entries[1].BatchRef)
	}
	// Mollie's settlement adds up: 0.00 − 1350.26 = D 1350.26.
	f = parseFile(t, "mt940/mollie-mt940-settlement-voorbeeld.txt", Options{Today: today})
	if s := f.Statements[0]; hasWarning(s, WarnBalancesDoNotAddUp) || s.Closing.Amount != -135026 {
		t.Errorf("mollie: %v, closing %s", s.Warnings, s.Closing.Amount)
	}
	// A date after today, with the place.
	f = parseFile(t, "mt940/ing-mt940-mijn-ing-zakelijk-spec-example.txt", Options{Today: civil.MustParse("2014-02-19")})
	var lines []int
	for _, w := range f.Statements[0].Warnings {
		if w.MsgID == WarnDatedAfterToday {
			lines = append(lines, w.Line)
		}
	}
	if len(lines) < 8 || lines[0] != 0 || !slices.Contains(lines, 8) {
		t.Errorf("dated-after-today warnings at lines %v", lines)
	}
	f = parseFile(t, "camt053/abnamro-camt053.001.02-oca-test1.xml", Options{Today: civil.MustParse("2014-01-04")})
	var paths []string
	for _, w := range f.Statements[0].Warnings {
		if w.MsgID == WarnDatedAfterToday && w.Path != "" {
			paths = append(paths, w.Path)
		}
	}
	if !slices.Contains(paths, "Document/BkToCstmrStmt/Stmt[1]/Ntry[3]") {
		t.Errorf("dated-after-today warnings at %v", paths)
	}
	// Lenient: a lower-case mark is read, with a warning.
	f = parseFile(t, "mt940/abnamro-mt940-voorbeeldbestanden-2013.txt", Options{Today: today})
	s := f.Statements[11] // 10a, :61:1205120514d1,01N946NONREF
	if s.Entries[0].Amount != -101 || !hasWarning(s, WarnLenientValue) {
		t.Errorf("lower-case d: %s %v", s.Entries[0].Amount, s.Warnings)
	}
}

// The layouts without code words: ABN AMRO columns, the older Triodos ">nn"
// subfields, SNS with the counterparty on the :61: line.
func TestUnstructuredLayouts(t *testing.T) {
	f := parseFile(t, "mt940/abnamro-mt940-mixed-bea-ideal-acceptgiro.txt", Options{Today: today})
	ideal := f.Statements[1].Entries[0].Details[0]
	if ideal.Kind != "SEPA IDEAL" || ideal.Counterparty.Name != "NS GROEP INZAKE NSR IDEA" || ideal.Counterparty.BIC != "ABNANL2A" ||
		ideal.Remittance != "4851430136 0030000 735822580 NS E-TICKET(S)" || ideal.EndToEndID != "26-01-2014 18:14 003000 0735822580" {
		t.Errorf("ideal %+v", ideal)
	}
	giro := f.Statements[1].Entries[2].Details[0]
	if giro.CreditorRef != (CreditorRef{Ref: "1234567890098876", Issuer: "CUR"}) || giro.Counterparty.IBAN != "NL86INGB0002445588" {
		t.Errorf("acceptgiro %+v", giro)
	}
	f = parseFile(t, "mt940/triodos-mt940-legacy-multiaccount.txt", Options{Today: today})
	if a, b := f.Statements[0].Account, f.Statements[1].Account; a != "0666666666" || b != "0999999999" {
		t.Errorf("accounts %q %q", a, b)
	}
	sepa := f.Statements[0].Entries[2].Details[0]
	if sepa.Counterparty.BIC != "BBBBAA2U" || sepa.Counterparty.Account != "AA99BBBB0555555555" ||
		!strings.HasPrefix(sepa.Remittance, "TENAAMSTELLING TEGENREKENING EN ADRES") {
		t.Errorf("triodos %+v", sepa)
	}
	f = parseFile(t, "mt940/ing-mt940-ibp-unstructured-example.txt", Options{Today: today})
	ibp := f.Statements[0].Entries
	if rf := ibp[2].Details[0].CreditorRef; rf != (CreditorRef{Ref: "RF35567890123456789012345", Issuer: "ISO"}) {
		t.Errorf("RF reference %+v", rf)
	}
	ret := ibp[3].Details[0]
	if ret.ReturnReason != "AC04" || ret.Counterparty.BIC != "INGBNL2A" || ret.Counterparty.Account != "NL20INGB0002222222" ||
		!strings.HasPrefix(ret.Remittance, "Creditor Name 01 E2ENA01014ULT24102013T1100xxxx1xxxx ") {
		t.Errorf("ING IBP return %+v", ret)
	}
	f = parseFile(t, "mt940/sns-mt940-oca.940", Options{Today: today})
	dd := f.Statements[0].Entries[2].Details[0]
	if dd.Counterparty.IBAN != "NL94INGB0000869000" || dd.Counterparty.Name != "vitens nv" ||
		dd.CreditorID != "NL84ZZZ050695810000" || dd.MandateID != "bla" {
		t.Errorf("sns %+v", dd)
	}
}

// Every message id this package gives out can be said in Dutch and English.
func TestMessagesInCatalog(t *testing.T) {
	c, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{ErrUnknownFormat, ErrTooLarge, ErrRead, ErrXML, ErrStructure, ErrAmount, ErrDate, ErrMark,
		ErrNoStatements, WarnNoOpeningBalance, WarnNoClosingBalance, WarnBalancesDoNotAddUp, WarnDatedAfterToday,
		WarnLenientValue, WarnCurrencyDiffers, WarnTxAmountsDiffer, WarnNotUTF8, WarnTooMany}
	for _, id := range ids {
		for _, lang := range i18n.Languages {
			if !c.Has(lang, id) {
				t.Errorf("%s has no %s text", id, lang)
			}
		}
	}
}
