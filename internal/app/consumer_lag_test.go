package app_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/clock"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
)

// A node reports the lag of each of its event-log consumers in /metrics:
// none once its engines are idle.
func TestMetricsReportConsumerLag(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			a, _, _ := runNode(t, dialect, clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)))
			rec := httptest.NewRecorder()
			a.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
			for _, want := range []string{
				`switchboard_consumer_lag_events{consumer="routing"} 0`,
				`switchboard_consumer_lag_events{consumer="workflow"} 0`,
				`switchboard_consumer_lag_seconds{consumer="routing"} 0`,
				`switchboard_consumer_lag_seconds{consumer="workflow"} 0`,
			} {
				if !strings.Contains(rec.Body.String(), want+"\n") {
					t.Errorf("/metrics lacks %s", want)
				}
			}
		})
	}
}
