package bankfile

import (
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"hms/internal/money"
	"hms/internal/platform/civil"
)

// today is the injected "today" of these tests: after every date in the files.
var today = civil.MustParse("2026-03-01")

// fileCase is what a test file holds, found without this package.
type fileCase struct {
	name       string
	statements int
	entries    int
	sum        money.Cents // Σ entry amounts, credit positive
}

// The camt numbers were read with xmllint (TestEveryFileParses checks them again
// with the same XPath):
//
//	count(//*[local-name()='Stmt']), count(//*[local-name()='Ntry']),
//	sum(//Ntry[CdtDbtInd='CRDT']/Amt) - sum(//Ntry[CdtDbtInd='DBIT']/Amt)
//
// The MT940 numbers come from the lines of each file alone: statements are the
// ":20:" lines, entries the ":61:" lines, and the sum adds each :61: amount with
// its mark (C and RD plus, D and RC minus) — a separate script, not this parser.
var camtCases = []fileCase{
	{"camt053/abnamro-camt053.001.02-oca-test1.xml", 1, 3, -1299},
	{"camt053/generic-camt053.001.08-genkgo.xml", 1, 1, 885},
	{"camt053/rabobank-camt053.001.02-multistatement.xml", 132, 9, -802653},
}

var mt940Cases = []fileCase{
	{"mt940/abnamro-mt940-mixed-bea-ideal-acceptgiro.txt", 2, 10, -602110},
	{"mt940/abnamro-mt940-sepa-overboeking-incasso.txt", 1, 2, 4702},
	{"mt940/abnamro-mt940-voorbeeldbestanden-2013.txt", 13, 13, 36089},
	{"mt940/asn-mt940-anonymised.txt", 31, 8, 5694},
	{"mt940/bunq-mt940.txt", 1, 111, -2667},
	{"mt940/ing-mt940-ibp-structured-example.txt", 1, 3, -658},
	{"mt940/ing-mt940-ibp-unstructured-example.txt", 1, 5, -9},
	{"mt940/ing-mt940-mijn-ing-zakelijk-iban.txt", 1, 21, -19045},
	{"mt940/ing-mt940-mijn-ing-zakelijk-single-message.txt", 1, 9, 334215},
	{"mt940/ing-mt940-mijn-ing-zakelijk-spec-example.txt", 1, 8, -9788},
	{"mt940/knab-mt940-60m-62m-acceptgiro.txt", 1, 5, -15184},
	{"mt940/mollie-mt940-settlement-voorbeeld.txt", 1, 21, -135026},
	{"mt940/rabobank-mt940-structured-batch-pref.txt", 1, 3, -177939},
	{"mt940/rabobank-mt940-structured-multiday.txt", 2, 12, 1842830},
	{"mt940/rabobank-mt940-structured-oca.swi", 4, 2, 36539},
	{"mt940/rabobank-mt940-structured-scor-betalingskenmerk.txt", 1, 1, -200000},
	{"mt940/sns-mt940-oca.940", 3, 8, -171568},
	{"mt940/triodos-mt940-cntp-structured.txt", 1, 4, 772878},
	{"mt940/triodos-mt940-legacy-multiaccount.txt", 2, 8, -9098},
	{"mt940/vanlanschot-mt940.txt", 3, 4, -20399},
}

