package netguard

import (
	"fmt"
	"net/netip"
)

// AllowFlag is the operator setting that opens refused ranges; errors
// name it so that whoever reads one knows where the remedy is.
const AllowFlag = "--allow-private-networks"

// DeniedError is a destination in a refused range.
type DeniedError struct {
	Host  string       // the name asked for, when it was one
	Addr  netip.Addr   // the refused address
	What  string       // what the address is, e.g. "a loopback address"
	Range netip.Prefix // the refused block holding it
}

func (e *DeniedError) Error() string { return "netguard: " + e.Reason() }

// Reason says, for the person who entered the URL, which address was
// refused, why, and how the operator can allow it.
func (e *DeniedError) Reason() string {
	if !e.Addr.IsValid() {
		return fmt.Sprintf("address not allowed: %s", e.What)
	}
	subject := e.Addr.String()
	if e.Host != "" {
		subject = fmt.Sprintf("%s (resolved to %s)", e.Host, e.Addr)
	}
	single := netip.PrefixFrom(e.Addr, e.Addr.BitLen())
	return fmt.Sprintf("address not allowed: %s is %s (%s); Switchboard does not call private or internal networks "+
		"on a workspace's behalf unless the server's operator allows the range with %s (e.g. %s %s)",
		subject, e.What, e.Range, AllowFlag, AllowFlag, single)
}

// SchemeError is a URL whose scheme is not http or https.
type SchemeError struct {
	Scheme string
}

func (e *SchemeError) Error() string {
	return fmt.Sprintf("netguard: scheme %q is not allowed: only http:// and https:// URLs are called", e.Scheme)
}
