package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// With a metrics address, a listener of its own serves /metrics to anyone
// who reaches it, and nothing else; the main address does not serve them,
// even to the metrics token. Without one, the main address serves them to
// the metrics token.
func TestMetricsListener(t *testing.T) {
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	srv, err := serveMetrics("127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "switchboard_up 1\n")
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if status, body := get("http://" + srv.Addr + "/metrics"); status != 200 || body != "switchboard_up 1\n" {
		t.Errorf("GET /metrics on the metrics address: %d %q", status, body)
	}
	for _, path := range []string{"/", "/healthz", "/api/v1/me"} {
		if status, _ := get("http://" + srv.Addr + path); status != 404 {
			t.Errorf("GET %s on the metrics address: %d, want 404", path, status)
		}
	}

	scrapeMain := func(cfg Config) int {
		t.Helper()
		cfg.DataDir = t.TempDir()
		a, err := New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Header.Set("Authorization", "Bearer scrape-me")
		a.Handler.ServeHTTP(rec, req)
		if rec.Code == 200 && !strings.Contains(rec.Body.String(), "go_goroutines") {
			t.Errorf("the exposition lacks go_goroutines: %s", rec.Body)
		}
		return rec.Code
	}
	if status := scrapeMain(Config{MetricsToken: "scrape-me", MetricsAddr: "127.0.0.1:0"}); status != 404 {
		t.Errorf("main address with a metrics listener: %d, want 404", status)
	}
	if status := scrapeMain(Config{MetricsToken: "scrape-me"}); status != 200 {
		t.Errorf("main address with the metrics token: %d, want 200", status)
	}
}
