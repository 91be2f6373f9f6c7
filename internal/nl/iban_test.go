package nl

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestValidateIBAN(t *testing.T) {
	valid := []string{
		// DOMAIN §5.6
		"NL91ABNA0417164300",
		"NL86INGB0002445588",
		"NL20INGB0001234567",
		"NL44RABO0123456789",
		// written forms
		"NL91 ABNA 0417 1643 00",
		"nl91abna0417164300",
		" NL91\u00a0ABNA 0417 1643 00 ",
		// other countries (SWIFT IBAN registry examples)
		"BE68539007547034",
		"DE89370400440532013000",
		"FR1420041010050500013M02606",
		"GB29NWBK60161331926819",
		"AT611904300234573201",
		"ES9121000418450200051332",
		"IT60X0542811101000000123456",
		"LU280019400644750000",
		"IE29AIBK93115212345678",
		"CH9300762011623852957",
		"NO9386011117947",
	}
	for _, s := range valid {
		if err := ValidateIBAN(s); err != nil {
			t.Errorf("ValidateIBAN(%q) = %v, want nil", s, err)
		}
	}
}

func TestValidateIBANErrors(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"", "empty"},
		{"   ", "empty"},
		{"NL", "country code"},
		{"1291ABNA0417164300", "country code"},
		{"NLX1ABNA0417164300", "check digits"},
		{"XX91ABNA0417164300", "not a SEPA country"},
		{"US91ABNA0417164300", "not a SEPA country"},
		{"NL91ABNA041716430", "has 18 characters, not 17"},
		{"NL91ABNA04171643000", "has 18 characters, not 19"},
		{"BE6853900754703", "has 16 characters"},
		{"NL91ABNA04171643.0", "other than letters and digits"},
		{"NL91AB1A0417164300", "4-letter bank code"},
		{"NL91ABNA04171643A0", "4-letter bank code"},
		{"NL92ABNA0417164300", "check digits are wrong"},
		{"NL91ABNA0417164301", "check digits are wrong"},
		{"NL91ABNA0417163400", "check digits are wrong"}, // swapped digits
		{"DE89370400440532013001", "check digits are wrong"},
		{"NL00ABNA0417164300", "between 02 and 98"},
		{"NL99ABNA0417164300", "between 02 and 98"},
	}
	for _, tt := range tests {
		err := ValidateIBAN(tt.in)
		if err == nil {
			t.Errorf("ValidateIBAN(%q) = nil, want error", tt.in)
			continue
		}
		if !errors.Is(err, ErrIBAN) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ValidateIBAN(%q) = %q, want ErrIBAN mentioning %q", tt.in, err, tt.reason)
		}
		if len(tt.in) >= 8 && strings.Contains(err.Error(), NormalizeIBAN(tt.in)[4:]) {
			t.Errorf("ValidateIBAN(%q) error %q repeats the account number", tt.in, err)
		}
	}
}

// Check digits 99 ≡ 02 and 01 ≡ 98 (mod 97), so the mod-97 test alone would
// accept them; ISO 13616 allows only 02–98.
func TestIBANCheckDigitsRange(t *testing.T) {
	var found02, found98 bool
	for acct := 0; acct < 1000 && !(found02 && found98); acct++ {
		bban := "ABNA" + strings.Repeat("0", 7) + string([]byte{byte('0' + acct/100), byte('0' + acct/10%10), byte('0' + acct%10)})
		switch IBANCheckDigits("NL", bban) {
		case "02":
			found02 = true
			if err := ValidateIBAN("NL02" + bban); err != nil {
				t.Errorf("NL02%s: %v", bban, err)
			}
			if err := ValidateIBAN("NL99" + bban); err == nil || !strings.Contains(err.Error(), "between 02 and 98") {
				t.Errorf("NL99%s: %v, want out-of-range error", bban, err)
			}
		case "98":
			found98 = true
			if err := ValidateIBAN("NL98" + bban); err != nil {
				t.Errorf("NL98%s: %v", bban, err)
			}
			if err := ValidateIBAN("NL01" + bban); err == nil || !strings.Contains(err.Error(), "between 02 and 98") {
				t.Errorf("NL01%s: %v, want out-of-range error", bban, err)
			}
		}
	}
	if !found02 || !found98 {
		t.Fatal("no account with check digits 02 and 98 found; widen the search")
	}
}

