package stats

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A referrer is kept as its host only, without "www." or a port; the
// site's own host, a malformed header and odd characters are none.
func TestReferrerHost(t *testing.T) {
	for ref, want := range map[string]string{
		"https://www.Google.com/search?q=huur":   "google.com",
		"https://user:pw@news.example.org:8443/": "news.example.org",
		"http://hms.example.nl/privacy":          "",
		"http://hms.example.nl:8080/":            "",
		"android-app://com.google.android.gm/":   "com.google.android.gm",
		"not a url":                              "",
		"https://exa<mple>.com/":                 "",
		"":                                       "",
	} {
		if got := referrerHost(ref, "hms.example.nl:8080"); got != want {
			t.Errorf("%q: %q, want %q", ref, got, want)
		}
	}
	long := "/" + strings.Repeat("é", 150)
	if c := cut(long); len(c) > maxValueSize || !utf8.ValidString(c) {
		t.Errorf("cut to %d bytes, valid %v", len(c), utf8.ValidString(c))
	}
}
