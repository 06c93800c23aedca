package workflow

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/switchboard-chat/switchboard/internal/db"
)

// httpClient returns the HTTP Request step's client. A strict one checks
// every address it connects to — after DNS resolution, so a public name
// pointing at a private address is refused too — and refuses loopback,
// private, link-local and unspecified ones.
func httpClient(strict bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if strict {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip := net.ParseIP(host)
			if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
				ip.IsUnspecified() || ip.IsMulticast() {
				return fmt.Errorf("workflow: refusing to call private address %s (the workspace does not allow it)", host)
			}
			return nil
		}
	}
	transport := &http.Transport{DialContext: dialer.DialContext, Proxy: nil, MaxIdleConnsPerHost: 4,
		IdleConnTimeout: 30 * time.Second, TLSHandshakeTimeout: 10 * time.Second}
	return &http.Client{Transport: transport, Timeout: 30 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return fmt.Errorf("workflow: too many redirects")
			}
			return nil
		}}
}

// allowsPrivateHTTP reports whether the workspace lets HTTP Request steps
// call private and loopback addresses.
func (s *Service) allowsPrivateHTTP(ctx context.Context, workspaceID int64) bool {
	var allow int
	s.db.Reader().QueryRow(ctx, `SELECT allow_private_http FROM workflow_settings WHERE workspace_id = ?`, workspaceID).Scan(&allow)
	return allow == 1
}

// SetAllowPrivateHTTP lets (or stops) the workspace's HTTP Request steps
// call private and loopback addresses, e.g. an on-premises CRM.
func (s *Service) SetAllowPrivateHTTP(ctx context.Context, workspaceID int64, allow bool) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO workflow_settings (workspace_id, allow_private_http) VALUES (?, ?)
			ON CONFLICT (workspace_id) DO UPDATE SET allow_private_http = excluded.allow_private_http`, workspaceID, boolInt(allow))
		return err
	})
}
