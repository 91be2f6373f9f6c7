// Package csvsafe defuses spreadsheet formulas in exported CSV cells: a
// cell that starts with = + - @, a tab or a carriage return gets a leading
// apostrophe, so Excel or LibreOffice shows it as text instead of running
// it. Plain numbers ("-12,50", "-1.234,56", "-12.50") stay numbers: a
// negative amount must still add up in the spreadsheet.
package csvsafe

import "strings"

// Cell returns c defused (see the package comment).
func Cell(c string) string {
	if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) || number(c) {
		return c
	}
	return "'" + c
}

// Row defuses every cell of row into a new slice.
func Row(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = Cell(c)
	}
	return out
}

// Undo takes back the apostrophe Cell put before a cell, so an exported
// file imports as the same values.
func Undo(c string) string {
	if len(c) > 1 && c[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(c[1])) {
		return c[1:]
	}
	return c
}

// number reports whether c is a signed amount or count: a sign, then only
// digits with '.' and ',' as separators, a digit first and last. Nothing a
// spreadsheet could run is made of those.
func number(c string) bool {
	if c[0] != '-' && c[0] != '+' {
		return false
	}
	d := c[1:]
	if d == "" || !digit(d[0]) || !digit(d[len(d)-1]) {
		return false
	}
	for i := range len(d) {
		if !digit(d[i]) && d[i] != '.' && d[i] != ',' {
			return false
		}
	}
	return true
}

func digit(b byte) bool { return b >= '0' && b <= '9' }
