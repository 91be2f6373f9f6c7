package validation

import "testing"

// The attack: text that is not what it looks like (a NUL that PostgreSQL
// refuses with a 500 and SQLite stores, a right-to-left override that turns
// "txt.exe" around, bytes that are not UTF-8) is refused; ordinary Dutch
// text, and newlines where a field has lines, pass.
func TestTextRefusesControlAndBidiCharacters(t *testing.T) {
	for _, c := range []struct {
		in        string
		multiline bool
		ok        bool
	}{
		{"Café 't Hoekje – ’s-Hertogenbosch €12", false, true},
		{"", false, true},
		{"regel 1\nregel 2\r\n\tingesprongen", true, true},
		{"regel 1\nregel 2", false, false},
		{"tab\there", false, false},
		{"alleen\rCR", true, false},
		{"ni\x00l", false, false},
		{"ni\x00l", true, false},
		{"bel\x07", true, false},
		{"del\x7f", false, false},
		{"c1\u0085", true, false},
		{"invoice\u202egpj.exe", false, false},
		{"iso\u2066late", true, false},
		{"mark\u200f", false, false},
		{"bad \xff utf8", true, false},
		{"replaced \ufffd", false, false},
	} {
		got := Text(c.in, c.multiline)
		if (got == "") != c.ok {
			t.Errorf("Text(%q, %v) = %q, want ok=%v", c.in, c.multiline, got, c.ok)
		}
	}
	fe := Errors{}
	fe.CheckText("name", "a\x00", false)
	fe.CheckText("city", "Utrecht", false)
	if len(fe) != 1 || fe["name"] != MsgText {
		t.Fatalf("CheckText: %v", fe)
	}
}
