package event

import "github.com/prometheus/client_golang/prometheus"

var lagDesc = prometheus.NewDesc("switchboard_consumer_lag_events",
	"Events committed that a consumer of the event log has not yet handled or passed over (the newest event id this node heard of minus the consumer's cursor).",
	[]string{"consumer"}, nil)

// LagCollector reports switchboard_consumer_lag_events for every consumer
// woken by hub, at scrape time, without a query: a consumer added later
// is reported too.
func LagCollector(hub *Hub) prometheus.Collector { return lagCollector{hub} }

type lagCollector struct{ hub *Hub }

func (l lagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- lagDesc }

func (l lagCollector) Collect(ch chan<- prometheus.Metric) {
	// Two consumers of one name on one hub (tests build such nodes) share
	// a cursor: report the one further behind.
	lag := map[string]int64{}
	var names []string
	for _, c := range l.hub.Consumers() {
		if _, ok := lag[c.Name()]; !ok {
			names = append(names, c.Name())
		}
		lag[c.Name()] = max(lag[c.Name()], c.Lag())
	}
	for _, name := range names {
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(lag[name]), name)
	}
}
