package pdfdoc

import (
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// BenchmarkDocument makes a one-page document with both embedded faces,
// beside the same page in PDF's built-in Helvetica (nothing embedded) in
// the same run: what embedding the faces costs each document. A rent run's
// documents job makes one per invoice.
func BenchmarkDocument(b *testing.B) {
	const line = "Factuur 2026-000123 — huur januari 2026 — € 1.234,56 — M. Özdemir, Parkweg 12, 3521 CD Utrecht"
	b.Run("dejavu", func(b *testing.B) {
		for b.Loop() {
			d := New(Meta{Lang: "nl", Title: "Factuur", Created: time.Unix(0, 0), Layout: InvoiceLayout})
			d.SetFont("dejavu", "", 10)
			d.Cell(0, 10, line)
			d.SetFont("dejavu", "B", 10)
			d.Cell(0, 10, line)
			if _, err := d.Bytes(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("helvetica-baseline", func(b *testing.B) {
		tr := fpdf.New("P", "mm", "A4", "").UnicodeTranslatorFromDescriptor("cp1252")
		for b.Loop() {
			pdf := fpdf.New("P", "mm", "A4", "")
			pdf.SetCreationDate(time.Unix(0, 0))
			pdf.AddPage()
			pdf.SetFont("Helvetica", "", 10)
			pdf.Cell(0, 10, tr(line))
			pdf.SetFont("Helvetica", "B", 10)
			pdf.Cell(0, 10, tr(line))
			if err := pdf.Output(discard{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
