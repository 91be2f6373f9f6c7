package nl

import (
	"errors"
	"strings"
	"testing"
)

func TestCreditorID(t *testing.T) {
	tests := []struct{ country, business, national, want string }{
		{"NL", "ZZZ", "405365330000", "NL51ZZZ405365330000"}, // DOMAIN §5.5
		{"NL", "", "405365330000", "NL51ZZZ405365330000"},
		{"NL", "ZZZ", "999999991234", "NL32ZZZ999999991234"}, // ING sample
		{"nl", "zzz", "4053 6533 0000", "NL51ZZZ405365330000"},
		// the business code does not take part in the check
		{"NL", "ABC", "405365330000", "NL51ABC405365330000"},
		// python-stdnum eu/at_02 example; Bundesbank test identifier
		{"ES", "ZZZ", "47690558N", "ES23ZZZ47690558N"},
		{"ES", "000", "47690558N", "ES2300047690558N"},
		{"DE", "ZZZ", "09999999999", "DE98ZZZ09999999999"},
	}
	for _, tt := range tests {
		got, err := CreditorID(tt.country, tt.business, tt.national)
		if err != nil || got != tt.want {
			t.Errorf("CreditorID(%q, %q, %q) = %q, %v; want %q", tt.country, tt.business, tt.national, got, err, tt.want)
		}
		if err := ValidateCreditorID(got); err != nil {
			t.Errorf("ValidateCreditorID(%q) = %v", got, err)
		}
	}
	bad := []struct{ country, business, national, reason string }{
		{"N", "ZZZ", "405365330000", "country code"},
		{"NL", "ZZ", "405365330000", "business code"},
		{"NL", "Z-Z", "405365330000", "business code"},
		{"NL", "ZZZ", "40536533", "8-digit KvK"},
		{"NL", "ZZZ", "40536533000A", "8-digit KvK"},
		{"NL", "ZZZ", "000000000000", "zero"},
		{"DE", "ZZZ", "", "letters and digits"},
		{"DE", "ZZZ", strings.Repeat("1", 29), "longer than 28"},
	}
	for _, tt := range bad {
		_, err := CreditorID(tt.country, tt.business, tt.national)
		if err == nil || !errors.Is(err, ErrCreditorID) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("CreditorID(%q, %q, %q) error %v, want ErrCreditorID mentioning %q", tt.country, tt.business, tt.national, err, tt.reason)
		}
	}
}

func TestValidateCreditorID(t *testing.T) {
	for _, s := range []string{"NL51ZZZ405365330000", "NL32ZZZ999999991234", "nl51 zzz 4053 6533 0000", "DE98ZZZ09999999999",
		"ES23ZZZ47690558N", "es 23 zzz 47690558n"} {
		if err := ValidateCreditorID(s); err != nil {
			t.Errorf("ValidateCreditorID(%q) = %v", s, err)
		}
	}
	tests := []struct{ in, reason string }{
		{"", "empty"},
		{"NL51ZZZ", "8 to 35"},
		{"NL51ZZZ" + strings.Repeat("1", 29), "8 to 35"},
		{"NL52ZZZ405365330000", "check digits are wrong"},
		{"NL51ZZZ405365330001", "check digits are wrong"},
		{"NL51ZZZ40536533000", "8-digit KvK"},
		{"NLA1ZZZ405365330000", "check digits"},
		{"1L51ZZZ405365330000", "country code"},
		{"NL51Z-Z405365330000", "business code"},
		{"DE98ZZZ0999999999-", "letters and digits"},
	}
	for _, tt := range tests {
		err := ValidateCreditorID(tt.in)
		if err == nil || !errors.Is(err, ErrCreditorID) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ValidateCreditorID(%q) = %v, want ErrCreditorID mentioning %q", tt.in, err, tt.reason)
		}
	}
}
