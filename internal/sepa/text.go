package sepa

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Lengths the EPC implementation guidelines allow; a name is Max140Text in
// the schema but the rulebook carries 70 characters of it.
const (
	maxName       = 70
	maxRemittance = 140
	maxID         = 35
)

// sepaASCII marks the characters of the SEPA basic Latin character set
// (EPC217-08): a–z, A–Z, 0–9 and / - ? : ( ) . , ' + and the space.
var sepaASCII = func() (set [utf8.RuneSelf]bool) {
	for _, r := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ " {
		set[r] = true
	}
	return set
}()

// transliterations are the letters that do not decompose into an ASCII
// letter and a combining mark, and punctuation with an obvious SEPA twin.
var transliterations = map[rune]string{
	'ß': "ss", 'ẞ': "SS", 'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'ø': "o", 'Ø': "O",
	'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ð': "d", 'Ð': "D", 'þ': "th", 'Þ': "TH",
	'ı': "i", 'ĳ': "ij", 'Ĳ': "IJ", 'ŀ': "l", 'Ŀ': "L", 'ŉ': "'n",
	'&': "+", '‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'", '`': "'", '´': "'",
	'"': "'", '“': "'", '”': "'", '„': "'", '«': "'", '»': "'",
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '−': "-", '_': "-",
	'\t': " ", '\n': " ", '\r': " ", '\u00a0': " ", '\u202f': " ",
}

// Text reduces s to the SEPA character set: letters with diacritics lose
// them (é → e, ç → c), a few letters and marks are spelled out (ß → ss,
// & → +, ’ → '), every other character is dropped, runs of spaces become one
// and the result is trimmed and cut to at most max characters (all of them
// ASCII, so also max bytes). Text that has nothing a bank can carry becomes "".
func Text(s string, max int) string {
	if isSEPAText(s, max) {
		return s
	}
	var b strings.Builder
	b.Grow(min(len(s), max+1))
	space := true // drops leading spaces and collapses runs
	put := func(r rune) {
		if r == ' ' {
			if space {
				return
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(byte(r))
	}
	for _, r := range s {
		if b.Len() > max {
			break
		}
		if r < utf8.RuneSelf && sepaASCII[r] {
			put(r)
			continue
		}
		if t, ok := transliterations[r]; ok {
			for _, tr := range t {
				put(tr)
			}
			continue
		}
		for _, d := range norm.NFD.String(string(r)) {
			if d < utf8.RuneSelf && sepaASCII[d] && d != ' ' {
				put(d)
			} else if !unicode.Is(unicode.Mn, d) {
				break // not a letter with marks: drop the whole character
			}
		}
	}
	out := b.String()
	if len(out) > max {
		out = out[:max]
	}
	return strings.TrimRight(out, " ")
}

// validID reports whether s can be an identifier in a SEPA file (message,
// payment information, end-to-end and mandate id): 1 to 35 characters of the
// SEPA set, no leading or trailing space, and, by the EPC rule for
// references, not starting or ending with '/' and without "//".
func validID(s string) bool {
	if s == "" || len(s) > maxID || s[0] == ' ' || s[len(s)-1] == ' ' || s[0] == '/' || s[len(s)-1] == '/' {
		return false
	}
	if strings.Contains(s, "//") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || !sepaASCII[s[i]] {
			return false
		}
	}
	return true
}

// isSEPAText reports whether Text would return s unchanged, as it does for
// most names and descriptions.
func isSEPAText(s string, max int) bool {
	if len(s) > max || s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || !sepaASCII[s[i]] || s[i] == ' ' && s[i+1] == ' ' {
			return false
		}
	}
	return true
}
