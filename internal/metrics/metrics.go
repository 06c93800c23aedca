// Package metrics defines the Prometheus metrics a node exposes at
// /metrics. Each node has its own registry (no package globals), so tests
// can build several nodes in one process.
package metrics

import (
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds every metric of a node.
type Metrics struct {
	reg *prometheus.Registry

	mu  sync.Mutex
	all []prometheus.Collector // every collector registered, for Names

	// InboundMessages counts inbound items stored, by channel type and
	// outcome (stored, duplicate, status).
	InboundMessages *prometheus.CounterVec
	// WebhookSeconds is the time from webhook arrival to acknowledgement.
	WebhookSeconds *prometheus.HistogramVec
	// WebhookErrors counts rejected webhooks by channel type and HTTP status.
	WebhookErrors *prometheus.CounterVec
	// OutboundSends counts delivery attempts by channel type and result
	// (sent, retry, failed), once the attempt's outcome is recorded.
	OutboundSends *prometheus.CounterVec
	// OutboundQueue is the number of outbound messages waiting to be sent.
	OutboundQueue prometheus.Gauge
	// HTTPRequests counts the requests a node answered, by route (the
	// route table's pattern, so the label's values are bounded) and
	// status code.
	HTTPRequests *prometheus.CounterVec
	// HTTPSeconds is the time to answer a request, by route. Live
	// streams are left out: they last as long as the client stays.
	HTTPSeconds *prometheus.HistogramVec
}

// New makes a registry with the process and Go collectors and our metrics.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		InboundMessages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_inbound_messages_total", Help: "Inbound webhook items processed, by channel type and outcome.",
		}, []string{"channel", "outcome"}),
		WebhookSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "switchboard_webhook_ack_seconds", Help: "Time from webhook arrival to acknowledgement (after the durable commit).",
			Buckets: []float64{.001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
		}, []string{"channel"}),
		WebhookErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_webhook_errors_total", Help: "Webhooks refused, by channel type and HTTP status.",
		}, []string{"channel", "status"}),
		OutboundSends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_outbound_sends_total", Help: "Outbound delivery attempts, by channel type and result.",
		}, []string{"channel", "result"}),
		OutboundQueue: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "switchboard_outbound_queue_length", Help: "Outbound messages waiting to be delivered.",
		}),
		HTTPRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "switchboard_http_requests_total", Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "code"}),
		HTTPSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "switchboard_http_request_seconds", Help: "Time to answer an HTTP request (live streams excluded), by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route"}),
	}
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.InboundMessages, m.WebhookSeconds, m.WebhookErrors, m.OutboundSends, m.OutboundQueue,
		m.HTTPRequests, m.HTTPSeconds,
	} {
		m.Register(c)
	}
	return m
}

// Register adds a collector of another part (e.g. a database stats collector).
func (m *Metrics) Register(c prometheus.Collector) {
	m.reg.MustRegister(c)
	m.mu.Lock()
	m.all = append(m.all, c)
	m.mu.Unlock()
}

// fqName is how a Desc's String spells its metric's name.
var fqName = regexp.MustCompile(`fqName: "([^"]+)"`)

// Names lists, sorted, the name of every metric family the registered
// collectors describe, observed or not: a vector with no child yet (no
// webhook received, no assignment made) is absent from /metrics until its
// first observation, but is named here. Histograms and summaries are
// named without their _bucket, _sum and _count series. The dashboard and
// alert rules in docs/ are checked against it.
func (m *Metrics) Names() []string {
	m.mu.Lock()
	all := slices.Clone(m.all)
	m.mu.Unlock()
	ch := make(chan *prometheus.Desc)
	go func() {
		for _, c := range all {
			c.Describe(ch)
		}
		close(ch)
	}()
	var names []string
	for d := range ch {
		if sm := fqName.FindStringSubmatch(d.String()); sm != nil {
			names = append(names, sm[1])
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Handler serves the exposition format. A collector that fails (a gauge
// read from the store while the store does not answer) costs its own
// metrics only: the rest are served with a 200, since they are what says
// why (5xx counts, webhook errors), and the failure is logged and counted
// in promhttp_metric_handler_errors_total{cause="gathering"}. The
// library's default answered the whole scrape 500 instead.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorHandling: promhttp.ContinueOnError,
		ErrorLog: scrapeLog{}})
}

// scrapeLog logs what a scrape could not collect, through the node's
// logger as it is when the scrape runs.
type scrapeLog struct{}

func (scrapeLog) Println(v ...any) { slog.Warn("metrics: scrape incomplete", "err", fmt.Sprint(v...)) }
