package netguard

import (
	"context"
	"errors"
	"net/url"
)

// CheckDestination is CheckURL and, when the host is a name that
// resolves, the check of every address it resolves to: what a form saving
// a URL calls, so that a URL the guard would refuse to call is refused
// when it is entered (e.g. http://localhost/), not at its first call. A
// name that does not resolve now is not refused (it is checked again on
// every call).
func (g *Guard) CheckDestination(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("netguard: not a URL")
	}
	if err := g.checkURL(u); err != nil {
		return err
	}
	addrs, err := g.resolver.LookupNetIP(ctx, "ip", u.Hostname())
	if err != nil {
		return nil
	}
	for _, ip := range addrs {
		if err := g.Check(ip); err != nil {
			var denied *DeniedError
			if errors.As(err, &denied) {
				denied.Host = u.Hostname()
			}
			return err
		}
	}
	return nil
}
