package metrics_test

import (
	"slices"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/switchboard-chat/switchboard/internal/metrics"
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
