// Package guard keeps PRIVACY.md P10: HMS asks its customers not to enter
// special categories of personal data (GDPR art. 9 and 10) or BSNs (UAVG
// art. 46), and every free-text field, note and upload name passes this
// guard before it is stored.
//
// Check finds what looks like such data: a BSN (nl.FindBSNIndex, 11-test)
// near a context word, and words of the lexicons in lexicon/*.txt (Dutch and
// English, both always, since a note's language is not known). Review is what
// a service calls inside its transaction: by the organisation's guard mode
// (ModeWarn, the default, or ModeRefuse) it refuses the text at its field, or
// lets it through when the person gave a reason, and records that decision
// in the audit log with the field and the categories only.
//
// Findings carry byte offsets, never the text: whatever logs them logs no
// personal data.
package guard

import (
	"bufio"
	"embed"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"hms/internal/nl"
)

// Category is a kind of data the guard looks for.
type Category string

// The categories, in the order messages name them.
const (
	BSN        Category = "bsn"
	Health     Category = "health"
	Religion   Category = "religion"
	Ethnicity  Category = "ethnicity"
	SexualLife Category = "sexual_life"
	Political  Category = "political"
	Union      Category = "union"
	Criminal   Category = "criminal"
)

// Categories lists every category in message order.
var Categories = []Category{BSN, Health, Religion, Ethnicity, SexualLife, Political, Union, Criminal}

// Finding is one match in a text: its category and the byte offsets
// [Start, End) of the match. Weak marks a 9-digit number that passes the
// BSN 11-test without a context word near it: about one in eleven 9-digit
// numbers does, so it is a possible BSN, not a certain one.
type Finding struct {
	Category   Category
	Start, End int
	Weak       bool
}

// bsnContext are the words that make a number passing the 11-test a BSN.
var bsnContext = [][]string{
	{"bsn"}, {"burgerservicenummer"}, {"burgerservicenr"}, {"sofinummer"}, {"sofinr"}, {"sofi"},
	{"citizen", "service", "number"}, {"social", "security", "number"}, {"ssn"},
}

// bsnWindow is how far (in bytes) a context word may be from the number.
const bsnWindow = 40

//go:embed lexicon/*.txt
var lexiconFS embed.FS

// term is a lexicon entry: folded words, the last one a prefix when open.
type term struct {
	cat   Category
	words []string
	open  bool
}

// lexicon indexes the terms by their first word (exact) and, for one-word
// open terms, keeps them apart to be tried as prefixes.
type lexicon struct {
	byFirst map[string][]term
	open    []term // one-word open terms
}

var lex = mustLoad()

func mustLoad() *lexicon {
	l := &lexicon{byFirst: map[string][]term{}}
	names, err := lexiconFS.ReadDir("lexicon")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		if err := l.load("lexicon/" + n.Name()); err != nil {
			panic(err)
		}
	}
	return l
}

func (l *lexicon) load(name string) error {
	f, err := lexiconFS.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var cat Category
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			cat = Category(line[1 : len(line)-1])
			if !slices.Contains(Categories, cat) {
				return fmt.Errorf("guard: %s:%d: unknown category %q", name, n, cat)
			}
			continue
		case cat == "":
			return fmt.Errorf("guard: %s:%d: term before a category", name, n)
		}
		t := term{cat: cat}
		if strings.HasSuffix(line, "*") {
			t.open, line = true, strings.TrimSuffix(line, "*")
		}
		for _, w := range words(line) {
			t.words = append(t.words, w.text)
		}
		if len(t.words) == 0 {
			return fmt.Errorf("guard: %s:%d: empty term", name, n)
		}
		if t.open && len(t.words) == 1 {
			l.open = append(l.open, t)
		} else {
			l.byFirst[t.words[0]] = append(l.byFirst[t.words[0]], t)
		}
	}
	return sc.Err()
}

// word is a run of letters and digits, folded (lower case, no diacritics),
// with its byte offsets in the original text.
type word struct {
	text       string
	start, end int
}

// words splits s into folded words. Anything that is not a letter or a
// digit separates words, so "burn-out" is two words and "'s-Hertogenbosch"
// is "s" and "hertogenbosch".
func words(s string) []word {
	var out []word
	var b strings.Builder
	start := -1
	flush := func(end int) {
		if start >= 0 {
			out = append(out, word{b.String(), start, end})
			b.Reset()
			start = -1
		}
	}
	for i, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
		}
		fold(&b, r)
	}
	flush(len(s))
	return out
}

// fold writes r in lower case without its diacritics ("É" → "e").
func fold(b *strings.Builder, r rune) {
	r = unicode.ToLower(r)
	if r < utf8.RuneSelf {
		b.WriteRune(r)
		return
	}
	for _, d := range norm.NFD.String(string(r)) {
		if !unicode.Is(unicode.Mn, d) {
			b.WriteRune(d)
		}
	}
}

// Check returns what in text looks like a BSN or special-category data, in
// order of position. Both lexicons are always used.
func Check(text string) []Finding {
	ws := words(text)
	var out []Finding
	for _, span := range nl.FindBSNIndex(text) {
		out = append(out, Finding{Category: BSN, Start: span[0], End: span[1], Weak: !nearContext(ws, span)})
	}
	for i := 0; i < len(ws); i++ {
		if f, n, ok := lex.match(ws[i:]); ok {
			out = append(out, f)
			i += n - 1
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return a.Start - b.Start })
	return out
}

// match tries the terms at the start of ws, the longest first; it returns
// the finding and the number of words it covers.
func (l *lexicon) match(ws []word) (Finding, int, bool) {
	best, bestN := term{}, 0
	for _, t := range l.byFirst[ws[0].text] {
		if len(t.words) > bestN && t.matches(ws) {
			best, bestN = t, len(t.words)
		}
	}
	if bestN == 0 {
		for _, t := range l.open {
			if strings.HasPrefix(ws[0].text, t.words[0]) {
				best, bestN = t, 1
				break
			}
		}
	}
	if bestN == 0 {
		return Finding{}, 0, false
	}
	return Finding{Category: best.cat, Start: ws[0].start, End: ws[bestN-1].end}, bestN, true
}

func (t term) matches(ws []word) bool {
	if len(ws) < len(t.words) {
		return false
	}
	for i, w := range t.words {
		last := i == len(t.words)-1
		if ws[i].text != w && !(last && t.open && strings.HasPrefix(ws[i].text, w)) {
			return false
		}
	}
	return true
}

// nearContext reports whether a BSN context word ends or starts within
// bsnWindow bytes of the number.
func nearContext(ws []word, span [2]int) bool {
	for i := range ws {
		for _, c := range bsnContext {
			if i+len(c) > len(ws) {
				continue
			}
			ok := true
			for j, w := range c {
				if ws[i+j].text != w {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			start, end := ws[i].start, ws[i+len(c)-1].end
			if (end <= span[0] && span[0]-end <= bsnWindow) || (start >= span[1] && start-span[1] <= bsnWindow) {
				return true
			}
		}
	}
	return false
}

// CategoriesOf lists the categories of findings once each, in message order.
func CategoriesOf(fs []Finding) []Category {
	var out []Category
	for _, c := range Categories {
		for _, f := range fs {
			if f.Category == c {
				out = append(out, c)
				break
			}
		}
	}
	return out
}
