// Package netguard is the one HTTP client for every call the server makes
// on a workspace's behalf: channel sends, the workflow HTTP Request step,
// and later webhooks, providers and AI. A workspace chooses the URLs; the
// guard makes sure none of them reaches inside the operator's network.
//
// The destination is checked after DNS resolution — every address a name
// resolves to, and the connection is then made to a checked address, so a
// name that resolves differently a moment later (DNS rebinding) cannot
// swap it — and again when the socket connects (net.Dialer.Control), on
// every redirect. Loopback, private, link-local (with cloud metadata),
// carrier-grade NAT, NAT64, multicast, unspecified, broadcast and reserved
// ranges of IPv4 and IPv6 are refused, IPv4-mapped IPv6 forms included,
// unless the operator allows a range (--allow-private-networks). Proxies
// from the environment are not used.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"
)

// Resolver resolves host names; *net.Resolver is one. Tests inject their
// own to point a public-looking name at a private address.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options configure a Guard; zero values take the defaults.
type Options struct {
	// Allow opens ranges that are otherwise refused, e.g. an on-premises
	// integrator's 10.1.2.0/24, or 127.0.0.1/32 for the demo.
	Allow []netip.Prefix
	// Resolver resolves host names (default net.DefaultResolver).
	Resolver Resolver
	// DialTimeout bounds one connection attempt (default 10s).
	DialTimeout time.Duration
	// MaxRedirects is how many redirects a request follows (default 5).
	MaxRedirects int
}

// Guard decides which addresses may be called and holds the client that
// enforces it. It is safe for concurrent use.
type Guard struct {
	allow        []netip.Prefix
	resolver     Resolver
	dialer       *net.Dialer
	maxRedirects int
	client       *http.Client
}

// New returns a Guard with its client.
func New(opts Options) *Guard {
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = 10 * time.Second
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = 5
	}
	g := &Guard{resolver: opts.Resolver, maxRedirects: opts.MaxRedirects}
	for _, p := range opts.Allow {
		g.allow = append(g.allow, normalize(p))
	}
	g.dialer = &net.Dialer{Timeout: opts.DialTimeout, KeepAlive: 30 * time.Second, Control: g.control}
	transport := &http.Transport{
		Proxy:                 nil, // never HTTP(S)_PROXY: the proxy would make the call, unchecked
		DialContext:           g.dialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	// No overall Timeout: each caller bounds its requests with its context
	// (a channel send, a workflow step and an AI call need different ones).
	g.client = &http.Client{Transport: transport, CheckRedirect: g.checkRedirect}
	return g
}

// Client returns the guarded client. Every caller shares it, and with it
// its pool of connections.
func (g *Guard) Client() *http.Client { return g.client }

// Check returns a *DeniedError when ip is in a refused range that the
// operator did not allow, and nil otherwise.
func (g *Guard) Check(ip netip.Addr) error {
	ip = canonical(ip)
	if !ip.IsValid() {
		return &DeniedError{What: "not a valid address"}
	}
	for _, p := range g.allow {
		if p.Contains(ip) {
			return nil
		}
	}
	if r, ok := lookup(ip); ok {
		return &DeniedError{Addr: ip, What: r.what, Range: r.prefix}
	}
	return nil
}

// CheckURL checks what can be checked of a URL without resolving it: an
// http or https scheme, a host, and, when the host is a literal address,
// that address. Host names are checked when they are called.
func (g *Guard) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("netguard: not a URL: %w", err)
	}
	return g.checkURL(u)
}

func (g *Guard) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return &SchemeError{Scheme: u.Scheme}
	}
	if u.Hostname() == "" {
		return errors.New("netguard: the URL has no host")
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil {
		if err := g.Check(ip); err != nil {
			return err
		}
	}
	return nil
}

// checkRedirect refuses a redirect past the cap, to another scheme, or to
// a literal address that is refused; a redirect to a name is checked when
// it is dialled.
func (g *Guard) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= g.maxRedirects {
		return fmt.Errorf("netguard: stopped after %d redirects", len(via))
	}
	return g.checkURL(req.URL)
}

// normalize makes an allowed prefix comparable with canonical addresses:
// an IPv4-mapped prefix becomes the IPv4 prefix it maps, host bits are
// cleared.
func normalize(p netip.Prefix) netip.Prefix {
	if p.Addr().Is4In6() && p.Bits() >= 96 {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked()
}
