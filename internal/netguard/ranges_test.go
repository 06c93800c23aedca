package netguard

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestCheckAddresses(t *testing.T) {
	tests := []struct {
		addr   string
		refuse string // what the error says the address is; "" when allowed
	}{
		// IPv4.
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"10.0.0.1", "private"},
		{"10.255.255.255", "private"},
		{"100.64.0.1", "carrier-grade NAT"},
		{"100.127.255.254", "carrier-grade NAT"},
		{"127.0.0.1", "loopback"},
		{"127.8.9.10", "loopback"},
		{"169.254.169.254", "cloud metadata"},
		{"169.254.1.1", "link-local"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"192.0.0.170", "IETF protocol"},
		{"192.0.2.5", "documentation"},
		{"192.88.99.1", "6to4 relay"},
		{"192.168.1.1", "private"},
		{"198.18.0.1", "benchmarking"},
		{"198.51.100.7", "documentation"},
		{"203.0.113.9", "documentation"},
		{"224.0.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"240.0.0.1", "reserved"},
		{"255.255.255.255", "broadcast"},
		{"8.8.8.8", ""},
		{"100.63.255.255", ""},
		{"100.128.0.0", ""},
		{"172.32.0.1", ""},
		{"93.184.216.34", ""},
		// IPv6.
		{"::", "unspecified"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:10.1.2.3", "private"},
		{"::ffff:169.254.169.254", "cloud metadata"},
		{"::127.0.0.1", "IPv4-compatible"},
		{"::8.8.8.8", "IPv4-compatible"},
		{"64:ff9b::7f00:1", "NAT64"},
		{"64:ff9b::808:808", "NAT64"},
		{"64:ff9b:1::1", "local-use NAT64"},
		{"100::1", "discard-only"},
		{"2001::1", "Teredo"},
		{"2001:2::1", "benchmarking"},
		{"2001:db8::1", "documentation"},
		{"2002:7f00:1::1", "6to4"},
		{"3fff::1", "documentation"},
		{"fc00::1", "unique local"},
		{"fd00:ec2::254", "unique local"},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"fec0::1", "site-local"},
		{"ff02::1", "multicast"},
		{"2606:4700:4700::1111", ""},
		{"::ffff:8.8.8.8", ""},
	}
	g := New(Options{})
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := g.Check(netip.MustParseAddr(tt.addr))
			if tt.refuse == "" {
				if err != nil {
					t.Fatalf("Check(%s) = %v, want allowed", tt.addr, err)
				}
				return
			}
			var denied *DeniedError
			if !errors.As(err, &denied) {
				t.Fatalf("Check(%s) = %v, want a DeniedError", tt.addr, err)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.refuse) || !strings.Contains(msg, "not allowed") ||
				!strings.Contains(msg, "--allow-private-networks") {
				t.Errorf("Check(%s) = %q, want it to say %q, not allowed, and how to allow it", tt.addr, msg, tt.refuse)
			}
		})
	}
}

// The operator's ranges open exactly what they name, in every form of the
// address.
func TestCheckAllowList(t *testing.T) {
	allow, err := ParseAllowList("127.0.0.1, 10.1.2.0/24, fd00:1::/64, ::ffff:192.168.7.0/120")
	if err != nil {
		t.Fatal(err)
	}
	g := New(Options{Allow: allow})
	tests := []struct {
		addr  string
		allow bool
	}{
		{"127.0.0.1", true},
		{"::ffff:127.0.0.1", true},
		{"127.0.0.2", false},
		{"::1", false},
		{"::127.0.0.1", false}, // IPv4-compatible is not IPv4-mapped
		{"10.1.2.200", true},
		{"10.1.3.1", false},
		{"fd00:1::5", true},
		{"fd00:2::5", false},
		{"192.168.7.9", true},
		{"192.168.8.9", false},
		{"169.254.169.254", false},
		{"8.8.8.8", true},
	}
	for _, tt := range tests {
		if err := g.Check(netip.MustParseAddr(tt.addr)); (err == nil) != tt.allow {
			t.Errorf("Check(%s) = %v, want allowed %v", tt.addr, err, tt.allow)
		}
	}
}

func TestCheckURL(t *testing.T) {
	allow, _ := ParseAllowList("10.0.0.0/8")
	g := New(Options{Allow: allow})
	tests := []struct {
		url  string
		want string // in the error; "" when accepted
	}{
		{"https://api.example.com/hook", ""},
		{"http://8.8.8.8:8080", ""},
		{"http://10.3.4.5/", ""},
		{"http://localhost:9090", ""}, // a name: checked when it is called
		{"http://127.0.0.1:9090", "loopback"},
		{"http://[::ffff:127.0.0.1]:9090", "loopback"},
		{"http://[::1]/", "loopback"},
		{"http://[fe80::1%25eth0]/", "link-local"},
		{"http://169.254.169.254/latest/meta-data/", "cloud metadata"},
		{"http://100.100.100.200/", "carrier-grade NAT"},
		{"http://[64:ff9b::a9fe:a9fe]/", "NAT64"},
		{"ftp://example.com/", `scheme "ftp"`},
		{"file:///etc/passwd", `scheme "file"`},
		{"gopher://example.com", `scheme "gopher"`},
		{"http:///nohost", "no host"},
		{"http://[::1", "not a URL"},
	}
	for _, tt := range tests {
		err := g.CheckURL(tt.url)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckURL(%q) = %v, want accepted", tt.url, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckURL(%q) = %v, want an error saying %q", tt.url, err, tt.want)
		}
	}
}

func TestParseAllowList(t *testing.T) {
	tests := []struct {
		in   string
		want string // formatted; "error" for an error
	}{
		{"", ""},
		{" , ", ""},
		{"127.0.0.1/32", "127.0.0.1/32"},
		{"127.0.0.1", "127.0.0.1/32"},
		{"::1", "::1/128"},
		{"10.1.2.3/8", "10.0.0.0/8"},
		{"10.0.0.0/8, fd00::/8 ,192.168.1.0/24", "10.0.0.0/8,fd00::/8,192.168.1.0/24"},
		{"::ffff:10.0.0.0/104", "10.0.0.0/8"},
		{"10.0.0.0/33", "error"},
		{"intranet.local", "error"},
		{"10.0.0.0/8;192.168.0.0/16", "error"},
	}
	for _, tt := range tests {
		got, err := ParseAllowList(tt.in)
		if tt.want == "error" {
			if err == nil || !strings.Contains(err.Error(), "not a CIDR range") {
				t.Errorf("ParseAllowList(%q) = %v, %v; want an error naming the entry", tt.in, got, err)
			}
			continue
		}
		if err != nil || FormatAllowList(got) != tt.want {
			t.Errorf("ParseAllowList(%q) = %q, %v; want %q", tt.in, FormatAllowList(got), err, tt.want)
		}
	}
}
