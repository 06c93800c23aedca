package event

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	lagDesc = prometheus.NewDesc("switchboard_consumer_lag_events",
		"Events committed that a consumer of the event log has not yet handled or passed over (the newest event id this node heard of minus the consumer's cursor).",
		[]string{"consumer"}, nil)
	delayDesc = prometheus.NewDesc("switchboard_consumer_lag_seconds",
		"How long the oldest event a consumer of the event log has not yet handled or passed over has waited (0 when it is caught up).",
		[]string{"consumer"}, nil)
)

// LagCollector reports switchboard_consumer_lag_events and
// switchboard_consumer_lag_seconds for every consumer woken by hub, at
// scrape time: a consumer added later is reported too. A caught-up
// consumer costs no query.
func LagCollector(hub *Hub) prometheus.Collector { return lagCollector{hub} }

type lagCollector struct{ hub *Hub }

func (l lagCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- lagDesc
	ch <- delayDesc
}

func (l lagCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Two consumers of one name on one hub (tests build such nodes) share
	// a cursor: report the one further behind.
	lag, delay := map[string]int64{}, map[string]time.Duration{}
	var names []string
	for _, c := range l.hub.Consumers() {
		if _, ok := lag[c.Name()]; !ok {
			names = append(names, c.Name())
		}
		lag[c.Name()] = max(lag[c.Name()], c.Lag())
		d, err := c.Delay(ctx)
		if err != nil {
			slog.Warn("metrics: consumer delay", "err", err)
		}
		delay[c.Name()] = max(delay[c.Name()], d)
	}
	for _, name := range names {
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(lag[name]), name)
		ch <- prometheus.MustNewConstMetric(delayDesc, prometheus.GaugeValue, delay[name].Seconds(), name)
	}
}
