package metrics_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
)

// Names lists every registered family, a vector nobody has observed yet
// and another part's collector included.
func TestNames(t *testing.T) {
	m := metrics.New()
	m.Register(prometheus.NewGauge(prometheus.GaugeOpts{Name: "switchboard_test_gauge", Help: "test"}))
	names := m.Names()
	for _, want := range []string{"switchboard_inbound_messages_total", "switchboard_webhook_ack_seconds", "switchboard_outbound_queue_length", "switchboard_test_gauge", "go_goroutines", "process_cpu_seconds_total"} {
		if !slices.Contains(names, want) {
			t.Errorf("Names() lacks %s", want)
		}
	}
	if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Error("Names() is not sorted and unique")
	}
}

// failingCollector is a part whose store-backed gauges cannot be read at
// scrape time, as routing's queue gauges and the workflow runs gauge
// answer when the store does not (prometheus.NewInvalidMetric).
type failingCollector struct{ desc *prometheus.Desc }

func (f failingCollector) Describe(ch chan<- *prometheus.Desc) { ch <- f.desc }
func (f failingCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.NewInvalidMetric(f.desc, errors.New("store unreachable"))
}

// One part failing to read its gauges costs those gauges only: the scrape
// still answers 200 with every other metric (the 5xx counts, webhook
// errors and the process's own), which are what tell an operator why,
// and the failure is counted in promhttp_metric_handler_errors_total.
func TestScrapeSurvivesAFailingCollector(t *testing.T) {
	m := metrics.New()
	m.Register(failingCollector{prometheus.NewDesc("switchboard_test_store_gauge", "test", nil, nil)})
	m.HTTPRequests.WithLabelValues("GET /api/v1/contacts", "503").Inc()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape answered %d: %s", rec.Code, rec.Body)
	}
	e, err := metricstest.Parse(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`switchboard_http_requests_total{code="503",route="GET /api/v1/contacts"}`, "go_goroutines"} {
		if _, ok := e[want]; !ok {
			t.Errorf("the scrape lacks %s", want)
		}
	}
	if got := metricstest.Value(t, m, `promhttp_metric_handler_errors_total{cause="gathering"}`); got < 1 {
		t.Errorf("the failed collection was not counted: %v", got)
	}
}
