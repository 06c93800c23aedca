package outbound_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// The guard's refusals, as a real guarded client returns them, are
// permanent with the address named; any other failure is left to retry.
func TestGuardRefusal(t *testing.T) {
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://files.example.com/x", http.StatusFound)
	}))
	defer redirect.Close()
	loopback := netguard.New(netguard.Options{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}).Client()
	get := func(c *http.Client, url string) error {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	for _, tc := range []struct {
		name      string
		err       error
		permanent bool
		reason    string
	}{
		{"a private address", get(netguard.New(netguard.Options{}).Client(), redirect.URL), true, "the channel's base URL: "},
		{"a redirect to another scheme", get(loopback, redirect.URL), true, "the channel's base URL redirected to a ftp: URL"},
		{"another failure", errors.New("connection reset"), false, "connection reset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil {
				t.Fatal("the request did not fail")
			}
			got := outbound.GuardRefusal("the channel's base URL", tc.err)
			if outbound.IsPermanent(got) != tc.permanent || !strings.HasPrefix(outbound.Reason(got), tc.reason) {
				t.Fatalf("GuardRefusal(%v) = %v (permanent %v); want permanent %v, reason starting %q", tc.err, got, outbound.IsPermanent(got), tc.permanent, tc.reason)
			}
		})
	}
}
