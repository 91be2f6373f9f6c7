package web

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads HMS_TRUSTED_PROXIES: addresses or networks
// (CIDR), separated by commas or spaces, of the reverse proxies in front of
// HMS. Only their X-Forwarded-For is believed.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) { return ParseNetworks(s) }

// ParseNetworks reads addresses or networks (CIDR) separated by commas or
// spaces (HMS_TRUSTED_PROXIES, HMS_METRICS_ADDR).
func ParseNetworks(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or network", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// clientAddr is the address of the client, for rate limits only: the
// connection's peer, or, when that peer is a trusted proxy, the nearest
// address in X-Forwarded-For that is not one of ours (read from the right:
// whatever a client puts on the left is its own claim).
func (s *Server) clientAddr(r *http.Request) string {
	peer := peerAddr(r.RemoteAddr)
	if !s.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a hop we cannot read: trust nothing left of it
		}
		a = a.Unmap()
		if !s.trusted(a) {
			return a.String()
		}
		peer = a
	}
	return peer.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.trustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr is the host of a RemoteAddr ("1.2.3.4:5678", "[::1]:80").
func peerAddr(remote string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap()
	}
	a, _ := netip.ParseAddr(remote)
	return a.Unmap()
}
