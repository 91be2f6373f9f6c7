package nl

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateBIC(t *testing.T) {
	for _, s := range []string{"INGBNL2A", "ABNANL2A", "RABONL2U", "ABNANL2AXXX", "DEUTDEFF500", "bngh nl 2g", "NWBKGB2L"} {
		if err := ValidateBIC(s); err != nil {
			t.Errorf("ValidateBIC(%q) = %v", s, err)
		}
	}
	tests := []struct{ in, reason string }{
		{"", "empty"},
		{"INGBNL2", "8 or 11"},
		{"INGBNL2AX", "8 or 11"},
		{"INGBNL2AXXXX", "8 or 11"},
		{"1NGBNL2A", "bank code"},
		{"INGBN12A", "country code"},
		{"INGBNL-A", "location"},
		{"INGBNL2AX-X", "branch"},
	}
	for _, tt := range tests {
		err := ValidateBIC(tt.in)
		if err == nil || !errors.Is(err, ErrBIC) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ValidateBIC(%q) = %v, want ErrBIC mentioning %q", tt.in, err, tt.reason)
		}
	}
	if got := NormalizeBIC(" ingb nl2a "); got != "INGBNL2A" {
		t.Errorf("NormalizeBIC = %q", got)
	}
}

func TestBICOfIBAN(t *testing.T) {
	for iban, want := range map[string]string{
		"NL91ABNA0417164300": "ABNANL2A", "NL86INGB0002445588": "INGBNL2A", "NL44RABO0123456789": "RABONL2U",
		"NL00ZZZZ0123456789": "", "DE89370400440532013000": "",
	} {
		if got := BICOfIBAN(iban); got != want {
			t.Errorf("BICOfIBAN(%s) = %q, want %q", iban, got, want)
		}
		if got := BICOfIBAN(iban); got != "" && ValidateBIC(got) != nil {
			t.Errorf("BICOfIBAN(%s) = %q is no valid BIC", iban, got)
		}
	}
}
