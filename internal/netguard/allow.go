package netguard

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseAllowList reads the operator's --allow-private-networks value:
// comma-separated CIDR ranges (10.1.2.0/24, fd00:1::/64), where a bare
// address stands for itself alone (/32 or /128). Blank entries are
// skipped; an unreadable one is an error naming it.
func ParseAllowList(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		var p netip.Prefix
		var err error
		if strings.Contains(entry, "/") {
			p, err = netip.ParsePrefix(entry)
		} else {
			var ip netip.Addr
			if ip, err = netip.ParseAddr(entry); err == nil {
				p = netip.PrefixFrom(ip, ip.BitLen())
			}
		}
		if err != nil {
			return nil, fmt.Errorf("netguard: %q is not a CIDR range (e.g. 10.1.2.0/24) or an address", entry)
		}
		out = append(out, normalize(p))
	}
	return out, nil
}

// FormatAllowList is the comma-separated form of ranges, for logs.
func FormatAllowList(ps []netip.Prefix) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}
