package sepa

import (
	"strings"
	"testing"
)

func TestTextReducesToTheSEPACharacterSet(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"Jan de Vries", 70, "Jan de Vries"},
		{"Zoë Çelik-Ünal", 70, "Zoe Celik-Unal"},
		{"François Dvořák", 70, "Francois Dvorak"},
		{"Straße Ærø Œuvre Łódź", 70, "Strasse AEro OEuvre Lodz"},
		{"Bakkerij ’t Stoepje & Zn.", 70, "Bakkerij 't Stoepje + Zn."},
		{"Huur — april 2026 “borg”", 70, "Huur - april 2026 'borg'"},
		{"  veel   spaties\tin\nhet midden  ", 70, "veel spaties in het midden"},
		{"€ 12,50 @ 100% #3 ; <b>", 70, "12,50 100 3 b"},
		{"王小明", 70, ""},
		{"王 Li", 70, "Li"},
		{"abcdefghij", 5, "abcde"},
		{"abcd efghij", 5, "abcd"}, // no trailing space after the cut
		{"Ĳsselmeer", 70, "IJsselmeer"},
	} {
		if got := Text(c.in, c.max); got != c.want {
			t.Errorf("Text(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
	long := Text(strings.Repeat("é", 300), maxRemittance)
	if long != strings.Repeat("e", maxRemittance) {
		t.Errorf("long text: %d characters %q", len(long), long[:10])
	}
}

func TestValidID(t *testing.T) {
	for s, want := range map[string]bool{
		"HMS-2026-04-0001":      true,
		"MND 12/3":              true,
		"":                      false,
		strings.Repeat("A", 35): true,
		strings.Repeat("A", 36): false,
		"/leading":              false,
		"trailing/":             false,
		"double//slash":         false,
		" space":                false,
		"space ":                false,
		"café":                  false,
		"a&b":                   false,
		"a_b":                   false,
	} {
		if got := validID(s); got != want {
			t.Errorf("validID(%q) = %v, want %v", s, got, want)
		}
	}
}
