package sepa

import (
	"encoding/xml"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"hms/internal/money"
	"hms/internal/platform/civil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// created is the batch's creation time: 20 March 2026, 10:30 in Amsterdam.
var created = time.Date(2026, 3, 20, 9, 30, 0, 0, time.UTC)

// validateXSD checks doc against the ISO schema of version with xmllint.
func validateXSD(t *testing.T, version string, doc []byte) {
	t.Helper()
	if out, err := xmllint(t, version, doc); err != nil {
		t.Fatalf("%s file does not validate: %v\n%s", version, err, out)
	}
}

func xmllint(t *testing.T, version string, doc []byte) ([]byte, error) {
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
	xsd := filepath.Join("testdata", "xsd", version+".xsd")
	return exec.Command("xmllint", "--noout", "--schema", xsd, f).CombinedOutput()
}

// golden compares doc with testdata/golden/name, or rewrites it with -update.
// A change here means a batch made before would no longer download
// byte-identical: make it only on purpose.
func golden(t *testing.T, name string, doc []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once to write it)", err)
	}
	if string(doc) != string(want) {
		t.Errorf("%s differs from the golden file %s", name, path)
	}
}

// Readers of written files, by local element names (namespace-agnostic):
// they read the file as a bank would, independently of the writer's structs.
type readTx struct {
	EndToEndID string     `xml:"PmtId>EndToEndId"`
	Amount     readAmount `xml:"InstdAmt"`
	CTAmount   readAmount `xml:"Amt>InstdAmt"`
	MandateID  string     `xml:"DrctDbtTx>MndtRltdInf>MndtId"`
	SignedOn   string     `xml:"DrctDbtTx>MndtRltdInf>DtOfSgntr"`
	Amended    string     `xml:"DrctDbtTx>MndtRltdInf>AmdmntInd"`
	OrigID     string     `xml:"DrctDbtTx>MndtRltdInf>AmdmntInfDtls>OrgnlMndtId"`
	OrigCdtrID string     `xml:"DrctDbtTx>MndtRltdInf>AmdmntInfDtls>OrgnlCdtrSchmeId>Id>PrvtId>Othr>Id"`
	OrigAcct   string     `xml:"DrctDbtTx>MndtRltdInf>AmdmntInfDtls>OrgnlDbtrAcct>Id>Othr>Id"`
	TxSchemeID string     `xml:"DrctDbtTx>CdtrSchmeId>Id>PrvtId>Othr>Id"`
	DbtrBIC    string     `xml:"DbtrAgt>FinInstnId>BIC"`
	DbtrBICFI  string     `xml:"DbtrAgt>FinInstnId>BICFI"`
	DbtrOther  string     `xml:"DbtrAgt>FinInstnId>Othr>Id"`
	DbtrName   string     `xml:"Dbtr>Nm"`
	DbtrIBAN   string     `xml:"DbtrAcct>Id>IBAN"`
	CdtrBIC    string     `xml:"CdtrAgt>FinInstnId>BIC"`
	CdtrBICFI  string     `xml:"CdtrAgt>FinInstnId>BICFI"`
	CdtrName   string     `xml:"Cdtr>Nm"`
	CdtrIBAN   string     `xml:"CdtrAcct>Id>IBAN"`
	Ustrd      string     `xml:"RmtInf>Ustrd"`
	RefCode    string     `xml:"RmtInf>Strd>CdtrRefInf>Tp>CdOrPrtry>Cd"`
	RefIssuer  string     `xml:"RmtInf>Strd>CdtrRefInf>Tp>Issr"`
	Ref        string     `xml:"RmtInf>Strd>CdtrRefInf>Ref"`
}

type readAmount struct {
	Value    string `xml:",chardata"`
	Currency string `xml:"Ccy,attr"`
}

type readPmtInf struct {
	ID         string `xml:"PmtInfId"`
	Method     string `xml:"PmtMtd"`
	NbOfTxs    string `xml:"NbOfTxs"`
	CtrlSum    string `xml:"CtrlSum"`
	SeqTp      string `xml:"PmtTpInf>SeqTp"`
	Collection string `xml:"ReqdColltnDt"`
	Execution  struct {
		Text string `xml:",chardata"`
		Dt   string `xml:"Dt"`
	} `xml:"ReqdExctnDt"`
	SchemeID  string   `xml:"CdtrSchmeId>Id>PrvtId>Othr>Id"`
	CdtrName  string   `xml:"Cdtr>Nm"`
	DbtrName  string   `xml:"Dbtr>Nm"`
	Txs       []readTx `xml:"DrctDbtTxInf"`
	Transfers []readTx `xml:"CdtTrfTxInf"`
}

type readBody struct {
	Header struct {
		MsgID   string `xml:"MsgId"`
		Created string `xml:"CreDtTm"`
		NbOfTxs string `xml:"NbOfTxs"`
		CtrlSum string `xml:"CtrlSum"`
		Party   string `xml:"InitgPty>Nm"`
	} `xml:"GrpHdr"`
	PmtInf []readPmtInf `xml:"PmtInf"`
}

// read reads a written file back; the namespace says its version.
func read(t *testing.T, doc []byte) (namespace string, body readBody) {
	t.Helper()
	var f struct {
		XMLName     xml.Name
		DirectDebit *readBody `xml:"CstmrDrctDbtInitn"`
		Transfer    *readBody `xml:"CstmrCdtTrfInitn"`
	}
	if err := xml.Unmarshal(doc, &f); err != nil {
		t.Fatalf("read back: %v", err)
	}
	switch {
	case f.DirectDebit != nil:
		return f.XMLName.Space, *f.DirectDebit
	case f.Transfer != nil:
		return f.XMLName.Space, *f.Transfer
	}
	t.Fatal("read back: neither a direct debit nor a credit transfer")
	return "", readBody{}
}

// cents parses a decimal amount as written in the file ("1234.56"), refusing
// anything but exactly two decimals.
func cents(t *testing.T, s string) money.Cents {
	t.Helper()
	whole, frac, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if !ok || len(frac) != 2 || err != nil {
		t.Fatalf("amount %q is not written with two decimals", s)
	}
	return money.Cents(n)
}

func date(s string) civil.Date { return civil.MustParse(s) }

func itoa(n int) string { return strconv.Itoa(n) }
