// Package metricstest reads a node's metrics in tests and benchmarks.
package metricstest

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/switchboard-chat/switchboard/internal/metrics"
)

// Value reads one sample of the exposition, named with its labels as it
// is printed, e.g. `switchboard_webhook_errors_total{channel="custom",status="404"}`;
// 0 if absent.
func Value(t testing.TB, m *metrics.Metrics, sample string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	e, err := Parse(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return e[sample]
}

// Parse reads the text format's sample lines, skipping comments, into
// each sample's name and labels, as printed, to its value. The value is
// after the last space: a label value may hold spaces (a route's pattern,
// "GET /api/…"); the client library prints no timestamps.
func Parse(r io.Reader) (map[string]float64, error) {
	e := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i <= 0 {
			return nil, fmt.Errorf("metrics: bad sample line %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("metrics: bad value in %q: %w", line, err)
		}
		e[line[:i]] = v
	}
	return e, sc.Err()
}

// GatherFails checks that gathering c fails with an error that says want:
// a collector whose read broke part-way must fail the scrape rather than
// report what it read so far as the whole.
func GatherFails(t testing.TB, c prometheus.Collector, want string) {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	if _, err := reg.Gather(); err == nil {
		t.Fatal("the scrape succeeded with a broken read")
	} else if !strings.Contains(err.Error(), want) {
		t.Errorf("scrape error %q, want %q", err, want)
	}
}
