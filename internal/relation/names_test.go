package relation

import (
	"math"
	"slices"
	"testing"
)

func TestFoldAndWords(t *testing.T) {
	cases := map[string][]string{
		"Ümit Çelik-Öztürk":  {"umit", "celik", "ozturk"},
		"d'Ancona":           {"d", "ancona"},
		"'t Hart":            {"t", "hart"},
		"  Jean-Pierre  ":    {"jean", "pierre"},
		"Straße Ærø Łódź":    {"strasse", "aero", "lodz"},
		"IJsbrand Éénhoorn":  {"ijsbrand", "eenhoorn"},
		"":                   nil,
		"Bakkerij B.V. 2000": {"bakkerij", "b", "v", "2000"},
	}
	for in, want := range cases {
		if got := words(in); !slices.Equal(got, want) {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPrefixes(t *testing.T) {
	if got := prefixes("jansen"); !slices.Equal(got, []string{"j", "ja", "jan", "jans", "janse", "jansen"}) {
		t.Errorf("prefixes(jansen) = %q", got)
	}
	long := prefixes("vanderheijdenstraat")
	if len(long) != maxPrefix || long[maxPrefix-1] != "vanderheijde" {
		t.Errorf("long word prefixes = %q", long)
	}
	if got := searchWord("vanderheijdenstraat"); got != "vanderheijde" {
		t.Errorf("searchWord = %q", got)
	}
	if got := prefixes("é"); !slices.Equal(got, []string{"é"}) {
		t.Errorf("prefixes(é) = %q", got)
	}
}

func TestInitials(t *testing.T) {
	cases := map[string]string{
		"jp": "J.P.", "J P": "J.P.", "j.p.": "J.P.", "J. P.": "J.P.", "th.j.": "Th.J.", "ij.": "IJ.", "": "", "A": "A.",
	}
	for in, want := range cases {
		if got := NormalizeInitials(in); got != want {
			t.Errorf("NormalizeInitials(%q) = %q, want %q", in, got, want)
		}
	}
	if got := initialsOf("Jan Pieter IJsbrand"); got != "J.P.IJ." {
		t.Errorf("initialsOf = %q", got)
	}
	n := personName{FirstNames: "Jan", Prefix: "de", Surname: "Vries"}
	if n.display() != "J. de Vries" || n.listName() != "Vries, J. de" {
		t.Errorf("display %q, list %q", n.display(), n.listName())
	}
}

func TestNormalizePhone(t *testing.T) {
	cases := map[string]string{
		"06-12345678":         "0612345678",
		"+31 6 1234 5678":     "0612345678",
		"+31 (0)6 1234 5678":  "0612345678",
		"0031 6 12345678":     "0612345678",
		"020 - 123 45 67":     "0201234567",
		"+32 2 123 45 67":     "003221234567",
		"12345":               "",
		"06 1234567a":         "",
		"+31 6 1234 5678 ext": "",
	}
	for in, want := range cases {
		if got := normalizePhone(in); got != want {
			t.Errorf("normalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseQuery(t *testing.T) {
	cases := []struct {
		in, kind, value string
		words           []string
		kvk             string
	}{
		{in: "Jans", words: []string{"jans"}},
		{in: "de Vr", words: []string{"de", "vr"}},
		{in: "Anna@Example.NL ", kind: tokEmail, value: "anna@example.nl"},
		{in: "nl91 abna 0417 1643 00", kind: tokIBAN, value: "NL91ABNA0417164300"},
		{in: "1234ab", kind: tokPostcode, value: "1234 AB"},
		{in: "+31 6 1234 5678", kind: tokPhone, value: "0612345678"},
		{in: "12345678", kvk: "12345678"},
	}
	for _, c := range cases {
		q := parseQuery(c.in)
		switch {
		case c.kind != "":
			if q.exact == nil || q.exact.kind != c.kind || q.exact.value != c.value {
				t.Errorf("parseQuery(%q) = %+v, want %s %s", c.in, q, c.kind, c.value)
			}
		case c.kvk != "":
			if q.kvk != c.kvk {
				t.Errorf("parseQuery(%q) = %+v, want kvk", c.in, q)
			}
		default:
			if q.exact != nil || !slices.Equal(q.words, c.words) {
				t.Errorf("parseQuery(%q) = %+v, want words %q", c.in, q, c.words)
			}
		}
	}
}

func TestRanks(t *testing.T) {
	if keyString(1) != "0000000000000001" || keyString(math.MaxUint64) != "ffffffffffffffff" {
		t.Fatal("keys are not fixed width")
	}
	if k, err := parseKey(keyString(keyBase + 7)); err != nil || k != keyBase+7 {
		t.Fatalf("parseKey: %d %v", k, err)
	}
	// Appending steps, prepending steps, a narrow gap halves, no gap fails.
	if k, ok := between(&entry{key: 100}, nil); !ok || k != 100+keyStep {
		t.Errorf("append: %d %v", k, ok)
	}
	if k, ok := between(nil, &entry{key: keyBase}); !ok || k != keyBase-keyStep {
		t.Errorf("prepend: %d %v", k, ok)
	}
	if k, ok := between(&entry{key: 10}, &entry{key: 14}); !ok || k != 12 {
		t.Errorf("middle: %d %v", k, ok)
	}
	if _, ok := between(&entry{key: 10}, &entry{key: 11}); ok {
		t.Error("found room between neighbours")
	}
	if _, ok := between(nil, &entry{key: 1}); ok {
		t.Error("found room before rank 1")
	}
	keys := make([]uint64, 3)
	if !spread(&entry{key: 0}, &entry{key: 8}, keys) || !slices.Equal(keys, []uint64{2, 4, 6}) {
		t.Errorf("spread: %v", keys)
	}
	if spread(&entry{key: 0}, &entry{key: 3}, keys) {
		t.Error("spread three ranks into a gap of two")
	}
	if !spread(nil, nil, keys) || keys[0] != keyBase || keys[2] != keyBase+2*keyStep {
		t.Errorf("spread in an empty list: %v", keys)
	}
}

func TestCollationOrder(t *testing.T) {
	names := []personName{
		{Initials: "A.", Surname: "Bakker"},
		{Initials: "B.", Surname: "Bakker"},
		{Initials: "A.", Surname: "Bakker-Jansen"},
		{Initials: "P.", Prefix: "de", Surname: "Boer"},
		{Initials: "É.", Surname: "Émile"},
		{Initials: "J.", Prefix: "van der", Surname: "Vries"},
		{Initials: "K.", Surname: "de Vries"}, // a Belgian-style surname files under D
	}
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = n.collationKey()
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	want := []string{keys[0], keys[1], keys[2], keys[3], keys[6], keys[4], keys[5]}
	if !slices.Equal(sorted, want) {
		t.Errorf("order %q, want %q", sorted, want)
	}
}
