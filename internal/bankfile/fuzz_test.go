package bankfile

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"hms/internal/money"
)

func seedFuzz(f *testing.F, dir string) {
	names, err := os.ReadDir(filepath.Join("testdata", dir))
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", dir, n.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// checkResult holds for any input: a file or a *ParseError, never both; a file
// has statements and every entry has a transaction.
func checkResult(t *testing.T, file *File, err error) {
	if err != nil {
		var pe *ParseError
		if file != nil || !errors.As(err, &pe) {
			t.Fatalf("result %v with error %v (%T)", file, err, err)
		}
		return
	}
	if file == nil || len(file.Statements) == 0 {
		t.Fatalf("no error and no statements: %v", file)
	}
	for _, s := range file.Statements {
		for _, e := range s.Entries {
			if len(e.Details) == 0 {
				t.Fatalf("entry without transaction: %+v", e)
			}
		}
	}
}

func FuzzCamt053(f *testing.F) {
	seedFuzz(f, "camt053")
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(bytes.NewReader(data), Options{Today: today, MaxBytes: 1 << 20})
		checkResult(t, file, err)
	})
}

func FuzzMT940(f *testing.F) {
	seedFuzz(f, "mt940")
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(bytes.NewReader(data), Options{Today: today, MaxBytes: 1 << 20})
		checkResult(t, file, err)
	})
}

// writeCamt writes a camt.053.001.02 statement with n entries, each with one
// transaction as a Dutch bank writes it; it returns the sum of the entries.
func writeCamt(w io.Writer, n int) (money.Cents, error) {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-01-31T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>BENCH-1</Id><LglSeqNb>1</LglSeqNb><CreDtTm>2026-01-31T18:00:00</CreDtTm>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-01</Dt></Dt></Bal>
`)
	var sum money.Cents
	var ntries bytes.Buffer
	for i := range n {
		amount := money.Cents(50_000 + i%97*113)
		mark, party, acct := "CRDT", "Dbtr", "DbtrAcct"
		if i%5 == 4 {
			mark, party, acct = "DBIT", "Cdtr", "CdtrAcct"
			sum -= amount
		} else {
			sum += amount
		}
		day := 1 + i%28
		fmt.Fprintf(&ntries, `<Ntry><Amt Ccy="EUR">%s</Amt><CdtDbtInd>%s</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-01-%02d</Dt></BookgDt><ValDt><Dt>2026-01-%02d</Dt></ValDt><AcctSvcrRef>REF%08d</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>E2E-%08d</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">%s</Amt></TxAmt></AmtDtls>
<RltdPties><%s><Nm>Huurder %d</Nm></%s><%s><Id><IBAN>NL20INGB0001234567</IBAN></Id></%s></RltdPties>
<RmtInf><Ustrd>Huur januari 2026 eenheid %d</Ustrd><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp>
<Ref>1000002025000123</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
`, amount, mark, day, day, i, i, amount, party, i, party, acct, acct, i)
		if ntries.Len() > 32<<10 {
			if _, err := bw.Write(ntries.Bytes()); err != nil {
				return 0, err
			}
			ntries.Reset()
		}
	}
	bw.Write(ntries.Bytes())
	mark := "CRDT"
	closing := sum
	if closing < 0 {
		mark, closing = "DBIT", -closing
	}
	fmt.Fprintf(bw, `<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">%s</Amt><CdtDbtInd>%s</CdtDbtInd>
<Dt><Dt>2026-01-31</Dt></Dt></Bal>
</Stmt></BkToCstmrStmt></Document>
`, closing, mark)
	return sum, bw.Flush()
}

// A large statement is read through a pipe, so the document never exists
// as a whole; the balance check passes only if every entry was read right.
func TestLargeCamtStreams(t *testing.T) {
	n := 30_000 // BenchmarkCamt053 reads 100,000; the pipe shows streaming at any size
	pr, pw := io.Pipe()
	sums := make(chan money.Cents, 1)
	go func() {
		sum, err := writeCamt(pw, n)
		sums <- sum
		pw.CloseWithError(err)
	}()
	f, err := Parse(pr, Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	sum := <-sums
	s := f.Statements[0]
	if len(s.Entries) != n || s.Closing.Amount != sum || len(s.Warnings) != 0 {
		t.Fatalf("%d entries, closing %s (want %d, %s), warnings %v", len(s.Entries), s.Closing.Amount, n, sum, s.Warnings)
	}
	last := s.Entries[n-1].Details[0]
	if last.EndToEndID != fmt.Sprintf("E2E-%08d", n-1) || last.CreditorRef.Ref != "1000002025000123" {
		t.Errorf("last transaction %+v", last)
	}
}

// baselineNtry is what a plain encoding/xml decode of an entry needs.
type baselineNtry struct {
	Amt       string `xml:"Amt"`
	CdtDbtInd string `xml:"CdtDbtInd"`
	BookgDt   string `xml:"BookgDt>Dt"`
	E2E       string `xml:"NtryDtls>TxDtls>Refs>EndToEndId"`
	Name      string `xml:"NtryDtls>TxDtls>RltdPties>Dbtr>Nm"`
	Ustrd     string `xml:"NtryDtls>TxDtls>RmtInf>Ustrd"`
}

// BenchmarkCamt053 compares Parse with the floor: streaming the same document
// through encoding/xml, decoding each Ntry into a minimal struct.
func BenchmarkCamt053(b *testing.B) {
	var doc bytes.Buffer
	if _, err := writeCamt(&doc, 100_000); err != nil {
		b.Fatal(err)
	}
	b.Run("bankfile", func(b *testing.B) {
		b.SetBytes(int64(doc.Len()))
		for b.Loop() {
			f, err := Parse(bytes.NewReader(doc.Bytes()), Options{})
			if err != nil || len(f.Statements[0].Entries) != 100_000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline", func(b *testing.B) {
		b.SetBytes(int64(doc.Len()))
		for b.Loop() {
			dec := xml.NewDecoder(bytes.NewReader(doc.Bytes()))
			var entries []baselineNtry
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
				if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Ntry" {
					var e baselineNtry
					if err := dec.DecodeElement(&e, &se); err != nil {
						b.Fatal(err)
					}
					entries = append(entries, e)
				}
			}
			if len(entries) != 100_000 {
				b.Fatal(len(entries))
			}
		}
	})
}
