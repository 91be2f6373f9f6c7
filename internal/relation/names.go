package relation

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxPrefix is the longest name prefix that is indexed: a search word
// longer than this matches on its first maxPrefix letters.
const maxPrefix = 12

// fold lower-cases s and removes diacritics, so "Ümit Çelik-Öztürk" and
// "umit celik-ozturk" compare and index alike.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case 'ß':
			b.WriteString("ss")
			continue
		case 'æ', 'Æ':
			b.WriteString("ae")
			continue
		case 'œ', 'Œ':
			b.WriteString("oe")
			continue
		case 'ø', 'Ø':
			r = 'o'
		case 'ł', 'Ł':
			r = 'l'
		case 'đ', 'Đ':
			r = 'd'
		case 'ı':
			r = 'i'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// words splits text into folded words of letters and digits: "d'Ancona-
// van Dijk" gives d, ancona, van, dijk.
func words(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// prefixes returns the word's prefixes of 1 to maxPrefix letters.
func prefixes(w string) []string {
	out := make([]string, 0, maxPrefix)
	n := 0
	for i := range w {
		if i == 0 {
			continue
		}
		out = append(out, w[:i])
		if n++; n == maxPrefix {
			return out
		}
	}
	return append(out, w)
}

// searchWord cuts a folded search word to the indexed prefix length.
func searchWord(w string) string {
	if utf8.RuneCountInString(w) <= maxPrefix {
		return w
	}
	n := 0
	for i := range w {
		if n == maxPrefix {
			return w[:i]
		}
		n++
	}
	return w
}

// NormalizeInitials writes initials as capitals with dots: "jp", "J P" and
// "j.p." all give "J.P."; with dots, an initial may have more letters:
// "th.j." gives "Th.J." and "ij." gives "IJ.". Characters other than letters
// are dropped.
func NormalizeInitials(s string) string {
	var parts []string
	if strings.Contains(s, ".") {
		for p := range strings.SplitSeq(s, ".") {
			if p = lettersOnly(p); p != "" {
				parts = append(parts, p)
			}
		}
	} else {
		for _, r := range lettersOnly(s) {
			parts = append(parts, string(r))
		}
	}
	var b strings.Builder
	for _, p := range parts {
		lower := strings.ToLower(p)
		if strings.HasPrefix(lower, "ij") {
			b.WriteString("IJ" + lower[2:] + ".")
			continue
		}
		r, size := utf8.DecodeRuneInString(lower)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(lower[size:])
		b.WriteByte('.')
	}
	return b.String()
}

func lettersOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, s)
}

// initialsOf derives initials from first names: "Jan Pieter" gives "J.P.",
// "IJsbrand" gives "IJ.".
func initialsOf(firstNames string) string {
	var b strings.Builder
	for _, f := range strings.Fields(firstNames) {
		if strings.HasPrefix(strings.ToLower(f), "ij") {
			b.WriteString("IJ.")
			continue
		}
		r, _ := utf8.DecodeRuneInString(f)
		if unicode.IsLetter(r) {
			b.WriteRune(unicode.ToUpper(r))
			b.WriteByte('.')
		}
	}
	return b.String()
}

// personName is the name part of a person, as sealed.
type personName struct {
	Initials   string `json:"i,omitempty"`
	FirstNames string `json:"f,omitempty"`
	Prefix     string `json:"p,omitempty"` // tussenvoegsel: "van der"
	Surname    string `json:"s"`
}

func (n personName) initials() string {
	if n.Initials != "" {
		return n.Initials
	}
	return initialsOf(n.FirstNames)
}

// display is how a letter addresses the person: "J. de Vries".
func (n personName) display() string {
	return joinNonEmpty(" ", n.initials(), n.Prefix, n.Surname)
}

// listName is the name in a list sorted by surname: "Vries, J. de".
func (n personName) listName() string {
	rest := joinNonEmpty(" ", n.initials(), n.Prefix)
	if rest == "" {
		return n.Surname
	}
	return n.Surname + ", " + rest
}

// collationKey orders persons by surname, then initials, then surname
// prefix and first names, ignoring case and diacritics; the Dutch habit of
// filing "de Vries" under V.
func (n personName) collationKey() string {
	return fold(n.Surname) + "\x01" + fold(n.initials()) + "\x01" + fold(n.Prefix) + "\x01" + fold(n.FirstNames)
}

// companyCollationKey orders companies by name among the persons.
func companyCollationKey(name string) string { return fold(name) }

// nameWords are the words whose prefixes find a person: first names,
// surname prefix, surname and initials.
func (n personName) nameWords() []string {
	ws := words(n.FirstNames)
	ws = append(ws, words(n.Prefix)...)
	ws = append(ws, words(n.Surname)...)
	return append(ws, words(strings.ReplaceAll(n.initials(), ".", " "))...)
}

func joinNonEmpty(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
