package httpapi

import (
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// clientAddr is the address a request comes from, against which failed
// sign-ins are counted and which a session shows: the TCP peer
// (r.RemoteAddr's host). Behind a reverse proxy that is the proxy, unless
// the proxy's address is in Deps.TrustedProxies: then X-Forwarded-For is
// read from the right, and the first address that is not a trusted proxy
// is the client. Entries left of it could be written by anyone, so they
// are never believed.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !s.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for _, hop := range slices.Backward(hops) {
		a, err := hopAddr(strings.TrimSpace(hop))
		if err != nil {
			break // garbage: the last trusted proxy is all we know
		}
		peer = a.Unmap()
		if !s.trusted(peer) {
			break
		}
	}
	return peer.String()
}

// hopAddr reads one X-Forwarded-For entry: an address, or an address and
// port as some proxies write it (198.51.100.7:4711, [2001:db8::1]:4711).
func hopAddr(hop string) (netip.Addr, error) {
	if ap, err := netip.ParseAddrPort(hop); err == nil {
		return ap.Addr(), nil
	}
	return netip.ParseAddr(hop)
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.deps.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
