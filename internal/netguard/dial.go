package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
)

// dialContext resolves the host itself, refuses the whole destination if
// any of its addresses is refused (a name mixing public and private
// addresses is a rebinding attempt or a mistake), and connects to the
// checked addresses by number, so that nothing resolves the name again
// between the check and the connection.
func (g *Guard) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("netguard: %w", err)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return nil, fmt.Errorf("netguard: port %q: %w", portText, err)
	}
	var addrs []netip.Addr
	name := ""
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		name = host
		if addrs, err = g.resolver.LookupNetIP(ctx, "ip", host); err != nil {
			return nil, fmt.Errorf("netguard: resolve %s: %w", host, err)
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("netguard: resolve %s: no addresses", host)
		}
	}
	for _, ip := range addrs {
		if err := g.Check(ip); err != nil {
			var denied *DeniedError
			if errors.As(err, &denied) {
				denied.Host = name
			}
			return nil, err
		}
	}
	var errs []error
	for _, ip := range addrs {
		if ip.Is4In6() {
			ip = ip.Unmap()
		}
		conn, err := g.dialer.DialContext(ctx, network, netip.AddrPortFrom(ip, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}

// control checks the address a socket is about to connect to: the last
// word, whatever dialled it.
func (g *Guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("netguard: cannot check the address %q: %w", address, err)
	}
	return g.Check(ap.Addr())
}
