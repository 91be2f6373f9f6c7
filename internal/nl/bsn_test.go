package nl

import (
	"slices"
	"testing"
)

func TestIsBSN(t *testing.T) {
	valid := []string{
		"111222333", // python-stdnum
		"123456782", // 9+16+21+24+25+24+21+16-2 = 154 = 14×11
		"012345672", // 8+14+18+20+20+18+14-2 = 110 = 10×11
		"004495445",
	}
	for _, s := range valid {
		if !IsBSN(s) {
			t.Errorf("IsBSN(%q) = false", s)
		}
	}
	invalid := []string{
		"", "000000000", "123456789", "111252333", "123456781", "12345678", "1234567820",
		"1234.56.782", "12345678a", " 123456782", "100000060", // remainder 10
	}
	for _, s := range invalid {
		if IsBSN(s) {
			t.Errorf("IsBSN(%q) = true", s)
		}
	}
}

func TestFindBSNs(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"BSN 123456782", []string{"123456782"}},
		{"Mijn BSN is 123456782.", []string{"123456782"}},
		{"1234.56.782", []string{"123456782"}},
		{"bsn 1112.22.333", []string{"111222333"}},
		{"123 456 782", []string{"123456782"}},
		{"123-456-782", []string{"123456782"}},
		{"123.456.782", []string{"123456782"}},
		{"123\u00a0456\u00a0782", []string{"123456782"}},
		{"(123456782)", []string{"123456782"}},
		{"NL123456782B01", []string{"123456782"}}, // old btw-id with a BSN
		{"bsn: 111222333, en 123456789", []string{"111222333"}},
		{"111222333 123456782", []string{"111222333", "123456782"}},
		{"123 456 782 123 456 782", []string{"123456782", "123456782"}},
		{"123456782 2 kinderen", []string{"123456782"}},
		{"huisnummer 12 123456782", []string{"123456782"}},
		{"012345672", []string{"012345672"}},
		{"", nil},
		{"geen nummers", nil},
		{"123456789", nil},                    // fails the 11-test
		{"1234567829", nil},                   // 10 digits
		{"0123456782", nil},                   // 10 digits
		{"123456782123456782", nil},           // 18 digits in one run
		{"12345672", nil},                     // 8 digits: not reported (see FindBSNIndex)
		{"KvK 40536533", nil},                 // 8 digits
		{"IBAN NL91ABNA0417164300", nil},      // 10-digit run
		{"datum 01-02-2024", nil},             // 8 digits
		{"1.234.567.890,00", nil},             // 10 digits, then 2
		{"123  456 782", nil},                 // two spaces: separate numbers
		{"123..456.782", nil},                 // double separator: separate runs
		{"123\n456 782", nil},                 // a newline separates
		{"12345.6789 x 1.2345.6789", nil},     // 9 digits but fails the 11-test
		{"12345.6782", []string{"123456782"}}, // any grouping
		{"1234.56.782.", []string{"123456782"}},
		// "1 11222333" and "11222333 3" are both BSNs; matches do not overlap
		{"1 11222333 3", []string{"111222333"}},
	}
	for _, tt := range tests {
		if got := FindBSNs(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("FindBSNs(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestFindBSNIndex(t *testing.T) {
	text := "a 1234.56.782 b NL111222333B01 c 123 456 782"
	got := FindBSNIndex(text)
	want := [][2]int{{2, 13}, {18, 27}, {33, 44}}
	if !slices.Equal(got, want) {
		t.Fatalf("FindBSNIndex(%q) = %v, want %v", text, got, want)
	}
	wantText := []string{"1234.56.782", "111222333", "123 456 782"}
	for i, m := range got {
		if text[m[0]:m[1]] != wantText[i] {
			t.Errorf("match %d is %q, want %q", i, text[m[0]:m[1]], wantText[i])
		}
	}
	if FindBSNIndex("geen") != nil {
		t.Error("FindBSNIndex without a match is not nil")
	}
}

func FuzzFindBSNs(f *testing.F) {
	for _, s := range []string{"BSN 1234.56.782", "123 456 782 123 456 782", "NL123456782B01", "", "1-2-3-4-5-6-7-8-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		found := FindBSNs(s)
		idx := FindBSNIndex(s)
		if len(found) != len(idx) {
			t.Fatalf("FindBSNs found %d, FindBSNIndex %d", len(found), len(idx))
		}
		end := 0
		for i, m := range idx {
			if m[0] < end || m[1] <= m[0] || m[1] > len(s) {
				t.Fatalf("bad or overlapping match %v in %q", m, s)
			}
			end = m[1]
			if !IsBSN(found[i]) {
				t.Fatalf("FindBSNs(%q) returned %q, not a BSN", s, found[i])
			}
			var digits []byte
			for _, c := range []byte(s[m[0]:m[1]]) {
				if c >= '0' && c <= '9' {
					digits = append(digits, c)
				}
			}
			if string(digits) != found[i] {
				t.Fatalf("match %q has digits %q, FindBSNs says %q", s[m[0]:m[1]], digits, found[i])
			}
		}
	})
}
