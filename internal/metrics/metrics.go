// Package metrics defines the Prometheus metrics a node exposes at
// /metrics. Each node has its own registry (no package globals), so tests
// can build several nodes in one process.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds every metric of a node.
type Metrics struct {
	reg *prometheus.Registry

	// InboundMessages counts inbound items stored, by channel type and
	// outcome (stored, duplicate, status).
	InboundMessages *prometheus.CounterVec
	// WebhookSeconds is the time from webhook arrival to acknowledgement.
	WebhookSeconds *prometheus.HistogramVec
	// WebhookErrors counts rejected webhooks by channel type and HTTP status.
	WebhookErrors *prometheus.CounterVec
	// OutboundSends counts delivery attempts by channel type and result
	// (sent, retry, failed).
	OutboundSends *prometheus.CounterVec
	// OutboundQueue is the number of outbound messages waiting to be sent.
	OutboundQueue prometheus.Gauge
}

// New makes a registry with the process and Go collectors and our metrics.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
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
	}
	reg.MustRegister(m.InboundMessages, m.WebhookSeconds, m.WebhookErrors, m.OutboundSends, m.OutboundQueue)
	return m
}

// Register adds a collector of another part (e.g. a database stats collector).
func (m *Metrics) Register(c prometheus.Collector) { m.reg.MustRegister(c) }

// Handler serves the exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
