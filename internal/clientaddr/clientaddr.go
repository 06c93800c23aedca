// Package clientaddr says which address a request comes from when
// reverse proxies stand between the client and the node.
package clientaddr

import (
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// Of is the address r comes from: the TCP peer (r.RemoteAddr's host).
// Behind a reverse proxy that is the proxy, unless the proxy's address is
// in trusted: then X-Forwarded-For is read from the right, and the first
// address that is not a trusted proxy is the client. Entries left of it
// could be written by anyone, so they are never believed.
func Of(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !contains(trusted, peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for _, hop := range slices.Backward(hops) {
		a, err := hopAddr(strings.TrimSpace(hop))
		if err != nil {
			break // garbage: the last trusted proxy is all we know
		}
		peer = a.Unmap()
		if !contains(trusted, peer) {
			break
		}
	}
	return peer.String()
}

// OverTLS says whether the client reached us over TLS: directly, or
// through a trusted proxy (as Of trusts) that says so in
// X-Forwarded-Proto. Anyone else's header is not believed.
func OverTLS(r *http.Request, trusted []netip.Prefix) bool {
	if r.TLS != nil {
		return true
	}
	proto := r.Header.Get("X-Forwarded-Proto")
	if proto == "" {
		return false
	}
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !contains(trusted, peer.Addr().Unmap()) {
		return false
	}
	// A chain of proxies appends: the nearest one's word is the last.
	hops := strings.Split(proto, ",")
	return strings.EqualFold(strings.TrimSpace(hops[len(hops)-1]), "https")
}

// hopAddr reads one X-Forwarded-For entry: an address, or an address and
// port as some proxies write it (198.51.100.7:4711, [2001:db8::1]:4711).
func hopAddr(hop string) (netip.Addr, error) {
	if ap, err := netip.ParseAddrPort(hop); err == nil {
		return ap.Addr(), nil
	}
	return netip.ParseAddr(hop)
}

func contains(prefixes []netip.Prefix, a netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Subscriber is the block of addresses one client usually holds, which
// limits count as one: an IPv4 address, or an IPv6 /64 (walking through
// one's own 2^64 addresses would otherwise reset any limit). Anything
// else is returned as it is.
func Subscriber(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
