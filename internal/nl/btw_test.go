package nl

import (
	"errors"
	"math/big"
	"strings"
	"testing"
)

// bigMod97 is an independent ISO 7064 MOD 97-10 remainder in math/big.
func bigMod97(t *testing.T, s string) int64 {
	t.Helper()
	var digits strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			digits.WriteString(big.NewInt(int64(r-'A') + 10).String())
		default:
			t.Fatalf("bigMod97(%q): bad character %q", s, r)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	if !ok {
		t.Fatalf("bigMod97(%q): not a number", s)
	}
	return new(big.Int).Mod(n, big.NewInt(97)).Int64()
}

func TestMod97MatchesBig(t *testing.T) {
	for _, s := range []string{"NL002455799B11", "NL000099998B57", "ABNA0417164300NL91", "405365330000NL51",
		"ZZZZZZZZZZZZZZZZZZZZZZZZ99", "0", "A"} {
		got, ok := mod97(s)
		if !ok || int64(got) != bigMod97(t, s) {
			t.Errorf("mod97(%q) = %d, %v; big says %d", s, got, ok, bigMod97(t, s))
		}
	}
	if _, ok := mod97("NL 91"); ok {
		t.Error("mod97 accepted a space")
	}
	if _, ok := mod97("nl91"); ok {
		t.Error("mod97 accepted lower case")
	}
}

func TestValidateBTW(t *testing.T) {
	tests := []struct {
		in, norm string
		modern   bool // passes mod 97
		elfproef bool // 9 digits pass the 11-test
		looksBSN bool
	}{
		// python-stdnum nl/btw: legacy number from an RSIN/BSN
		{"NL004495445B01", "NL004495445B01", false, true, true},
		{"NL4495445B01", "", false, false, false}, // 7 digits: we do not zero-pad
		{"004495445B01", "NL004495445B01", false, true, true},
		{"nl 0044.95.445 b01", "NL004495445B01", false, true, true},
		// python-stdnum nl/btw: btw-identificatienummer, valid since 2020
		{"NL002455799B11", "NL002455799B11", true, false, false},
		// business.gov.nl example of a btw-identificatienummer
		{"NL000099998B57", "NL000099998B57", true, false, false},
		{"NL-0000-99998-B57", "NL000099998B57", true, false, false},
	}
	for _, tt := range tests {
		norm, err := NormalizeBTW(tt.in)
		if tt.norm == "" {
			if err == nil {
				t.Errorf("NormalizeBTW(%q) = %q, want error", tt.in, norm)
			}
			continue
		}
		if err != nil || norm != tt.norm {
			t.Errorf("NormalizeBTW(%q) = %q, %v; want %q", tt.in, norm, err, tt.norm)
			continue
		}
		if err := ValidateBTW(tt.in); err != nil {
			t.Errorf("ValidateBTW(%q) = %v", tt.in, err)
		}
		// verify the vector by computing, independently of the code under test
		if got := bigMod97(t, norm) == 1; got != tt.modern {
			t.Errorf("%s: mod 97 == 1 is %v, vector says %v", norm, got, tt.modern)
		}
		d := norm[2:11]
		sum := 0
		for i := 0; i < 8; i++ {
			sum += (9 - i) * int(d[i]-'0')
		}
		if got := (sum-int(d[8]-'0'))%11 == 0; got != tt.elfproef {
			t.Errorf("%s: 11-test is %v, vector says %v", norm, got, tt.elfproef)
		}
		if got := BTWLooksLikeBSN(tt.in); got != tt.looksBSN {
			t.Errorf("BTWLooksLikeBSN(%q) = %v, want %v", tt.in, got, tt.looksBSN)
		}
	}
}

func TestValidateBTWErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"", "empty"},
		{"NL", "NL, 9 digits, B and 2 digits"},
		{"NL123456789B90", "check digit is wrong"}, // python-stdnum invalid example
		{"NL000099998B58", "check digit is wrong"}, // business.gov.nl example with the suffix changed
		{"NL100000060B01", "check digit is wrong"}, // 11-test remainder 10
		{"NL004495446B01", "check digit is wrong"},
		{"NL004495445B00", "cannot be 00"},
		{"NL000000000B01", "zero"},
		{"NL004495445C01", "NL, 9 digits, B and 2 digits"},
		{"NL004495445B1", "NL, 9 digits, B and 2 digits"},
		{"NL0044954450B01", "NL, 9 digits, B and 2 digits"},
		{"BE0477472701", "NL, 9 digits, B and 2 digits"},
		{"NL00449544AB01", "NL, 9 digits, B and 2 digits"},
	}
	for _, tt := range tests {
		err := ValidateBTW(tt.in)
		if err == nil || !errors.Is(err, ErrBTW) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ValidateBTW(%q) = %v, want ErrBTW mentioning %q", tt.in, err, tt.reason)
		}
	}
	if BTWLooksLikeBSN("NL1234") || BTWLooksLikeBSN("") {
		t.Error("BTWLooksLikeBSN is true for a malformed id")
	}
}

// Every 9-digit number that passes the 11-test makes a valid old-style btw-id
// that BTWLooksLikeBSN flags; and a btw-id made valid by mod 97 is accepted
// whether or not its digits pass the 11-test.
func TestBTWKinds(t *testing.T) {
	for _, bsn := range []string{"111222333", "123456782", "004495445"} {
		id := "NL" + bsn + "B01"
		if err := ValidateBTW(id); err != nil {
			t.Errorf("ValidateBTW(%q) = %v", id, err)
		}
		if !BTWLooksLikeBSN(id) {
			t.Errorf("BTWLooksLikeBSN(%q) = false", id)
		}
	}
	// find, for a few digit strings that fail the 11-test, the suffix that
	// makes the id pass mod 97, computed with math/big
	for _, d := range []string{"123456789", "987654321", "000000001"} {
		if IsBSN(d) {
			t.Fatalf("%s passes the 11-test; pick another", d)
		}
		found := 0
		for s := 1; s < 100; s++ {
			id := "NL" + d + "B" + string([]byte{byte('0' + s/10), byte('0' + s%10)})
			want := bigMod97(t, id) == 1
			if got := ValidateBTW(id) == nil; got != want {
				t.Errorf("ValidateBTW(%q) valid = %v, mod 97 says %v", id, got, want)
			}
			if want {
				found++
				if BTWLooksLikeBSN(id) {
					t.Errorf("BTWLooksLikeBSN(%q) = true", id)
				}
			}
		}
		if found == 0 {
			t.Errorf("no suffix makes NL%sB.. valid", d)
		}
	}
}
