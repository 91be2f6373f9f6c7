package app

import "testing"

// Cookies are Secure and HSTS is sent whenever HMS is not on localhost
// over plain HTTP (hardening issue, "clean input"): only an http:// base URL
// on localhost or a loopback address, or no base URL and a loopback listen
// address, counts as local; a host that merely starts with "localhost", or
// listening on every interface, does not.
func TestOnlyPlainHTTPOnLoopbackIsLocal(t *testing.T) {
	for _, c := range []struct {
		base, addr string
		local      bool
	}{
		{"http://localhost:8080", "", true},
		{"http://127.0.0.1:8080/", "", true},
		{"http://[::1]:8080", "", true},
		{"", "localhost:8080", true},
		{"", "127.0.0.1:0", true},
		{"https://localhost:8443", "", false},
		{"http://localhost.example.nl", "", false},
		{"http://127.0.0.1.nip.io:8080", "", false},
		{"http://hms.example.nl", "localhost:8080", false},
		{"https://hms.example.nl", "", false},
		{"", "0.0.0.0:8080", false},
		{"", ":8080", false},
		{"", "192.0.2.10:8080", false},
	} {
		if got := servesLocalHTTP(c.base, c.addr); got != c.local {
			t.Errorf("servesLocalHTTP(%q, %q) = %v, want %v", c.base, c.addr, got, c.local)
		}
	}
}
