package web

import (
	"net/http/httptest"
	"testing"
)

// Per-address limits see the client behind a configured proxy, and only
// there: a client's own X-Forwarded-For is not believed, and neither is the
// part of the header left of an address HMS does not trust.
func TestClientAddrBehindTrustedProxies(t *testing.T) {
	if _, err := ParseTrustedProxies("10.0.0.0/8, bad"); err == nil {
		t.Fatal("a bad proxy address was accepted")
	}
	trusted, err := ParseTrustedProxies("10.0.0.0/8 192.168.1.5")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{trustedProxies: trusted}
	for _, c := range []struct {
		peer, xff, want string
	}{
		{"203.0.113.9:4000", "", "203.0.113.9"},
		{"203.0.113.9:4000", "1.2.3.4", "203.0.113.9"},                        // not from a proxy: the header is the client's claim
		{"10.1.2.3:80", "198.51.100.7", "198.51.100.7"},                       // one trusted proxy
		{"10.1.2.3:80", "6.6.6.6, 198.51.100.7, 192.168.1.5", "198.51.100.7"}, // two proxies; the leftmost is a claim
		{"10.1.2.3:80", "garbage, 198.51.100.7", "198.51.100.7"},
		{"10.1.2.3:80", "198.51.100.7, garbage", "10.1.2.3"}, // an unreadable hop: trust nothing beyond it
		{"10.1.2.3:80", "", "10.1.2.3"},
		{"[::ffff:10.1.2.3]:80", "2001:db8::1", "2001:db8::1"},
	} {
		r := httptest.NewRequest("GET", "/login", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := s.clientAddr(r); got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
	if got := (&Server{}).clientAddr(httptest.NewRequest("GET", "/", nil)); got != "192.0.2.1" {
		t.Errorf("no proxies configured: %s", got)
	}
}
