package cli

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// healthCmd runs "switchboard health": it asks the node listening on
// --addr (SWITCHBOARD_ADDR) whether it is alive (/healthz) or, with
// --ready, ready (/readyz), and exits 0 only on 200. It is the
// container image's HEALTHCHECK, which has no shell nor curl.
func healthCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("health", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "the node's listen address"+fs.env("addr"))
	ready := fs.Bool("ready", false, "ask /readyz (the store answers) rather than /healthz (the process serves)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := probeURL(*addr, *ready)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s answered %d", u, resp.StatusCode)
	}
	fmt.Fprintf(stdout, "%s: %d\n", u, resp.StatusCode)
	return nil
}

// probeURL is the probe's address on the node listening on addr: a
// node listening on every interface (0.0.0.0:8080, :8080) is asked on
// the loopback.
func probeURL(addr string, ready bool) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr: %w", err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	path := "/healthz"
	if ready {
		path = "/readyz"
	}
	return "http://" + net.JoinHostPort(host, port) + path, nil
}
