package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/db/dbtest"
	"github.com/switchboard-chat/switchboard/internal/httpapi"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
)

// Every answer is counted under its route's pattern (never the path, so
// ids do not make new series) and status, and timed unless it streams.
func TestRequestMetrics(t *testing.T) {
	m := metrics.New()
	f := newFixture(t, dbtest.Open(t, db.SQLite), func(d *httpapi.Deps) { d.Instruments = m })
	value := func(sample string) float64 { return metricstest.Value(t, m, sample) }

	for _, id := range []string{"999998", "999999"} {
		if code, body := f.do(t, scenario{method: "GET", path: "/api/v1/conversations/" + id, as: "owner"}); code != http.StatusNotFound {
			t.Fatalf("GET a missing conversation: %d %s", code, body)
		}
	}
	if code, body := f.do(t, scenario{method: "GET", path: "/api/v1/contacts", as: "owner"}); code != http.StatusOK {
		t.Fatalf("GET contacts: %d %s", code, body)
	}
	const conv = `route="GET /api/v1/conversations/{conversationID}"`
	for sample, want := range map[string]float64{
		`switchboard_http_requests_total{code="404",` + conv + `}`:                 2,
		`switchboard_http_requests_total{code="200",route="GET /api/v1/contacts"}`: 1,
		`switchboard_http_request_seconds_count{` + conv + `}`:                     2,
	} {
		if got := value(sample); got != want {
			t.Errorf("%s = %v, want %v", sample, got, want)
		}
	}

	// A live stream is counted when it ends, but its duration is the
	// client's stay, so it is not timed.
	s := f.streamAs(t, "agent", "", nil)
	s.close()
	f.srv.Close() // waits for the stream's handler to return
	const stream = `route="GET /api/v1/events/stream"`
	if got := value(`switchboard_http_requests_total{code="200",` + stream + `}`); got != 1 {
		t.Errorf("streams counted: %v, want 1", got)
	}
	if got := value(`switchboard_http_request_seconds_count{` + stream + `}`); got != 0 {
		t.Errorf("a stream was timed: %v", got)
	}
}
