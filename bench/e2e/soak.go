package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/bench/harness"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
)

// A soak (-soak 10m) runs the end-to-end load steadily for a long time and
// watches the server for what a short run cannot show: memory that keeps
// growing, goroutines that are never released, errors that appear only
// after a while. memSampler reads the server every few seconds.

// memSample is the server at one moment of a soak.
type memSample struct {
	at         time.Time
	rss        float64 // bytes, VmRSS of /proc/<pid>/status; -1 unknown
	heap       float64 // go_memstats_heap_inuse_bytes; -1 unknown
	goSys      float64 // go_memstats_sys_bytes: what the Go runtime obtained from the OS; -1 unknown
	goroutines float64 // go_goroutines; -1 unknown
	// Counters since the server started (-1 unknown).
	http5xx    float64 // switchboard_http_requests_total with a 5xx code
	webhookErr float64 // switchboard_webhook_errors_total, every channel and status
	sendFailed float64 // switchboard_outbound_sends_total{result="failed"}
}

// memSampler scrapes the server's /metrics (with the metrics token) and
// reads its RSS from /proc every interval.
type memSampler struct {
	every  time.Duration
	url    string // the server's /metrics
	token  string // its --metrics-token
	client *http.Client

	mu         sync.Mutex
	samples    []memSample
	scrapeErrs int
	firstErr   string
}

func newMemSampler(srv *harness.Server, token string, every time.Duration) *memSampler {
	return &memSampler{every: every, url: srv.URL + "/metrics", token: token, client: &http.Client{Timeout: 10 * time.Second}}
}

// run samples at once, then every interval until ctx ends, then once more:
// the last sample is the server after the load, every conversation closed.
func (m *memSampler) run(ctx context.Context, srv *harness.Server) {
	t := time.NewTicker(m.every)
	defer t.Stop()
	for {
		m.sample(ctx, srv)
		select {
		case <-t.C:
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			m.sample(last, srv)
			cancel()
			return
		}
	}
}

func (m *memSampler) sample(ctx context.Context, srv *harness.Server) {
	s := memSample{at: time.Now(), rss: -1, heap: -1, goSys: -1, goroutines: -1, http5xx: -1, webhookErr: -1, sendFailed: -1}
	if n, ok := srv.RSS(); ok {
		s.rss = float64(n)
	}
	fams, err := m.scrape(ctx)
	if err != nil && ctx.Err() != nil {
		// The sampler was stopped while this scrape was on its way (the
		// ticker and the stop fired together): not the server's failure,
		// and the last sample is taken next with a context of its own.
		return
	}
	if err == nil {
		s.heap = fams.sum("go_memstats_heap_inuse_bytes", nil)
		s.goSys = fams.sum("go_memstats_sys_bytes", nil)
		s.goroutines = fams.sum("go_goroutines", nil)
		s.http5xx = fams.sum("switchboard_http_requests_total", func(l string) bool { return strings.Contains(l, `code="5`) })
		s.webhookErr = fams.sum("switchboard_webhook_errors_total", nil)
		s.sendFailed = fams.sum("switchboard_outbound_sends_total", func(l string) bool { return strings.Contains(l, `result="failed"`) })
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.scrapeErrs++
		if m.firstErr == "" {
			m.firstErr = err.Error()
		}
	}
	m.samples = append(m.samples, s)
}

func (m *memSampler) scrape(ctx context.Context) (exposition, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+m.token)
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	return parseExposition(resp.Body)
}

// snapshot returns the samples so far and the failed scrapes.
func (m *memSampler) snapshot() ([]memSample, int, string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]memSample(nil), m.samples...), m.scrapeErrs, m.firstErr
}

// exposition is a parsed Prometheus text exposition: each sample's name
// and labels, as printed, to its value.
type exposition map[string]float64

// parseExposition reads an exposition (metricstest.Parse).
func parseExposition(r io.Reader) (exposition, error) {
	e, err := metricstest.Parse(r)
	return exposition(e), err
}

// sum adds the samples of one metric whose labels keep accepts (every
// sample when keep is nil); 0 when it has none, as a counter vector with
// no child yet is absent.
func (e exposition) sum(name string, keep func(labels string) bool) float64 {
	var total float64
	for k, v := range e {
		labels, ok := strings.CutPrefix(k, name)
		if !ok || (labels != "" && labels[0] != '{') {
			continue // another metric whose name starts with this one
		}
		if keep == nil || keep(labels) {
			total += v
		}
	}
	return total
}
