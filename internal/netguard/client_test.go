package netguard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// loopback is the allow-list entry that lets a test reach its own
// httptest servers.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

// fakeDNS resolves names from a table, counting lookups.
type fakeDNS struct {
	names   map[string][]string
	lookups atomic.Int32
}

func (f *fakeDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	f.lookups.Add(1)
	texts, ok := f.names[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []netip.Addr
	for _, s := range texts {
		out = append(out, netip.MustParseAddr(s))
	}
	return out, nil
}

// server is an httptest server answering "hello from <path>".
func server(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	if h == nil {
		h = func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "hello from %s", r.URL.Path) }
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(g *Guard, rawURL string) (string, error) {
	resp, err := g.Client().Get(rawURL)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func port(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	u, _ := url.Parse(srv.URL)
	return u.Port()
}

func wantDenied(t *testing.T, err error, what string) {
	t.Helper()
	var denied *DeniedError
	if !errors.As(err, &denied) {
		t.Fatalf("err = %v, want a DeniedError", err)
	}
	if !strings.Contains(err.Error(), what) || !strings.Contains(err.Error(), AllowFlag) {
		t.Fatalf("err = %q, want it to say %q and name %s", err, what, AllowFlag)
	}
}

// Loopback is refused until the operator allows it, whichever way the
// address is written.
func TestClientLoopback(t *testing.T) {
	srv := server(t, nil)
	p := port(t, srv)
	for _, u := range []string{srv.URL + "/x", "http://[::ffff:127.0.0.1]:" + p + "/x"} {
		_, err := get(New(Options{}), u)
		wantDenied(t, err, "loopback")
	}
	for _, u := range []string{srv.URL + "/x", "http://[::ffff:127.0.0.1]:" + p + "/x"} {
		if body, err := get(New(Options{Allow: loopback}), u); err != nil || body != "hello from /x" {
			t.Fatalf("GET %s with 127.0.0.1/32 allowed = %q, %v", u, body, err)
		}
	}
	// 127.0.0.1/32 opens that address, not the rest of loopback.
	_, err := get(New(Options{Allow: loopback}), "http://127.0.0.2:"+p+"/")
	wantDenied(t, err, "loopback")
}

// A public-looking name that resolves to a private address is refused;
// so is one that resolves to a public and a private address. A name the
// operator allowed is dialled at the address that was checked.
func TestClientChecksResolvedAddresses(t *testing.T) {
	srv := server(t, nil)
	p := port(t, srv)
	dns := &fakeDNS{names: map[string][]string{
		"api.example.com":     {"127.0.0.1"},
		"metadata.example":    {"169.254.169.254"},
		"mixed.example.com":   {"93.184.216.34", "10.0.0.7"},
		"mapped.example.com":  {"::ffff:127.0.0.1"},
		"carrier.example.com": {"100.64.0.9"},
		"nat64.example.com":   {"64:ff9b::a00:1"},
	}}
	strict := New(Options{Resolver: dns})
	for name, what := range map[string]string{
		"api.example.com":     "api.example.com (resolved to 127.0.0.1) is a loopback address",
		"metadata.example":    "cloud metadata",
		"mixed.example.com":   "10.0.0.7) is a private address",
		"mapped.example.com":  "loopback",
		"carrier.example.com": "carrier-grade NAT",
		"nat64.example.com":   "NAT64",
	} {
		_, err := get(strict, "http://"+name+":"+p+"/")
		wantDenied(t, err, what)
	}

	open := New(Options{Resolver: dns, Allow: loopback})
	for _, name := range []string{"api.example.com", "mapped.example.com"} {
		if body, err := get(open, "http://"+name+":"+p+"/ok"); err != nil || body != "hello from /ok" {
			t.Fatalf("GET via %s with 127.0.0.1/32 allowed = %q, %v", name, body, err)
		}
	}
	if _, err := get(open, "http://nowhere.example:"+p+"/"); err == nil || !strings.Contains(err.Error(), "no such host") {
		t.Fatalf("unknown name: %v", err)
	}
}

// The name is resolved once per connection: the address connected to is
// the one that was checked, whatever the name resolves to next.
func TestClientDialsTheCheckedAddress(t *testing.T) {
	srv := server(t, nil)
	p := port(t, srv)
	dns := &fakeDNS{names: map[string][]string{"rebind.example.com": {"127.0.0.1"}}}
	g := New(Options{Resolver: dns, Allow: loopback})
	if _, err := get(g, "http://rebind.example.com:"+p+"/"); err != nil {
		t.Fatal(err)
	}
	if n := dns.lookups.Load(); n != 1 {
		t.Fatalf("%d lookups for one connection, want 1", n)
	}
}

// Whatever dials the guard's dialer, the socket is checked as it connects.
func TestDialerControlRefuses(t *testing.T) {
	srv := server(t, nil)
	_, err := New(Options{}).dialer.DialContext(context.Background(), "tcp", srv.Listener.Addr().String())
	wantDenied(t, err, "loopback")
	conn, err := New(Options{Allow: loopback}).dialer.DialContext(context.Background(), "tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatalf("allowed dial: %v", err)
	}
	conn.Close()
}

// Every redirect is checked: to a refused address (literal or by name),
// to another scheme, and past the cap.
func TestClientRedirects(t *testing.T) {
	target := server(t, nil)
	p := port(t, target)
	var hops atomic.Int32
	redirector := server(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-allowed":
			http.Redirect(w, r, target.URL+"/landed", http.StatusFound)
		case "/to-loopback":
			http.Redirect(w, r, "http://127.0.0.2:"+p+"/", http.StatusFound)
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusTemporaryRedirect)
		case "/to-name":
			http.Redirect(w, r, "http://intranet.example.com:"+p+"/", http.StatusFound)
		case "/to-file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case "/loop":
			hops.Add(1)
			http.Redirect(w, r, "/loop", http.StatusFound)
		}
	})
	dns := &fakeDNS{names: map[string][]string{"intranet.example.com": {"192.168.0.10"}}}
	g := New(Options{Resolver: dns, Allow: loopback})
	if body, err := get(g, redirector.URL+"/to-allowed"); err != nil || body != "hello from /landed" {
		t.Fatalf("redirect to an allowed address = %q, %v", body, err)
	}
	_, err := get(g, redirector.URL+"/to-loopback")
	wantDenied(t, err, "127.0.0.2 is a loopback address")
	_, err = get(g, redirector.URL+"/to-metadata")
	wantDenied(t, err, "cloud metadata")
	_, err = get(g, redirector.URL+"/to-name")
	wantDenied(t, err, "intranet.example.com (resolved to 192.168.0.10) is a private address")
	_, err = get(g, redirector.URL+"/to-file")
	var scheme *SchemeError
	if !errors.As(err, &scheme) || scheme.Scheme != "file" {
		t.Fatalf("redirect to file:// = %v, want a SchemeError", err)
	}
	if _, err = get(g, redirector.URL+"/loop"); err == nil || !strings.Contains(err.Error(), "stopped after 5 redirects") {
		t.Fatalf("redirect loop = %v", err)
	}
	if n := hops.Load(); n != 5 {
		t.Fatalf("followed %d redirects, want 5", n)
	}
}

// The environment's proxy is never used: it would make the call on the
// guard's behalf, to any address.
func TestClientIgnoresProxyFromEnvironment(t *testing.T) {
	var proxied atomic.Int32
	proxy := server(t, func(w http.ResponseWriter, r *http.Request) { proxied.Add(1); io.WriteString(w, "proxy") })
	target := server(t, nil)
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)
	t.Setenv("NO_PROXY", "")
	dns := &fakeDNS{names: map[string][]string{"api.example.com": {"127.0.0.1"}}}
	body, err := get(New(Options{Resolver: dns, Allow: loopback}), "http://api.example.com:"+port(t, target)+"/direct")
	if err != nil || body != "hello from /direct" || proxied.Load() != 0 {
		t.Fatalf("GET = %q, %v; proxy used %d times", body, err, proxied.Load())
	}
	// Refused addresses are refused, not handed to the proxy.
	_, err = get(New(Options{}), "http://169.254.169.254/")
	wantDenied(t, err, "cloud metadata")
}
