package cli

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealth(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.WriteHeader(http.StatusOK)
		case "/readyz":
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	port := addr[strings.LastIndex(addr, ":"):]
	cases := []struct {
		name string
		args []string
		code int
		out  string // in stdout when 0, else stderr
	}{
		{"alive", []string{"--addr", addr}, 0, "/healthz: 200"},
		{"every interface is asked on the loopback", []string{"--addr", "0.0.0.0" + port}, 0, "http://127.0.0.1" + port + "/healthz"},
		{"not ready", []string{"--addr", addr, "--ready"}, 1, "answered 503"},
		{"nobody listening", []string{"--addr", "127.0.0.1:1"}, 1, "health:"},
		{"bad address", []string{"--addr", "nowhere"}, 1, "--addr"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := run(t, append([]string{"health"}, c.args...)...)
			got := stderr
			if c.code == 0 {
				got = stdout
			}
			if code != c.code || !strings.Contains(got, c.out) {
				t.Errorf("health %v: code %d, stdout %q, stderr %q; want %d and %q", c.args, code, stdout, stderr, c.code, c.out)
			}
		})
	}
}
