package meta

import (
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// A 429 whose Retry-After is an HTTP date (RFC 9110 allows either form;
// a proxy set as the channel's graph_url may send it) is retried no
// sooner than that date, as a Retry-After in seconds is.
func TestRetryAfterAsAnHTTPDate(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	h := http.Header{}
	h.Set("Date", now.Format(http.TimeFormat))
	h.Set("Retry-After", now.Add(2*time.Minute).Format(http.TimeFormat))
	err := ClassifyResponse(http.StatusTooManyRequests, h, []byte(`{"error":{"message":"Too many calls","code":4}}`))
	if outbound.IsPermanent(err) {
		t.Fatalf("a 429 failed for good: %v", err)
	}
	if d, ok := outbound.RetryAfter(err); !ok || d != 2*time.Minute {
		t.Errorf("retry after %v (%v), want 2m", d, ok)
	}
}