func parseFile(t testing.TB, name string, opt Options) *File {
	t.Helper()
	fh, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := Parse(fh, opt)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

func TestEveryFileParses(t *testing.T) {
	all := append(append([]fileCase{}, camtCases...), mt940Cases...)
	seen := map[string]bool{}
	for _, c := range all {
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			f := parseFile(t, c.name, Options{Today: today})
			wantFormat := FormatMT940
			if strings.HasSuffix(c.name, ".xml") {
				wantFormat = FormatCamt053
				checkWithXmllint(t, c)
			}
			if f.Format != wantFormat {
				t.Errorf("format %q, want %q", f.Format, wantFormat)
			}
			if len(f.Statements) != c.statements {
				t.Errorf("%d statements, want %d", len(f.Statements), c.statements)
			}
			var n int
			var sum money.Cents
			for _, s := range f.Statements {
				for _, e := range s.Entries {
					n++
					sum += e.Amount
					if len(e.Details) == 0 {
						t.Errorf("entry at %d%s has no transaction", e.Line, e.Path)
					}
					if e.BookingDate.IsZero() {
						t.Errorf("entry at %d%s has no booking date", e.Line, e.Path)
					}
				}
				for _, w := range s.Warnings {
					if w.MsgID == WarnDatedAfterToday {
						t.Errorf("warning %v, but every date is before %s", w, today)
					}
				}
			}
			if n != c.entries || sum != c.sum {
				t.Errorf("%d entries adding up to %s, want %d adding up to %s", n, sum, c.entries, c.sum)
			}
		})
	}
	// Every file of the shared test data has a case (the copies are the same files).
	for _, dir := range []string{"camt053", "mt940"} {
		names, err := os.ReadDir(filepath.Join("testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range names {
			if !seen[dir+"/"+e.Name()] {
				t.Errorf("testdata/%s/%s has no case", dir, e.Name())
			}
		}
	}
}

// checkWithXmllint recounts a camt file with xmllint, so the table above is not
// only this package's opinion.
func checkWithXmllint(t *testing.T, c fileCase) {
	t.Helper()
	if _, err := exec.LookPath("xmllint"); err != nil {
		if os.Getenv("HMS_TEST_REQUIRE") == "all" {
			t.Fatal("xmllint (libxml2-utils) is required")
		}
		t.Log("xmllint not installed: the table is not rechecked")
		return
	}
	path := filepath.Join("testdata", c.name)
	xpath := func(expr string) float64 {
		out, err := exec.Command("xmllint", "--xpath", expr, path).Output()
		if err != nil {
			t.Fatalf("xmllint %s: %v", expr, err)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
		if err != nil {
			t.Fatalf("xmllint %s: %q", expr, out)
		}
		return v
	}
	const ntry = "//*[local-name()='Ntry']"
	sumOf := func(mark string) string {
		return "sum(" + ntry + "[*[local-name()='CdtDbtInd']='" + mark + "']/*[local-name()='Amt'])"
	}
	stmts := xpath("count(//*[local-name()='Stmt'])")
	entries := xpath("count(" + ntry + ")")
	sum := xpath(sumOf("CRDT") + " - " + sumOf("DBIT"))
	if int(stmts) != c.statements || int(entries) != c.entries || money.Cents(math.Round(sum*100)) != c.sum {
		t.Errorf("xmllint counts %v statements, %v entries, sum %v; the table says %d, %d, %s",
			stmts, entries, sum, c.statements, c.entries, c.sum)
	}
}

func TestParseErrorNeverComesWithAResult(t *testing.T) {
	for _, in := range []string{"", "hello", "<Document><BkToCstmrStmt></BkToCstmrStmt></Document>",
		`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn/></Document>`} {
		f, err := Parse(strings.NewReader(in), Options{})
		var pe *ParseError
		if f != nil || !errors.As(err, &pe) {
			t.Errorf("Parse(%.30q) = %v, %v; want only a *ParseError", in, f, err)
		}
	}
}

func TestMaxBytes(t *testing.T) {
	fh, err := os.Open("testdata/camt053/rabobank-camt053.001.02-multistatement.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := Parse(fh, Options{MaxBytes: 100_000})
	var pe *ParseError
	if f != nil || !errors.As(err, &pe) || pe.MsgID != ErrTooLarge {
		t.Fatalf("a 176 kB file under a 100 kB limit: %v, %v", f, err)
	}
	data, err := os.ReadFile("testdata/mt940/bunq-mt940.txt")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(strings.NewReader(string(data)), Options{MaxBytes: int64(len(data))}); err != nil {
		t.Fatalf("a file of exactly MaxBytes: %v", err)
	}
	_, err = Parse(strings.NewReader(string(data)), Options{MaxBytes: int64(len(data)) - 1})
	if !errors.As(err, &pe) || pe.MsgID != ErrTooLarge {
		t.Fatalf("one byte over MaxBytes: %v", err)
	}
}
