package nl

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizePostcode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1234 AB", "1234 AB"},
		{"1234ab", "1234 AB"},
		{"1234aB", "1234 AB"},
		{" 1234  ab ", "1234 AB"},
		{"2601\u00a0DC", "2601 DC"},
		{"9999 ZZ", "9999 ZZ"},
		{"1000 AA", "1000 AA"},
		{"1234 SB", "1234 SB"},
		{"1234 AS", "1234 AS"},
	}
	for _, tt := range tests {
		got, err := NormalizePostcode(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizePostcode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if err := ValidatePostcode(tt.in); err != nil {
			t.Errorf("ValidatePostcode(%q) = %v", tt.in, err)
		}
	}
}

func TestNormalizePostcodeErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"", "4 digits followed by 2 letters"},
		{"1234", "4 digits followed by 2 letters"},
		{"1234 A", "4 digits followed by 2 letters"},
		{"1234 ABC", "4 digits followed by 2 letters"},
		{"12345 AB", "4 digits followed by 2 letters"},
		{"123 AB", "4 digits followed by 2 letters"},
		{"1234 A1", "4 digits followed by 2 letters"},
		{"1234-AB", "4 digits followed by 2 letters"},
		{"AB 1234", "4 digits followed by 2 letters"},
		{"1234 ÄB", "4 digits followed by 2 letters"},
		{"1234 A B", "4 digits followed by 2 letters"},
		{"0123 AB", "cannot start with 0"},
		{"1234 SA", "SA are not used"},
		{"1234 sd", "SD are not used"},
		{"1234SS", "SS are not used"},
	}
	for _, tt := range tests {
		got, err := NormalizePostcode(tt.in)
		if err == nil || !errors.Is(err, ErrPostcode) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("NormalizePostcode(%q) = %q, %v; want ErrPostcode mentioning %q", tt.in, got, err, tt.reason)
		}
	}
}

func FuzzPostcode(f *testing.F) {
	for _, s := range []string{"1234 AB", "1234ab", "0123 AB", "1234 SS", "", "1234 \u00a0ab", "１２３４ AB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizePostcode(s)
		if err != nil {
			if !errors.Is(err, ErrPostcode) {
				t.Fatalf("NormalizePostcode(%q) error %v does not wrap ErrPostcode", s, err)
			}
			return
		}
		if len(got) != 7 || got[0] < '1' || got[0] > '9' || !isDigits(got[1:4]) || got[4] != ' ' || !isUpperLetters(got[5:]) {
			t.Fatalf("NormalizePostcode(%q) = %q, not of the form 1234 AB", s, got)
		}
		if l := got[5:]; l == "SA" || l == "SD" || l == "SS" {
			t.Fatalf("NormalizePostcode(%q) = %q with forbidden letters", s, got)
		}
		if again, err := NormalizePostcode(got); err != nil || again != got {
			t.Fatalf("NormalizePostcode(%q) = %q, %v; not idempotent", got, again, err)
		}
	})
}
