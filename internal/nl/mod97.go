package nl

// mod97 returns the remainder modulo 97 of the decimal number written by s
// after replacing each letter by two digits (A=10 … Z=35), as in ISO 7064
// MOD 97-10 (IBAN, creditor identifier, btw-id). ok is false when s holds
// anything other than upper-case ASCII letters and digits.
func mod97(s string) (rem int, ok bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return 0, false
		}
	}
	return rem, true
}

// checkDigits97 returns the two ISO 7064 MOD 97-10 check digits for s, the
// string that is checked with the check digits appended ("00" in their place).
func checkDigits97(s string) (string, bool) {
	rem, ok := mod97(s + "00")
	if !ok {
		return "", false
	}
	cd := 98 - rem
	return string([]byte{byte('0' + cd/10), byte('0' + cd%10)}), true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isUpperLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

func isUpperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'Z') && !(s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return s != ""
}

// compactUpper removes all white space from s and upper-cases ASCII letters.
func compactUpper(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case isSpace(r):
		case r >= 'a' && r <= 'z':
			b = append(b, byte(r-'a'+'A'))
		default:
			b = append(b, string(r)...)
		}
	}
	return string(b)
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u2007', '\u202f':
		return true
	}
	return false
}
