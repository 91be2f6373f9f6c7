package web

import (
	"crypto/subtle"
	"net/http"
	"net/netip"
	"strings"
)

// metricsGate serves /metrics only to a configured scraper: a request from
// an address in MetricsFrom (HMS_METRICS_ADDR; behind a trusted proxy, the
// client it names), or one with "Authorization: Bearer <MetricsToken>"
// (HMS_METRICS_TOKEN). Everyone else gets the ordinary 404, so the figures
// (request counts, memory, goroutines) tell an outsider nothing, not even
// that they exist. With neither configured, nobody reads them.
func (s *Server) metricsGate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.metricsAllowed(r) {
			s.notFound(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) metricsAllowed(r *http.Request) bool {
	if s.MetricsToken != "" {
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok &&
			subtle.ConstantTimeCompare([]byte(tok), []byte(s.MetricsToken)) == 1 {
			return true
		}
	}
	if len(s.MetricsFrom) == 0 {
		return false
	}
	a, err := netip.ParseAddr(s.clientAddr(r))
	if err != nil {
		return false
	}
	for _, p := range s.MetricsFrom {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
