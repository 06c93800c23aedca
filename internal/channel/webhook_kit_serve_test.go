package channel

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/conversation"
	"github.com/switchboard-chat/switchboard/internal/metrics"
	"github.com/switchboard-chat/switchboard/internal/metrics/metricstest"
)

// Serve answers the provider only after receive returned (the store holds
// every item), counts what was stored, and answers a failed receive with
// its error alone: no "received" for what the store refused.
func TestServe(t *testing.T) {
	for _, c := range []struct {
		name       string
		err        error
		wantStatus int
		wantStored float64
		wantErrors float64
	}{
		{"stored", nil, http.StatusOK, 2, 0},
		{"refused", apperr.Unauthorized("bad signature"), http.StatusUnauthorized, 0, 1},
		{"the store failed", errors.New("disk full"), http.StatusInternalServerError, 0, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := metrics.New()
			k := WebhookKit{Type: "test", Metrics: m}
			received := false
			w := httptest.NewRecorder()
			k.Serve(w, httptest.NewRequest(http.MethodPost, "/webhooks/test/1", nil), func() (Delivery, error) {
				received = true
				items := []conversation.Inbound{{Kind: conversation.KindMessage}, {Kind: conversation.KindMessage}}
				results := []conversation.Received{{MessageID: 1}, {MessageID: 2}}
				return Delivery{Items: items, Results: results, Answer: func(w http.ResponseWriter) {
					if !received {
						t.Error("answered before receiving")
					}
					w.WriteHeader(http.StatusOK)
					w.Write([]byte("answer"))
				}}, c.err
			})
			if w.Code != c.wantStatus {
				t.Fatalf("status %d, want %d: %s", w.Code, c.wantStatus, w.Body)
			}
			if answered := w.Body.String() == "answer"; answered != (c.err == nil) {
				t.Errorf("the provider's answer written: %v, with error %v", answered, c.err)
			}
			if n := metricstest.Value(t, m, `switchboard_inbound_messages_total{channel="test",outcome="stored"}`); n != c.wantStored {
				t.Errorf("stored counted %v, want %v", n, c.wantStored)
			}
			if n := metricstest.Value(t, m, `switchboard_webhook_errors_total{channel="test",status="`+strconv.Itoa(c.wantStatus)+`"}`); n != c.wantErrors {
				t.Errorf("errors counted %v, want %v", n, c.wantErrors)
			}
		})
	}
}
