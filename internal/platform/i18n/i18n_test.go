package i18n

import (
	"regexp"
	"slices"
	"testing"
)

// Both catalogs hold the same ids, so no page falls back to an id.
func TestCatalogsComplete(t *testing.T) {
	nl, err := IDs("nl")
	if err != nil {
		t.Fatal(err)
	}
	en, err := IDs("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range nl {
		if !slices.Contains(en, id) {
			t.Errorf("message %q is in nl.json but not in en.json", id)
		}
	}
	for _, id := range en {
		if !slices.Contains(nl, id) {
			t.Errorf("message %q is in en.json but not in nl.json", id)
		}
	}
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("nl", "nav.logout", nil); got != "Uitloggen" {
		t.Errorf("nl nav.logout = %q", got)
	}
	if got := c.T("en", "nav.logout", nil); got != "Log out" {
		t.Errorf("en nav.logout = %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct{ choice, header, want string }{
		{"", "", "nl"},
		{"", "en-GB,en;q=0.9", "en"},
		{"", "de-DE,de;q=0.9", "nl"},
		{"", "nl-BE,en;q=0.5", "nl"},
		{"en", "nl", "en"},
		{"fr", "en", "en"},
	}
	for _, c := range cases {
		if got := Negotiate(c.choice, c.header); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", c.choice, c.header, got, c.want)
		}
	}
}

// Watch reports an id that is missing (the raw id is shown) but not one
// that is there.
func TestWatchReportsGaps(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	c.Watch(func(lang, id string) { seen = append(seen, lang+":"+id) })
	c.T("nl", "nav.logout", nil)
	if got := c.T("nl", "no.such.message", nil); got != "no.such.message" {
		t.Errorf("missing id = %q", got)
	}
	c.Watch(nil)
	c.T("nl", "no.such.either", nil)
	if !slices.Equal(seen, []string{"nl:no.such.message"}) {
		t.Errorf("watched %v", seen)
	}
}

// Dutch addresses people as "u", never "je", "jij" or "jouw" (docs/STYLE.md).
func TestDutchSaysU(t *testing.T) {
	m, err := catalog("nl")
	if err != nil {
		t.Fatal(err)
	}
	informal := regexp.MustCompile(`(?i)\b(je|jij|jou|jouw|jullie)\b`)
	for id, text := range m {
		if w := informal.FindString(text); w != "" {
			t.Errorf("%s says %q: %s", id, w, text)
		}
	}
}
