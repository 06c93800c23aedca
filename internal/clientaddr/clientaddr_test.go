package clientaddr

import (
	"crypto/tls"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestOf(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, c := range []struct {
		name, peer, xff, want string
	}{
		{"no proxy", "198.51.100.7:4711", "", "198.51.100.7"},
		{"an untrusted peer's header is not believed", "198.51.100.7:4711", "203.0.113.9", "198.51.100.7"},
		{"a trusted proxy names the client", "10.0.0.2:80", "203.0.113.9", "203.0.113.9"},
		{"entries left of the client are anyone's", "10.0.0.2:80", "192.0.2.1, 203.0.113.9, 10.0.0.3", "203.0.113.9"},
		{"an entry with a port", "10.0.0.2:80", "[2001:db8::1]:4711", "2001:db8::1"},
		{"garbage: the last trusted proxy", "10.0.0.2:80", "not-an-address", "10.0.0.2"},
		{"an IPv4-mapped peer", "[::ffff:198.51.100.7]:4711", "", "198.51.100.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := Of(r, proxies); got != c.want {
			t.Errorf("%s: Of = %s, want %s", c.name, got, c.want)
		}
	}
}

func TestOverTLS(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, c := range []struct {
		name, peer, proto string
		tls, want         bool
	}{
		{"direct TLS", "198.51.100.7:4711", "", true, true},
		{"plain", "198.51.100.7:4711", "", false, false},
		{"an untrusted peer's header", "198.51.100.7:4711", "https", false, false},
		{"a trusted proxy's word", "10.0.0.2:80", "https", false, true},
		{"the nearest proxy's word is the last", "10.0.0.2:80", "https, http", false, false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.proto != "" {
			r.Header.Set("X-Forwarded-Proto", c.proto)
		}
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := OverTLS(r, proxies); got != c.want {
			t.Errorf("%s: OverTLS = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestSubscriber(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"not an address", "not an address"},
	} {
		if got := Subscriber(tc.in); got != tc.want {
			t.Errorf("Subscriber(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
