package report_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"hms/internal/money"
	"hms/internal/platform/civil"
	"hms/internal/platform/pdfdoc/pdfdoctest"
	"hms/internal/report"
)

// A long rent roll runs over pages: every page has the table's head, every
// row is there once, long names wrap inside their column instead of running
// into the next (pdftotext finds each address's first words left of the
// complex), and the totals and the rule end the last page.
func TestLongReportRunsOverPages(t *testing.T) {
	rr := &report.RentRollReport{On: civil.New(2026, 3, 1)}
	for i := range 90 {
		row := report.RentRollRow{UnitID: int64(i + 1), Address: fmt.Sprintf("Burgemeester van Reenensingel %d, 2803 PA Gouda", i+1),
			Complex: "Woongebouw De Lange Vlietlanden", Tenants: []string{"J.P. van den Heuvel-Kromhout", "M. de Vries"},
			Reference: fmt.Sprintf("2025-%04d", i+1), Start: civil.New(2025, 1, 1), BareRent: 123456, Total: 123456, Deposit: 246912}
		if i%7 == 0 {
			row = report.RentRollRow{UnitID: int64(i + 1), Address: row.Address, Complex: row.Complex, Vacant: true}
		}
		rr.Rows = append(rr.Rows, row)
		rr.Units++
		rr.Total += row.Total
	}
	r := &report.Report{Name: report.RentRoll, Params: report.Params{On: rr.On}, Org: "Woonstichting Zuiderhuis", Made: rr.On,
		RentRoll: rr}
	pdf, err := r.PDF("nl")
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("HMS_PDF_DUMP"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "rent_roll_long.pdf"), pdf, 0o600) // only to look at
	}
	text := pdfdoctest.Text(t, pdf)
	pages := strings.Split(text, "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	if len(pages) < 3 {
		t.Fatalf("%d pages for 90 rows", len(pages))
	}
	for i, p := range pages {
		if !strings.Contains(p, "Adres") || !strings.Contains(p, "Waarborgsom") {
			t.Errorf("page %d has no head:\n%.1500s", i+1, p)
		}
		if !strings.Contains(p, fmt.Sprintf("pagina %d van %d", i+1, len(pages))) {
			t.Errorf("page %d has no page number", i+1)
		}
	}
	for i := range 90 {
		if n := strings.Count(text, fmt.Sprintf("Reenensingel %d,", i+1)); n != 1 {
			t.Errorf("row %d appears %d times", i+1, n)
		}
	}
	for _, line := range strings.Split(text, "\n") {
		// A wrapped address keeps its first words in its own column: the
		// complex's name starts after them, never inside them.
		if i := strings.Index(line, "Burgemeester"); i >= 0 {
			if j := strings.Index(line, "Woongebouw"); j >= 0 && j < i+len("Burgemeester van") {
				t.Errorf("columns run into each other: %q", line)
			}
		}
	}
	last := pages[len(pages)-1]
	if !strings.Contains(last, "Totaal") || !strings.Contains(last, money.Format(rr.Total, "nl")) ||
		!strings.Contains(last, "Per verhuureenheid") {
		t.Errorf("the last page lacks the totals or the rule:\n%s", last)
	}
}
