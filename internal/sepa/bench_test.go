package sepa

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"testing"
	"time"

	"hms/internal/money"
)

// bigCollection is a realistic month of a large portfolio: n RCUR debits,
// every tenth with a name that needs transliteration, half with a kenmerk.
func bigCollection(n int) Collection {
	c := mixedCollection()
	c.Debits = make([]Debit, n)
	for i := range c.Debits {
		d := Debit{
			EndToEndID: fmt.Sprintf("HMS-2026-04-%07d", i),
			Amount:     money.Cents(650_00 + i%50_000),
			Sequence:   Recurrent,
			Mandate:    Mandate{ID: fmt.Sprintf("MND-%07d", i), SignedOn: date("2021-01-01")},
			Debtor:     Party{Name: fmt.Sprintf("Huurder %d de Vries", i), IBAN: "NL20INGB0001234567", BIC: "INGBNL2A"},
			Remittance: fmt.Sprintf("Huur april 2026 eenheid %d", i),
		}
		if i%10 == 0 {
			d.Debtor.Name = fmt.Sprintf("Zoë Çelik-Ünal %d", i)
		}
		if i%2 == 0 {
			d.Remittance, d.Kenmerk = "", "1000002025000123"
		}
		c.Debits[i] = d
	}
	return c
}

// BenchmarkDirectDebit100k writes a pain.008 of 100,000 debits (checking,
// grouping, transliteration and encoding) and, in the same run, the
// baseline: encoding/xml encoding the same document structs. The ratio
// metric is writer time over baseline time (target below 2).
func BenchmarkDirectDebit100k(b *testing.B) {
	c := bigCollection(100_000)
	prepared, err := DirectDebit(c)
	if err != nil {
		b.Fatal(err)
	}
	var writer, baseline time.Duration
	for b.Loop() {
		start := time.Now()
		f, err := DirectDebit(c)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		w := bufio.NewWriter(io.Discard)
		enc := xml.NewEncoder(w)
		enc.Indent("", "  ")
		if err := enc.Encode(&prepared.doc); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		writer += mid.Sub(start)
		baseline += time.Since(mid)
	}
	b.ReportMetric(float64(writer.Milliseconds())/float64(b.N), "writer-ms/op")
	b.ReportMetric(float64(baseline.Milliseconds())/float64(b.N), "encoding/xml-ms/op")
	b.ReportMetric(float64(writer)/float64(baseline), "ratio")
}
