// Package pdfdoc holds what HMS's documents (invoices, settlement
// statements) print alike: the issuer's block at the top right and the
// footer line with the issuer's numbers, so every document names the
// landlord the same way (art. 35a Wet OB: name, address, VAT id;
// Handelsregisterbesluit art. 20: KvK number).
package pdfdoc

import (
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"hms/internal/nl"
)

// Issuer is who sends a document: the landlord as printed.
type Issuer struct {
	Name, Address    string
	KvK, VATID, IBAN string
}

// Labels are the words for the issuer's numbers in the document's language.
type Labels struct {
	KvK, VATID, IBAN string
}

// Numbers are the issuer's KvK number and VAT id with their labels, those
// that are known.
func (i Issuer) Numbers(l Labels) []string {
	var out []string
	if i.KvK != "" {
		out = append(out, l.KvK+" "+i.KvK)
	}
	if i.VATID != "" {
		out = append(out, l.VATID+" "+i.VATID)
	}
	return out
}

// Lines are the issuer's address, numbers and IBAN, one a line.
func (i Issuer) Lines(l Labels) []string {
	var out []string
	if i.Address != "" {
		out = append(out, i.Address)
	}
	out = append(out, i.Numbers(l)...)
	if i.IBAN != "" {
		out = append(out, l.IBAN+" "+nl.FormatIBAN(i.IBAN))
	}
	return out
}

// Footer is the footer line: the issuer's name and numbers, then the
// document's own parts (its title, the page), separated by " · ".
func (i Issuer) Footer(l Labels, parts ...string) string {
	return strings.Join(append(append([]string{i.Name}, i.Numbers(l)...), parts...), " · ")
}

// Block writes the issuer top right: the name in bold, then its lines,
// in the "dejavu" font the document has loaded.
func Block(pdf *fpdf.Fpdf, i Issuer, l Labels) {
	pdf.SetFont("dejavu", "B", 11)
	pdf.MultiCell(0, 5.5, i.Name, "", "R", false)
	pdf.SetFont("dejavu", "", 9)
	if lines := i.Lines(l); len(lines) > 0 {
		pdf.MultiCell(0, 4.5, strings.Join(lines, "\n"), "", "R", false)
	}
}
