package csvsafe

import "testing"

// CSV export defuses formulas without turning negative amounts into text
// (hardening issue, "clean input"): "=HYPERLINK(…)" and "-2+3+cmd|' /C calc'!A0"
// get an apostrophe, "-12,50" and "-1.234,56" stay numbers, and Undo gives
// back what was exported.
func TestNegativeAmountsStayNumbersFormulasAreDefused(t *testing.T) {
	for in, want := range map[string]string{
		"-12,50":                   "-12,50",
		"-1.234,56":                "-1.234,56",
		"-12.50":                   "-12.50",
		"+31":                      "+31",
		"12,50":                    "12,50",
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"-2+3+cmd|' /C calc'!A0":   "'-2+3+cmd|' /C calc'!A0",
		"@SUM(A1)":                 "'@SUM(A1)",
		"+31 6 1234":               "'+31 6 1234",
		"\t=1+1":                   "'\t=1+1",
		"\r=1+1":                   "'\r=1+1",
		"-":                        "'-",
		"-1,":                      "'-1,",
		"Hof":                      "Hof",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
		if got := Undo(Cell(in)); got != in {
			t.Errorf("Undo(Cell(%q)) = %q", in, got)
		}
	}
}
