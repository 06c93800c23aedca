package webhook

import "github.com/prometheus/client_golang/prometheus"

// attemptMetrics count a node's delivery attempts and time them.
type attemptMetrics struct {
	attempts *prometheus.CounterVec
	seconds  prometheus.Histogram
}

func newAttemptMetrics() *attemptMetrics {
	return &attemptMetrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "switchboard_webhook_attempts_total",
			Help: "Outgoing webhook delivery attempts by outcome: delivered, retry (will be tried again), failed (given up)."}, []string{"outcome"}),
		seconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "switchboard_webhook_attempt_seconds",
			Help: "How long an outgoing webhook delivery attempt took, connection to answer.", Buckets: prometheus.DefBuckets}),
	}
}

// Collector is the dispatcher's metrics, for the node's registry; the
// backlog of due deliveries is switchboard_due_backlog{kind="webhook"} and
// the consumer's lag switchboard_consumer_lag_events{consumer="webhooks"}.
func (d *Dispatcher) Collector() prometheus.Collector { return d.metrics }

func (m *attemptMetrics) Describe(ch chan<- *prometheus.Desc) {
	m.attempts.Describe(ch)
	m.seconds.Describe(ch)
}

func (m *attemptMetrics) Collect(ch chan<- prometheus.Metric) {
	m.attempts.Collect(ch)
	m.seconds.Collect(ch)
}
