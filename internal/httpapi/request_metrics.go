package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/switchboard-chat/switchboard/internal/metrics"
)

// requestObserver counts and times the node's answers for /metrics. The
// route label is the route table's pattern ("GET /api/v1/conversations/
// {conversationID}"), never the path, so ids do not multiply the series;
// a request no route matched is "unmatched" and the web app's pages are
// "app".
func requestObserver(m *metrics.Metrics) func(r *http.Request, status int, streamed bool, took time.Duration) {
	if m == nil {
		return nil
	}
	return func(r *http.Request, status int, streamed bool, took time.Duration) {
		route := routeLabel(r.Pattern)
		m.HTTPRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
		// A stream's duration is how long its client stayed, not how
		// fast the node answered.
		if !streamed {
			m.HTTPSeconds.WithLabelValues(route).Observe(took.Seconds())
		}
	}
}

func routeLabel(pattern string) string {
	switch pattern {
	case "":
		return "unmatched"
	case "/":
		return "app"
	}
	return pattern
}