func TestIBANCheckDigits(t *testing.T) {
	tests := []struct{ country, bban, want string }{
		{"NL", "ABNA0417164300", "91"},
		{"NL", "INGB0002445588", "86"},
		{"NL", "INGB0001234567", "20"},
		{"NL", "RABO0123456789", "44"},
		{"nl", "abna 0417 1643 00", "91"},
		{"BE", "539007547034", "68"},
		{"FR", "20041010050500013M02606", "14"},
		{"GB", "NWBK60161331926819", "29"},
		{"N", "ABNA0417164300", ""},
		{"N1", "ABNA0417164300", ""},
		{"NL", "", ""},
		{"NL", "ABNA-0417164300", ""},
	}
	for _, tt := range tests {
		if got := IBANCheckDigits(tt.country, tt.bban); got != tt.want {
			t.Errorf("IBANCheckDigits(%q, %q) = %q, want %q", tt.country, tt.bban, got, tt.want)
		}
	}
}

func TestFormatIBAN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"NL91ABNA0417164300", "NL91 ABNA 0417 1643 00"},
		{"nl91 abna0417164300", "NL91 ABNA 0417 1643 00"},
		{"BE68539007547034", "BE68 5390 0754 7034"},
		{"NO9386011117947", "NO93 8601 1117 947"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := FormatIBAN(tt.in); got != tt.want {
			t.Errorf("FormatIBAN(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if tt.in != "" {
			if err := ValidateIBAN(FormatIBAN(tt.in)); err != nil {
				t.Errorf("ValidateIBAN(FormatIBAN(%q)): %v", tt.in, err)
			}
		}
	}
}

func TestIBANLengthTable(t *testing.T) {
	want := map[string]int{"NL": 18, "BE": 16, "DE": 22, "FR": 27, "LU": 20, "ES": 24, "IT": 27, "AT": 20, "GB": 22, "IE": 22}
	for c, n := range want {
		if ibanLengths[c] != n {
			t.Errorf("ibanLengths[%s] = %d, want %d", c, ibanLengths[c], n)
		}
	}
}

func FuzzIBAN(f *testing.F) {
	for _, s := range []string{"NL91ABNA0417164300", "NL91 ABNA 0417 1643 00", "BE68539007547034", "", "NL",
		"XX00", "nl00abna\u00a00000000000"} {
		f.Add(s, uint8(0), []byte("ABNA0417164300"))
	}
	f.Add("", uint8(7), []byte("370400440532013000"))
	f.Fuzz(func(t *testing.T, s string, ci uint8, seed []byte) {
		_ = ValidateIBAN(s)
		_ = FormatIBAN(s)
		_ = IBANCheckDigits(s, s)

		// build a well-formed BBAN for a SEPA country from the seed bytes
		countries := slices.Sorted(maps.Keys(ibanLengths))
		country := countries[int(ci)%len(countries)]
		const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		bban := make([]byte, ibanLengths[country]-4)
		for i := range bban {
			var b byte
			if i < len(seed) {
				b = seed[i]
			}
			switch {
			case country == "NL" && i < 4:
				bban[i] = 'A' + b%26
			case country == "NL":
				bban[i] = '0' + b%10
			default:
				bban[i] = alnum[int(b)%len(alnum)]
			}
		}
		cd := IBANCheckDigits(country, string(bban))
		if len(cd) != 2 || cd < "02" || cd > "98" {
			t.Fatalf("IBANCheckDigits(%q, %q) = %q", country, bban, cd)
		}
		iban := country + cd + string(bban)
		if err := ValidateIBAN(iban); err != nil {
			t.Fatalf("ValidateIBAN(%q) with computed check digits: %v", iban, err)
		}
		if err := ValidateIBAN(strings.ToLower(FormatIBAN(iban))); err != nil {
			t.Fatalf("ValidateIBAN(lower(FormatIBAN(%q))): %v", iban, err)
		}
		// any other check digit pair in 02–98 is caught (differs from cd mod 97)
		other := fmt.Sprintf("%02d", 2+(int(cd[0]-'0')*10+int(cd[1]-'0')-2+1+int(ci)%96)%97)
		if err := ValidateIBAN(country + other + string(bban)); err == nil {
			t.Fatalf("ValidateIBAN(%q) accepted wrong check digits (right: %s)", country+other+string(bban), cd)
		}
	})
}
