// Package metricstest reads a node's metrics in tests.
package metricstest

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/metrics"
)

// Value reads one sample of the exposition, named with its labels as it
// is printed, e.g. `switchboard_webhook_errors_total{channel="custom",status="404"}`;
// 0 if absent.
func Value(t testing.TB, m *metrics.Metrics, sample string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		// The value is after the last space: a label value may hold
		// spaces (a route's pattern, "GET /api/…").
		line := sc.Text()
		if i := strings.LastIndexByte(line, ' '); i > 0 && line[:i] == sample {
			value := line[i+1:]
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	return 0
}
